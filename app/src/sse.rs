//! Reading a server-sent event stream from a `fetch` POST in the browser (the browser's own
//! `EventSource` cannot POST). Events are handed over as they arrive.

/// One event: its `event:` name (default `message`) and its `data:`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The event name.
    pub name: String,
    /// The data lines, joined by newlines.
    pub data: String,
}

/// Splits complete events off the front of `buffer`, leaving any partial event in it. Text is
/// appended to `buffer` as it arrives, in pieces of any size; CRLF and CR line ends are read as
/// LF, also when a piece ends between the CR and the LF.
pub fn drain_events(buffer: &mut String) -> Vec<Event> {
    normalise_line_ends(buffer);
    let mut out = Vec::new();
    while let Some(end) = buffer.find("\n\n") {
        let block: String = buffer.drain(..end + 2).collect();
        let mut name = "message".to_owned();
        let mut data = Vec::new();
        for line in block.lines() {
            if let Some(v) = line.strip_prefix("event:") {
                name = v.trim().to_owned();
            } else if let Some(v) = line.strip_prefix("data:") {
                data.push(v.strip_prefix(' ').unwrap_or(v).to_owned());
            }
        }
        if !data.is_empty() {
            out.push(Event {
                name,
                data: data.join("\n"),
            });
        }
    }
    out
}

/// The end of the stream: a CR still waiting for an LF is a line end after all, so the event
/// it ends is complete. (An event with no blank line after it is dropped, as the
/// event-stream standard says.)
pub fn finish_events(buffer: &mut String) -> Vec<Event> {
    if buffer.ends_with('\r') {
        buffer.pop();
        buffer.push('\n');
    }
    drain_events(buffer)
}

/// Turns every CRLF and lone CR into LF, except a CR at the very end: it may be the first half
/// of a CRLF whose LF is in the next piece, so it waits. Afterwards `buffer` holds no CR but
/// that one.
fn normalise_line_ends(buffer: &mut String) {
    if !buffer.contains('\r') {
        return;
    }
    let waiting = buffer.ends_with('\r');
    let body = buffer.strip_suffix('\r').unwrap_or(buffer.as_str());
    let mut out = body.replace("\r\n", "\n").replace('\r', "\n");
    if waiting {
        out.push('\r');
    }
    *buffer = out;
}

#[cfg(feature = "hydrate")]
pub use client::{post, Answer};

#[cfg(feature = "hydrate")]
mod client {
    use super::{drain_events, finish_events, Event};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{
        ReadableStreamDefaultReader, RequestCredentials, RequestInit, Response, TextDecoder,
    };

    /// What a POST answered when it was not an event stream.
    pub enum Answer {
        /// The stream ended normally.
        Done,
        /// A non-stream answer: the status and the body text.
        Error(u16, String),
    }

    /// POSTs `body` (JSON) to `url` and calls `on_event` for each event as it arrives.
    pub async fn post(
        url: &str,
        body: &str,
        mut on_event: impl FnMut(Event),
    ) -> Result<Answer, JsValue> {
        let init = RequestInit::new();
        init.set_method("POST");
        init.set_credentials(RequestCredentials::SameOrigin);
        init.set_body(&JsValue::from_str(body));
        let headers = web_sys::Headers::new()?;
        headers.set("content-type", "application/json")?;
        headers.set("accept", "text/event-stream")?;
        init.set_headers(&headers);
        let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
        let response: Response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
            .await?
            .dyn_into()?;
        let is_stream = response
            .headers()
            .get("content-type")?
            .is_some_and(|t| t.starts_with("text/event-stream"));
        if !response.ok() || !is_stream {
            let text = JsFuture::from(response.text()?)
                .await?
                .as_string()
                .unwrap_or_default();
            return Ok(Answer::Error(response.status(), text));
        }
        let stream = response
            .body()
            .ok_or_else(|| JsValue::from_str("no body"))?;
        let reader: ReadableStreamDefaultReader = stream.get_reader().dyn_into()?;
        let decoder = TextDecoder::new()?;
        let options = web_sys::TextDecodeOptions::new();
        options.set_stream(true);
        let mut buffer = String::new();
        loop {
            let chunk = JsFuture::from(reader.read()).await?;
            let done = js_sys::Reflect::get(&chunk, &JsValue::from_str("done"))?
                .as_bool()
                .unwrap_or(true);
            if done {
                for event in finish_events(&mut buffer) {
                    on_event(event);
                }
                break;
            }
            let value: js_sys::Uint8Array =
                js_sys::Reflect::get(&chunk, &JsValue::from_str("value"))?.dyn_into()?;
            let text = decoder.decode_with_buffer_source_and_options(&value, &options)?;
            buffer.push_str(&text);
            for event in drain_events(&mut buffer) {
                on_event(event);
            }
        }
        Ok(Answer::Done)
    }
}

#[cfg(test)]
#[path = "sse_props.rs"]
mod props;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn complete_events_are_split_off_and_partial_ones_wait() {
        let mut buf =
            "event: delta\ndata: {\"content\":\"Hel\"}\n\nevent: delta\ndata: {\"con".to_owned();
        let events = drain_events(&mut buf);
        assert_eq!(
            events,
            vec![Event {
                name: "delta".into(),
                data: "{\"content\":\"Hel\"}".into()
            }]
        );
        assert_eq!(buf, "event: delta\ndata: {\"con");
        buf.push_str("tent\":\"lo\"}\n\n: keep-alive\n\n");
        let events = drain_events(&mut buf);
        assert_eq!(events.len(), 1, "comments are not events");
        assert!(buf.is_empty());
    }
}
