//! Reading the URL settings.

/// `scheme://host[:port]` of a URL, lower-cased, without path or trailing slash.
pub(super) fn parse_origin(raw: &str) -> Result<String, String> {
    let url = parse_base_url(raw)?;
    let (scheme, rest) = url.split_once("://").unwrap_or(("http", &url));
    let host = rest.split('/').next().unwrap_or_default();
    Ok(format!("{scheme}://{}", host.to_lowercase()))
}

/// An `http://` or `https://` URL with a host, without trailing slashes.
pub(super) fn parse_base_url(raw: &str) -> Result<String, String> {
    let trimmed = raw.trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))
        .ok_or("expected an http:// or https:// URL such as https://openrouter.ai/api/v1")?;
    if rest.is_empty() || rest.starts_with('/') || rest.contains(char::is_whitespace) {
        return Err("expected a URL with a host, such as https://openrouter.ai/api/v1".into());
    }
    Ok(trimmed.to_owned())
}
