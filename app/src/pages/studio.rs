//! `/studio`: the workspace area with the AI assistant.

use leptos::prelude::*;

use crate::components::ai_assistant::AiAssistant;

/// The studio page.
#[component]
pub fn StudioPage() -> impl IntoView {
    view! {
        <h1>"Studio"</h1>
        <div class="studio">
            <AiAssistant/>
        </div>
    }
}
