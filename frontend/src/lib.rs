//! The WebAssembly entry point: hydrates the server-rendered page, and nothing else. Hydration
//! waits for the lazily loaded code of the page shown (`app::pages::lazy`).

use wasm_bindgen::prelude::wasm_bindgen;

/// Called by the hydration script that the server puts in every page.
#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_lazy(app::App);
}
