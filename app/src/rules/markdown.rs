//! A model's answer, read as Markdown into a tree that can only be shown safely.
//!
//! Policy: the answer is untrusted text. [`parse`] keeps headings, emphasis, lists, tables,
//! inline code, fenced code and links, and nothing else of the markup:
//! - raw HTML (blocks and inline) becomes text ([`Kind::RawHtml`], [`Kind::Text`]), never markup;
//! - a link keeps its target only when it is `http:`, `https:` or `mailto:` ([`safe_href`]);
//!   any other (`javascript:`, `data:`, `vbscript:`, relative, or one with spaces or control
//!   characters a browser would strip) is dropped and the link's text stays as plain text;
//! - an image is never loaded: it becomes a link to the image (when its URL is safe) with its
//!   alt text, so nothing is fetched unless the user follows it.
//!
//! The view ([`crate::components::markdown`]) turns the tree into DOM nodes, text as text nodes,
//! with no attribute taken from the answer but a checked `href`.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

/// One node of the answer.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Node {
    /// What it is.
    pub kind: Kind,
    /// What it holds, in order.
    pub children: Vec<Node>,
}

/// What a node is. Nothing here carries markup, only text and checked URLs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A paragraph.
    Paragraph,
    /// A heading of level 1 to 6.
    Heading(u8),
    /// A quotation.
    BlockQuote,
    /// A code block: its language (the fence's first word, possibly empty) and its text.
    CodeBlock {
        /// The info string's first word, lower case.
        lang: String,
        /// The code.
        code: String,
    },
    /// A list, numbered from `Some(start)` or bulleted.
    List(Option<u64>),
    /// A list item.
    Item,
    /// A table; its first child is the [`Kind::TableHead`].
    Table,
    /// The table's header row.
    TableHead,
    /// A table row.
    TableRow,
    /// A table cell.
    TableCell,
    /// Emphasis.
    Emphasis,
    /// Strong emphasis.
    Strong,
    /// Struck-through text.
    Strike,
    /// A link: its checked target (`None` when it was not safe: its children show as text).
    Link(Option<String>),
    /// An image, never loaded: its checked URL, and its alt text as children.
    Image(Option<String>),
    /// A block of raw HTML, shown as its source text.
    RawHtml,
    /// Text.
    Text(String),
    /// Inline code.
    Code(String),
    /// A line break inside a paragraph that reads as a space.
    SoftBreak,
    /// A forced line break.
    HardBreak,
    /// A thematic break.
    Rule,
    /// Anything else the parser reports: a plain container, so its text still shows.
    Span,
}

/// The link target `dest` when it is safe to follow: absolute `http(s):` or `mailto:`, with no
/// white space or control character anywhere (browsers strip those, so `java\tscript:` would
/// otherwise pass as something else).
pub fn safe_href(dest: &str) -> Option<String> {
    if dest.is_empty() || dest.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let lower = dest.to_ascii_lowercase();
    ["https://", "http://", "mailto:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme) && lower.len() > scheme.len())
        .then(|| dest.to_owned())
}

fn kind_of(tag: Tag<'_>) -> Kind {
    match tag {
        Tag::Paragraph => Kind::Paragraph,
        Tag::Heading { level, .. } => Kind::Heading(level as u8),
        Tag::BlockQuote(_) => Kind::BlockQuote,
        Tag::CodeBlock(block) => Kind::CodeBlock {
            lang: match block {
                CodeBlockKind::Fenced(info) => info
                    .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
                    .next()
                    .unwrap_or_default()
                    .to_ascii_lowercase(),
                CodeBlockKind::Indented => String::new(),
            },
            code: String::new(),
        },
        Tag::HtmlBlock => Kind::RawHtml,
        Tag::List(start) => Kind::List(start),
        Tag::Item => Kind::Item,
        Tag::Table(_) => Kind::Table,
        Tag::TableHead => Kind::TableHead,
        Tag::TableRow => Kind::TableRow,
        Tag::TableCell => Kind::TableCell,
        Tag::Emphasis => Kind::Emphasis,
        Tag::Strong => Kind::Strong,
        Tag::Strikethrough => Kind::Strike,
        Tag::Link { dest_url, .. } => Kind::Link(safe_href(&dest_url)),
        Tag::Image { dest_url, .. } => Kind::Image(safe_href(&dest_url)),
        _ => Kind::Span,
    }
}

fn leaf(kind: Kind) -> Node {
    Node {
        kind,
        children: Vec::new(),
    }
}

/// The answer's blocks, in order. An unfinished fence (while an answer streams) is a code block
/// that runs to the end.
pub fn parse(markdown: &str) -> Vec<Node> {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut stack = vec![leaf(Kind::Span)];
    for event in Parser::new_ext(markdown, options) {
        let node = match event {
            Event::Start(tag) => {
                stack.push(leaf(kind_of(tag)));
                continue;
            }
            Event::End(end) => {
                let Some(mut done) = stack.pop().filter(|_| !stack.is_empty()) else {
                    continue;
                };
                if let (Kind::CodeBlock { code, .. }, TagEnd::CodeBlock) = (&mut done.kind, end) {
                    *code = std::mem::take(&mut done.children)
                        .into_iter()
                        .filter_map(|n| match n.kind {
                            Kind::Text(t) => Some(t),
                            _ => None,
                        })
                        .collect();
                }
                done
            }
            Event::Text(text) | Event::Html(text) | Event::InlineHtml(text) => {
                leaf(Kind::Text(text.into_string()))
            }
            Event::Code(code) => leaf(Kind::Code(code.into_string())),
            Event::SoftBreak => leaf(Kind::SoftBreak),
            Event::HardBreak => leaf(Kind::HardBreak),
            Event::Rule => leaf(Kind::Rule),
            _ => continue,
        };
        if let Some(parent) = stack.last_mut() {
            push(parent, node);
        }
    }
    // Close whatever the parser left open (it does not, but the tree must not lose text).
    while stack.len() > 1 {
        if let Some(done) = stack.pop() {
            if let Some(parent) = stack.last_mut() {
                push(parent, done);
            }
        }
    }
    stack.pop().map(|root| root.children).unwrap_or_default()
}

/// Adds `node` to `parent`, joining neighbouring text (the parser splits text at every special
/// character, and one text node each is all the view needs).
fn push(parent: &mut Node, node: Node) {
    if let (
        Some(Node {
            kind: Kind::Text(last),
            ..
        }),
        Kind::Text(more),
    ) = (parent.children.last_mut(), &node.kind)
    {
        last.push_str(more);
        return;
    }
    parent.children.push(node);
}

/// The plain text of `nodes` (an image's alt text, a heading's words).
pub fn plain_text(nodes: &[Node]) -> String {
    let mut out = String::new();
    for node in nodes {
        match &node.kind {
            Kind::Text(t) | Kind::Code(t) => out.push_str(t),
            Kind::SoftBreak | Kind::HardBreak => out.push(' '),
            _ => out.push_str(&plain_text(&node.children)),
        }
    }
    out
}

#[cfg(test)]
mod tests;
