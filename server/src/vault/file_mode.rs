//! The key-ring file's mode: whoever can read the file can decrypt every stored key, so a file
//! that the group or others may read or change is refused, at start-up (naming the file and the
//! fix) and when a running server re-reads the ring.

use std::path::Path;

/// Refuses a ring file that users other than its owner may read or change (any group or other
/// permission bit): whoever reads it can decrypt every stored key. The message names the file
/// and the fix. On other systems than Unix there are no such bits to check.
pub fn check_private(path: &Path) -> Result<(), String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let meta = std::fs::metadata(path)
            .map_err(|e| format!("cannot read the key ring {}: {e}", path.display()))?;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(format!(
                "the key ring {path} is open to other users (mode {mode:03o}); make it private to \
                 its owner with `chmod 600 {path}`",
                path = path.display()
            ));
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::vault::keyring::KeyRing;

    #[cfg(unix)]
    #[test]
    fn a_ring_file_open_to_the_group_or_others_is_refused_with_the_fix() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("keyring.json");
        KeyRing::generate().save_file(&path).expect("saves");
        for mode in [0o640, 0o604, 0o620, 0o666] {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).expect("chmod");
            let err = KeyRing::load_file(&path).expect_err("refused");
            assert!(
                err.contains(&format!("chmod 600 {}", path.display())),
                "{err}"
            );
            assert!(err.contains(&format!("{mode:03o}")), "{err}");
        }
        for mode in [0o600, 0o400] {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).expect("chmod");
            assert!(KeyRing::load_file(&path).is_ok(), "{mode:o}");
        }
    }
}
