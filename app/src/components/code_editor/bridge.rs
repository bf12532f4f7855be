//! The browser side of the code editor: `window.StudioEditor`, which the editor's bundle
//! (`frontend/editor/src/main.js`, served from [`BUNDLE`]) defines, behind a typed Rust API.
//! Positions are CodeMirror's: UTF-16 units into the document (see [`crate::rules::offsets`]).

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::BUNDLE;

/// The event the bundle sends on `window` once `StudioEditor` is there.
const READY: &str = "studio-editor-ready";

#[wasm_bindgen]
extern "C" {
    /// A CodeMirror view, as the bundle's `create` hands it out.
    type JsEditor;

    #[wasm_bindgen(catch, js_namespace = StudioEditor, js_name = create)]
    fn create(parent: &web_sys::HtmlElement, options: &js_sys::Object)
        -> Result<JsEditor, JsValue>;

    #[wasm_bindgen(method)]
    fn doc(this: &JsEditor) -> String;

    #[wasm_bindgen(method, js_name = selectionFrom)]
    fn selection_from(this: &JsEditor) -> u32;

    #[wasm_bindgen(method, js_name = selectionTo)]
    fn selection_to(this: &JsEditor) -> u32;

    #[wasm_bindgen(method, js_name = replaceSelection)]
    fn replace_selection(this: &JsEditor, text: &str);

    #[wasm_bindgen(method, js_name = insertAt)]
    fn insert_at(this: &JsEditor, pos: u32, text: &str);

    #[wasm_bindgen(method)]
    fn destroy(this: &JsEditor);
}

/// What a new editor starts with, and whom it tells about changes.
pub struct Options<'a> {
    /// The code.
    pub doc: &'a str,
    /// The syntax id ([`crate::rules::syntax::syntax_for`]); plain text when `None`.
    pub syntax: Option<&'static str>,
    /// The accessible name of the editing area.
    pub label: &'a str,
    /// Called with the whole code after every change.
    pub on_change: Box<dyn FnMut(String)>,
    /// Called with the main selection (from, to) whenever it or the code changes.
    pub on_select: Box<dyn FnMut(u32, u32)>,
}

/// A mounted editor; dropping it removes the editor from the page.
pub struct Editor {
    view: JsEditor,
    _on_change: Closure<dyn FnMut(String)>,
    _on_select: Closure<dyn FnMut(u32, u32)>,
}

impl Editor {
    /// Puts an editor into `parent`; `None` when the bundle is not loaded or refused.
    pub fn mount(parent: &web_sys::HtmlElement, options: Options<'_>) -> Option<Self> {
        let on_change = Closure::wrap(options.on_change);
        let on_select = Closure::wrap(options.on_select);
        let o = js_sys::Object::new();
        let set = |k: &str, v: &JsValue| js_sys::Reflect::set(&o, &JsValue::from_str(k), v).is_ok();
        let all_set = set("doc", &JsValue::from_str(options.doc))
            && set("label", &JsValue::from_str(options.label))
            && set(
                "syntax",
                &options
                    .syntax
                    .map(JsValue::from_str)
                    .unwrap_or(JsValue::UNDEFINED),
            )
            && set("onChange", on_change.as_ref())
            && set("onSelect", on_select.as_ref());
        if !all_set {
            return None;
        }
        let view = create(parent, &o).ok()?;
        Some(Self {
            view,
            _on_change: on_change,
            _on_select: on_select,
        })
    }

    /// The whole code, as the editor holds it (line breaks as `\n`).
    pub fn doc(&self) -> String {
        self.view.doc()
    }

    /// The main selection's start and end (equal: the cursor).
    pub fn selection(&self) -> (usize, usize) {
        (
            self.view.selection_from() as usize,
            self.view.selection_to() as usize,
        )
    }

    /// Replaces the selection with `text`, or inserts it at the cursor; one undoable step.
    pub fn replace_selection(&self, text: &str) {
        self.view.replace_selection(text);
    }

    /// Inserts `text` at `pos` (clamped to the code); the cursor ends after it.
    pub fn insert_at(&self, pos: usize, text: &str) {
        self.view
            .insert_at(u32::try_from(pos).unwrap_or(u32::MAX), text);
    }
}

impl Drop for Editor {
    fn drop(&mut self) {
        self.view.destroy();
    }
}

/// Whether the bundle has defined `window.StudioEditor`.
fn loaded() -> bool {
    js_sys::Reflect::has(&js_sys::global(), &JsValue::from_str("StudioEditor")).unwrap_or(false)
}

/// Runs `then` once the bundle is loaded: at once if it is, else after loading it. The server's
/// page already asks for it; a page reached by navigating in the browser asks here. Both ask for
/// the same module URL, which the browser runs once.
pub fn when_loaded(then: impl FnOnce() + 'static) {
    if loaded() {
        then();
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    let listener = Closure::once_into_js(then);
    let options = web_sys::AddEventListenerOptions::new();
    options.set_once(true);
    let listening = window
        .add_event_listener_with_callback_and_add_event_listener_options(
            READY,
            listener.unchecked_ref(),
            &options,
        )
        .is_ok();
    if !listening {
        return;
    }
    let Some(document) = window.document() else {
        return;
    };
    if document.get_element_by_id("studio-editor-loader").is_some() {
        return;
    }
    let Ok(script) = document.create_element("script") else {
        return;
    };
    let asked = script.set_attribute("id", "studio-editor-loader").is_ok()
        && script.set_attribute("type", "module").is_ok()
        && script.set_attribute("src", BUNDLE).is_ok();
    if let (true, Some(head)) = (asked, document.head()) {
        let _ = head.append_child(&script);
    }
}
