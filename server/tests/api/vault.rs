//! The vault under rotation, racing writers and a lost key ring, through the running server and
//! the real `studio` binary.

mod exact;
mod racing_saves;
mod retire;
mod ring_mode;
mod rotation;
mod wrong_ring;

use std::process::Command;

use fake_openrouter::key;
use sea_orm::EntityTrait;
use server::entities::user_api_key;
use server::vault::keyring::KeyRing;

use crate::ai::chat_requests;
use crate::helpers::TestApp;

/// The `studio` binary: cargo's, or `STUDIO_TEST_BIN` (a copy, when several checkouts share
/// one target directory and overwrite each other's build of it).
pub fn studio_bin() -> std::path::PathBuf {
    std::env::var_os("STUDIO_TEST_BIN")
        .map(Into::into)
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_studio").into())
}

/// Runs `studio <args>` against the app's database and key ring; returns its stdout.
pub(crate) fn studio(app: &TestApp, args: &[&str]) -> String {
    let out = Command::new(studio_bin())
        .args(args)
        .env_clear()
        .envs(app.settings.env())
        .env("RUST_LOG", "warn")
        .output()
        .expect("studio runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "studio {args:?} failed: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// Each stored row's user id and key version.
async fn versions(app: &TestApp) -> Vec<(String, i32)> {
    let mut rows: Vec<_> = user_api_key::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.user_id, r.key_version))
        .collect();
    rows.sort();
    rows
}

/// The Authorization header of the newest chat call the fake received.
fn last_bearer(app: &TestApp) -> String {
    chat_requests(app)
        .last()
        .and_then(|r| r.authorization.clone())
        .unwrap_or_default()
}

/// Adds a new primary version to the ring file, as the first half of `studio rotate-key` does
/// (a rotation interrupted before its rewrap).
fn add_primary(app: &TestApp) -> u32 {
    let ring = KeyRing::load_file(&app.settings.keyring)
        .unwrap()
        .with_new_primary();
    ring.save_file(&app.settings.keyring).unwrap();
    ring.primary().0
}

/// A live key of the fake's whose last six characters are unique to `n`.
fn numbered_key(n: usize) -> String {
    let k = key("f");
    format!("{}{n:06x}", &k[..k.len() - 6])
}
