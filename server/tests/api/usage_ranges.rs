//! `/api/user/usage?from=&to=`: any range a client sends is answered, never a panic.

use futures::future::join_all;
use serde_json::Value;

use crate::helpers::spawn_app;

#[tokio::test]
async fn extreme_reversed_and_huge_usage_ranges_get_a_422_naming_the_allowed_range() {
    let app = spawn_app().await;
    app.sign_up("dates@example.com").await;
    let queries = [
        "to=-262143-01-01",
        "to=-262144-01-01",
        "from=-262143-01-01",
        "to=262142-12-31",
        "from=262142-12-31",
        "from=-262143-01-01&to=262142-12-31",
        "from=1999-12-31&to=2000-01-01",
        "from=9999-12-31&to=%2B10000-01-01",
        "to=9999-12-31T23:59:59-23:59",
        "to=0000-01-01",
    ];
    let app = &app;
    let answers = join_all(queries.iter().map(|q| async move {
        let res = app.get(&app.client, &format!("/api/user/usage?{q}")).await;
        (res.status().as_u16(), res.json::<Value>().await.unwrap())
    }))
    .await;
    for (q, (status, body)) in queries.iter().zip(answers) {
        assert_eq!(status, 422, "{q}: {body}");
        assert_eq!(body["error"], "Invalid date range", "{q}");
        let message = body["message"].as_str().unwrap();
        assert!(
            message.contains("2000-01-01") && message.contains("9999-12-31"),
            "{q}: {message}"
        );
    }
}

#[tokio::test]
async fn reversed_and_overlong_usage_ranges_get_a_422_that_says_why() {
    let app = spawn_app().await;
    app.sign_up("dates@example.com").await;
    for (q, says) in [
        ("from=2026-11-30&to=2026-11-01", "after"),
        ("from=2000-01-01&to=9999-12-31", "366 days"),
        ("from=nope", "such as"),
    ] {
        let res = app.get(&app.client, &format!("/api/user/usage?{q}")).await;
        assert_eq!(res.status(), 422, "{q}");
        let body: Value = res.json().await.unwrap();
        assert!(
            body["message"].as_str().unwrap().contains(says),
            "{q}: {body}"
        );
    }
}

#[tokio::test]
async fn the_edges_of_the_allowed_range_are_answered() {
    let app = spawn_app().await;
    app.sign_up("dates@example.com").await;
    for q in [
        "from=2000-01-01&to=2000-12-31",
        "from=9999-01-01&to=9999-12-31",
        "to=2000-01-05",
    ] {
        let res = app.get(&app.client, &format!("/api/user/usage?{q}")).await;
        assert_eq!(res.status(), 200, "{q}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["totals"]["calls"], 0, "{q}");
    }
}

#[tokio::test]
async fn a_query_string_that_does_not_fit_gets_a_json_400() {
    let app = spawn_app().await;
    app.sign_up("dates@example.com").await;
    for q in ["from=2026-01-01&from=2026-01-02", "to=%FF%FE"] {
        let res = app.get(&app.client, &format!("/api/user/usage?{q}")).await;
        let status = res.status().as_u16();
        let body: Value = res.json().await.unwrap();
        assert!(status == 400 || status == 422, "{q}: {status} {body}");
        assert!(body["message"].is_string(), "{q}: {body}");
    }
}
