//! The list of a workspace's kept conversations above the assistant: switch, start, rename and
//! delete (after a confirmation). The current conversation is the server's to say, so the
//! same one is back after a reload and on another device.

use leptos::prelude::*;

use super::kept::Kept;
use super::Turn;
use crate::conversations::{
    change_conversation, get_conversation, list_conversations, ChangeConversation,
    CreateConversation, DeleteConversation,
};
use crate::wire::{ConversationList, ConversationSummary};

/// The conversation bar; `turns` is the panel's conversation, `busy` whether an answer runs.
#[component]
pub fn ConversationBar(
    kept: Kept,
    busy: RwSignal<bool>,
    turns: RwSignal<Vec<Turn>>,
    panel: StoredValue<Owner>,
    next_id: RwSignal<usize>,
) -> impl IntoView {
    let ws = kept.workspace;
    // Read by the browser once the page is live, again after each change; not a resource, so
    // the workspace page's `Suspense` does not wait for it on the server (which would then send
    // the page without the editor). An answer to an older read is dropped.
    let list = RwSignal::new(None::<Result<ConversationList, crate::AppError>>);
    Effect::new(move |_| {
        let asked = kept.changed.get();
        let workspace = ws.get_value();
        leptos::task::spawn_local(async move {
            let got = list_conversations(workspace).await;
            if kept.changed.try_get_untracked() == Some(asked) {
                let _ = list.try_set(Some(got));
            }
        });
    });
    let error = RwSignal::new(None::<String>);
    let fresh = move || {
        let id = next_id.get_untracked();
        next_id.set(id + 1);
        id
    };
    let open = Action::new(move |id: &String| {
        let id = id.clone();
        async move { get_conversation(id).await }
    });
    Effect::new(move |_| match open.value().get() {
        Some(Ok(conv)) => kept.show(conv, turns, panel, fresh),
        Some(Err(e)) => error.set(Some(e.body.message)),
        None => {}
    });
    // The first time the list arrives, the current conversation opens.
    let opened = StoredValue::new(false);
    Effect::new(move |_| {
        if let Some(Ok(l)) = list.get() {
            if !opened.get_value() {
                opened.set_value(true);
                if let Some(c) = l.conversations.iter().find(|c| c.current) {
                    open.dispatch(c.id.clone());
                }
            }
        }
    });
    let summaries = move || {
        list.get()
            .and_then(Result::ok)
            .map(|l| l.conversations)
            .unwrap_or_default()
    };
    let current = move || {
        let id = kept.current.get()?;
        summaries().into_iter().find(|c| c.id == id)
    };
    let made_current =
        Action::new(move |id: &String| change_conversation(id.clone(), None, Some(true)));
    let switch = move |id: String| {
        if busy.get_untracked() || kept.current.get_untracked().as_ref() == Some(&id) {
            return;
        }
        error.set(None);
        open.dispatch(id.clone());
        made_current.dispatch(id);
    };
    let create = ServerAction::<CreateConversation>::new();
    Effect::new(move |_| match create.value().get() {
        Some(Ok(made)) => {
            kept.current.set(Some(made.id));
            kept.clear(turns);
            kept.changed.update(|n| *n += 1);
        }
        Some(Err(e)) => error.set(Some(e.body.message)),
        None => {}
    });
    let rename = ServerAction::<ChangeConversation>::new();
    let renaming = RwSignal::new(false);
    let title = RwSignal::new(String::new());
    Effect::new(move |_| match rename.value().get() {
        Some(Ok(_)) => {
            renaming.set(false);
            kept.changed.update(|n| *n += 1);
        }
        Some(Err(e)) => error.set(Some(e.body.message)),
        None => {}
    });
    let remove = ServerAction::<DeleteConversation>::new();
    let confirming = RwSignal::new(false);
    let after_delete = Action::new(move |ws: &String| list_conversations(ws.clone()));
    Effect::new(move |_| match remove.value().get() {
        Some(Ok(())) => {
            confirming.set(false);
            kept.current.set(None);
            kept.clear(turns);
            after_delete.dispatch(ws.get_value());
        }
        Some(Err(e)) => error.set(Some(e.body.message)),
        None => {}
    });
    // After a deletion the server's current one (the one opened last) opens, if any is left.
    Effect::new(move |_| {
        if let Some(Ok(l)) = after_delete.value().get() {
            kept.changed.update(|n| *n += 1);
            if let Some(c) = l.conversations.iter().find(|c| c.current) {
                open.dispatch(c.id.clone());
            }
        }
    });
    let option = move |c: ConversationSummary| {
        let id = c.id.clone();
        view! {
            <option value=c.id.clone() prop:selected=move || kept.current.get().as_ref() == Some(&id)>
                {c.title}
            </option>
        }
    };
    view! {
        <div class="conversation-bar" data-testid="conversations">
            <label for="conversation-pick">"Conversation"</label>
            <div class="conversation-row">
                <select id="conversation-pick" data-testid="conversation-pick"
                    disabled=move || busy.get() || summaries().is_empty()
                    on:change=move |ev| switch(event_target_value(&ev))>
                    <Show when=move || kept.current.get().is_none()>
                        <option value="" prop:selected=true>"New conversation"</option>
                    </Show>
                    <For each=summaries key=|c| (c.id.clone(), c.title.clone()) children=option/>
                </select>
                <button type="button" class="button secondary" data-testid="new-conversation"
                    disabled=move || busy.get()
                    on:click=move |_| {
                        error.set(None);
                        create.dispatch(CreateConversation { workspace_id: ws.get_value(), title: None });
                    }>"New conversation"</button>
                <button type="button" class="button secondary" data-testid="rename-conversation"
                    disabled=move || busy.get() || current().is_none()
                    on:click=move |_| {
                        title.set(current().map(|c| c.title).unwrap_or_default());
                        confirming.set(false);
                        renaming.set(true);
                    }>"Rename"</button>
                <button type="button" class="button secondary" data-testid="delete-conversation"
                    disabled=move || busy.get() || current().is_none()
                    on:click=move |_| { renaming.set(false); confirming.set(true); }>"Delete"</button>
            </div>
            <Show when=move || renaming.get()>
                <form class="conversation-row" on:submit=move |ev| {
                    ev.prevent_default();
                    if let Some(id) = kept.current.get_untracked() {
                        rename.dispatch(ChangeConversation { id, title: Some(title.get_untracked()), current: None });
                    }
                }>
                    <label class="sr-only" for="conversation-title">"New title"</label>
                    <input id="conversation-title" data-testid="conversation-title" maxlength="100"
                        prop:value=move || title.get()
                        on:input=move |ev| title.set(event_target_value(&ev))/>
                    <button type="submit" class="button">"Save title"</button>
                    <button type="button" class="button secondary" on:click=move |_| renaming.set(false)>"Cancel"</button>
                </form>
            </Show>
            <Show when=move || confirming.get()>
                <div class="conversation-row confirm" role="alertdialog" aria-labelledby="confirm-delete-text">
                    <p id="confirm-delete-text">{move || current().map(|c| {
                        format!("Delete “{}” and its {} messages? This cannot be undone.", c.title, c.turn_count)
                    })}</p>
                    <button type="button" class="button danger" data-testid="confirm-delete"
                        on:click=move |_| {
                            if let Some(id) = kept.current.get_untracked() {
                                remove.dispatch(DeleteConversation { id });
                            }
                        }>"Delete conversation"</button>
                    <button type="button" class="button secondary" on:click=move |_| confirming.set(false)>"Keep it"</button>
                </div>
            </Show>
            <p class="error" role="alert" data-testid="conversation-error">{move || error.get()}</p>
        </div>
    }
    .into_any()
}
