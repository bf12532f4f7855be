//! The workspace's code editor: CodeMirror 6 (line numbers, highlighting for the workspace's
//! language, Tab indents, undo and redo, brackets, search) once the browser has its bundle; in
//! the server's HTML, and until the bundle is there (or if it never comes), a textarea with the
//! same code that works on its own. Either way the page reads and changes the code through an
//! [`EditorControl`].

pub mod autosave;
#[cfg(feature = "hydrate")]
mod bridge;

use leptos::html;
use leptos::prelude::*;

use crate::rules::offsets::{byte_offset, utf16_len};

/// Where the site serves the editor's bundle (an ES module; its language chunks sit beside it).
pub const BUNDLE: &str = "/editor/studio-editor.js";

/// The code, the selection and the editor's operations, for the page around the editor.
/// Positions are UTF-16 units, as the browser counts them ([`crate::rules::offsets`]).
#[derive(Clone, Copy)]
pub struct EditorControl {
    code: RwSignal<String>,
    selection: RwSignal<(usize, usize)>,
    on_edit: Callback<()>,
    textarea: NodeRef<html::Textarea>,
    #[cfg(feature = "hydrate")]
    view: StoredValue<Option<bridge::Editor>, LocalStorage>,
}

impl EditorControl {
    /// A control for `code`; `on_edit` runs after every change the user or the page makes.
    pub fn new(code: RwSignal<String>, on_edit: Callback<()>) -> Self {
        Self {
            code,
            selection: RwSignal::new((0, 0)),
            on_edit,
            textarea: NodeRef::new(),
            #[cfg(feature = "hydrate")]
            view: StoredValue::new_local(None),
        }
    }

    /// The cursor: the selection's start.
    pub fn cursor(self) -> usize {
        self.selection.get_untracked().0
    }

    /// The selection as byte offsets into the code (tracked: for what follows the selection).
    pub fn selected_bytes(self) -> (usize, usize) {
        let (from, to) = self.selection.get();
        self.code
            .with(|c| (byte_offset(c, from), byte_offset(c, to)))
    }

    /// Inserts `text` at `pos` (where the cursor was when a completion was asked for); the
    /// cursor ends after it.
    pub fn insert_at(self, pos: usize, text: &str) {
        #[cfg(feature = "hydrate")]
        if self
            .view
            .with_value(|v| v.as_ref().map(|e| e.insert_at(pos, text)))
            .is_some()
        {
            return;
        }
        self.splice(pos, pos, text);
    }

    /// Replaces the selection with `text`, or inserts it at the cursor: "Insert at cursor".
    pub fn insert_at_cursor(self, text: &str) {
        #[cfg(feature = "hydrate")]
        if self
            .view
            .with_value(|v| v.as_ref().map(|e| e.replace_selection(text)))
            .is_some()
        {
            return;
        }
        let (from, to) = self.selection.get_untracked();
        self.splice(from, to, text);
    }

    /// The textarea's way: the code replaced from `from` to `to` (UTF-16) by `text`.
    fn splice(self, from: usize, to: usize, text: &str) {
        self.code.update(|c| {
            let (a, b) = (byte_offset(c, from), byte_offset(c, to.max(from)));
            c.replace_range(a..b, text);
        });
        let end = from + utf16_len(text);
        self.selection.set((end, end));
        self.on_edit.run(());
    }

    /// Reads the textarea's selection (when it is the editor).
    fn track_textarea(self) {
        #[cfg(feature = "hydrate")]
        if let Some(t) = self.textarea.get_untracked() {
            if let (Ok(Some(a)), Ok(Some(b))) = (t.selection_start(), t.selection_end()) {
                self.selection.set((a as usize, b as usize));
            }
        }
    }
}

/// The editor, labelled by a `<label for=id>` the page puts before it.
#[component]
pub fn CodeEditor(
    control: EditorControl,
    /// The workspace's language name.
    #[prop(into)]
    language: String,
    /// The textarea's id (its label's `for`).
    id: &'static str,
) -> impl IntoView {
    let host = NodeRef::<html::Div>::new();
    let mounted = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    {
        let syntax = crate::rules::syntax::syntax_for(&language);
        Effect::new(move |_| {
            if let Some(el) = host.get() {
                mount(control, el, syntax, mounted, MOUNT_TRIES);
            }
        });
        on_cleanup(move || {
            control.view.try_update_value(Option::take);
        });
    }
    let code = control.code;
    // `prop:value` is not in the server's HTML; the text inside is, so the page shows the code
    // before the editor's bundle has loaded.
    let initial = code.get_untracked();
    view! {
        <div class="code-editor" class:mounted=move || mounted.get() data-language=language data-testid="code-editor">
            <textarea id=id node_ref=control.textarea rows="18" spellcheck="false" hidden=move || mounted.get()
                prop:value=move || code.get()
                on:input=move |ev| {
                    code.set(event_target_value(&ev));
                    control.track_textarea();
                    control.on_edit.run(());
                }
                on:select=move |_| control.track_textarea()
                on:keyup=move |_| control.track_textarea()
                on:mouseup=move |_| control.track_textarea()
            >{initial}</textarea>
            <div class="cm-host" node_ref=host></div>
            <p class="hint editor-keys">"Tab indents; Esc then Tab leaves the editor. Ctrl/Cmd+Z undoes, Ctrl/Cmd+Shift+Z redoes."</p>
            <script type="module" src=BUNDLE nonce=leptos::nonce::use_nonce()></script>
        </div>
    }
}

/// How many animation frames [`mount`] waits for its host to be in the document: a page reached
/// by navigating in the browser builds its view (under a `Suspense`) before putting it in place.
#[cfg(feature = "hydrate")]
const MOUNT_TRIES: u32 = 120;

/// Replaces the textarea by CodeMirror once the bundle is loaded and the host is in the document.
#[cfg(feature = "hydrate")]
fn mount(
    control: EditorControl,
    el: web_sys::HtmlDivElement,
    syntax: Option<&'static str>,
    mounted: RwSignal<bool>,
    tries: u32,
) {
    bridge::when_loaded(move || {
        if !el.is_connected() {
            // Not placed yet, or already gone (the page was left): look again next frame, a
            // couple of seconds at most; a disposed page stops it at once.
            if tries > 0 && !mounted.is_disposed() {
                request_animation_frame(move || mount(control, el, syntax, mounted, tries - 1));
            }
            return;
        }
        if control.view.try_with_value(Option::is_some).unwrap_or(true) {
            return;
        }
        let doc = control.code.get_untracked();
        let Some(editor) = bridge::Editor::mount(
            &el,
            bridge::Options {
                doc: &doc,
                syntax,
                label: "Code",
                on_change: Box::new(move |doc| {
                    control.code.try_set(doc);
                    control.on_edit.run(());
                }),
                on_select: Box::new(move |from, to| {
                    control.selection.try_set((from as usize, to as usize));
                }),
            },
        ) else {
            return;
        };
        // CodeMirror keeps line breaks as "\n"; the page's positions are into its text.
        let held = editor.doc();
        if held != doc {
            control.code.try_set(held);
        }
        control.selection.try_set(editor.selection());
        if control.view.try_set_value(Some(editor)).is_none() {
            mounted.try_set(true);
        }
    });
}
