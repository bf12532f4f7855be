use super::*;

fn text(t: &str) -> Node {
    leaf(Kind::Text(t.to_owned()))
}

fn node(kind: Kind, children: Vec<Node>) -> Node {
    Node { kind, children }
}

/// Every node of `nodes`, depth first.
fn all(nodes: &[Node]) -> Vec<&Node> {
    let mut out = Vec::new();
    for n in nodes {
        out.push(n);
        out.extend(all(&n.children));
    }
    out
}

fn links(nodes: &[Node]) -> Vec<Option<String>> {
    all(nodes)
        .into_iter()
        .filter_map(|n| match &n.kind {
            Kind::Link(href) | Kind::Image(href) => Some(href.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn headings_emphasis_inline_code_and_fenced_code() {
    let tree = parse("## Title\n\n**bold** and *it* and `x`\n\n```Rust ignore\nfn a() {}\n```\n");
    assert_eq!(tree[0], node(Kind::Heading(2), vec![text("Title")]));
    assert_eq!(
        tree[1],
        node(
            Kind::Paragraph,
            vec![
                node(Kind::Strong, vec![text("bold")]),
                text(" and "),
                node(Kind::Emphasis, vec![text("it")]),
                text(" and "),
                leaf(Kind::Code("x".into())),
            ]
        )
    );
    assert_eq!(
        tree[2],
        leaf(Kind::CodeBlock {
            lang: "rust".into(),
            code: "fn a() {}\n".into()
        })
    );
}

#[test]
fn an_unfinished_fence_is_a_code_block_to_the_end() {
    let tree = parse("Here:\n\n```python\ndef f():\n    ret");
    assert_eq!(
        tree.last().map(|n| &n.kind),
        Some(&Kind::CodeBlock {
            lang: "python".into(),
            code: "def f():\n    ret".into()
        })
    );
}

#[test]
fn nested_lists_keep_their_nesting_and_numbering() {
    let tree = parse("3. one\n   - a\n   - b\n4. two\n");
    let Some(Node {
        kind: Kind::List(Some(3)),
        children: items,
    }) = tree.first()
    else {
        panic!("{tree:?}")
    };
    assert_eq!(items.len(), 2);
    let inner = items[0]
        .children
        .iter()
        .find(|n| n.kind == Kind::List(None))
        .map(|l| l.children.len());
    assert_eq!(inner, Some(2), "{items:?}");
}

#[test]
fn tables_have_a_head_row_and_body_rows() {
    let tree = parse("| a | b |\n|---|:-:|\n| 1 | `2` |\n| 3 | 4 |\n");
    let table = &tree[0];
    assert_eq!(table.kind, Kind::Table);
    let kinds: Vec<&Kind> = table.children.iter().map(|n| &n.kind).collect();
    assert_eq!(kinds, [&Kind::TableHead, &Kind::TableRow, &Kind::TableRow]);
    assert_eq!(table.children[0].children.len(), 2);
    assert_eq!(
        table.children[1].children[1].children,
        [leaf(Kind::Code("2".into()))]
    );
}

#[test]
fn raw_html_is_only_ever_text() {
    let hostile = "<script>alert(1)</script>\n\nhi <img src=x onerror=alert(2)> <b onclick=\"x\">b</b>\n\n<a href=\"javascript:alert(3)\">a</a>\n\n<iframe src=\"https://e.example\"></iframe>\n";
    let tree = parse(hostile);
    assert!(
        all(&tree).iter().all(|n| matches!(
            n.kind,
            Kind::RawHtml | Kind::Paragraph | Kind::Text(_) | Kind::SoftBreak
        )),
        "{tree:?}"
    );
    assert_eq!(tree[0].kind, Kind::RawHtml);
    assert_eq!(plain_text(&tree[0].children), "<script>alert(1)</script>\n");
    assert!(plain_text(&tree).contains("<img src=x onerror=alert(2)>"));
    assert!(links(&tree).is_empty());
}

#[test]
fn only_http_https_and_mailto_links_keep_their_target() {
    let tree = parse(
        "[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) [c](data:text/html,<script>x</script>) \
         [d](&#106;avascript:alert(1)) [e](vbscript:x) [f](/relative) [g](#top) \
         <javascript:alert(1)> [h](https://example.com/ok \"t\") <https://example.com/auto> \
         [i](mailto:a@example.com) [j](http://example.com) [k](<java\tscript:x>)",
    );
    let expected: Vec<Option<String>> = [
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        Some("https://example.com/ok"),
        Some("https://example.com/auto"),
        Some("mailto:a@example.com"),
        Some("http://example.com"),
        None,
    ]
    .into_iter()
    .map(|h| h.map(str::to_owned))
    .collect();
    assert_eq!(links(&tree), expected);
    let text = plain_text(&tree);
    for word in ["a", "b", "c", "d", "e", "f", "g", "h"] {
        assert!(
            text.contains(word),
            "the text of dropped links stays: {text}"
        );
    }
}

#[test]
fn images_are_links_to_their_url_with_alt_text_never_sources() {
    let tree = parse("![a cat](https://example.com/cat.png) ![bad](javascript:x)");
    let images: Vec<&Node> = all(&tree)
        .into_iter()
        .filter(|n| matches!(n.kind, Kind::Image(_)))
        .collect();
    assert_eq!(images.len(), 2);
    assert_eq!(
        images[0].kind,
        Kind::Image(Some("https://example.com/cat.png".into()))
    );
    assert_eq!(plain_text(&images[0].children), "a cat");
    assert_eq!(images[1].kind, Kind::Image(None));
}

#[test]
fn safe_href_refuses_what_browsers_would_reinterpret() {
    assert_eq!(
        safe_href("https://a.example/x?y=1"),
        Some("https://a.example/x?y=1".into())
    );
    for bad in [
        "",
        "https://",
        " https://a",
        "java\nscript:x",
        "javascript:x",
        "data:x",
        "file:///etc",
        "//evil.example",
        "ftp://x",
    ] {
        assert_eq!(safe_href(bad), None, "{bad:?}");
    }
}
