//! The HTTP client.

use std::sync::Arc;
use std::time::Duration;

use http::header::{HeaderValue, AUTHORIZATION};
use reqwest::{Method, RequestBuilder, Response};
use secrecy::{ExposeSecret, SecretString};

use crate::openrouter::error::UpstreamError;
use crate::openrouter::key::ApiKey;
use crate::openrouter::lanes::{Lanes, Ticket, PER_LANE};
use crate::openrouter::transport::{
    read_capped, MAX_COMPLETION_BYTES, MAX_ERROR_BYTES, MAX_KEY_BYTES, MAX_MODELS_BYTES,
};
pub use crate::openrouter::transport::{HttpVersion, Streaming, Timeouts};
use crate::openrouter::types::{
    ChatCompletion, ChatCompletionRequest, ErrorBody, KeyEnvelope, KeyInfo, ModelEntry,
    ModelsEnvelope,
};

/// Shown to OpenRouter as the app's name (`X-OpenRouter-Title`).
pub const APP_TITLE: &str = "AiAppsy Web Studio";

/// A client for one OpenRouter base URL.
#[derive(Clone)]
pub struct OpenRouterClient {
    lanes: Arc<Lanes>,
    base: String,
    referer: HeaderValue,
    /// The configured limits.
    pub timeouts: Timeouts,
}

impl std::fmt::Debug for OpenRouterClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenRouterClient")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl OpenRouterClient {
    /// A client for `base` (e.g. `https://openrouter.ai/api/v1`), attributing calls to `referer`.
    pub fn new(base: &str, referer: &str, timeouts: Timeouts) -> Result<Self, String> {
        Self::with_version(base, referer, timeouts, HttpVersion::Auto, PER_LANE)
    }

    /// A client speaking `version`, with at most `per_lane` calls on one connection.
    pub fn with_version(
        base: &str,
        referer: &str,
        timeouts: Timeouts,
        version: HttpVersion,
        per_lane: usize,
    ) -> Result<Self, String> {
        let build = move || {
            let builder = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .connect_timeout(timeouts.connect)
                // As many idle connections as the lane may carry calls: over HTTP/1.1 each call
                // holds one, and a pool that kept fewer closed the rest after every burst and
                // opened them again on the next, a connect on the call's path (at 2,000 calls a
                // second with 50 ms upstream: 38 in a 10-second run; none since).
                .pool_max_idle_per_host(per_lane)
                .user_agent(concat!("aiappsy-studio/", env!("CARGO_PKG_VERSION")));
            let builder = match version {
                HttpVersion::Auto => builder,
                HttpVersion::Http1 => builder.http1_only(),
                HttpVersion::Http2 => builder.http2_prior_knowledge(),
            };
            builder
                .build()
                .map_err(|e| format!("cannot build the HTTP client: {e}"))
        };
        let lanes = Lanes::new(per_lane, Box::new(build))?;
        let referer =
            HeaderValue::from_str(referer).map_err(|_| "PUBLIC_URL is not a valid header value")?;
        Ok(Self {
            lanes: Arc::new(lanes),
            base: base.trim_end_matches('/').to_owned(),
            referer,
            timeouts,
        })
    }

    /// The one place a key leaves the process: a sensitive `Authorization` header, plus the
    /// attribution headers.
    fn authorized(
        &self,
        lane: &Ticket,
        method: Method,
        path: &str,
        key: &ApiKey,
    ) -> RequestBuilder {
        let mut auth = HeaderValue::from_str(&format!("Bearer {}", key.secret().expose_secret()))
            .unwrap_or_else(|_| HeaderValue::from_static(""));
        auth.set_sensitive(true);
        lane.http()
            .request(method, format!("{}{path}", self.base))
            .header(AUTHORIZATION, auth)
            .header("HTTP-Referer", self.referer.clone())
            .header("X-OpenRouter-Title", APP_TITLE)
            .header("X-Title", APP_TITLE)
    }

    /// How many lanes (upstream clients, each with its own connections) are open.
    pub fn lanes(&self) -> usize {
        self.lanes.count()
    }

    /// Sends `req`, turning transport failures, redirects and error statuses into errors.
    /// `timeout` bounds the whole exchange, body included.
    pub async fn send(req: RequestBuilder, timeout: Duration) -> Result<Response, UpstreamError> {
        let res = req
            .timeout(timeout)
            .send()
            .await
            .map_err(|e| UpstreamError::from_reqwest(&e))?;
        Self::check(res).await
    }

    /// Sends `req` whose body will be streamed: `timeout` bounds only the wait for the status
    /// and headers (and an error body), so a long stream is not cut off.
    pub async fn send_streaming(
        req: RequestBuilder,
        timeout: Duration,
    ) -> Result<Response, UpstreamError> {
        let exchange = async {
            let res = req
                .send()
                .await
                .map_err(|e| UpstreamError::from_reqwest(&e))?;
            Self::check(res).await
        };
        tokio::time::timeout(timeout, exchange)
            .await
            .map_err(|_| UpstreamError::Timeout)?
    }

    /// Passes a success on; turns a redirect or an error status into an [`UpstreamError`].
    async fn check(res: Response) -> Result<Response, UpstreamError> {
        let status = res.status();
        if status.is_redirection() {
            return Err(UpstreamError::Redirect);
        }
        if status.is_success() {
            return Ok(res);
        }
        let retry_after = res
            .headers()
            .get(http::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u32>().ok());
        // An error body past the cap is not read further; the status alone picks the answer.
        let body = read_capped(res, MAX_ERROR_BYTES).await.unwrap_or_default();
        let (message, metadata) = match serde_json::from_slice::<ErrorBody>(&body) {
            Ok(b) => (b.error.message, b.error.metadata),
            Err(_) => (String::new(), None),
        };
        let field = |name: &str| {
            metadata
                .as_ref()
                .and_then(|m| m.get(name))
                .and_then(|v| v.as_str())
                .map(|v| v.chars().take(64).collect::<String>())
        };
        Err(UpstreamError::Status {
            status: status.as_u16(),
            message,
            retry_after,
            limit_source: field("limit_source"),
            error_type: field("error_type"),
        })
    }

    /// `POST /chat/completions` without streaming. Returns the completion and the
    /// `X-Generation-Id` header, if any.
    pub async fn chat(
        &self,
        key: &ApiKey,
        body: &ChatCompletionRequest,
    ) -> Result<(ChatCompletion, Option<String>), UpstreamError> {
        let lane = self.lanes.take();
        let req = self
            .authorized(&lane, Method::POST, "/chat/completions", key)
            .json(body);
        let res = Self::send(req, self.timeouts.completion).await?;
        let generation = generation_id(&res);
        let bytes = read_capped(res, MAX_COMPLETION_BYTES).await?;
        let completion = serde_json::from_slice(&bytes).map_err(|_| UpstreamError::Invalid)?;
        Ok((completion, generation))
    }

    /// `POST /chat/completions` with `stream: true`: the response, once its headers arrived,
    /// for the caller to read as an event stream.
    pub async fn chat_stream(
        &self,
        key: &ApiKey,
        body: &ChatCompletionRequest,
    ) -> Result<Streaming, UpstreamError> {
        let ticket = self.lanes.take();
        let req = self
            .authorized(&ticket, Method::POST, "/chat/completions", key)
            .header(http::header::ACCEPT, "text/event-stream")
            .json(body);
        let response = Self::send_streaming(req, self.timeouts.completion).await?;
        Ok(Streaming { response, ticket })
    }

    /// `GET /models`, without a key.
    pub async fn models(&self) -> Result<Vec<ModelEntry>, UpstreamError> {
        let lane = self.lanes.take();
        let req = lane.http().get(format!("{}/models", self.base));
        let res = Self::send(req, self.timeouts.models).await?;
        let bytes = read_capped(res, MAX_MODELS_BYTES).await?;
        let env: ModelsEnvelope =
            serde_json::from_slice(&bytes).map_err(|_| UpstreamError::Invalid)?;
        Ok(env.data)
    }

    /// `POST /auth/keys`: exchanges an authorisation code and its PKCE verifier for a key (the
    /// OAuth flow's last step; no `Authorization` header). The key is read straight into a
    /// [`SecretString`], and the caller parses it like a pasted one.
    pub async fn exchange_code(
        &self,
        code: &str,
        verifier: &SecretString,
    ) -> Result<SecretString, UpstreamError> {
        #[derive(serde::Serialize)]
        struct Exchange<'a> {
            code: &'a str,
            code_verifier: &'a str,
            code_challenge_method: &'static str,
        }
        #[derive(serde::Deserialize)]
        struct Grant {
            key: SecretString,
        }
        let body = Exchange {
            code,
            code_verifier: verifier.expose_secret(),
            code_challenge_method: "S256",
        };
        let lane = self.lanes.take();
        let req = lane
            .http()
            .post(format!("{}/auth/keys", self.base))
            .header("HTTP-Referer", self.referer.clone())
            .header("X-OpenRouter-Title", APP_TITLE)
            .json(&body);
        let res = Self::send(req, self.timeouts.key_check).await?;
        let bytes = read_capped(res, MAX_KEY_BYTES).await?;
        let grant: Grant = serde_json::from_slice(&bytes).map_err(|_| UpstreamError::Invalid)?;
        Ok(grant.key)
    }

    /// `GET /key`: checks a key and reports its limits.
    pub async fn key_info(&self, key: &ApiKey) -> Result<KeyInfo, UpstreamError> {
        let lane = self.lanes.take();
        let res = Self::send(
            self.authorized(&lane, Method::GET, "/key", key),
            self.timeouts.key_check,
        )
        .await?;
        let bytes = read_capped(res, MAX_KEY_BYTES).await?;
        let env: KeyEnvelope =
            serde_json::from_slice(&bytes).map_err(|_| UpstreamError::Invalid)?;
        Ok(env.data)
    }
}

/// The `X-Generation-Id` header of a response.
pub fn generation_id(res: &Response) -> Option<String> {
    res.headers()
        .get("x-generation-id")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.chars().take(100).collect())
}

#[cfg(test)]
#[path = "client_tests.rs"]
mod tests;
