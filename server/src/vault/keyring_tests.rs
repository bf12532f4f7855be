//! Tests of the key ring: parsing, files, derived keys and printing.

use super::*;

#[test]
fn debug_prints_versions_but_no_key_bytes() {
    let ring = KeyRing::from_keys([(1, [0xAB; 32])], 1).expect("valid");
    let shown = format!("{ring:?}");
    assert_eq!(shown, "KeyRing { versions: [1], primary: 1 }");
}

#[test]
fn a_spec_parses_and_the_highest_version_is_primary_by_default() {
    let k = STANDARD.encode([1u8; 32]);
    let ring = KeyRing::parse(&format!("1:{k}, 3:{k}"), None).expect("valid");
    assert_eq!(ring.primary().0, 3);
    assert!(ring.contains(1) && !ring.contains(2));
}

#[test]
fn short_missing_or_malformed_keys_are_refused() {
    let short = STANDARD.encode([1u8; 16]);
    assert!(KeyRing::parse(&format!("1:{short}"), None)
        .unwrap_err()
        .contains("32 bytes"));
    assert!(KeyRing::parse("", None).is_err());
    assert!(KeyRing::parse("1:not base64!", None).is_err());
    let k = STANDARD.encode([1u8; 32]);
    assert!(
        KeyRing::parse(&format!("1:{k}"), Some(2)).is_err(),
        "primary must exist"
    );
}

#[test]
fn derived_keys_differ_by_purpose_and_version_and_put_the_primary_first() {
    let ring = KeyRing::from_keys([(1, [1; 32]), (2, [2; 32])], 2).expect("valid");
    let a = ring.derived_keys("a");
    assert_eq!(a.len(), 2);
    assert_ne!(*a[0], *a[1]);
    assert_ne!(*a[0], *ring.derived_keys("b")[0]);
    let older = KeyRing::from_keys([(1, [1; 32])], 1).expect("valid");
    assert_eq!(
        *older.derived_keys("a")[0],
        *a[1],
        "version 1 derives alike in both rings"
    );
    assert_ne!(*a[0], [2; 32], "not the master key itself");
}

#[test]
fn a_ring_file_round_trips_with_owner_only_permissions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("keyring.json");
    let ring = KeyRing::generate().with_new_primary();
    ring.save_file(&path).expect("saves");
    let back = KeyRing::load_file(&path).expect("loads");
    assert_eq!(back.primary().0, 2);
    assert_eq!(back.get(1), ring.get(1));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&path)
            .expect("exists")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
