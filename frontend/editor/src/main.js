// The workspace page's code editor: CodeMirror 6 behind a small API on `window.StudioEditor`,
// which the Rust side (app/src/components/code_editor/bridge.rs) calls through wasm-bindgen.
//
// Positions crossing this API are offsets into the document as a JavaScript string (UTF-16 code
// units, line breaks as "\n"), which is what CodeMirror counts in.

import { EditorState, EditorSelection, Compartment } from "@codemirror/state";
import {
  EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter,
  highlightSpecialChars, drawSelection, dropCursor, rectangularSelection, crosshairCursor,
} from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import {
  syntaxHighlighting, indentOnInput, bracketMatching, foldGutter, foldKeymap, indentUnit,
} from "@codemirror/language";
import { closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
import { searchKeymap, highlightSelectionMatches } from "@codemirror/search";
import { classHighlighter } from "@lezer/highlight";

// The syntax ids `app::rules::syntax` names; anything else is edited as plain text. Each is a
// chunk of its own, fetched when an editor needs it, so a page loads only its own language.
const SYNTAXES = {
  rust: () => import("@codemirror/lang-rust").then((m) => m.rust()),
  python: () => import("@codemirror/lang-python").then((m) => m.python()),
  javascript: () => import("@codemirror/lang-javascript").then((m) => m.javascript()),
  jsx: () => import("@codemirror/lang-javascript").then((m) => m.javascript({ jsx: true })),
  typescript: () => import("@codemirror/lang-javascript").then((m) => m.javascript({ typescript: true })),
  tsx: () => import("@codemirror/lang-javascript").then((m) => m.javascript({ jsx: true, typescript: true })),
  go: () => import("@codemirror/lang-go").then((m) => m.go()),
  json: () => import("@codemirror/lang-json").then((m) => m.json()),
  cpp: () => import("@codemirror/lang-cpp").then((m) => m.cpp()),
  java: () => import("@codemirror/lang-java").then((m) => m.java()),
  html: () => import("@codemirror/lang-html").then((m) => m.html()),
  css: () => import("@codemirror/lang-css").then((m) => m.css()),
  sql: () => import("@codemirror/lang-sql").then((m) => m.sql()),
  markdown: () => import("@codemirror/lang-markdown").then((m) => m.markdown()),
};

// The page's CSP allows no style element without its nonce, and CodeMirror adds style elements;
// the nonce is readable (as a property) on the scripts the server rendered with it.
function pageNonce() {
  for (const s of document.querySelectorAll("script")) {
    if (s.nonce) return s.nonce;
  }
  return "";
}

/** The editor in `parent`, with `options`: {doc, syntax, label, onChange(doc), onSelect(from, to)}. */
function create(parent, options) {
  const syntax = SYNTAXES[options.syntax];
  const language = new Compartment();
  const notify = EditorView.updateListener.of((update) => {
    if (update.docChanged && options.onChange) options.onChange(update.state.doc.toString());
    if ((update.docChanged || update.selectionSet) && options.onSelect) {
      const main = update.state.selection.main;
      options.onSelect(main.from, main.to);
    }
  });
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: options.doc ?? "",
      extensions: [
        EditorView.cspNonce.of(pageNonce()),
        lineNumbers(),
        highlightActiveLineGutter(),
        highlightSpecialChars(),
        history(),
        foldGutter(),
        drawSelection(),
        dropCursor(),
        EditorState.allowMultipleSelections.of(true),
        indentOnInput(),
        indentUnit.of("    "),
        syntaxHighlighting(classHighlighter),
        bracketMatching(),
        closeBrackets(),
        rectangularSelection(),
        crosshairCursor(),
        highlightActiveLine(),
        highlightSelectionMatches(),
        keymap.of([
          ...closeBracketsKeymap, ...defaultKeymap, ...searchKeymap, ...historyKeymap,
          ...foldKeymap, indentWithTab,
        ]),
        language.of([]),
        EditorView.contentAttributes.of({
          "aria-label": options.label ?? "Code",
          "data-testid": "code-input",
        }),
        notify,
      ],
    }),
  });
  if (syntax) {
    // Until its chunk arrives the code shows as plain text; a failed fetch leaves it so.
    syntax()
      .then((ext) => view.dispatch({ effects: language.reconfigure(ext) }))
      .catch((e) => console.warn("the editor's syntax could not be loaded", e));
  }
  return new Handle(view);
}

/** What the Rust side holds: the view and the few operations the page needs. */
class Handle {
  constructor(view) {
    this.view = view;
  }
  /** The whole document. */
  doc() {
    return this.view.state.doc.toString();
  }
  /** The main selection's start (the cursor when nothing is selected). */
  selectionFrom() {
    return this.view.state.selection.main.from;
  }
  /** The main selection's end. */
  selectionTo() {
    return this.view.state.selection.main.to;
  }
  /** Replaces the selection (or inserts at the cursor) with `text`, as one undoable step. */
  replaceSelection(text) {
    this.view.dispatch(this.view.state.replaceSelection(text), { scrollIntoView: true, userEvent: "input.paste" });
  }
  /** Inserts `text` at `pos` (clamped to the document), leaving the cursor after it. */
  insertAt(pos, text) {
    const at = Math.max(0, Math.min(pos, this.view.state.doc.length));
    this.view.dispatch({
      changes: { from: at, insert: text },
      selection: EditorSelection.cursor(at + text.length),
      scrollIntoView: true,
      userEvent: "input.paste",
    });
  }
  /** Selects from `anchor` to `head` (clamped; equal: places the cursor). */
  select(anchor, head = anchor) {
    const clamp = (p) => Math.max(0, Math.min(p, this.view.state.doc.length));
    this.view.dispatch({ selection: EditorSelection.single(clamp(anchor), clamp(head)), scrollIntoView: true });
  }
  /** Replaces the whole document. */
  setDoc(text) {
    this.view.dispatch({ changes: { from: 0, to: this.view.state.doc.length, insert: text } });
  }
  focus() {
    this.view.focus();
  }
  destroy() {
    this.view.destroy();
  }
}

/** The handle of the editor inside `element` (for tests and tools), or null. */
function find(element) {
  const dom = element && element.querySelector(".cm-editor");
  const view = dom && EditorView.findFromDOM(dom);
  return view ? new Handle(view) : null;
}

if (!window.StudioEditor) {
  window.StudioEditor = { create, find, syntaxes: Object.keys(SYNTAXES) };
  window.dispatchEvent(new Event("studio-editor-ready"));
}
