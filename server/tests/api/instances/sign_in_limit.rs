//! The per-account sign-in limit is kept in the database, so both instances share it.

use futures::future::join_all;
use serde_json::json;

use super::{sign_up, two_instances};
use crate::auth::support::{count, not_429};
use crate::helpers::client_without_jar;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_per_account_sign_in_limit_is_shared_by_both_instances() {
    let proxy = [("TRUSTED_PROXIES", "127.0.0.1")];
    let (_app, a, b) = two_instances(&proxy).await;
    sign_up(&a, "a@example.com").await;
    // 40 wrong guesses at once, each from an address never seen before, half through each
    // instance: only the account's own bucket, in the database, can stop them.
    let guesses = (0..40).map(|i| {
        let base = if i % 2 == 0 { a.clone() } else { b.clone() };
        async move {
            let res = client_without_jar()
                .post(format!("{base}/api/auth/signin"))
                .header("x-forwarded-for", format!("10.9.{i}.1"))
                .json(&json!({"email": "a@example.com", "password": "a wrong guess"}))
                .send()
                .await
                .unwrap();
            crate::auth::support::answer(&res)
        }
    });
    let answers = join_all(guesses).await;
    let checked = count(&answers, 401);
    assert_eq!(not_429(&answers), checked, "{answers:?}");
    // One instance lets about five through before it locks the account; two instances that
    // each kept their own count would let at least ten through.
    assert!(
        (1..10).contains(&checked),
        "{checked} guesses reached the password check across both instances: {answers:?}"
    );
}
