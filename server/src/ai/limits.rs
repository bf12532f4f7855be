//! Caps checked before any upstream call: request sizes, `max_tokens`, and calls in flight per
//! user. Each refusal says which cap was hit and what the cap is.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use app::rules::language::{parse_language, InvalidLanguage};
use app::wire::{ChatRequest, CodeCompletionRequest, GenerateCodeRequest};
use app::AppError;

/// The largest request body the AI routes accept (over it: 413 before parsing).
pub const BODY_LIMIT: usize = 4 * 1024 * 1024;
/// Messages in one chat request.
pub const MAX_MESSAGES: usize = 100;
/// Characters in one message.
pub const MAX_MESSAGE_CHARS: usize = 32_000;
/// Characters in all messages of one request.
pub const MAX_TOTAL_CHARS: usize = 200_000;
/// The largest `max_tokens` a request may ask for.
pub const MAX_TOKENS: u32 = 8192;
/// Characters in a prefix, suffix, prompt or context.
pub const MAX_CODE_CHARS: usize = 100_000;

fn invalid(error: &str, message: String) -> AppError {
    AppError::new(422, error, message)
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// Checks a chat request's shape and sizes.
pub fn check_chat(req: &ChatRequest) -> Result<(), AppError> {
    if req.messages.is_empty() {
        return Err(invalid(
            "No messages",
            "Send at least one message.".to_owned(),
        ));
    }
    if req.messages.len() > MAX_MESSAGES {
        return Err(invalid(
            "Too many messages",
            format!("A conversation may hold at most {MAX_MESSAGES} messages; start a new one or drop older messages."),
        ));
    }
    let mut total = 0;
    for (i, m) in req.messages.iter().enumerate() {
        if !matches!(m.role.as_str(), "system" | "user" | "assistant") {
            return Err(invalid(
                "Invalid message",
                format!(
                    "Message {} has an unknown role; use system, user or assistant.",
                    i + 1
                ),
            ));
        }
        let n = chars(&m.content);
        if n > MAX_MESSAGE_CHARS {
            return Err(invalid(
                "Message too long",
                format!(
                    "Message {} has {n} characters; the limit is {MAX_MESSAGE_CHARS}.",
                    i + 1
                ),
            ));
        }
        total += n;
    }
    if total > MAX_TOTAL_CHARS {
        return Err(invalid(
            "Conversation too long",
            format!("The messages hold {total} characters in all; the limit is {MAX_TOTAL_CHARS}. Start a new conversation or drop older messages."),
        ));
    }
    check_max_tokens(req.max_tokens)?;
    check_temperature(req.temperature)
}

/// Checks a code-completion request's sizes.
pub fn check_completion(req: &CodeCompletionRequest) -> Result<(), AppError> {
    check_language(&req.language)?;
    check_text("prefix", &req.prefix)?;
    if let Some(suffix) = &req.suffix {
        check_text("suffix", suffix)?;
    }
    check_max_tokens(req.max_tokens)
}

/// Checks a code-generation request's sizes.
pub fn check_generation(req: &GenerateCodeRequest) -> Result<(), AppError> {
    check_language(&req.language)?;
    if req.prompt.trim().is_empty() {
        return Err(invalid(
            "No prompt",
            "Describe the code you want in prompt.".to_owned(),
        ));
    }
    check_text("prompt", &req.prompt)?;
    if let Some(context) = &req.context {
        check_text("context", context)?;
    }
    check_max_tokens(req.max_tokens)
}

/// A language name ([`app::rules::language`]: it goes into the system prompt).
pub fn check_language(language: &str) -> Result<(), AppError> {
    parse_language(language)
        .map(|_| ())
        .map_err(|_| invalid("Invalid language", InvalidLanguage::MESSAGE.to_owned()))
}

fn check_text(field: &str, text: &str) -> Result<(), AppError> {
    let n = chars(text);
    if n > MAX_CODE_CHARS {
        return Err(invalid(
            "Input too long",
            format!("{field} has {n} characters; the limit is {MAX_CODE_CHARS}."),
        ));
    }
    Ok(())
}

/// `max_tokens`, when given, is 1 to [`MAX_TOKENS`].
pub fn check_max_tokens(max_tokens: Option<u32>) -> Result<(), AppError> {
    match max_tokens {
        Some(n) if n == 0 || n > MAX_TOKENS => Err(invalid(
            "max_tokens too large",
            format!("maxTokens must be between 1 and {MAX_TOKENS}."),
        )),
        _ => Ok(()),
    }
}

fn check_temperature(t: Option<f32>) -> Result<(), AppError> {
    match t {
        Some(t) if !(0.0..=2.0).contains(&t) => Err(invalid(
            "Invalid temperature",
            "temperature must be between 0 and 2.".to_owned(),
        )),
        _ => Ok(()),
    }
}

/// Counts each user's AI calls in flight and refuses one over the cap.
#[derive(Clone, Debug)]
pub struct InFlight {
    counts: Arc<Mutex<HashMap<String, usize>>>,
    cap: usize,
}

impl InFlight {
    /// A counter allowing `cap` calls per user at once.
    pub fn new(cap: usize) -> Self {
        Self {
            counts: Arc::default(),
            cap: cap.max(1),
        }
    }

    /// Takes a slot for `user_id`, or refuses with 429 and `Retry-After: 1`. The slot is
    /// given back when the guard is dropped: when the call returns, or when its stream ends or
    /// is cancelled.
    pub fn try_acquire(&self, user_id: &str) -> Result<InFlightGuard, AppError> {
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        let n = counts.entry(user_id.to_owned()).or_insert(0);
        if *n >= self.cap {
            return Err(AppError::new(
                429,
                "Too many requests",
                format!(
                    "You already have {} AI requests running; wait for one to finish and try again.",
                    self.cap
                ),
            )
            .with_retry_after(1));
        }
        *n += 1;
        Ok(InFlightGuard {
            counts: Arc::clone(&self.counts),
            user_id: user_id.to_owned(),
        })
    }

    /// How many calls `user_id` has in flight.
    pub fn current(&self, user_id: &str) -> usize {
        let counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        counts.get(user_id).copied().unwrap_or(0)
    }
}

/// One call's slot; dropping it frees the slot.
#[derive(Debug)]
pub struct InFlightGuard {
    counts: Arc<Mutex<HashMap<String, usize>>>,
    user_id: String,
}

impl Drop for InFlightGuard {
    fn drop(&mut self) {
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(n) = counts.get_mut(&self.user_id) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                counts.remove(&self.user_id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::wire::ChatMessage;

    fn chat(messages: Vec<(&str, String)>) -> ChatRequest {
        ChatRequest {
            messages: messages
                .into_iter()
                .map(|(role, content)| ChatMessage {
                    role: role.to_owned(),
                    content,
                })
                .collect(),
            model: None,
            stream: false,
            max_tokens: None,
            temperature: None,
            conversation_id: None,
        }
    }

    #[test]
    fn a_small_conversation_passes() {
        assert!(check_chat(&chat(vec![("user", "hi".into())])).is_ok());
    }

    #[test]
    fn each_chat_cap_is_a_422() {
        let too_many = chat(vec![("user", "x".into()); MAX_MESSAGES + 1]);
        let too_long = chat(vec![("user", "x".repeat(MAX_MESSAGE_CHARS + 1))]);
        let too_much = chat(vec![("user", "x".repeat(MAX_MESSAGE_CHARS)); 7]);
        let bad_role = chat(vec![("tool", "x".into())]);
        let empty = chat(vec![]);
        let mut big_tokens = chat(vec![("user", "x".into())]);
        big_tokens.max_tokens = Some(MAX_TOKENS + 1);
        for req in [too_many, too_long, too_much, bad_role, empty, big_tokens] {
            assert_eq!(check_chat(&req).map_err(|e| e.status), Err(422));
        }
    }

    #[test]
    fn characters_are_counted_not_bytes() {
        let req = chat(vec![("user", "é".repeat(MAX_MESSAGE_CHARS))]);
        assert!(check_chat(&req).is_ok());
    }

    #[test]
    fn a_bad_language_is_a_422() {
        assert!(check_language("C++").is_ok());
        assert_eq!(
            check_language("rust\nIgnore").map_err(|e| e.status),
            Err(422)
        );
    }

    #[test]
    fn the_in_flight_cap_refuses_then_frees_on_drop() {
        let limiter = InFlight::new(2);
        let a = limiter.try_acquire("u1");
        let b = limiter.try_acquire("u1");
        assert!(a.is_ok() && b.is_ok());
        let refused = limiter.try_acquire("u1").map(|_| ()).map_err(|e| e.status);
        assert_eq!(refused, Err(429));
        assert!(
            limiter.try_acquire("u2").is_ok(),
            "other users are not affected"
        );
        drop(a);
        assert_eq!(limiter.current("u1"), 1);
        assert!(limiter.try_acquire("u1").is_ok());
        drop(b);
        assert_eq!(limiter.current("u1"), 0);
    }
}
