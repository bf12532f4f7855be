//! The top bar: a skip link, the brand, the main navigation (behind a "Menu" button on narrow
//! screens, closed again when a link in it is followed) and the account corner.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::user_menu::UserMenu;

/// The top bar; inside the router.
#[component]
pub fn TopBar() -> impl IntoView {
    let open = RwSignal::new(false);
    view! {
        <a class="skip-link" href="#main" on:click=skip_to_main>"Skip to content"</a>
        <header class="topbar" class:menu-open=move || open.get()>
            <a class="brand" href="/">"AiAppsy Web Studio"</a>
            <button type="button" class="nav-toggle button secondary" aria-controls="main-nav"
                aria-expanded=move || open.get().to_string() data-testid="nav-toggle"
                on:click=move |_| open.update(|o| *o = !*o)>
                "Menu"
            </button>
            // A link followed closes the menu (the click bubbles up from it).
            <nav id="main-nav" aria-label="Main" on:click=move |_| open.set(false)>
                <A href="/">"Home"</A>
                <A href="/studio">"Studio"</A>
                <A href="/usage">"Usage"</A>
                <A href="/settings">"Settings"</A>
            </nav>
            <UserMenu/>
        </header>
    }
}

/// Moves focus to the page's content. The router would take `#main` for a navigation, so the
/// link does it itself once the page is hydrated (before, the browser follows the fragment).
fn skip_to_main(ev: leptos::ev::MouseEvent) {
    ev.prevent_default();
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(main) = document()
            .get_element_by_id("main")
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = main.focus();
        }
    }
}
