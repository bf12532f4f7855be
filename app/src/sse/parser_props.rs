//! Property tests of the event-stream reader: any stream of events and keep-alives, written with
//! LF or CRLF line ends and cut into pieces anywhere (inside a line, a CRLF or a UTF-8
//! character), reads back exactly; arbitrary bytes in arbitrary pieces never panic and stay
//! within the caps.
//!
//! `PROPTEST_CASES` sets the number of cases (default 256).

use super::*;
use proptest::prelude::*;

/// What a stream is made of, before it is written out.
#[derive(Debug, Clone)]
enum Written {
    /// A comment line (`:` and text).
    Comment(String),
    /// An event: its data lines, and other fields the reader ignores (`event:`, `id:`).
    Event {
        data: Vec<String>,
        named: Option<String>,
    },
}

/// Text with no line end in it (a data line's value or a comment).
fn line_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[^\r\n]{0,40}",
        "\\{\"[a-z]{1,8}\":\"[^\r\n\"\\\\]{0,20}\"\\}",
        Just("[DONE]".to_owned()),
        Just(String::new()),
        " [ -~]{0,10}",
    ]
}

fn written() -> impl Strategy<Value = Written> {
    prop_oneof![
        1 => line_text().prop_map(Written::Comment),
        4 => (
            prop::collection::vec(line_text(), 1..4),
            prop::option::of("[a-z]{1,8}"),
        )
            .prop_map(|(data, named)| Written::Event { data, named }),
    ]
}

/// The stream as bytes, with `eol` after every line.
fn serialise(stream: &[Written], eol: &str) -> Vec<u8> {
    let mut out = String::new();
    for item in stream {
        match item {
            Written::Comment(text) => out.push_str(&format!(":{text}{eol}{eol}")),
            Written::Event { data, named } => {
                if let Some(name) = named {
                    out.push_str(&format!("event: {name}{eol}id: 7{eol}"));
                }
                for line in data {
                    out.push_str(&format!("data: {line}{eol}"));
                }
                out.push_str(eol);
            }
        }
    }
    out.into_bytes()
}

fn expected(stream: &[Written]) -> Vec<SseItem> {
    stream
        .iter()
        .map(|item| match item {
            Written::Comment(_) => SseItem::KeepAlive,
            Written::Event { data, named } => SseItem::Event(Event {
                name: named.clone().unwrap_or_else(|| "message".to_owned()),
                data: data.join("\n"),
            }),
        })
        .collect()
}

/// `bytes` cut at the given points (sorted, deduplicated, within range).
fn pieces(bytes: &[u8], cuts: &[prop::sample::Index]) -> Vec<Vec<u8>> {
    let mut at: Vec<usize> = cuts.iter().map(|c| c.index(bytes.len() + 1)).collect();
    at.sort_unstable();
    at.dedup();
    let mut out = Vec::new();
    let mut start = 0;
    for end in at.into_iter().chain(std::iter::once(bytes.len())) {
        out.push(bytes[start..end].to_vec());
        start = end;
    }
    out
}

fn read_all(pieces: &[Vec<u8>]) -> Result<Vec<SseItem>, SseError> {
    let mut parser = SseParser::default();
    let mut items = Vec::new();
    for piece in pieces {
        items.extend(parser.push(piece)?);
    }
    items.extend(parser.finish()?);
    Ok(items)
}

proptest! {
    #[test]
    fn any_stream_cut_anywhere_reads_back_the_same_with_lf_or_crlf(
        stream in prop::collection::vec(written(), 0..12),
        crlf in any::<bool>(),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..16),
    ) {
        let bytes = serialise(&stream, if crlf { "\r\n" } else { "\n" });
        let read = read_all(&pieces(&bytes, &cuts));
        prop_assert_eq!(read, Ok(expected(&stream)));
    }

    #[test]
    fn a_last_event_without_its_blank_line_is_still_read(
        stream in prop::collection::vec(written(), 1..6),
        crlf in any::<bool>(),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..8),
    ) {
        let eol = if crlf { "\r\n" } else { "\n" };
        let mut bytes = serialise(&stream, eol);
        // Drop the final blank line, and the last line's own end too.
        bytes.truncate(bytes.len() - 2 * eol.len());
        let read = read_all(&pieces(&bytes, &cuts));
        prop_assert_eq!(read, Ok(expected(&stream)));
    }

    #[test]
    fn arbitrary_bytes_in_arbitrary_pieces_never_panic(
        bytes in prop::collection::vec(
            prop_oneof![any::<u8>(), Just(b'\n'), Just(b'\r'), Just(b':')],
            0..600,
        ),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..16),
    ) {
        let whole = read_all(std::slice::from_ref(&bytes));
        let cut = read_all(&pieces(&bytes, &cuts));
        prop_assert_eq!(&whole, &cut, "the pieces do not change what is read");
        if let Ok(items) = whole {
            let data: usize = items
                .iter()
                .map(|i| match i {
                    SseItem::Event(e) => e.data.len() + e.name.len(),
                    SseItem::KeepAlive => 0,
                })
                .sum();
            // Data and names come from the input, where lossy UTF-8 may grow a byte to three; a
            // default name (`message`, seven bytes) needs an event of at least seven (`data:\n\n`).
            prop_assert!(data <= 4 * bytes.len());
        }
    }
}
