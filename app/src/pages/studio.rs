//! `/studio`: the user's workspaces (create, rename, delete) and the AI assistant.

use leptos::form::ActionForm;
use leptos::prelude::*;

use crate::components::ai_assistant::AiAssistant;
use crate::components::error_text::ErrorText;
use crate::components::key_health::KeyHealthBanner;
use crate::components::spend_alert::SpendAlert;
use crate::workspaces::{list_workspaces, CreateWorkspace, DeleteWorkspace, RenameWorkspace};

/// The studio page.
#[component]
pub fn StudioPage() -> impl IntoView {
    let create = ServerAction::<CreateWorkspace>::new();
    let rename = ServerAction::<RenameWorkspace>::new();
    let delete = ServerAction::<DeleteWorkspace>::new();
    let list = Resource::new(
        move || {
            (
                create.version().get(),
                rename.version().get(),
                delete.version().get(),
            )
        },
        |_| list_workspaces(),
    );
    let create_error = Signal::derive(move || create.value().get().and_then(Result::err));
    let rename_error = Signal::derive(move || rename.value().get().and_then(Result::err));
    view! {
        <h1>"Studio"</h1>
        <SpendAlert/>
        <KeyHealthBanner/>
        <div class="studio">
            <section class="card" aria-labelledby="ws-heading">
                <h2 id="ws-heading">"Your workspaces"</h2>
                <Transition fallback=|| ()>
                    {move || list.get().map(|r| match r {
                        Ok(items) if items.is_empty() => view! { <p class="hint">"No workspaces yet: create one below."</p> }.into_any(),
                        Ok(items) => view! {
                            <ul class="workspaces" data-testid="workspace-list">
                                {items.into_iter().map(|w| {
                                    let id = w.id.clone();
                                    let id2 = w.id.clone();
                                    view! {
                                        <li>
                                            <a href=format!("/studio/{}", w.id)>{w.name.clone()}</a>
                                            <span class="hint">{format!(" · {}", w.language)}</span>
                                            <ActionForm action=rename attr:class="inline">
                                                <input type="hidden" name="id" value=id/>
                                                <label class="sr-only" for=format!("rename-{}", w.id)>"New name"</label>
                                                <input id=format!("rename-{}", w.id) name="name" class="small" value=w.name.clone() required/>
                                                <button type="submit" class="button secondary">"Rename"</button>
                                            </ActionForm>
                                            <ActionForm action=delete attr:class="inline">
                                                <input type="hidden" name="id" value=id2/>
                                                <button type="submit" class="button secondary">"Delete"</button>
                                            </ActionForm>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <p class="error">{e.body.message}</p> }.into_any(),
                    })}
                </Transition>
                <ErrorText error=rename_error/>
                <ActionForm action=create attr:data-testid="create-workspace">
                    <label for="ws-name">"Name"</label>
                    <input id="ws-name" name="name" required maxlength="100"/>
                    <label for="ws-language">"Language"</label>
                    <select id="ws-language" name="language">
                        <option value="rust">"Rust"</option>
                        <option value="python">"Python"</option>
                        <option value="typescript">"TypeScript"</option>
                        <option value="go">"Go"</option>
                    </select>
                    <ErrorText error=create_error/>
                    <p><button type="submit" class="button">"Create workspace"</button></p>
                </ActionForm>
            </section>
            <AiAssistant/>
        </div>
    }
}
