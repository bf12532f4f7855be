//! Property tests of the browser's event-stream reader: any stream of events and comments,
//! written with LF, CRLF or CR line ends and cut into pieces anywhere (between a CR and its LF
//! too), reads back exactly; arbitrary text in arbitrary pieces never panics, and how it is cut
//! never changes what is read.
//!
//! `PROPTEST_CASES` sets the number of cases (default 256).

use super::*;
use proptest::prelude::*;

/// What a stream is made of, before it is written out.
#[derive(Debug, Clone)]
enum Written {
    /// A comment line (a keep-alive): no event.
    Comment(String),
    /// An event with a name (or the default) and one or more data lines.
    Event {
        name: Option<String>,
        data: Vec<String>,
    },
}

/// Text with no line end in it.
fn line_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[^\r\n]{0,40}",
        "\\{\"content\":\"[^\r\n\"\\\\]{0,20}\"\\}",
        Just(String::new()),
        " [ -~]{0,10}",
    ]
}

fn written() -> impl Strategy<Value = Written> {
    prop_oneof![
        1 => line_text().prop_map(Written::Comment),
        4 => (
            prop::option::of("[a-z]{1,8}"),
            prop::collection::vec(line_text(), 1..4),
        )
            .prop_map(|(name, data)| Written::Event { name, data }),
    ]
}

fn serialise(stream: &[Written], eol: &str) -> String {
    let mut out = String::new();
    for item in stream {
        match item {
            Written::Comment(text) => out.push_str(&format!(":{text}{eol}{eol}")),
            Written::Event { name, data } => {
                if let Some(name) = name {
                    out.push_str(&format!("event: {name}{eol}"));
                }
                for line in data {
                    out.push_str(&format!("data: {line}{eol}"));
                }
                out.push_str(eol);
            }
        }
    }
    out
}

fn expected(stream: &[Written]) -> Vec<Event> {
    stream
        .iter()
        .filter_map(|item| match item {
            Written::Comment(_) => None,
            Written::Event { name, data } => Some(Event {
                name: name.clone().unwrap_or_else(|| "message".to_owned()),
                data: data.join("\n"),
            }),
        })
        .collect()
}

/// `text` cut at the given points (moved back to character boundaries), as a `TextDecoder`
/// hands it over.
fn pieces(text: &str, cuts: &[prop::sample::Index]) -> Vec<String> {
    let mut at: Vec<usize> = cuts
        .iter()
        .map(|c| {
            let mut i = c.index(text.len() + 1);
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            i
        })
        .collect();
    at.sort_unstable();
    at.dedup();
    let mut out = Vec::new();
    let mut start = 0;
    for end in at.into_iter().chain(std::iter::once(text.len())) {
        out.push(text[start..end].to_owned());
        start = end;
    }
    out
}

/// Feeds the pieces as the client does; returns the events and what is left in the buffer.
fn read_all(pieces: &[String]) -> (Vec<Event>, String) {
    let mut buffer = String::new();
    let mut events = Vec::new();
    for piece in pieces {
        buffer.push_str(piece);
        events.extend(drain_events(&mut buffer));
    }
    events.extend(finish_events(&mut buffer));
    (events, buffer)
}

proptest! {
    #[test]
    fn any_stream_cut_anywhere_reads_back_the_same_with_any_line_end(
        stream in prop::collection::vec(written(), 0..12),
        eol in prop::sample::select(&["\n", "\r\n", "\r"][..]),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..16),
    ) {
        let text = serialise(&stream, eol);
        let (events, rest) = read_all(&pieces(&text, &cuts));
        prop_assert_eq!(events, expected(&stream));
        prop_assert_eq!(rest, "");
    }

    #[test]
    fn arbitrary_text_never_panics_and_reads_the_same_however_it_is_cut(
        text in prop::collection::vec(
            prop_oneof![
                any::<char>().prop_map(String::from),
                Just("\n".to_owned()),
                Just("\r".to_owned()),
                Just("data:".to_owned()),
                Just("event:".to_owned()),
            ],
            0..200,
        ).prop_map(|parts| parts.concat()),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..16),
    ) {
        let whole = read_all(std::slice::from_ref(&text));
        let cut = read_all(&pieces(&text, &cuts));
        prop_assert_eq!(whole, cut);
    }
}
