//! Tests of the event-stream reader.

use super::*;

/// An unnamed event carrying `d`.
fn data(d: &str) -> SseItem {
    SseItem::Event(Event {
        name: "message".into(),
        data: d.into(),
    })
}

const STREAM: &str =
    ": OPENROUTER PROCESSING\n\ndata: {\"a\":1}\n\ndata: {\"b\":\"é\"}\r\n\r\ndata: [DONE]\n\n";

fn all(pieces: &[&[u8]]) -> Vec<SseItem> {
    let mut p = SseParser::default();
    let mut items = Vec::new();
    for piece in pieces {
        items.extend(p.push(piece).unwrap_or_default());
    }
    items.extend(p.finish().unwrap_or_default());
    items
}

fn expected() -> Vec<SseItem> {
    vec![
        SseItem::KeepAlive,
        data("{\"a\":1}"),
        data("{\"b\":\"é\"}"),
        data("[DONE]"),
    ]
}

#[test]
fn a_whole_stream_reads_in_order_with_keep_alives() {
    assert_eq!(all(&[STREAM.as_bytes()]), expected());
}

#[test]
fn any_split_of_the_bytes_reads_the_same() {
    let bytes = STREAM.as_bytes();
    for cut in 0..bytes.len() {
        assert_eq!(
            all(&[&bytes[..cut], &bytes[cut..]]),
            expected(),
            "cut at {cut}"
        );
    }
    let singles: Vec<&[u8]> = bytes.chunks(1).collect();
    assert_eq!(all(&singles), expected());
}

#[test]
fn an_event_cut_off_by_the_end_is_still_read() {
    assert_eq!(all(&[b"data: {\"x\":1}"]), vec![data("{\"x\":1}")]);
}

#[test]
fn multi_line_data_is_joined() {
    assert_eq!(all(&[b"data: a\ndata: b\n\n"]), vec![data("a\nb")]);
}

#[test]
fn an_endless_line_is_refused() {
    let mut p = SseParser::default();
    let big = vec![b'x'; MAX_LINE + 1];
    assert_eq!(p.push(&big), Err(SseError::LineTooLong));
}

#[test]
fn an_over_long_line_is_refused_even_when_its_end_comes_in_the_same_piece() {
    let mut line = b"data: ".to_vec();
    line.extend(vec![b'x'; MAX_LINE]);
    line.extend_from_slice(b"\n\n");
    assert_eq!(SseParser::default().push(&line), Err(SseError::LineTooLong));
}

#[test]
fn a_line_at_the_cap_is_read() {
    let mut line = b"data: ".to_vec();
    line.extend(vec![b'x'; MAX_LINE - 6]);
    line.extend_from_slice(b"\n\n");
    let items = SseParser::default().push(&line).unwrap_or_default();
    assert_eq!(items, vec![data(&"x".repeat(MAX_LINE - 6))]);
}

#[test]
fn an_event_of_many_data_lines_past_the_cap_is_refused() {
    let line = format!("data: {}\n", "y".repeat(1000));
    let mut p = SseParser::default();
    let mut result = Ok(Vec::new());
    for _ in 0..(MAX_EVENT / 1000 + 2) {
        result = p.push(line.as_bytes());
        if result.is_err() {
            break;
        }
    }
    assert_eq!(result, Err(SseError::EventTooLong));
}

#[test]
fn a_long_line_in_one_byte_pieces_is_scanned_once_and_read_whole() {
    let line = format!("data: {}\n\n", "z".repeat(200_000));
    let mut p = SseParser::default();
    let mut items = Vec::new();
    for byte in line.as_bytes() {
        items.extend(p.push(std::slice::from_ref(byte)).unwrap_or_default());
    }
    assert_eq!(items, vec![data(&"z".repeat(200_000))]);
    assert_eq!(p.scanned, 0);
}

#[test]
fn event_names_are_read_and_reset_after_each_event() {
    assert_eq!(
        all(&[b"event: delta\r\ndata: {\"content\":\"Hel\"}\r\n\r\ndata: x\n\n"]),
        vec![
            SseItem::Event(Event {
                name: "delta".into(),
                data: "{\"content\":\"Hel\"}".into()
            }),
            data("x"),
        ]
    );
}

#[test]
fn a_partial_event_waits_for_its_end() {
    let mut p = SseParser::default();
    let first = p.push(b"event: delta\ndata: {\"con").unwrap_or_default();
    assert!(first.is_empty());
    let rest = p
        .push(b"tent\":\"lo\"}\n\n: keep-alive\n\n")
        .unwrap_or_default();
    assert_eq!(
        rest,
        vec![
            SseItem::Event(Event {
                name: "delta".into(),
                data: "{\"content\":\"lo\"}".into()
            }),
            SseItem::KeepAlive,
        ]
    );
}

#[test]
fn an_event_without_data_is_no_event() {
    assert_eq!(all(&[b"event: ping\n\ndata: y\n\n"]), vec![data("y")]);
}
