//! Key-vault server functions, their port and their registration. The key travels to the server
//! once, inside a [`Redacted`], and nothing the server sends back contains it.

use leptos::prelude::*;

pub mod connect;
pub mod format;

use crate::error::AppError;
use crate::wire::{ApiKeyEventPage, ApiKeyStatus, KeyHealth, Redacted};

#[cfg(feature = "ssr")]
use crate::ports::run;
/// The caller's key status.
#[server(endpoint = "key_status")]
pub async fn key_status() -> Result<ApiKeyStatus, AppError> {
    let (backend, req) = crate::ports::backend()?;
    run(backend.key_status(&req)).await
}

/// Saves a key; answers with the new status (the mask), never the key.
#[server(endpoint = "save_key")]
pub async fn save_key(api_key: Redacted) -> Result<ApiKeyStatus, AppError> {
    let (backend, req) = crate::ports::backend()?;
    run(async {
        backend.save_key(&req, api_key).await?;
        backend.key_status(&req).await
    })
    .await
}

/// Removes the caller's key.
#[server(endpoint = "remove_key")]
pub async fn remove_key() -> Result<(), AppError> {
    let (backend, req) = crate::ports::backend()?;
    run(backend.remove_key(&req)).await
}

/// What may soon stop the caller's key: the banners' problems and the key's OpenRouter page.
#[server(endpoint = "key_health")]
pub async fn fetch_key_health() -> Result<KeyHealth, AppError> {
    let (backend, req) = crate::ports::backend()?;
    run(backend.key_health(&req)).await
}

/// A page of the caller's key log.
#[server(endpoint = "key_events")]
pub async fn key_events(page: u32) -> Result<ApiKeyEventPage, AppError> {
    let (backend, req) = crate::ports::backend()?;
    run(backend.key_events(&req, page)).await
}

/// The format check the browser runs while the user types ([`format::check`], the same rule
/// the server parses keys with).
pub fn format_hint(input: &str) -> Option<&'static str> {
    format::check(input)
        .err()
        .and_then(format::KeyFormatError::hint)
}

/// The server side of this file: the port `server` implements, and the registration list.
#[cfg(feature = "ssr")]
pub mod ssr {
    use http::request::Parts;
    use leptos::server_fn::axum::register_explicit;

    use super::{FetchKeyHealth, KeyEvents, KeyStatus, RemoveKey, SaveKey};
    use crate::error::AppError;
    use crate::wire::{ApiKeyEventPage, ApiKeyStatus, KeyHealth, Redacted};

    /// The key-vault use cases the UI reaches.
    #[async_trait::async_trait]
    pub trait KeysPort: Send + Sync + 'static {
        /// The caller's key status (mask and facts; never the key).
        async fn key_status(&self, req: &Parts) -> Result<ApiKeyStatus, AppError>;
        /// Verifies, encrypts and stores a key for the caller.
        async fn save_key(&self, req: &Parts, api_key: Redacted) -> Result<(), AppError>;
        /// Removes the caller's key.
        async fn remove_key(&self, req: &Parts) -> Result<(), AppError>;
        /// What may soon stop the caller's key.
        async fn key_health(&self, req: &Parts) -> Result<KeyHealth, AppError>;
        /// A page of the caller's key log.
        async fn key_events(&self, req: &Parts, page: u32) -> Result<ApiKeyEventPage, AppError>;
    }

    /// Registers this file's server functions.
    pub fn register() {
        register_explicit::<KeyStatus>();
        register_explicit::<SaveKey>();
        register_explicit::<RemoveKey>();
        register_explicit::<KeyEvents>();
        register_explicit::<FetchKeyHealth>();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_typing_hint_explains_what_is_wrong() {
        let good = format!("sk-or-v1-{}", "a1".repeat(32));
        assert_eq!(format_hint(&good), None);
        assert_eq!(format_hint(""), None);
        assert!(format_hint("sk-abc").is_some_and(|h| h.contains("start with")));
        assert!(format_hint("sk-or-v1-abc").is_some_and(|h| h.contains("Too short")));
        assert!(format_hint(&good.to_uppercase().replace("SK-OR-V1-", "sk-or-v1-")).is_some());
    }

    #[test]
    fn the_save_key_arguments_never_print_the_key() {
        let key = format!("sk-or-v1-{}", "ab12".repeat(16));
        let args = SaveKey {
            api_key: Redacted(key.clone()),
        };
        let printed = format!("{args:?} {:?}", args.api_key);
        assert!(!printed.contains(&key[9..]), "{printed}");
        assert!(printed.contains("[REDACTED]"), "{printed}");
        let json = serde_json::to_string(&args.api_key).unwrap_or_default();
        assert_eq!(
            json,
            format!("\"{key}\""),
            "it still travels as a plain string"
        );
    }
}
