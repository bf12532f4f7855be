//! An email address, parsed once at the edge and normalised (trimmed, lower-cased).

use app::AppError;

/// A syntactically plausible, normalised email address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Trims, lower-cases and checks the shape `local@domain.tld`.
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        let email = raw.trim().to_lowercase();
        let invalid = || {
            AppError::new(
                422,
                "Invalid email",
                "Please enter a valid email address, like name@example.com.",
            )
        };
        if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid());
        }
        let (local, domain) = email.split_once('@').ok_or_else(invalid)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@');
        if local.is_empty() || local.len() > 64 || !domain_ok {
            return Err(invalid());
        }
        Ok(Self(email))
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_email_is_trimmed_and_lower_cased() {
        assert_eq!(
            Email::parse("  Ada@Example.COM ").expect("valid").as_str(),
            "ada@example.com"
        );
    }

    #[test]
    fn malformed_emails_are_refused_with_422() {
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a b@example.com",
            "a@b@c.com",
        ] {
            assert_eq!(Email::parse(bad).expect_err(bad).status, 422, "{bad}");
        }
    }
}
