//! Tests of reading the configuration.

use super::*;

fn config(vars: &[(&str, &str)]) -> Result<Config, StartupError> {
    let vars: Vec<(String, String)> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    Config::from_lookup(|name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
}

#[test]
fn no_environment_gives_the_embedded_defaults() {
    let c = config(&[]).expect("defaults are valid");
    assert_eq!(c.addr.to_string(), "127.0.0.1:3000");
    assert_eq!(c.database.kind(), DatabaseKind::Sqlite);
    assert_eq!(
        c.database.sqlite_path(),
        Some(&PathBuf::from("data/studio.db"))
    );
    assert_eq!(c.openrouter_base_url, "https://openrouter.ai/api/v1");
}

#[test]
fn the_ai_settings_have_defaults_and_name_their_variable_when_wrong() {
    let c = config(&[]).expect("defaults are valid");
    assert_eq!(c.ai_max_in_flight_per_user, 4);
    assert_eq!(c.ai_models_ttl_secs, 600);
    assert!(c.ai_extra_models.is_empty());
    let c = config(&[("AI_EXTRA_MODELS", " a/b, ,c/d ")]).expect("valid");
    assert_eq!(c.ai_extra_models, ["a/b", "c/d"]);
    let err = config(&[("AI_MAX_IN_FLIGHT_PER_USER", "0")]).expect_err("at least one");
    assert!(
        err.to_string().starts_with("AI_MAX_IN_FLIGHT_PER_USER: "),
        "{err}"
    );
}

#[test]
fn a_malformed_database_url_names_the_variable() {
    let err = config(&[("DATABASE_URL", "mysql://x")]).expect_err("mysql is not supported");
    assert!(err.to_string().starts_with("DATABASE_URL: "), "{err}");
}

#[test]
fn a_malformed_site_addr_names_the_variable() {
    let err = config(&[("LEPTOS_SITE_ADDR", "localhost")]).expect_err("no port");
    assert!(err.to_string().starts_with("LEPTOS_SITE_ADDR: "), "{err}");
}

#[test]
fn the_openrouter_base_url_loses_its_trailing_slash() {
    let c = config(&[("OPENROUTER_BASE_URL", "http://127.0.0.1:9/api/v1/")]).expect("valid");
    assert_eq!(c.openrouter_base_url, "http://127.0.0.1:9/api/v1");
    assert!(config(&[("OPENROUTER_BASE_URL", "ftp://x")]).is_err());
}

#[test]
fn the_openrouter_auth_url_defaults_to_openrouters_and_refuses_a_query() {
    assert_eq!(
        config(&[]).expect("valid").openrouter_auth_url,
        "https://openrouter.ai/auth"
    );
    let c = config(&[("OPENROUTER_AUTH_URL", "http://127.0.0.1:9/auth/")]).expect("valid");
    assert_eq!(c.openrouter_auth_url, "http://127.0.0.1:9/auth");
    for bad in ["ftp://x/auth", "http://x/auth?a=b", "not a url"] {
        let err = config(&[("OPENROUTER_AUTH_URL", bad)]).expect_err(bad);
        assert!(
            err.to_string().starts_with("OPENROUTER_AUTH_URL: "),
            "{err}"
        );
    }
}

#[test]
fn the_public_origin_defaults_to_the_listening_address_and_drops_paths() {
    assert_eq!(
        config(&[]).expect("valid").public_origin,
        "http://127.0.0.1:3000"
    );
    let c = config(&[("PUBLIC_URL", "https://Studio.example.com/app/")]).expect("valid");
    assert_eq!(c.public_origin, "https://studio.example.com");
    assert!(c.is_https());
}

#[test]
fn the_key_ring_file_sits_beside_the_sqlite_database_and_postgres_needs_a_ring() {
    let c = config(&[("DATABASE_URL", "sqlite://var/x/studio.db")]).expect("valid");
    assert!(
        matches!(c.keyring, KeyRingSource::File(ref p) if p == &PathBuf::from("var/x/keyring.json"))
    );
    let err = config(&[("DATABASE_URL", "postgres://u@h/db")]).expect_err("no ring");
    assert!(err.to_string().starts_with("STUDIO_MASTER_KEYS: "), "{err}");
}

#[test]
fn the_minimum_decryption_version_is_a_version_number() {
    assert_eq!(config(&[]).expect("valid").min_decryption_version, None);
    let c = config(&[("STUDIO_MIN_DECRYPTION_VERSION", " 3 ")]).expect("valid");
    assert_eq!(c.min_decryption_version, Some(3));
    for bad in ["0", "-1", "two"] {
        let err = config(&[("STUDIO_MIN_DECRYPTION_VERSION", bad)]).expect_err("invalid");
        assert!(
            err.to_string()
                .starts_with("STUDIO_MIN_DECRYPTION_VERSION: "),
            "{err}"
        );
    }
}

#[test]
fn master_keys_never_print() {
    let c = config(&[(
        "STUDIO_MASTER_KEYS",
        "1:c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI=",
    )])
    .expect("valid");
    assert!(!format!("{c:?}").contains("c2VjcmV0"));
}

#[test]
fn postgres_passwords_never_reach_the_redacted_form() {
    let url = DatabaseUrl::parse("postgres://app:hunter2@db:5432/studio").expect("valid");
    assert_eq!(url.redacted(), "postgres://app:***@db:5432/studio");
    assert!(!format!("{url:?}").contains("hunter2"));
}

#[test]
fn metrics_are_off_by_default_and_never_on_the_public_address() {
    let c = config(&[]).expect("defaults are valid");
    assert_eq!(c.metrics_addr, None);
    assert_eq!(c.shutdown_grace_secs, 30);
    let c = config(&[
        ("METRICS_ADDR", "127.0.0.1:9100"),
        ("SHUTDOWN_GRACE_SECS", "5"),
    ])
    .expect("valid");
    assert_eq!(
        c.metrics_addr.map(|a| a.to_string()).as_deref(),
        Some("127.0.0.1:9100")
    );
    assert_eq!(c.shutdown_grace_secs, 5);
    let err = config(&[("METRICS_ADDR", "127.0.0.1:3000")]).expect_err("the public address");
    assert!(err.to_string().starts_with("METRICS_ADDR: "), "{err}");
    let err = config(&[("METRICS_ADDR", "nine")]).expect_err("not an address");
    assert!(err.to_string().starts_with("METRICS_ADDR: "), "{err}");
}

#[test]
fn the_cache_bounds_have_defaults_allow_turning_it_off_and_name_their_variable_when_wrong() {
    let c = config(&[]).expect("defaults are valid");
    assert_eq!((c.cache_ttl_secs, c.cache_max_entries), (60, 100_000));
    let c = config(&[("CACHE_TTL_SECS", "0"), ("CACHE_MAX_ENTRIES", "10")]).expect("valid");
    assert_eq!((c.cache_ttl_secs, c.cache_max_entries), (0, 10));
    for (var, value) in [
        ("CACHE_TTL_SECS", "-1"),
        ("CACHE_TTL_SECS", "a minute"),
        ("CACHE_MAX_ENTRIES", "0"),
    ] {
        let err = config(&[(var, value)]).expect_err("refused");
        assert!(err.to_string().starts_with(&format!("{var}: ")), "{err}");
    }
}

#[test]
fn the_upstream_http_version_is_auto_unless_set_and_refuses_anything_else() {
    use crate::openrouter::client::HttpVersion;
    assert_eq!(
        config(&[]).expect("valid").openrouter_http,
        HttpVersion::Auto
    );
    for (raw, want) in [
        ("auto", HttpVersion::Auto),
        ("1.1", HttpVersion::Http1),
        ("2", HttpVersion::Http2),
    ] {
        let c = config(&[("OPENROUTER_HTTP_VERSION", raw)]).expect(raw);
        assert_eq!(c.openrouter_http, want, "{raw}");
    }
    let err = config(&[("OPENROUTER_HTTP_VERSION", "3")]).expect_err("3");
    assert!(
        err.to_string().starts_with("OPENROUTER_HTTP_VERSION: "),
        "{err}"
    );
}
