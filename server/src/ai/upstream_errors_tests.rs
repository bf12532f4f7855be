use super::*;

fn status(status: u16, message: &str) -> UpstreamError {
    UpstreamError::Status {
        status,
        message: message.to_owned(),
        retry_after: None,
        limit_source: None,
        error_type: None,
    }
}

#[test]
fn each_upstream_status_has_its_own_message() {
    let cases = [
        (status(401, "User not found."), 400, "key_rejected"),
        (status(402, "Insufficient credits"), 402, "no_credits"),
        (status(429, "Rate limit exceeded"), 429, "rate_limited"),
        (
            status(400, "x/y is not a valid model ID"),
            422,
            "invalid_model",
        ),
        (
            status(404, "No endpoints found matching your data policy"),
            422,
            "data_policy",
        ),
        (status(502, "Provider returned error"), 502, "provider_down"),
        (status(503, "Service Unavailable"), 503, "provider_down"),
        (UpstreamError::Timeout, 504, "timeout"),
        (UpstreamError::Redirect, 502, "redirect"),
        (
            UpstreamError::TooLarge { limit: 1024 },
            502,
            "oversized_answer",
        ),
    ];
    for (e, code, kind) in cases {
        let m = classify(&e, "x/y");
        assert_eq!((m.error.status, m.kind), (code, kind), "{e:?}");
    }
}

#[test]
fn openrouters_words_are_not_passed_on() {
    let m = classify(&status(502, "secret upstream detail"), "x/y");
    assert!(!m.error.body.message.contains("secret"));
}

#[test]
fn messages_name_the_model_and_the_remedy() {
    let invalid = classify(
        &status(400, "bad/model is not a valid model ID"),
        "bad/model",
    );
    assert!(invalid.error.body.message.contains("\"bad/model\""));
    let policy = classify(
        &status(404, "No endpoints found matching your data policy"),
        "p/m",
    );
    assert!(policy
        .error
        .body
        .message
        .contains("openrouter.ai/settings/privacy"));
    let credits = classify(&status(402, "Insufficient credits"), "m");
    assert!(credits
        .error
        .body
        .message
        .contains("openrouter.ai/settings/credits"));
    let key = classify(&status(401, "User not found."), "m");
    assert!(key.key_rejected);
    assert!(key.error.body.message.contains("settings"));
}

#[test]
fn retry_after_is_passed_on() {
    let e = UpstreamError::Status {
        status: 429,
        message: "Rate limit exceeded".into(),
        retry_after: Some(60),
        limit_source: None,
        error_type: None,
    };
    assert_eq!(classify(&e, "m").error.body.retry_after, Some(60));
}
