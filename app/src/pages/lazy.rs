//! The pages as lazily loaded routes. Built with `cargo leptos build --split`, each page's code
//! is cut out of the main WASM file into a chunk of its own (with chunks for code that pages
//! share), fetched when the page is first shown: the main file holds only the shell, the top
//! bar, the router and Leptos itself. Without `--split` (the debug build, the tests) a lazy
//! page is an ordinary one.
//!
//! Each page's view marks the body `data-hydrated` once it is live, so that a browser (and the
//! browser tests) can tell a hydrated page from one still waiting for its chunk.

use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

/// Sets `data-hydrated="true"` on the body once the view calling it runs in the browser
/// (effects never run on the server).
pub fn mark_hydrated() {
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}

/// A unit route type whose lazily loaded view is the page component `$page`.
macro_rules! lazy_page {
    ($(#[$doc:meta])* $route:ident => $page:ident) => {
        $(#[$doc])*
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(this: Self) -> AnyView {
                let _ = this;
                mark_hydrated();
                view! { <$page/> }.into_any()
            }
        }
    };
}

use super::home::HomePage;
use super::settings::SettingsPage;
use super::signin::SignInPage;
use super::signup::SignUpPage;
use super::studio::StudioPage;
use super::usage::UsagePage;
use super::workspace::WorkspacePage;

lazy_page!(
    /// `/`
    HomeRoute => HomePage
);
lazy_page!(
    /// `/signin`
    SignInRoute => SignInPage
);
lazy_page!(
    /// `/signup`
    SignUpRoute => SignUpPage
);
lazy_page!(
    /// `/settings`
    SettingsRoute => SettingsPage
);
lazy_page!(
    /// `/studio`
    StudioRoute => StudioPage
);
lazy_page!(
    /// `/studio/:workspace`
    WorkspaceRoute => WorkspacePage
);
lazy_page!(
    /// `/usage`
    UsageRoute => UsagePage
);
