//! Cleaning of the model's answer, so that the client gets only code: no Markdown fences, no
//! repeat of the code around the cursor.
//!
//! Every function here is linear in the lengths of its inputs (the answer, and the windows of
//! code that were sent upstream): a completion's answer is compared with the end of the prefix
//! by one Knuth-Morris-Pratt pass, not by trying each line of the prefix in turn.

fn is_fence(line: &str) -> bool {
    line.trim_start().starts_with("```")
}

/// The body of the first fenced block in `answer`, if it has one (an unclosed fence runs to
/// the end).
fn fenced_body(answer: &str) -> Option<&str> {
    let mut offset = 0;
    let mut lines = answer.split_inclusive('\n');
    let mut body_start = None;
    for line in lines.by_ref() {
        offset += line.len();
        if is_fence(line) {
            body_start = Some(offset);
            break;
        }
    }
    let start = body_start?;
    let mut end = start;
    for line in lines {
        if is_fence(line) {
            break;
        }
        end += line.len();
    }
    let body = answer.get(start..end)?;
    Some(body.strip_suffix('\n').unwrap_or(body))
}

/// Generated code: the first fenced block's body when there is one, else the whole answer,
/// without surrounding blank lines.
pub fn clean_code(answer: &str) -> String {
    let code = fenced_body(answer).unwrap_or(answer);
    code.trim_matches('\n').trim_end().to_owned()
}

/// A completion: fences removed, and any repeat of the code before or after the cursor cut.
/// `prefix` and `suffix` are the windows that were sent upstream.
pub fn clean_completion(answer: &str, prefix: &str, suffix: &str) -> String {
    let text = fenced_body(answer).unwrap_or(answer);
    let text = strip_repeated_prefix(text, prefix);
    strip_repeated_suffix(text, suffix).to_owned()
}

/// For each `i`, the length of the longest proper prefix of `pattern[..=i]` that is also a
/// suffix of it (the Knuth-Morris-Pratt failure function).
fn borders(pattern: &[u8]) -> Vec<usize> {
    let mut border = vec![0; pattern.len()];
    let mut k = 0;
    for i in 1..pattern.len() {
        while k > 0 && pattern[i] != pattern[k] {
            k = border[k - 1];
        }
        if pattern[i] == pattern[k] {
            k += 1;
        }
        border[i] = k;
    }
    border
}

/// Cuts the start of `text` when it repeats the end of `prefix` from a line start on (the
/// whole prefix, or its last lines) and that repeat is not only blank; the longest such repeat
/// wins. A partial line is not cut: `(` after `foo(` may be new code.
///
/// The ends of `prefix` that begin `text` are found in one pass: matching `text` as a pattern
/// over the last `text.len()` bytes of `prefix` leaves the longest, and the failure function
/// lists the shorter ones, longest first. Both are linear, so the whole cut is
/// O(`text` + `prefix`) however many lines either has.
fn strip_repeated_prefix<'a>(text: &'a str, prefix: &str) -> &'a str {
    let (t, p) = (text.as_bytes(), prefix.as_bytes());
    if t.is_empty() || p.is_empty() {
        return text;
    }
    let border = borders(t);
    let mut matched = 0;
    for &b in &p[p.len().saturating_sub(t.len())..] {
        while matched > 0 && (matched == t.len() || t[matched] != b) {
            matched = border[matched - 1];
        }
        if t[matched] == b {
            matched += 1;
        }
    }
    // `prefix[start..]` holds something other than whitespace exactly when `start` is before
    // the end of its last non-blank character.
    let non_blank_end = prefix.trim_end().len();
    let mut len = matched;
    while len > 0 {
        let start = p.len() - len;
        if start >= non_blank_end {
            break;
        }
        if start == 0 || p[start - 1] == b'\n' {
            // `text[..len]` equals a whole `str`, so `len` is a character boundary of `text`.
            return text.get(len..).unwrap_or(text);
        }
        len = border[len - 1];
    }
    text
}

/// Cuts the end of `text` when it repeats the whole suffix (of a few characters at least:
/// `)` after `foo()` may be new code), or the suffix's first non-blank line as its own last
/// line (a model closing a brace the code already closes).
fn strip_repeated_suffix<'a>(text: &'a str, suffix: &str) -> &'a str {
    let trimmed = suffix.trim();
    if trimmed.is_empty() {
        return text;
    }
    if trimmed.chars().nth(2).is_some() {
        if let Some(cut) = text.strip_suffix(suffix) {
            return cut;
        }
    }
    let Some(first) = suffix.lines().map(str::trim).find(|l| !l.is_empty()) else {
        return text;
    };
    let body = text.trim_end();
    match body.rsplit_once('\n') {
        Some((before, last)) if last.trim() == first => before,
        _ => text,
    }
}

#[cfg(test)]
#[path = "clean_tests.rs"]
mod tests;
