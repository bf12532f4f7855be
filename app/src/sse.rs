//! Server-sent events: the one reader of an event stream ([`SseParser`], used by the server for
//! OpenRouter's stream and by the browser for the studio's), and the browser's `fetch` POST that
//! reads one (the browser's own `EventSource` cannot POST). Events are handed over as they arrive.

mod parser;

pub use parser::{Event, SseError, SseItem, SseParser, MAX_EVENT, MAX_LINE};

#[cfg(feature = "hydrate")]
pub use client::{post, Answer};

#[cfg(feature = "hydrate")]
mod client {
    use super::{Event, SseItem, SseParser};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{ReadableStreamDefaultReader, RequestCredentials, RequestInit, Response};

    /// What a POST answered when it was not an event stream.
    pub enum Answer {
        /// The stream ended normally.
        Done,
        /// A non-stream answer: the status and the body text.
        Error(u16, String),
    }

    /// POSTs `body` (JSON) to `url` and calls `on_event` for each event as it arrives, until
    /// the stream ends or `stop` is aborted (then the answer is an error).
    pub async fn post(
        url: &str,
        body: &str,
        stop: &web_sys::AbortSignal,
        mut on_event: impl FnMut(Event),
    ) -> Result<Answer, JsValue> {
        let init = RequestInit::new();
        init.set_signal(Some(stop));
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
        let mut parser = SseParser::default();
        loop {
            let chunk = JsFuture::from(reader.read()).await?;
            let done = js_sys::Reflect::get(&chunk, &JsValue::from_str("done"))?
                .as_bool()
                .unwrap_or(true);
            if done {
                break;
            }
            let value: js_sys::Uint8Array =
                js_sys::Reflect::get(&chunk, &JsValue::from_str("value"))?.dyn_into()?;
            // Bytes, not text: the parser decodes whole lines, so a character cut between two
            // chunks arrives intact.
            let items = parser
                .push(&value.to_vec())
                .map_err(|e| JsValue::from_str(&e.to_string()))?;
            for item in items {
                if let SseItem::Event(event) = item {
                    on_event(event);
                }
            }
        }
        Ok(Answer::Done)
    }
}
