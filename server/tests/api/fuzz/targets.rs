//! What the fuzzer aims at: the REST routes, the registered server functions and the pages.

/// The REST API, as `server/src/routes` registers it (`openapi.rs` checks that its document
/// lists exactly these).
pub const REST: &[(&str, &str)] = &[
    ("POST", "/api/auth/signup"),
    ("POST", "/api/auth/signin"),
    ("POST", "/api/auth/signout"),
    ("POST", "/api/auth/password"),
    ("GET", "/api/auth/session"),
    ("GET", "/api/auth/sessions"),
    ("DELETE", "/api/auth/sessions/{id}"),
    ("GET", "/api/user/api-key"),
    ("POST", "/api/user/api-key"),
    ("DELETE", "/api/user/api-key"),
    ("GET", "/api/user/api-key/events"),
    ("GET", "/api/user/api-key/health"),
    // Browser redirects: the start answers 303 to OpenRouter, the callback 303 to settings.
    ("POST", "/api/user/api-key/connect"),
    ("GET", "/api/user/api-key/connect/callback"),
    ("GET", "/api/user/usage"),
    ("GET", "/api/user/usage.csv"),
    ("GET", "/api/user/spend-limit"),
    ("PUT", "/api/user/spend-limit"),
    ("DELETE", "/api/user/spend-limit"),
    ("GET", "/api/user/model-preferences"),
    ("PUT", "/api/user/model-preferences"),
    ("POST", "/api/ai/chat"),
    ("POST", "/api/ai/code-completion"),
    ("POST", "/api/ai/generate-code"),
    ("GET", "/api/ai/models"),
    ("GET", "/api/workspaces/{id}/conversations"),
    ("POST", "/api/workspaces/{id}/conversations"),
    ("GET", "/api/conversations/{id}"),
    ("PATCH", "/api/conversations/{id}"),
    ("DELETE", "/api/conversations/{id}"),
    ("DELETE", "/api/conversations/{id}/turns"),
    ("GET", "/api/openapi.json"),
    ("GET", "/health"),
    ("GET", "/ready"),
];

/// One route, server function or page: a method and a path whose `{param}`s are filled in.
#[derive(Debug, Clone)]
pub(super) struct Target {
    pub(super) method: String,
    pub(super) path: String,
}

/// Every target: the REST routes, the server functions the app registered, and the pages of
/// its router.
pub(super) fn targets() -> Vec<Target> {
    let mut all: Vec<Target> = REST
        .iter()
        .map(|(m, p)| Target {
            method: (*m).to_owned(),
            path: (*p).to_owned(),
        })
        .collect();
    app::server_fns::register_all();
    let fns: Vec<Target> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, method)| Target {
            method: method.to_string(),
            path: path.to_owned(),
        })
        .collect();
    assert!(
        fns.len() >= 20,
        "the server functions are registered: {fns:?}"
    );
    all.extend(fns);
    let pages = leptos_axum::generate_route_list(app::App);
    assert!(pages.len() >= 7, "the pages are listed");
    all.extend(pages.iter().map(|p| Target {
        method: "GET".to_owned(),
        path: p.path().to_owned(),
    }));
    all
}
