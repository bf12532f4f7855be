use super::*;

#[test]
fn the_challenge_is_rfc_7636s_s256() {
    assert_eq!(
        s256_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );
}

#[test]
fn tokens_are_unpadded_base64url_and_never_repeat() {
    let a = random_token(24);
    assert_eq!(a.len(), 32);
    assert!(a
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    assert_ne!(a, random_token(24));
}

#[test]
fn verifiers_are_pkce_sized_and_bound_to_the_key_the_account_and_the_nonce() {
    let (k1, k2) = ([1u8; 32], [2u8; 32]);
    let v = verifier_for(&k1, "user-a", "nonce").unwrap();
    assert_eq!(v.len(), 43, "within PKCE's 43 to 128");
    assert!(v
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    assert_eq!(
        verifier_for(&k1, "user-a", "nonce").unwrap(),
        v,
        "made again"
    );
    assert_ne!(verifier_for(&k2, "user-a", "nonce").unwrap(), v);
    assert_ne!(verifier_for(&k1, "user-b", "nonce").unwrap(), v);
    assert_ne!(verifier_for(&k1, "user-a", "other").unwrap(), v);
    // The separator keeps ("ab", "c") and ("a", "bc") apart.
    assert_ne!(
        verifier_for(&k1, "ab", "c").unwrap(),
        verifier_for(&k1, "a", "bc").unwrap()
    );
}

#[test]
fn comparison_needs_every_byte() {
    assert!(same("abc", "abc"));
    assert!(!same("abc", "abd"));
    assert!(!same("abc", "abcd"));
}
