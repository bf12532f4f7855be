//! The HTML document and the router.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, Lazy};

use crate::auth::AuthActions;
use crate::components::top_bar::TopBar;
use crate::pages::lazy::{
    HomeRoute, SettingsRoute, SignInRoute, SignUpRoute, StudioRoute, UsageRoute, WorkspaceRoute,
};
use crate::pages::not_found::NotFound;

/// The whole document, rendered on the server around [`App`].
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The application: navigation and pages.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    AuthActions::provide();
    view! {
        <Stylesheet id="leptos" href="/pkg/studio.css"/>
        <Title text="AiAppsy Web Studio"/>
        <Router>
            <TopBar/>
            <main id="main" tabindex="-1">
                <Routes fallback=NotFound>
                    // Each page's code loads with the page (`pages/lazy.rs`), which marks the
                    // body `data-hydrated` once it is live.
                    <Route path=path!("/") view={Lazy::<HomeRoute>::new()}/>
                    <Route path=path!("/signin") view={Lazy::<SignInRoute>::new()}/>
                    <Route path=path!("/signup") view={Lazy::<SignUpRoute>::new()}/>
                    <Route path=path!("/settings") view={Lazy::<SettingsRoute>::new()}/>
                    <Route path=path!("/studio") view={Lazy::<StudioRoute>::new()}/>
                    <Route path=path!("/studio/:workspace") view={Lazy::<WorkspaceRoute>::new()}/>
                    <Route path=path!("/usage") view={Lazy::<UsageRoute>::new()}/>
                </Routes>
            </main>
        </Router>
    }
}

/// Sends this page's CSP: scripts and styles only from the app itself or with this response's
/// nonce, WASM allowed to compile, nothing framed, no plugins.
#[cfg(feature = "ssr")]
fn set_content_security_policy() {
    use http::header::{HeaderValue, CONTENT_SECURITY_POLICY};
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    // "Connect with OpenRouter" posts a form whose answer redirects to OpenRouter's page, and
    // `form-action` also governs a form's redirects.
    let auth_origin = use_context::<crate::keys::connect::AuthOrigin>()
        .map(|o| format!(" {}", o.0))
        .unwrap_or_default();
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'nonce-{nonce}'; img-src 'self' data:; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'{auth_origin}"
    );
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response.insert_header(CONTENT_SECURITY_POLICY, value);
    }
}
