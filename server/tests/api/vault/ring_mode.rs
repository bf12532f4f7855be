//! The key-ring file's mode is checked at start: whoever can read it can decrypt every key.

use std::io::Read as _;
use std::os::unix::fs::PermissionsExt as _;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::ai::user_with_key;
use crate::helpers::spawn_app;

fn chmod(path: &std::path::Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[tokio::test]
async fn start_up_refuses_a_key_ring_file_others_can_read_naming_the_file_and_the_fix() {
    let app = spawn_app().await;
    user_with_key(&app, &app.client, "a@example.com", "a1").await;
    let ring = app.settings.keyring.clone();
    let fix = format!("chmod 600 {}", ring.display());

    for mode in [0o644, 0o640, 0o604] {
        chmod(&ring, mode);
        let config = app.settings.config(&[]).unwrap();
        let err = match server::Application::build(config).await {
            Ok(_) => panic!("the app started with a ring file of mode {mode:o}"),
            Err(e) => e.to_string(),
        };
        assert!(err.starts_with("STUDIO_KEYRING_FILE: "), "{err}");
        assert!(err.contains(&fix), "{err}");
        assert!(err.contains(&format!("{mode:03o}")), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }

    // The binary's own words: one line on stderr, and a failure exit (well before 60 s).
    chmod(&ring, 0o644);
    let mut child = Command::new(super::studio_bin())
        .env_clear()
        .envs(app.settings.env())
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .env("RUST_LOG", "off")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("studio started with a ring file of mode 644");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(!status.success());
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains(&fix), "{stderr}");

    // Owner-only again: it starts, and the stored key is still there for it.
    chmod(&ring, 0o600);
    let config = app.settings.config(&[]).unwrap();
    let again = server::Application::build(config)
        .await
        .expect("an owner-only ring file is accepted");
    let stored = server::vault::usecases::stored_key(again.state(), &first_user(&app).await)
        .await
        .unwrap();
    assert!(stored.is_some());
}

async fn first_user(app: &crate::helpers::TestApp) -> String {
    use sea_orm::EntityTrait as _;
    server::entities::user_api_key::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .user_id
}
