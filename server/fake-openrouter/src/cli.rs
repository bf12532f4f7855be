//! Command-line options of the `fake-openrouter` binary, and the behaviour table it documents.

use std::{net::SocketAddr, time::Duration};

use clap::Parser;

use crate::config::{FakeConfig, DEFAULT_MAX_RECORDED_REQUESTS};

/// Everything the fake does, selected by the request. Shown by `--help`.
pub const BEHAVIOUR_TABLE: &str = "\
BEHAVIOUR (chosen by the request; checks run top to bottom, the first refusal wins)

Keys: `Authorization: Bearer sk-or-v1-<64 lowercase hex>`; the hex prefix picks the behaviour.
  no Authorization header       401 No auth credentials found (every endpoint but /models)
  malformed or unknown key      401 User not found.
  hex begins `dead`             401 User not found. on every endpoint (a revoked key)
  hex begins `0402`             402 Insufficient credits on completions; /key: limit_remaining 0
  hex begins `0429`             429 on completions, with Retry-After and X-RateLimit-* headers
  hex begins `0a11`             management key: /key says is_management_key true;
                                completions get 403
  hex begins `0401`             revoked after it was checked: /key answers as live;
                                completions get 401 (after the SLOW delay with SLOW)
  hex begins `b16b`             /key answers with a 64 MiB body (tests of read caps)
  hex begins `c0de`             live: the keys the OAuth exchange hands out
  any other well-formed key     live: /key shows limit 10, limit_remaining 9.5
  any key, after PUT /__fake/keys/<hex prefix> {\"data\":{..},\"disabled\":bool}
                                /key reports those fields instead (expires_at, limit,
                                limit_remaining, usage_daily, is_free_tier, ...);
                                disabled: 401 Key is disabled on every endpoint

Models (`model` in the chat body; omitted means openai/gpt-4o-mini):
  bad/model, or any id not listed by GET /models
                                400 <id> is not a valid model ID
  redirect/model                302 Location: http://127.0.0.1:1/elsewhere
  policy/model                  404 No endpoints found matching your data policy ...
  down/model                    502 Provider returned error (metadata.provider_name, raw)
  models: [a, b, ...]           OpenRouter's fallback list (with `model`, `model` is tried
                                first): a model that fails with 400 invalid, 404 data policy
                                or 502 down gives way to the next; the last one's refusal is
                                returned. The answer names, and is priced at, the one that
                                answered.

Prompt markers (in the last user message):
  MIDSTREAM_FAIL                streaming: two content chunks, then an error chunk with
                                finish_reason \"error\", and no [DONE]; otherwise 502
  SLOW                          held for --slow-delay-ms before answering (other requests
                                are served meanwhile)
  TRICKLE                       streaming: the chunks come at least 500 ms apart
  PRIMARY_DOWN                  the first model tried is down (502), so the next one in
                                `models` answers; without one, the 502 is returned
  OVERSIZED_BODY                a 64 MiB completion; streaming: a 64 MiB data line
  OVERSIZED_ERROR               500 with a 64 MiB error body
  FAKE_ERROR:<error_type>       that failure, with its status and metadata.error_type:
                                authentication 401, payment_required 402 (not on :free
                                models), permission_denied 403, rate_limit_exceeded 429
                                (Retry-After: 3), provider_overloaded 529,
                                provider_unavailable 503 (Retry-After: 3),
                                context_length_exceeded 400, content_policy_violation 403,
                                refusal 400, timeout 408, server 500, unmapped 400
  FAKE_ERROR_ONCE:<error_type>  the same, only the first time the prompt is seen
  HUGE_CONTEXT (in any message but the last)
                                400 context_length_exceeded, until that message is dropped

  FAKE_MARKDOWN:hostile         a fixed Markdown document of <script>, <img onerror>, raw
                                <a href=javascript:>, javascript: and data: links, an
                                autolink and a remote image (tests of safe rendering)

Answers (the same request always gets the same answer), by what the studio sends:
  code completion (a user message with <before_cursor>..</before_cursor>
  <after_cursor>..</after_cursor>, the language from \"completion engine for <lang>\")
                                the text to insert at the cursor: the rest of the line, or
                                the next statement of the function it is in (`a + b` in an
                                empty `fn add`), then the braces the code after the cursor
                                leaves open; never the prompt or its tags
  code generation (system \"You are an expert <lang> programmer\", a \"Request: ..\" line)
                                one fenced block with a function for the request (add, sum,
                                reverse, sort, fibonacci, else one named after its words)
  chat (anything else)          Markdown: \"You asked: <last user message, white space
                                collapsed>\", a heading, a bold lead, a list with inline
                                code, a fenced block and a small table, in the language the
                                prompt names, else the one of the file the studio sent
                                (\"(rust)\", ```rust), else Rust
Languages: rust, python, typescript, javascript, go (others are answered in Rust).
About 4 characters per token, cost from the model's pricing; `max_tokens` cuts the answer
short with finish_reason \"length\". Streams send `: OPENROUTER PROCESSING`, a role chunk, one
content chunk per word (with the white space after it), a finish chunk, a usage chunk with
\"choices\": [], then `data: [DONE]`.

Endpoints:
  GET    /auth?callback_url=..&code_challenge=..&code_challenge_method=S256
                                                   the authorisation page: its button
                                                   redirects to callback_url with ?code=
  POST   /api/v1/auth/keys {code, code_verifier, code_challenge_method}
                                                   {key, user_id}; 400 invalid
                                                   code_challenge_method, 403 invalid code or
                                                   verifier (a code is spent by any attempt),
                                                   403 expired (--auth-code-ttl-secs)
  GET    /api/v1/key  (alias /api/v1/auth/key)     the key's limits and usage
  GET    /api/v1/credits                           management keys only (others 403)
  POST   /api/v1/chat/completions                  the answer, streaming or not
  GET    /api/v1/models[?supported_parameters=..]  the catalogue; no key needed
  GET    /__fake/requests                          every request received, as JSON
  DELETE /__fake/requests                          forget them
  GET    /__fake/streams                           {\"open\": n, \"cancelled\": m}
  POST   /__fake/auth/expire                       every code handed out so far expires
  PUT    /__fake/auth/key-prefix {\"prefix\": ..}    keys the exchange hands out begin so
  PUT    /__fake/keys/<prefix>  DELETE /__fake/keys   set or forget a key's /key facts

Errors: {\"error\":{\"code\",\"message\",\"metadata\":{\"error_type\",..}}}, error_type one of
authentication, payment_required, permission_denied, rate_limit_exceeded,
provider_overloaded, provider_unavailable, context_length_exceeded,
content_policy_violation, refusal, timeout, server, unmapped.
";

/// A faithful local fake of OpenRouter's HTTP API for tests, demos and benchmarks.
///
/// Prints its base URL (`http://ADDR/api/v1`) as the first line on stdout; logs go to stderr
/// (filter with RUST_LOG). Stops on Ctrl-C.
#[derive(Debug, Clone, Parser)]
#[command(name = "fake-openrouter", version, after_help = BEHAVIOUR_TABLE)]
pub struct Cli {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, env = "FAKE_OPENROUTER_ADDR", default_value = "127.0.0.1:8089")]
    pub addr: SocketAddr,

    /// Delay before a non-streaming response, or before a stream's first data chunk.
    #[arg(long, env = "FAKE_OPENROUTER_FIRST_BYTE_DELAY_MS", default_value_t = 0)]
    pub first_byte_delay_ms: u64,

    /// Delay between the data chunks of a stream.
    #[arg(long, env = "FAKE_OPENROUTER_CHUNK_DELAY_MS", default_value_t = 0)]
    pub chunk_delay_ms: u64,

    /// How long a prompt containing SLOW is held before it is answered.
    #[arg(long, env = "FAKE_OPENROUTER_SLOW_DELAY_MS", default_value_t = 600_000)]
    pub slow_delay_ms: u64,

    /// How many requests the log keeps (the oldest are dropped first).
    #[arg(long, env = "FAKE_OPENROUTER_MAX_RECORDED_REQUESTS", default_value_t = DEFAULT_MAX_RECORDED_REQUESTS)]
    pub max_recorded_requests: usize,

    /// How long an authorisation code from /auth may wait for its exchange, in seconds.
    #[arg(
        long,
        env = "FAKE_OPENROUTER_AUTH_CODE_TTL_SECS",
        default_value_t = 600
    )]
    pub auth_code_ttl_secs: u64,
}

impl Cli {
    /// The library configuration these options describe.
    pub fn config(&self) -> FakeConfig {
        FakeConfig {
            first_byte_delay: Duration::from_millis(self.first_byte_delay_ms),
            chunk_delay: Duration::from_millis(self.chunk_delay_ms),
            slow_delay: Duration::from_millis(self.slow_delay_ms),
            max_recorded_requests: self.max_recorded_requests,
            auth_code_ttl: Duration::from_secs(self.auth_code_ttl_secs),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn help_documents_every_trigger_in_the_table() {
        let help = Cli::command().render_long_help().to_string();
        for trigger in [
            "dead",
            "0402",
            "0429",
            "0a11",
            "bad/model",
            "down/model",
            "policy/model",
            "redirect/model",
            "MIDSTREAM_FAIL",
            "SLOW",
            "TRICKLE",
            "PRIMARY_DOWN",
            "models: [a, b, ...]",
            "/__fake/requests",
            "--first-byte-delay-ms",
            "--chunk-delay-ms",
            "--slow-delay-ms",
            "No auth credentials found",
            "FAKE_MARKDOWN:hostile",
            "<before_cursor>",
            "You asked:",
        ] {
            assert!(help.contains(trigger), "--help does not mention {trigger}");
        }
    }

    #[test]
    fn defaults_answer_at_once_and_hold_slow_prompts_ten_minutes() {
        let cli = Cli::try_parse_from(["fake-openrouter"]).map(|cli| cli.config());
        let expected = FakeConfig::default();
        assert_eq!(cli.ok(), Some(expected));
    }

    #[test]
    fn delay_flags_reach_the_config() {
        let cli = Cli::try_parse_from([
            "fake-openrouter",
            "--first-byte-delay-ms",
            "250",
            "--chunk-delay-ms",
            "20",
            "--addr",
            "127.0.0.1:0",
        ]);
        let config = cli.map(|cli| cli.config()).ok();
        assert_eq!(
            config.as_ref().map(|c| c.first_byte_delay),
            Some(Duration::from_millis(250))
        );
        assert_eq!(
            config.map(|c| c.chunk_delay),
            Some(Duration::from_millis(20))
        );
    }
}
