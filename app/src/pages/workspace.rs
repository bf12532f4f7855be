//! `/studio/{workspace}`: the code editor, where "Complete" inserts a completion at the cursor
//! and "Generate" writes code from a prompt, and beside it the assistant, which a question can
//! hand the code (or the selection) to; the code is saved to the workspace.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::ai::{CompleteCode, GenerateCode};
use crate::components::ai_assistant::{AiAssistant, OpenFile};
use crate::components::code_editor::autosave::{use_autosave, SaveStatus};
use crate::components::code_editor::{CodeEditor, EditorControl};
use crate::components::error_text::ErrorText;
use crate::components::spend_estimate::{answer_cost, may_send, use_quote, CostEstimate};
use crate::rules::excerpt::excerpt;
use crate::rules::offsets::byte_offset;
use crate::wire::{CodeCompletionRequest, GenerateCodeRequest, Workspace};
use crate::workspaces::get_workspace;

/// The workspace page.
#[component]
pub fn WorkspacePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("workspace").unwrap_or_default();
    let workspace = Resource::new(id, get_workspace);
    view! {
        <Suspense fallback=|| view! { <p class="hint">"Loading…"</p> }>
            {move || workspace.get().map(|r| match r {
                Ok(w) => view! { <Editor workspace=w/> }.into_any(),
                Err(e) => view! { <h1>"Workspace"</h1><p class="error" role="alert">{e.body.message}</p> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Editor(workspace: Workspace) -> impl IntoView {
    let id = StoredValue::new(workspace.summary.id.clone());
    let language = StoredValue::new(workspace.summary.language.clone());
    let code = RwSignal::new(workspace.code.clone());
    let prompt = RwSignal::new(String::new());
    let saver = use_autosave(workspace.summary.id.clone(), code);
    let editor = EditorControl::new(code, Callback::new(move |()| saver.edited()));
    // Where the cursor was when a completion or generation was asked for (UTF-16 units).
    let insert_at = StoredValue::new(0usize);
    let complete = ServerAction::<CompleteCode>::new();
    let generate = ServerAction::<GenerateCode>::new();
    let error = Signal::derive(move || {
        complete
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| generate.value().get().and_then(Result::err))
            .or_else(|| saver.error().get())
    });
    // An answer's code block, put in place of the selection (or at the cursor), then saved.
    let on_insert = Callback::new(move |text: String| {
        insert_at_cursor(editor, text);
        saver.now();
    });
    Effect::new(move |_| {
        if let Some(Ok(reply)) = complete.value().get() {
            editor.insert_at(insert_at.get_value(), &reply.completion);
            saver.now();
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(reply)) = generate.value().get() {
            editor.insert_at(insert_at.get_value(), &reply.code);
            saver.now();
        }
    });
    let quote = use_quote("generate_code");
    let complete_quote = use_quote("code_completion");
    // The server sends at most the 12,000 characters before the cursor and 4,000 after it.
    let complete_chars = move || code.with_untracked(|c| c.chars().count()).min(16_000);
    let gen_chars = Signal::derive(move || {
        prompt.with(|p| p.chars().count()) + code.with(|c| c.chars().count())
    });
    let cost = Signal::derive(move || {
        let line = |u: &crate::wire::AiUsage, m: &str| answer_cost(u, m, None);
        generate
            .value()
            .get()
            .and_then(Result::ok)
            .map(|r| format!("Last generation: {}", line(&r.usage, &r.model)))
            .or_else(|| {
                complete
                    .value()
                    .get()
                    .and_then(Result::ok)
                    .map(|r| format!("Last completion: {}", line(&r.usage, &r.model)))
            })
    });
    let on_complete = move |_| {
        if !may_send(complete_quote, complete_chars(), 2) {
            return;
        }
        let all = code.get_untracked();
        let cursor = editor.cursor();
        let at = byte_offset(&all, cursor);
        insert_at.set_value(cursor);
        complete.dispatch(CompleteCode {
            input: CodeCompletionRequest {
                language: language.get_value(),
                prefix: all[..at].to_owned(),
                suffix: Some(all[at..].to_owned()),
                workspace_id: Some(id.get_value()),
                model: None,
                max_tokens: None,
            },
        });
    };
    let on_generate = move |_| {
        if !may_send(quote, gen_chars.get_untracked(), 2) {
            return;
        }
        insert_at.set_value(editor.cursor());
        generate.dispatch(GenerateCode {
            input: GenerateCodeRequest {
                language: language.get_value(),
                prompt: prompt.get_untracked(),
                context: None,
                workspace_id: Some(id.get_value()),
                model: None,
                max_tokens: None,
                stream: false,
            },
        });
    };
    let busy = move || complete.pending().get() || generate.pending().get();
    let name = workspace.summary.name.clone();
    let file = Signal::derive(move || {
        let (start, end) = editor.selected_bytes();
        OpenFile {
            name: name.clone(),
            language: language.get_value(),
            excerpt: code.with(|c| excerpt(c, start, end)),
        }
    });
    let status = move || saver.status();
    view! {
        <h1>{workspace.summary.name.clone()}</h1>
        <p class="hint">{language.get_value()} " · " <a href="/studio">"All workspaces"</a></p>
        <div class="studio workspace">
        <section class="card editor">
            <label for="code">"Code"</label>
            <CodeEditor control=editor language=language.get_value() id="code"/>
            <div class="toolbar">
                <button type="button" class="button" on:click=on_complete disabled=busy data-testid="complete">
                    {move || if complete.pending().get() { "Completing…" } else { "Complete" }}
                </button>
                <button type="button" class="button secondary" on:click=move |_| saver.now()
                    disabled=move || status() != SaveStatus::Unsaved && status() != SaveStatus::Failed data-testid="save">
                    "Save now"
                </button>
                <span class="save-status" class:failed=move || status() == SaveStatus::Failed
                    role="status" data-testid="save-status">{move || status().words()}</span>
            </div>
            <label for="gen-prompt">"Generate from a prompt"</label>
            <input id="gen-prompt" prop:value=move || prompt.get() on:input=move |ev| prompt.set(event_target_value(&ev))/>
            <p>
                <button type="button" class="button" on:click=on_generate disabled=busy data-testid="generate">
                    {move || if generate.pending().get() { "Generating…" } else { "Generate" }}
                </button>
            </p>
            <CostEstimate quote chars=gen_chars messages=Signal::derive(|| 2)/>
            <p class="hint" data-testid="workspace-cost">{move || cost.get()}</p>
            <ErrorText error/>
        </section>
        <AiAssistant file on_insert workspace=id.get_value()/>
        </div>
    }
}

/// "Insert at cursor" for the assistant's code blocks: `text` replaces the editor's selection,
/// or goes in at its cursor, as one undoable edit that is then saved like any other.
pub fn insert_at_cursor(editor: EditorControl, text: String) {
    editor.insert_at_cursor(&text);
}
