//! The conversation as the panel shows it: each turn, the answers read as Markdown.

use leptos::prelude::*;

use super::Turn;
use crate::components::markdown::Markdown;

/// The turns, oldest first; `on_insert` gives each answer's code blocks "Insert at cursor".
#[component]
pub(super) fn ChatLog(
    turns: RwSignal<Vec<Turn>>,
    on_insert: Option<Callback<String>>,
) -> impl IntoView {
    view! {
        <ol class="chat" aria-live="polite" data-testid="chat-log">
            <For each=move || turns.get() key=|t| t.id let:turn>
                <li class=format!("turn {}", turn.role) data-role=turn.role>
                    <span class="who">{if turn.role == "user" { "You" } else { "Assistant" }}</span>
                    {if turn.role == "assistant" {
                        view! { <Markdown text=turn.content on_insert=on_insert/> }.into_any()
                    } else {
                        view! { <p class="text">{move || turn.content.get()}</p> }.into_any()
                    }}
                    {turn.note.clone().map(|note| view! {
                        <p class="hint turn-note" data-testid="turn-context">{format!("With {note}")}</p>
                    })}
                    <p class="hint answer-cost" data-testid="answer-cost">{move || turn.meta.get()}</p>
                </li>
            </For>
        </ol>
    }
}
