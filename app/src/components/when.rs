//! A time as people read it: "3 minutes ago", with the exact time in the browser's time zone
//! on hover. The server renders the exact time in UTC; the browser replaces it once hydrated.

use leptos::prelude::*;

use crate::rules::words;

/// `at` (RFC 3339) as a `<time>`.
#[component]
pub fn When(#[prop(into)] at: String) -> impl IntoView {
    let exact = words::exact_utc(&at);
    let shown = RwSignal::new(exact.clone());
    let title = RwSignal::new(exact);
    #[cfg(feature = "hydrate")]
    {
        let at = at.clone();
        Effect::new(move |_| {
            if let Some((relative, local)) = in_this_browser(&at) {
                shown.set(relative);
                title.set(local);
            }
        });
    }
    view! {
        <time datetime=at title=move || title.get()>{move || shown.get()}</time>
    }
}

/// `at` relative to now, and exact in the browser's time zone and language.
#[cfg(feature = "hydrate")]
fn in_this_browser(at: &str) -> Option<(String, String)> {
    // Seconds and zone only: JavaScript's parser does not promise to read nanoseconds.
    let seconds = at.get(..19)?;
    let zone = at
        .rfind(['+', 'Z'])
        .filter(|i| *i >= 19)
        .and_then(|i| at.get(i..))
        .or_else(|| {
            at.get(19..)
                .and_then(|rest| rest.rfind('-').map(|i| &rest[i..]))
        })
        .unwrap_or("Z");
    let ms = js_sys::Date::parse(&format!("{seconds}{zone}"));
    if ms.is_nan() {
        return None;
    }
    let elapsed = ((js_sys::Date::now() - ms) / 1000.0) as i64;
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
    let local = String::from(date.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED));
    Some((words::ago(elapsed), local))
}
