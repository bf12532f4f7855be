use super::*;

fn answer(body: &str) -> Option<Answer> {
    let request = ChatRequest::parse(body.as_bytes()).ok()?;
    let model = crate::catalogue::find(request.model_id())?;
    Some(Answer::to(&request, model))
}

#[test]
fn the_answer_is_about_the_last_user_message() {
    let body = r#"{"messages":[{"role":"user","content":"first"},
        {"role":"assistant","content":"x"},{"role":"user","content":"second one"}]}"#;
    let content = answer(body).map(|a| a.content).unwrap_or_default();
    assert!(content.starts_with("You asked: second one\n"), "{content}");
}

#[test]
fn the_system_messages_choose_the_kind_of_answer() {
    let body = r#"{"messages":[{"role":"system","content":"You are an expert go programmer."},
        {"role":"user","content":"Request: add two numbers"}]}"#;
    let content = answer(body).map(|a| a.content).unwrap_or_default();
    assert!(content.starts_with("```go\n// Add returns"), "{content}");
}

#[test]
fn usage_counts_the_answer_actually_given() {
    let body = r#"{"messages":[{"role":"user","content":"hello"}]}"#;
    let answer = answer(body);
    let chars = answer.as_ref().map_or(0, |a| a.content.chars().count());
    assert!(chars > 100);
    assert_eq!(answer.map(|a| a.completion_tokens), Some(tokens(chars)));
}

#[test]
fn parts_arrays_are_read_as_text() {
    let body = r#"{"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}]}"#;
    let content = answer(body).map(|a| a.content).unwrap_or_default();
    assert!(content.starts_with("You asked: hi\n"), "{content}");
}

#[test]
fn pieces_concatenate_back_to_the_content() {
    let body = r#"{"messages":[{"role":"user","content":"fn main() {\n  ok  }\n"}]}"#;
    let answer = answer(body);
    let pieces = answer.as_ref().map(Answer::pieces).unwrap_or_default();
    assert!(pieces.len() > 3);
    assert_eq!(Some(pieces.concat()), answer.map(|a| a.content));
}

#[test]
fn max_tokens_cuts_the_answer_with_finish_reason_length() {
    let body = r#"{"max_tokens":2,"messages":[{"role":"user","content":"a long prompt"}]}"#;
    let answer = answer(body);
    assert_eq!(answer.as_ref().map(|a| a.finish_reason), Some("length"));
    assert_eq!(answer.map(|a| a.content), Some("You aske".into()));
}

#[test]
fn candidates_are_the_model_then_the_fallbacks_once_each() {
    let request =
        ChatRequest::parse(br#"{"model":"a/x","models":["a/x","b/y","c/z","b/y"],"messages":[]}"#);
    assert_eq!(
        request.ok().map(|r| r.candidates().join(" ")),
        Some("a/x b/y c/z".to_owned())
    );
    let only_models = ChatRequest::parse(br#"{"models":["b/y","c/z"],"messages":[]}"#);
    assert_eq!(
        only_models.ok().map(|r| r.model_id().to_owned()),
        Some("b/y".into())
    );
}

#[test]
fn a_body_without_messages_or_prompt_is_refused() {
    assert!(matches!(
        ChatRequest::parse(br#"{"model":"openai/gpt-4o-mini"}"#),
        Err(ApiError::BadRequest(_))
    ));
}

#[test]
fn generation_ids_have_openrouters_shape() {
    let id = Generation::new().id;
    let parts: Vec<&str> = id.split('-').collect();
    assert_eq!(parts.len(), 3);
    assert_eq!(parts[0], "gen");
    assert!(parts[1].parse::<u64>().is_ok());
    assert_eq!(parts[2].len(), 20);
    assert!(parts[2].chars().all(|c| c.is_ascii_alphanumeric()));
}
