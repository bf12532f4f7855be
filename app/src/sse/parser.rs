//! An incremental reader of an event stream (`text/event-stream`), used on both sides: the
//! server reads OpenRouter's stream with it, the browser the studio's own. Bytes go in as they
//! arrive, in pieces of any size; complete items come out. Lines may end in LF or CRLF; comment
//! lines (`: OPENROUTER PROCESSING`) are reported as keep-alives and never parsed as data.
//!
//! Memory and time are bounded: a line may hold at most [`MAX_LINE`] bytes and an event's data
//! at most [`MAX_EVENT`]; past either the stream is refused. Each byte is scanned for a line
//! end once, however the stream is cut into pieces.

/// The longest line accepted; a longer one means the stream is not what we expect.
pub const MAX_LINE: usize = 256 * 1024;
/// The most data one event may carry (its `data:` lines together).
pub const MAX_EVENT: usize = 1024 * 1024;

/// One event: its `event:` name (`message` when it has none) and its `data:`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The event name.
    pub name: String,
    /// The data lines, joined by newlines (e.g. a JSON chunk or `[DONE]`).
    pub data: String,
}

/// One thing read from the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SseItem {
    /// A comment line: a keep-alive.
    KeepAlive,
    /// A complete event.
    Event(Event),
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
    event: Partial,
}

/// The event being read: its name, if given, and its data so far.
#[derive(Debug, Default)]
struct Partial {
    name: Option<String>,
    data: Option<String>,
}

impl Partial {
    /// Completes the event, if it has data; a blank line ends an event either way.
    fn dispatch(&mut self, items: &mut Vec<SseItem>) {
        let name = self.name.take();
        if let Some(data) = self.data.take() {
            items.push(SseItem::Event(Event {
                name: name.unwrap_or_else(|| "message".to_owned()),
                data,
            }));
        }
    }
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
            read_line(&mut self.event, &String::from_utf8_lossy(line), &mut items)?;
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
            read_line(&mut self.event, line.trim_end_matches('\r'), &mut items)?;
        }
        self.scanned = 0;
        self.event.dispatch(&mut items);
        Ok(items)
    }
}

/// Reads one line into the event in progress, completing it on a blank line.
fn read_line(event: &mut Partial, line: &str, items: &mut Vec<SseItem>) -> Result<(), SseError> {
    if line.is_empty() {
        event.dispatch(items);
    } else if line.starts_with(':') {
        items.push(SseItem::KeepAlive);
    } else if let Some(value) = line.strip_prefix("data:") {
        let value = value.strip_prefix(' ').unwrap_or(value);
        match &mut event.data {
            Some(data) => {
                if data.len() + 1 + value.len() > MAX_EVENT {
                    return Err(SseError::EventTooLong);
                }
                data.push('\n');
                data.push_str(value);
            }
            None => event.data = Some(value.to_owned()),
        }
    } else if let Some(value) = line.strip_prefix("event:") {
        event.name = Some(value.trim().to_owned());
    }
    // Other fields (`id:`, `retry:`) carry nothing either side uses.
    Ok(())
}

#[cfg(test)]
#[path = "parser_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "parser_props.rs"]
mod props;
