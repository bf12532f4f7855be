//! An answer shown as Markdown: the tree of [`crate::rules::markdown`] turned into DOM nodes
//! with Leptos views (never `innerHTML`), code blocks highlighted by
//! [`crate::rules::highlight`], each with "Copy" and, beside an editor, "Insert at cursor".
//!
//! While an answer streams, the whole text is parsed again at each piece, but each top-level
//! block is keyed by its position and content: blocks that did not change keep their DOM nodes
//! (no flicker, a selection or a "Copied" state survives), and only the growing last block is
//! rebuilt, inside a container that stays, so the scroll position holds.

use std::hash::{DefaultHasher, Hash, Hasher};

use leptos::prelude::*;

use crate::rules::highlight::highlight;
use crate::rules::markdown::{parse, plain_text, Kind, Node};

/// Every link opens in a new tab without giving it this page (`window.opener`) or the referrer.
const LINK_REL: &str = "noopener noreferrer";

/// `text` rendered as Markdown; `on_insert`, when given, adds "Insert at cursor" to code blocks.
#[component]
pub fn Markdown(
    /// The Markdown, which may grow while it is shown.
    #[prop(into)]
    text: Signal<String>,
    /// Inserts a code block's text where the editor's cursor is (no button without it).
    on_insert: Option<Callback<String>>,
) -> impl IntoView {
    let blocks = Memo::new(move |_| {
        text.with(|t| parse(t))
            .into_iter()
            .enumerate()
            .map(|(i, block)| {
                let mut hasher = DefaultHasher::new();
                block.hash(&mut hasher);
                (i, hasher.finish(), block)
            })
            .collect::<Vec<_>>()
    });
    view! {
        <div class="markdown" data-testid="markdown">
            <For each=move || blocks.get() key=|(i, hash, _)| (*i, *hash) let:block>
                {node(&block.2, on_insert)}
            </For>
        </div>
    }
}

fn nodes(children: &[Node], on_insert: Option<Callback<String>>) -> Vec<AnyView> {
    children.iter().map(|n| node(n, on_insert)).collect()
}

/// One node as a view. Text goes in as text nodes; the only attribute taken from the answer is
/// a link's `href`, which [`crate::rules::markdown::safe_href`] has checked.
fn node(n: &Node, on_insert: Option<Callback<String>>) -> AnyView {
    let inner = || nodes(&n.children, on_insert);
    match &n.kind {
        Kind::Paragraph => view! { <p>{inner()}</p> }.into_any(),
        // The panel's own heading is an h2: an answer's headings sit below it.
        Kind::Heading(1) => view! { <h3>{inner()}</h3> }.into_any(),
        Kind::Heading(2) => view! { <h4>{inner()}</h4> }.into_any(),
        Kind::Heading(3) => view! { <h5>{inner()}</h5> }.into_any(),
        Kind::Heading(_) => view! { <h6>{inner()}</h6> }.into_any(),
        Kind::BlockQuote => view! { <blockquote>{inner()}</blockquote> }.into_any(),
        Kind::CodeBlock { lang, code } => code_block(lang, code, on_insert),
        Kind::List(Some(start)) => view! { <ol start=start.to_string()>{inner()}</ol> }.into_any(),
        Kind::List(None) => view! { <ul>{inner()}</ul> }.into_any(),
        Kind::Item => view! { <li>{inner()}</li> }.into_any(),
        Kind::Table => table(n, on_insert),
        Kind::TableHead | Kind::TableRow => view! { <tr>{inner()}</tr> }.into_any(),
        Kind::TableCell => view! { <td>{inner()}</td> }.into_any(),
        Kind::Emphasis => view! { <em>{inner()}</em> }.into_any(),
        Kind::Strong => view! { <strong>{inner()}</strong> }.into_any(),
        Kind::Strike => view! { <del>{inner()}</del> }.into_any(),
        Kind::Link(Some(href)) => view! {
            <a href=href.clone() rel=LINK_REL target="_blank">{inner()}</a>
        }
        .into_any(),
        Kind::Link(None) => view! { <span class="dropped-link">{inner()}</span> }.into_any(),
        Kind::Image(href) => {
            let alt = plain_text(&n.children);
            let label = if alt.trim().is_empty() {
                "Image".to_owned()
            } else {
                format!("Image: {alt}")
            };
            match href {
                Some(href) => view! {
                    <a class="md-image" href=href.clone() rel=LINK_REL target="_blank">{label}</a>
                }
                .into_any(),
                None => view! { <span class="md-image">{label}</span> }.into_any(),
            }
        }
        Kind::RawHtml => view! { <p class="raw-html">{inner()}</p> }.into_any(),
        Kind::Text(t) => t.clone().into_any(),
        Kind::Code(c) => view! { <code>{c.clone()}</code> }.into_any(),
        Kind::SoftBreak => " ".into_any(),
        Kind::HardBreak => view! { <br/> }.into_any(),
        Kind::Rule => view! { <hr/> }.into_any(),
        Kind::Span => view! { <span>{inner()}</span> }.into_any(),
    }
}

fn table(n: &Node, on_insert: Option<Callback<String>>) -> AnyView {
    let (head, body) = match n.children.split_first() {
        Some((h, rest)) if h.kind == Kind::TableHead => (Some(h), rest),
        _ => (None, n.children.as_slice()),
    };
    let head = head.map(|h| {
        let cells: Vec<AnyView> = h
            .children
            .iter()
            .map(|c| view! { <th scope="col">{nodes(&c.children, on_insert)}</th> }.into_any())
            .collect();
        view! { <thead><tr>{cells}</tr></thead> }
    });
    view! {
        <div class="table-scroll">
            <table>{head}<tbody>{nodes(body, on_insert)}</tbody></table>
        </div>
    }
    .into_any()
}

fn code_block(lang: &str, code: &str, on_insert: Option<Callback<String>>) -> AnyView {
    // What is copied or inserted: the code without the newline that ends every block.
    let text = StoredValue::new(code.strip_suffix('\n').unwrap_or(code).to_owned());
    let copied = RwSignal::new(None::<&'static str>);
    let pieces: Vec<AnyView> = highlight(lang, code)
        .into_iter()
        .map(|(class, piece)| match class.css() {
            Some(css) => view! { <span class=css>{piece.to_owned()}</span> }.into_any(),
            None => piece.to_owned().into_any(),
        })
        .collect();
    let label = (!lang.is_empty()).then(|| lang.to_owned());
    let insert = on_insert.map(|callback| {
        view! {
            <button type="button" class="button secondary small" data-testid="insert-code"
                on:click=move |_| callback.run(text.get_value())>"Insert at cursor"</button>
        }
    });
    view! {
        <div class="code-block" data-testid="code-block">
            <div class="code-head">
                <span class="code-lang">{label}</span>
                <button type="button" class="button secondary small" data-testid="copy-code"
                    on:click=move |_| copy(text.get_value(), copied)>
                    {move || copied.get().unwrap_or("Copy")}
                </button>
                {insert}
            </div>
            <pre><code>{pieces}</code></pre>
        </div>
    }
    .into_any()
}

/// Puts `text` on the clipboard, then says "Copied" (or "Copy failed") for two seconds.
fn copy(text: String, said: RwSignal<Option<&'static str>>) {
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        let done = match web_sys::window() {
            Some(w) => {
                let promise = w.navigator().clipboard().write_text(&text);
                wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
            }
            None => false,
        };
        said.set(Some(if done { "Copied" } else { "Copy failed" }));
        set_timeout(
            move || {
                // The block may have been rebuilt meanwhile: then there is nothing to reset.
                let _ = said.try_set(None);
            },
            std::time::Duration::from_secs(2),
        );
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (text, said);
}
