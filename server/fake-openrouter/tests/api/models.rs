//! `GET /api/v1/models`.

use serde_json::Value;

use crate::helpers::{expect_error, fake, get};

async fn models(path: &str) -> Vec<Value> {
    let fake = fake().await;
    let response = get(&fake, path, None).await;
    assert_eq!(response.status(), 200, "no key is needed");
    let body: Value = response.json().await.unwrap();
    body["data"].as_array().unwrap().clone()
}

#[tokio::test]
async fn models_have_string_pricing_and_include_a_free_one() {
    let models = models("/models").await;
    assert!(models.len() >= 3);
    for model in &models {
        assert!(model["id"].is_string());
        assert!(model["name"].is_string());
        assert!(model["context_length"].is_u64());
        assert!(model["pricing"]["prompt"].is_string(), "{model}");
        assert!(model["pricing"]["completion"].is_string(), "{model}");
    }
    let free: Vec<&Value> = models
        .iter()
        .filter(|m| m["id"].as_str().unwrap().ends_with(":free"))
        .collect();
    assert!(!free.is_empty());
    assert!(free.iter().all(|m| m["pricing"]["prompt"] == "0"));
    assert!(models
        .iter()
        .any(|m| m["id"] == fake_openrouter::DEFAULT_MODEL));
}

#[tokio::test]
async fn the_special_model_ids_are_not_listed() {
    let models = models("/models").await;
    for special in ["bad/model", "down/model", "policy/model", "redirect/model"] {
        assert!(models.iter().all(|m| m["id"] != special));
    }
}

#[tokio::test]
async fn models_can_be_filtered_by_supported_parameters() {
    let all = models("/models").await;
    let with_tools = models("/models?supported_parameters=tools").await;
    assert!(!with_tools.is_empty() && with_tools.len() < all.len());
    assert!(with_tools.iter().all(|m| m["supported_parameters"]
        .as_array()
        .unwrap()
        .contains(&"tools".into())));
}

#[tokio::test]
async fn a_revoked_key_is_refused_even_on_models() {
    let fake = fake().await;
    expect_error(get(&fake, "/models", Some("dead")).await, 401).await;
    assert_eq!(get(&fake, "/models", Some("abc1")).await.status(), 200);
}
