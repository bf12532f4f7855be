//! A request whose body the handler never reads (a GET with a body, a 401 before an upload)
//! still gets its whole answer, and the connection stays usable: the server drains the body
//! before answering instead of closing a socket with unread bytes, which the kernel answers with
//! a reset that destroys the end of the answer.

use crate::helpers::{client, spawn_app};

#[tokio::test]
async fn a_long_answer_to_a_request_whose_body_was_never_read_arrives_whole() {
    let app = spawn_app().await;
    let c = client();
    let expected = c
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(
        expected.len() > 20_000,
        "the document is long enough to be cut"
    );
    // 300 KB: more than the socket buffers hold, as the fuzz test's bodies were.
    let body = serde_json::json!({ "apiKey": "\n".repeat(150_000) }).to_string();
    for round in 0..20 {
        let res = c
            .get(app.url("/api/openapi.json"))
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await
            .unwrap_or_else(|e| panic!("round {round}: no answer: {e:?}"));
        assert_eq!(res.status(), 200, "round {round}");
        let got = res
            .bytes()
            .await
            .unwrap_or_else(|e| panic!("round {round}: the answer was cut off: {e:?}"));
        assert_eq!(got, expected, "round {round}: the whole document");
        let next = c.get(app.url("/health")).send().await;
        assert!(
            next.is_ok_and(|r| r.status() == 200),
            "round {round}: the next request on the connection is answered"
        );
    }
}

#[tokio::test]
async fn an_upload_refused_before_it_is_read_gets_its_answer() {
    let app = spawn_app().await;
    let c = client();
    // Signed out: 401 before the body is looked at.
    let body =
        serde_json::json!({ "messages": [{"role": "user", "content": "x".repeat(1_000_000)}] })
            .to_string();
    for round in 0..10 {
        let res = c
            .post(app.url("/api/ai/chat"))
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await
            .unwrap_or_else(|e| panic!("round {round}: no answer: {e:?}"));
        assert_eq!(res.status(), 401, "round {round}");
        let text = res
            .text()
            .await
            .unwrap_or_else(|e| panic!("round {round}: cut off: {e:?}"));
        assert!(text.contains("\"error\""), "round {round}: {text}");
    }
}
