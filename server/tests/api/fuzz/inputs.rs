//! The random requests: paths under a route, query strings, bodies and content types, drawn
//! towards what the handlers parse (known field names, extreme numbers and dates, control
//! characters, broken percent-encoding) and mixed with plain garbage.

use proptest::collection::vec;
use proptest::prelude::*;
use serde_json::Value;

/// Field and parameter names the routes and server functions read.
const NAMES: &[&str] = &[
    "email",
    "password",
    "name",
    "next",
    "apiKey",
    "api_key",
    "currentPassword",
    "newPassword",
    "current_password",
    "new_password",
    "id",
    "page",
    "per_page",
    "from",
    "to",
    "days",
    "model",
    "models",
    "stream",
    "messages",
    "role",
    "content",
    "prompt",
    "prefix",
    "suffix",
    "language",
    "code",
    "chat",
    "completion",
    "generate",
    "workspace",
    "defaults",
    "temperature",
    "max_tokens",
    "maxTokens",
];

/// Values that have broken parsers before, or could.
const NASTY: &[&str] = &[
    "",
    "-262143-01-01",
    "262142-12-31",
    "+10000-01-01",
    "0000-00-00",
    "2026-02-30",
    "1970-01-01T00:00:00+23:59",
    "9999-12-31T23:59:59-23:59",
    "-1",
    "0",
    "4294967295",
    "4294967296",
    "18446744073709551615",
    "-9223372036854775808",
    "1e308",
    "NaN",
    "true",
    "null",
    "%",
    "%0",
    "%zz",
    "%00",
    "%0A",
    "%0D%0A",
    "%FF%FE",
    "\u{0}",
    "\t",
    "\r\n",
    "//evil.test",
    "/\t/evil.test",
    "/\\evil.test",
    "../../etc/passwd",
    "é",
    "\u{202e}",
    "😀",
    "<script>",
    "sk-or-v1-",
    "'; DROP TABLE users; --",
];

/// A short piece of text: nasty, printable or arbitrary unicode.
pub fn short_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(NASTY).prop_map(str::to_owned),
        3 => "[ -~]{0,24}",
        2 => any::<String>().prop_map(|s| s.chars().take(24).collect()),
        1 => (1usize..300).prop_map(|n| "9".repeat(n)),
    ]
}

/// A piece of text for a body: short, or long enough to cost a handler real work.
pub fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => short_text(),
        1 => (1usize..20_000).prop_map(|n| "\n".repeat(n)),
        1 => (1usize..5_000).prop_map(|n| "a".repeat(n)),
    ]
}

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(NAMES).prop_map(str::to_owned),
        1 => "[a-zA-Z_]{1,10}",
    ]
}

/// A path segment, as written in the URL (the client percent-encodes what must be).
pub fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-zA-Z0-9._~-]{0,16}",
        2 => proptest::sample::select(NASTY).prop_map(str::to_owned),
        1 => "%[0-9A-Fa-f]{2}",
        1 => any::<String>().prop_map(|s| s.chars().take(12).collect()),
    ]
}

/// A query string (without `?`).
pub fn query() -> impl Strategy<Value = String> {
    let pair = (name(), short_text()).prop_map(|(k, v)| format!("{k}={}", encode(&v)));
    prop_oneof![
        1 => Just(String::new()),
        4 => vec(pair, 1..5).prop_map(|pairs| pairs.join("&")),
        1 => "[!-~]{0,40}",
    ]
}

/// A JSON value of bounded depth whose objects mostly use the field names handlers read.
pub fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        text().prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::Array),
            vec((name(), inner), 0..6)
                .prop_map(|fields| Value::Object(fields.into_iter().collect())),
        ]
    })
}

/// A request body.
#[derive(Debug, Clone)]
pub enum Body {
    None,
    Json(Value),
    Form(Vec<(String, String)>),
    Bytes(Vec<u8>),
}

/// A value for a field: text mostly, a number, or a flag.
fn field_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        6 => text().prop_map(Value::from),
        2 => any::<i64>().prop_map(Value::from),
        1 => (0u32..100).prop_map(Value::from),
        1 => any::<bool>().prop_map(Value::from),
    ]
}

/// Every field name a handler reads, each with a value: extra fields are ignored by the
/// handlers, so this reaches past decoding into validation and the use cases.
fn every_field() -> impl Strategy<Value = Vec<(String, Value)>> {
    let message = (
        proptest::sample::select(&["user", "system", "assistant", "tool", ""][..]),
        text(),
    )
        .prop_map(|(role, content)| serde_json::json!({"role": role, "content": content}));
    (vec(field_value(), NAMES.len()), vec(message, 0..3)).prop_map(|(values, messages)| {
        let mut fields: Vec<(String, Value)> =
            NAMES.iter().map(|n| (*n).to_owned()).zip(values).collect();
        fields.push(("messages".to_owned(), Value::Array(messages)));
        fields
    })
}

pub fn body() -> impl Strategy<Value = Body> {
    let as_form = |fields: Vec<(String, Value)>| {
        fields
            .into_iter()
            .filter(|(_, v)| !v.is_array())
            .map(|(k, v)| (k, v.as_str().map_or_else(|| v.to_string(), str::to_owned)))
            .collect()
    };
    prop_oneof![
        1 => Just(Body::None),
        2 => json().prop_map(Body::Json),
        2 => every_field().prop_map(|f| Body::Json(Value::Object(f.into_iter().collect()))),
        2 => vec((name(), text()), 0..6).prop_map(Body::Form),
        2 => every_field().prop_map(move |f| Body::Form(as_form(f))),
        1 => vec(any::<u8>(), 0..512).prop_map(Body::Bytes),
    ]
}

/// A `Content-Type`, or none.
pub fn content_type() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        1 => Just(None),
        2 => Just(Some("application/json".to_owned())),
        2 => Just(Some("application/x-www-form-urlencoded".to_owned())),
        1 => proptest::sample::select(&[
            "text/plain", "multipart/form-data; boundary=xyz", "multipart/form-data",
            "application/cbor", "application/json; charset=utf-16", "text/event-stream",
            "application/octet-stream", "application/x-www-form-urlencoded; charset=latin1",
        ][..]).prop_map(|s| Some(s.to_owned())),
        1 => "[ -~]{0,30}".prop_map(Some),
    ]
}

/// Percent-encodes everything but unreserved characters.
pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
