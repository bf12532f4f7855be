//! `/studio/{workspace}`: the code editor, where "Complete" inserts a completion at the cursor
//! and "Generate" writes code from a prompt, and beside it the assistant, which a question can
//! hand the code (or the selection) to; the code is saved to the workspace.

use leptos::html;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::ai::{CompleteCode, GenerateCode};
use crate::components::ai_assistant::{AiAssistant, OpenFile};
use crate::components::error_text::ErrorText;
use crate::components::spend_estimate::{answer_cost, may_send, use_quote, CostEstimate};
use crate::rules::excerpt::excerpt;
use crate::wire::{CodeCompletionRequest, GenerateCodeRequest, Workspace};
use crate::workspaces::{get_workspace, SaveWorkspaceCode};

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

/// Splits `code` at a cursor given in UTF-16 units (as the browser reports it) into byte offsets.
pub fn byte_offset(code: &str, utf16_pos: usize) -> usize {
    let mut units = 0;
    for (i, c) in code.char_indices() {
        if units >= utf16_pos {
            return i;
        }
        units += c.len_utf16();
    }
    code.len()
}

/// The cursor (the selection's start), in UTF-16 units.
fn cursor(node: &NodeRef<html::Textarea>) -> Option<usize> {
    selection(node).map(|(start, _)| start)
}

/// The selection's start and end, in UTF-16 units as the browser reports them.
#[cfg(feature = "hydrate")]
fn selection(node: &NodeRef<html::Textarea>) -> Option<(usize, usize)> {
    let t = node.get_untracked()?;
    let start = t.selection_start().ok().flatten()?;
    let end = t.selection_end().ok().flatten()?;
    Some((start as usize, end as usize))
}

#[cfg(not(feature = "hydrate"))]
fn selection(_: &NodeRef<html::Textarea>) -> Option<(usize, usize)> {
    None
}

#[component]
fn Editor(workspace: Workspace) -> impl IntoView {
    let id = StoredValue::new(workspace.summary.id.clone());
    let language = StoredValue::new(workspace.summary.language.clone());
    let code = RwSignal::new(workspace.code.clone());
    let prompt = RwSignal::new(String::new());
    let editor = NodeRef::<html::Textarea>::new();
    let insert_at = StoredValue::new(0usize);
    let complete = ServerAction::<CompleteCode>::new();
    let generate = ServerAction::<GenerateCode>::new();
    let save = ServerAction::<SaveWorkspaceCode>::new();
    let saved = RwSignal::new(true);
    let error = Signal::derive(move || {
        complete
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| generate.value().get().and_then(Result::err))
            .or_else(|| save.value().get().and_then(Result::err))
    });
    let save_now = move || {
        save.dispatch(SaveWorkspaceCode {
            id: id.get_value(),
            code: code.get_untracked(),
        });
        saved.set(true);
    };
    let insert = move |text: String| {
        let at = insert_at.get_value().min(code.get_untracked().len());
        code.update(|c| c.insert_str(at, &text));
        save_now();
    };
    Effect::new(move |_| {
        if let Some(Ok(reply)) = complete.value().get() {
            insert(reply.completion);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(reply)) = generate.value().get() {
            insert(reply.code);
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
        let at = cursor(&editor)
            .map(|p| byte_offset(&all, p))
            .unwrap_or(all.len());
        insert_at.set_value(at);
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
        let all = code.get_untracked();
        let at = cursor(&editor)
            .map(|p| byte_offset(&all, p))
            .unwrap_or(all.len());
        insert_at.set_value(at);
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
    // The selection in bytes, kept as the user moves in the editor.
    let selected = RwSignal::new((0usize, 0usize));
    let track = move || {
        if let Some((start, end)) = selection(&editor) {
            let bytes = code.with_untracked(|c| (byte_offset(c, start), byte_offset(c, end)));
            selected.set(bytes);
        }
    };
    let name = workspace.summary.name.clone();
    let file = Signal::derive(move || {
        let (start, end) = selected.get();
        OpenFile {
            name: name.clone(),
            language: language.get_value(),
            excerpt: code.with(|c| excerpt(c, start, end)),
        }
    });
    view! {
        <h1>{workspace.summary.name.clone()}</h1>
        <p class="hint">{language.get_value()} " · " <a href="/studio">"All workspaces"</a></p>
        <div class="studio workspace">
        <section class="card editor">
            <label for="code">"Code"</label>
            <textarea id="code" node_ref=editor rows="18" spellcheck="false" data-testid="code-editor"
                prop:value=move || code.get()
                on:input=move |ev| { code.set(event_target_value(&ev)); saved.set(false); track(); }
                on:select=move |_| track()
                on:keyup=move |_| track()
                on:mouseup=move |_| track()
            ></textarea>
            <div class="toolbar">
                <button type="button" class="button" on:click=on_complete disabled=busy data-testid="complete">
                    {move || if complete.pending().get() { "Completing…" } else { "Complete" }}
                </button>
                <button type="button" class="button secondary" on:click=move |_| save_now() data-testid="save">
                    {move || if saved.get() { "Saved" } else { "Save" }}
                </button>
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
        <AiAssistant file/>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::byte_offset;

    #[test]
    fn a_browser_cursor_maps_to_a_byte_offset() {
        assert_eq!(byte_offset("abc", 1), 1);
        assert_eq!(
            byte_offset("é😀x", 3),
            "é😀".len(),
            "😀 is two UTF-16 units"
        );
        assert_eq!(byte_offset("ab", 99), 2);
    }
}
