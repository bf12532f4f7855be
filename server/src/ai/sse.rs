//! An incremental reader of OpenRouter's event stream. Bytes go in as they arrive, in pieces of
//! any size; complete items come out. Comment lines (`: OPENROUTER PROCESSING`) are reported
//! as keep-alives and never parsed as JSON.
//!
//! Memory and time are bounded: a line may hold at most [`MAX_LINE`] bytes and an event's data
//! at most [`MAX_EVENT`]; past either the stream is refused. Each byte is scanned for a line
//! end once, however the stream is cut into pieces.

/// The longest line accepted; a longer one means the stream is not what we expect.
pub const MAX_LINE: usize = 256 * 1024;
/// The most data one event may carry (its `data:` lines together).
pub const MAX_EVENT: usize = 1024 * 1024;

/// One thing read from the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SseItem {
    /// A comment line: a keep-alive.
    KeepAlive,
    /// An event's data (its `data:` lines joined by newlines), e.g. a JSON chunk or `[DONE]`.
    Data(String),
}

/// The stream broke the event-stream format or its caps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SseError {
    /// A line longer than [`MAX_LINE`].
    #[error("the event stream has a line longer than {MAX_LINE} bytes")]
    LineTooLong,
    /// An event whose data is longer than [`MAX_EVENT`].
    #[error("the event stream has an event longer than {MAX_EVENT} bytes")]
    EventTooLong,
}

/// The reader's state between pieces.
#[derive(Debug, Default)]
pub struct SseParser {
    pending: Vec<u8>,
    /// How many bytes at the start of `pending` are known to hold no line end.
    scanned: usize,
    data: Option<String>,
}

impl SseParser {
    /// Reads `bytes`; returns the items completed by them.
    pub fn push(&mut self, bytes: &[u8]) -> Result<Vec<SseItem>, SseError> {
        self.pending.extend_from_slice(bytes);
        let mut items = Vec::new();
        let mut start = 0;
        let mut from = self.scanned;
        while let Some(offset) = self.pending[from..].iter().position(|b| *b == b'\n') {
            let end = from + offset;
            if end - start > MAX_LINE {
                return Err(SseError::LineTooLong);
            }
            let line = &self.pending[start..end];
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            read_line(&mut self.data, &String::from_utf8_lossy(line), &mut items)?;
            start = end + 1;
            from = start;
        }
        self.pending.drain(..start);
        self.scanned = self.pending.len();
        if self.pending.len() > MAX_LINE {
            return Err(SseError::LineTooLong);
        }
        Ok(items)
    }

    /// The end of the stream: whatever event was in progress is complete.
    pub fn finish(&mut self) -> Result<Vec<SseItem>, SseError> {
        let mut items = Vec::new();
        if !self.pending.is_empty() {
            let rest = std::mem::take(&mut self.pending);
            let line = String::from_utf8_lossy(&rest);
            read_line(&mut self.data, line.trim_end_matches('\r'), &mut items)?;
        }
        self.scanned = 0;
        if let Some(data) = self.data.take() {
            items.push(SseItem::Data(data));
        }
        Ok(items)
    }
}

/// Reads one line into the event in progress (`data`), completing it on a blank line.
fn read_line(
    data: &mut Option<String>,
    line: &str,
    items: &mut Vec<SseItem>,
) -> Result<(), SseError> {
    if line.is_empty() {
        if let Some(data) = data.take() {
            items.push(SseItem::Data(data));
        }
    } else if line.starts_with(':') {
        items.push(SseItem::KeepAlive);
    } else if let Some(value) = line.strip_prefix("data:") {
        let value = value.strip_prefix(' ').unwrap_or(value);
        match data {
            Some(data) => {
                if data.len() + 1 + value.len() > MAX_EVENT {
                    return Err(SseError::EventTooLong);
                }
                data.push('\n');
                data.push_str(value);
            }
            None => *data = Some(value.to_owned()),
        }
    }
    // Other fields (`event:`, `id:`, `retry:`) carry nothing OpenRouter uses.
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
            SseItem::Data("{\"a\":1}".into()),
            SseItem::Data("{\"b\":\"é\"}".into()),
            SseItem::Data("[DONE]".into()),
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
        assert_eq!(
            all(&[b"data: {\"x\":1}"]),
            vec![SseItem::Data("{\"x\":1}".into())]
        );
    }

    #[test]
    fn multi_line_data_is_joined() {
        assert_eq!(
            all(&[b"data: a\ndata: b\n\n"]),
            vec![SseItem::Data("a\nb".into())]
        );
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
        assert_eq!(items, vec![SseItem::Data("x".repeat(MAX_LINE - 6))]);
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
        assert_eq!(items, vec![SseItem::Data("z".repeat(200_000))]);
        assert_eq!(p.scanned, 0);
    }
}

#[cfg(test)]
#[path = "sse_props.rs"]
mod props;
