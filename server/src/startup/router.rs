//! The router: the REST API, the Leptos pages and server functions, static files, and the
//! layers around them.

use std::sync::Arc;

use app::ports::BackendHandle;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::Router;
use http::header::{AUTHORIZATION, COOKIE, SET_COOKIE};
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::sensitive_headers::SetSensitiveRequestHeadersLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

use crate::auth::store::SeaOrmStore;
use crate::backend::StudioBackend;
use crate::config::Config;
use crate::routes;
use crate::state::AppState;
use crate::web::csrf;
use crate::web::guard;
use crate::web::headers::security_headers;
use crate::web::{dead_session, failure, panic, server_fn_status, unread_body};

/// The default request-body limit; routes set their own where they need another (16 KiB on the
/// key routes, 4 MiB on the AI routes).
const BODY_LIMIT: usize = 2 * 1024 * 1024;

pub(super) fn leptos_options(config: &Config) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("studio")
        .site_root(config.site_root.as_str())
        .site_pkg_dir("pkg")
        .site_addr(config.addr)
        .build()
}

/// Assembles every route: the REST API, the Leptos pages and server functions, static files,
/// and the layers around them (outermost last).
pub fn router(state: AppState) -> Router {
    let leptos_options = state.leptos_options.clone();
    app::server_fns::register_all();
    let routes = generate_route_list(app::App);
    let backend = BackendHandle(Arc::new(StudioBackend::new(state.clone())));
    let auth_origin = app::keys::connect::AuthOrigin(state.config.openrouter_auth_origin());
    let https = state.config.is_https();
    let store = SeaOrmStore::new(
        state.db.clone(),
        state.clock.clone(),
        state.session_policy.idle_secs,
        Arc::clone(&state.cache),
    );
    let sessions = SessionManagerLayer::new(store)
        .with_name(if https {
            crate::auth::session::SECURE_COOKIE
        } else {
            crate::auth::session::COOKIE
        })
        .with_secure(https)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(time::Duration::seconds(
            state.session_policy.idle_secs,
        )))
        .with_always_save(true);
    routes::router()
        .leptos_routes_with_context(
            &state,
            routes,
            move || {
                provide_context(backend.clone());
                provide_context(auth_origin.clone());
                leptos::nonce::provide_nonce();
            },
            move || app::shell(leptos_options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(
            app::shell,
        ))
        .layer(middleware::from_fn(server_fn_status::error_status))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            guard::require_sign_in,
        ))
        .layer(middleware::from_fn(dead_session::forget_dead_sessions))
        .layer(sessions)
        .layer(middleware::from_fn_with_state(
            panic::Classifier::from_registered_server_fns(),
            failure::no_bare_errors,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), csrf::csrf))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn_with_state(
            panic::Classifier::from_registered_server_fns(),
            panic::catch_panics,
        ))
        .layer(middleware::from_fn(unread_body::close_if_body_unread))
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn_with_state(
            crate::metrics::http::Counting {
                metrics: Arc::clone(&state.metrics),
                classifier: panic::Classifier::from_registered_server_fns(),
            },
            crate::metrics::http::count,
        ))
        // The path only: a query can carry what must not be logged (the connect callback's
        // code and state).
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &http::Request<_>| {
                tracing::debug_span!(
                    "request",
                    method = %req.method(),
                    path = %req.uri().path(),
                    version = ?req.version(),
                )
            }),
        )
        .layer(SetSensitiveRequestHeadersLayer::new([
            AUTHORIZATION,
            COOKIE,
            SET_COOKIE,
        ]))
        .with_state(state)
}
