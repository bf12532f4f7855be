use leptos::prelude::*;

use crate::error::AppError;

/// An error message beside a form, announced to screen readers.
#[component]
pub fn ErrorText(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    view! {
        <p class="error" role="alert" aria-live="assertive" data-testid="form-error">
            {move || error.get().map(|e| {
                match e.body.retry_after {
                    Some(s) => format!("{} (retry in {s} s)", e.body.message),
                    None => e.body.message,
                }
            })}
        </p>
    }
}
