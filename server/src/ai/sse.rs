//! An incremental reader of OpenRouter's event stream. Bytes go in as they arrive, in pieces of
//! any size; complete items come out. Comment lines (`: OPENROUTER PROCESSING`) are reported
//! as keep-alives and never parsed as JSON.

/// The longest line accepted; a longer one means the stream is not what we expect.
const MAX_LINE: usize = 1024 * 1024;

/// One thing read from the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SseItem {
    /// A comment line: a keep-alive.
    KeepAlive,
    /// An event's data (its `data:` lines joined by newlines), e.g. a JSON chunk or `[DONE]`.
    Data(String),
}

/// The stream broke the event-stream format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the event stream has a line longer than {MAX_LINE} bytes")]
pub struct LineTooLong;

/// The reader's state between pieces.
#[derive(Debug, Default)]
pub struct SseParser {
    pending: Vec<u8>,
    data: Option<String>,
}

impl SseParser {
    /// Reads `bytes`; returns the items completed by them.
    pub fn push(&mut self, bytes: &[u8]) -> Result<Vec<SseItem>, LineTooLong> {
        self.pending.extend_from_slice(bytes);
        let mut items = Vec::new();
        let mut start = 0;
        while let Some(offset) = self.pending[start..].iter().position(|b| *b == b'\n') {
            let end = start + offset;
            let line = &self.pending[start..end];
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let line = String::from_utf8_lossy(line).into_owned();
            self.line(&line, &mut items);
            start = end + 1;
        }
        self.pending.drain(..start);
        if self.pending.len() > MAX_LINE {
            return Err(LineTooLong);
        }
        Ok(items)
    }

    /// The end of the stream: whatever event was in progress is complete.
    pub fn finish(&mut self) -> Vec<SseItem> {
        let mut items = Vec::new();
        if !self.pending.is_empty() {
            let rest = std::mem::take(&mut self.pending);
            let line = String::from_utf8_lossy(&rest).into_owned();
            self.line(line.trim_end_matches('\r'), &mut items);
        }
        if let Some(data) = self.data.take() {
            items.push(SseItem::Data(data));
        }
        items
    }

    fn line(&mut self, line: &str, items: &mut Vec<SseItem>) {
        if line.is_empty() {
            if let Some(data) = self.data.take() {
                items.push(SseItem::Data(data));
            }
        } else if line.starts_with(':') {
            items.push(SseItem::KeepAlive);
        } else if let Some(value) = line.strip_prefix("data:") {
            let value = value.strip_prefix(' ').unwrap_or(value);
            match &mut self.data {
                Some(data) => {
                    data.push('\n');
                    data.push_str(value);
                }
                None => self.data = Some(value.to_owned()),
            }
        }
        // Other fields (`event:`, `id:`, `retry:`) carry nothing OpenRouter uses.
    }
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
        items.extend(p.finish());
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
        assert_eq!(p.push(&big), Err(LineTooLong));
    }
}
