//! The assistant's recoveries instead of dead ends: after a failed answer it offers the one
//! that fits ([`recovery_for`]): a free model after a 402, a countdown from `Retry-After` and
//! one automatic retry after a 429, "Continue" after an answer broke mid-stream (the partial
//! text is kept), dropping the oldest turns after a context-length error.

use leptos::prelude::*;

/// What the assistant offers after a failed answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recovery {
    /// Out of credits (402): send the same prompt again with a free model.
    FreeModel,
    /// Rate limited (429): seconds left before the one automatic retry.
    Countdown(u32),
    /// The answer broke after some text arrived: ask the model to go on.
    Continue,
    /// The conversation is longer than the model reads: drop the oldest turns and retry.
    DropOldest,
}

/// The longest countdown the assistant waits through by itself.
pub const MAX_COUNTDOWN_SECS: u32 = 300;

/// The recovery for a failure of `kind` (the error body's `kind`), with the server's
/// `retry_after`, when `partial` text had already arrived; `retried` says the automatic retry
/// was already spent.
pub fn recovery_for(
    kind: Option<&str>,
    retry_after: Option<u32>,
    partial: bool,
    retried: bool,
) -> Option<Recovery> {
    if partial {
        return Some(Recovery::Continue);
    }
    match kind? {
        "payment_required" => Some(Recovery::FreeModel),
        "rate_limit_exceeded" if !retried => retry_after
            .filter(|s| (1..=MAX_COUNTDOWN_SECS).contains(s))
            .map(Recovery::Countdown),
        "context_length_exceeded" => Some(Recovery::DropOldest),
        _ => None,
    }
}

/// How many of `turns` turns (oldest first, the last one the user's prompt) to drop so that
/// the oldest half of the earlier conversation goes, whole exchanges at a time.
pub fn oldest_to_drop(turns: usize) -> usize {
    let earlier = turns.saturating_sub(1);
    let half = earlier.div_ceil(2);
    // Whole exchanges (a prompt and its answer), at least one.
    (half + half % 2).clamp(2.min(earlier), earlier)
}

/// The offer itself: a button, or the countdown. `act` runs the chosen recovery.
#[component]
pub fn RecoveryBar(
    recovery: RwSignal<Option<Recovery>>,
    #[prop(into)] act: Callback<Recovery>,
) -> impl IntoView {
    move || {
        recovery.get().map(|r| {
            let (label, testid) = match r {
                Recovery::FreeModel => ("Retry with a free model", "retry-free"),
                Recovery::Continue => ("Continue", "continue-answer"),
                Recovery::DropOldest => ("Drop the oldest turns and retry", "drop-oldest"),
                Recovery::Countdown(n) => {
                    return view! {
                        <div class="recovery" role="status" data-testid="retry-countdown">
                            {format!("Retrying in {n} s…")}
                        </div>
                    }
                    .into_any()
                }
            };
            view! {
                <div class="recovery">
                    <button type="button" class="button" data-testid=testid on:click=move |_| act.run(r)>
                        {label}
                    </button>
                </div>
            }
            .into_any()
        })
    }
}

/// The id of a free model the caller may use (`:free`, or priced at zero), from
/// `GET /api/ai/models`.
pub async fn free_model() -> Option<String> {
    let list = crate::components::model_picker::models().await?;
    list.models
        .into_iter()
        .find(|m| {
            m.id.ends_with(":free")
                || m.pricing
                    .as_ref()
                    .is_some_and(|p| p.prompt == "0" && p.completion == "0")
        })
        .map(|m| m.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_failure_gets_its_recovery() {
        assert_eq!(
            recovery_for(Some("payment_required"), None, false, false),
            Some(Recovery::FreeModel)
        );
        assert_eq!(
            recovery_for(Some("rate_limit_exceeded"), Some(3), false, false),
            Some(Recovery::Countdown(3))
        );
        assert_eq!(
            recovery_for(Some("rate_limit_exceeded"), Some(3), false, true),
            None,
            "one retry only"
        );
        assert_eq!(
            recovery_for(Some("rate_limit_exceeded"), None, false, false),
            None
        );
        assert_eq!(
            recovery_for(Some("context_length_exceeded"), None, false, false),
            Some(Recovery::DropOldest)
        );
        assert_eq!(
            recovery_for(Some("server"), None, true, false),
            Some(Recovery::Continue)
        );
        assert_eq!(
            recovery_for(Some("authentication"), None, false, false),
            None
        );
        assert_eq!(recovery_for(None, None, false, false), None);
    }

    #[test]
    fn dropping_takes_whole_exchanges_and_keeps_the_prompt() {
        assert_eq!(oldest_to_drop(1), 0);
        assert_eq!(oldest_to_drop(3), 2);
        assert_eq!(oldest_to_drop(5), 2);
        assert_eq!(oldest_to_drop(7), 4);
    }
}
