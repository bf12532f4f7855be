//! Configured delays and the `SLOW` marker.

use std::time::{Duration, Instant};

use fake_openrouter::FakeConfig;

use crate::helpers::{bearer, chat_body, client_builder, fake, fake_with, post_chat};

#[tokio::test]
async fn first_byte_delay_holds_a_non_streaming_answer() {
    let fake = fake_with(FakeConfig {
        first_byte_delay: Duration::from_millis(300),
        ..FakeConfig::default()
    })
    .await;
    let started = Instant::now();
    let response = post_chat(&fake, "abc1", &chat_body(None, "hi", false)).await;
    assert_eq!(response.status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn chunk_delay_paces_a_stream() {
    let fake = fake_with(FakeConfig {
        chunk_delay: Duration::from_millis(40),
        ..FakeConfig::default()
    })
    .await;
    let started = Instant::now();
    // The answer quotes the 5 words among many more: well over 6 content chunks, plus the
    // finish chunk, so at least 7 delays.
    let response = post_chat(
        &fake,
        "abc1",
        &chat_body(None, "one two three four five", true),
    )
    .await;
    let _ = response.text().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(7 * 40));
}

#[tokio::test]
async fn a_slow_prompt_makes_a_client_with_a_short_timeout_time_out() {
    let fake = fake().await;
    let impatient = client_builder()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let error = impatient
        .post(format!("{}/chat/completions", fake.base_url()))
        .header("authorization", bearer("abc1"))
        .json(&chat_body(None, "take it SLOW", true))
        .send()
        .await
        .expect_err("the fake holds the answer for ten minutes");
    assert!(error.is_timeout());
}

#[tokio::test]
async fn a_slow_prompt_does_not_hold_up_other_requests() {
    let fake = fake().await;
    let slow_client = client_builder().build().unwrap();
    let url = format!("{}/chat/completions", fake.base_url());
    let slow = tokio::spawn(
        slow_client
            .post(url)
            .header("authorization", bearer("abc1"))
            .json(&chat_body(None, "SLOW", false))
            .send(),
    );
    tokio::time::sleep(Duration::from_millis(50)).await;
    let started = Instant::now();
    let quick = post_chat(&fake, "abc2", &chat_body(None, "quick", false)).await;
    assert_eq!(quick.status(), 200);
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(!slow.is_finished());
    slow.abort();
}

#[tokio::test]
async fn a_short_slow_delay_answers_after_it() {
    let fake = fake_with(FakeConfig {
        slow_delay: Duration::from_millis(200),
        ..FakeConfig::default()
    })
    .await;
    let started = Instant::now();
    let response = post_chat(&fake, "abc1", &chat_body(None, "SLOW please", false)).await;
    assert_eq!(response.status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(200));
}

#[tokio::test]
async fn with_no_delays_an_answer_is_quick() {
    let fake = fake().await;
    let started = Instant::now();
    for _ in 0..20 {
        let response = post_chat(&fake, "abc1", &chat_body(None, "hi", false)).await;
        assert_eq!(response.status(), 200);
    }
    assert!(started.elapsed() < Duration::from_secs(5));
}
