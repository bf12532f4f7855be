//! "Connect with OpenRouter" in the UI: the outcomes the callback names in
//! `/settings?connect=<outcome>`, worded for people, and the origin the page's CSP must let a
//! form be sent to (the start route answers a redirect to OpenRouter's authorisation page, and
//! `form-action` covers the redirects of a form submission).

/// The origin of `OPENROUTER_AUTH_URL` (`https://openrouter.ai`), provided by the server as
/// context so the page's `form-action` allows the start's redirect to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthOrigin(pub String);

/// What the settings page says about `outcome`: whether it went well, and the sentence.
pub fn outcome_message(outcome: &str) -> Option<(bool, &'static str)> {
    Some(match outcome {
        "connected" => (
            true,
            "Connected with OpenRouter: the key it made for you was checked and stored encrypted, like a pasted key.",
        ),
        "missing_state" => (
            false,
            "OpenRouter did not send an approval back, so the connection did not finish. Nothing was stored; please try again.",
        ),
        "unknown_state" => (
            false,
            "That OpenRouter approval was not started in this session, or was already used. Nothing was stored; please start again.",
        ),
        "foreign_state" => (
            false,
            "That OpenRouter approval belongs to another connection attempt, so it was refused. Nothing was stored; please start again from this page.",
        ),
        "expired" => (
            false,
            "The connection took longer than 10 minutes and expired. Nothing was stored; please start again.",
        ),
        "exchange_refused" => (
            false,
            "OpenRouter refused to hand over the key (the approval was invalid, already used or expired). Nothing was stored; please try again.",
        ),
        "unreachable" => (
            false,
            "We could not reach OpenRouter to finish connecting. Nothing was stored; please try again in a moment.",
        ),
        "key_rejected" => (
            false,
            "OpenRouter handed back a key that it then rejected. Nothing was stored; check your keys at openrouter.ai/settings/keys and try again.",
        ),
        "management_key" => (
            false,
            "OpenRouter handed back a management key, which cannot run completions. Nothing was stored.",
        ),
        "rate_limited" => (
            false,
            "Too many key checks in the last hour. Nothing was stored; please try again later.",
        ),
        "signed_out" => (
            false,
            "Your session ended before OpenRouter sent you back. Nothing was stored; please connect again.",
        ),
        "failed" => (
            false,
            "Something went wrong while connecting with OpenRouter. Nothing was stored; please try again.",
        ),
        _ => return None,
    })
}

/// How the key log names an entry's kind.
pub fn event_label(kind: &str) -> &str {
    match kind {
        "connected" => "connected via OpenRouter",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_outcome_the_server_names_has_its_own_sentence() {
        let outcomes = [
            "connected",
            "missing_state",
            "unknown_state",
            "foreign_state",
            "expired",
            "exchange_refused",
            "unreachable",
            "key_rejected",
            "management_key",
            "rate_limited",
            "signed_out",
            "failed",
        ];
        let mut seen = std::collections::BTreeSet::new();
        for o in outcomes {
            let (ok, text) = outcome_message(o).unwrap_or((false, ""));
            assert_eq!(ok, o == "connected", "{o}");
            assert!(
                o == "connected" || text.contains("Nothing was stored"),
                "{o}"
            );
            assert!(seen.insert(text), "{o} has its own sentence");
        }
        assert_eq!(outcome_message("<script>"), None);
    }
}
