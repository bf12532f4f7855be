use super::*;
use axum::http::HeaderValue;

fn with_auth(value: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.insert(header::AUTHORIZATION, value);
    }
    headers
}

fn kind_of(prefix: &str) -> Result<KeyKind, ApiError> {
    let headers = with_auth(&format!("Bearer {}", crate::key(prefix)));
    authenticate(&headers).map(|caller| caller.kind)
}

#[test]
fn key_prefixes_select_the_documented_kinds() {
    assert_eq!(kind_of("1234"), Ok(KeyKind::Live));
    assert_eq!(kind_of("dead"), Err(ApiError::UserNotFound));
    assert_eq!(kind_of("0402"), Ok(KeyKind::NoCredits));
    assert_eq!(kind_of("0429"), Ok(KeyKind::RateLimited));
    assert_eq!(kind_of("0a11"), Ok(KeyKind::Management));
    assert_eq!(kind_of("0401"), Ok(KeyKind::RevokedOnCalls));
}

#[test]
fn a_missing_or_empty_bearer_is_no_credentials() {
    assert_eq!(
        authenticate(&HeaderMap::new()).map(|c| c.kind),
        Err(ApiError::NoCredentials)
    );
    assert_eq!(
        authenticate(&with_auth("Bearer ")).map(|c| c.kind),
        Err(ApiError::NoCredentials)
    );
}

#[test]
fn a_malformed_key_is_user_not_found() {
    let headers = with_auth("Bearer sk-or-v1-not-a-key");
    assert_eq!(
        authenticate(&headers).map(|c| c.kind),
        Err(ApiError::UserNotFound)
    );
}

#[test]
fn error_markers_name_their_type_and_payment_spares_free_models() {
    let m = Markers::of("please FAKE_ERROR:payment_required now");
    assert_eq!(m.fake_error, Some(Typed::PaymentRequired));
    assert!(asked_failure(&m, "openai/gpt-4o-mini", &[], || false).is_some());
    assert!(asked_failure(&m, "z-ai/glm-4.5-air:free", &[], || false).is_none());
    let once = Markers::of("FAKE_ERROR_ONCE:rate_limit_exceeded");
    assert!(asked_failure(&once, "m", &[], || false).is_some());
    assert!(asked_failure(&once, "m", &[], || true).is_none());
    let huge = vec!["HUGE_CONTEXT".to_owned()];
    assert_eq!(
        asked_failure(&Markers::of("hi"), "m", &huge, || false),
        Some(ApiError::Typed(Typed::ContextLengthExceeded))
    );
    assert_eq!(Markers::of("FAKE_ERROR:nonsense").fake_error, None);
}

#[test]
fn special_model_ids_route_to_their_refusals() {
    assert_eq!(
        route_model("down/model").err(),
        Some(ApiError::ProviderDown)
    );
    assert_eq!(
        route_model("policy/model").err(),
        Some(ApiError::DataPolicy)
    );
    assert_eq!(
        route_model("redirect/model").err(),
        Some(ApiError::Redirect)
    );
    assert_eq!(
        route_model("nobody/knows").err(),
        Some(ApiError::InvalidModel("nobody/knows".into()))
    );
    assert!(route_model(crate::DEFAULT_MODEL).is_ok());
}

#[test]
fn a_failing_model_gives_way_to_the_next_and_the_last_refusal_wins() {
    let ok = route_models(&["down/model", "policy/model", "openai/gpt-4o"], false);
    assert_eq!(ok.map(|m| m.id).ok(), Some("openai/gpt-4o"));
    let forced = route_models(&["openai/gpt-4o-mini", "openai/gpt-4o"], true);
    assert_eq!(forced.map(|m| m.id).ok(), Some("openai/gpt-4o"));
    assert_eq!(
        route_models(&["down/model", "policy/model"], false).err(),
        Some(ApiError::DataPolicy)
    );
    assert_eq!(
        route_models(&["openai/gpt-4o-mini"], true).err(),
        Some(ApiError::ProviderDown)
    );
    assert_eq!(
        route_models(&["redirect/model", "openai/gpt-4o"], false).err(),
        Some(ApiError::Redirect),
        "a redirect is no model failure"
    );
}
