//! What OpenRouter reported about a key (`GET /key`), mapped once: from OpenRouter's answer to
//! the wire shape ([`OpenRouterFacts`], with the mask in place of OpenRouter's label), and
//! between that shape and the columns kept beside the ciphertext. Reads never decrypt.

use sea_orm::ActiveValue::Set;

use app::wire::OpenRouterFacts;

use crate::entities::user_api_key;
use crate::openrouter::types::KeyInfo;
use crate::vault::key::mask;

/// The columns that hold the facts (rewritten whole by every save).
pub(crate) const COLUMNS: [user_api_key::Column; 7] = [
    user_api_key::Column::OrLabel,
    user_api_key::Column::OrLimit,
    user_api_key::Column::OrLimitRemaining,
    user_api_key::Column::OrLimitReset,
    user_api_key::Column::OrUsage,
    user_api_key::Column::OrIsFreeTier,
    user_api_key::Column::OrExpiresAt,
];

/// OpenRouter's answer for the key ending in `last6`. Its label (`sk-or-v1-abc...def`) carries
/// hex digits the mask does not show: the mask takes its place.
pub(crate) fn from_key_info(info: &KeyInfo, last6: &str) -> OpenRouterFacts {
    OpenRouterFacts {
        label: info.label.as_ref().map(|_| mask(last6)),
        limit: info.limit,
        limit_remaining: info.limit_remaining,
        limit_reset: info.limit_reset.clone(),
        usage: info.usage,
        is_free_tier: info.is_free_tier,
        expires_at: info.expires_at.clone(),
    }
}

/// Writes `facts` into a row about to be stored.
pub(crate) fn set_on(row: &mut user_api_key::ActiveModel, facts: OpenRouterFacts) {
    row.or_label = Set(facts.label);
    row.or_limit = Set(facts.limit);
    row.or_limit_remaining = Set(facts.limit_remaining);
    row.or_limit_reset = Set(facts.limit_reset);
    row.or_usage = Set(facts.usage);
    row.or_is_free_tier = Set(facts.is_free_tier);
    row.or_expires_at = Set(facts.expires_at);
}

/// The facts a stored row holds. The label is the mask, never OpenRouter's label, even for a row
/// stored before labels were replaced.
pub(crate) fn of_row(r: &user_api_key::Model) -> OpenRouterFacts {
    OpenRouterFacts {
        label: r.or_label.as_ref().map(|_| mask(&r.last6)),
        limit: r.or_limit,
        limit_remaining: r.or_limit_remaining,
        limit_reset: r.or_limit_reset.clone(),
        usage: r.or_usage,
        is_free_tier: r.or_is_free_tier,
        expires_at: r.or_expires_at.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openrouters_label_is_replaced_by_the_mask() {
        let info = KeyInfo {
            label: Some("sk-or-v1-012...def".into()),
            limit: Some(10.0),
            limit_remaining: Some(7.5),
            limit_reset: Some("monthly".into()),
            usage: Some(2.5),
            is_free_tier: Some(false),
            expires_at: Some("2027-01-01T00:00:00Z".into()),
            ..KeyInfo::default()
        };
        let facts = from_key_info(&info, "abc123");
        assert_eq!(facts.label.as_deref(), Some("sk-*******************abc123"));
        assert_eq!(facts.limit_remaining, Some(7.5));
        assert_eq!(facts.limit_reset.as_deref(), Some("monthly"));
        assert_eq!(from_key_info(&KeyInfo::default(), "abc123").label, None);
    }
}
