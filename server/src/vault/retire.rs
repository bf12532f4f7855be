//! Retiring old master-key versions (`STUDIO_MIN_DECRYPTION_VERSION`, Vault transit's
//! `min_decryption_version`).
//!
//! Once set, versions below it never decrypt in a serving `studio`: `envelope::open` answers
//! [`EnvelopeError::Retired`](crate::vault::envelope::EnvelopeError::Retired). The ring still
//! holds them, so `studio rewrap` (which opens the full ring, never this one) can read the rows
//! left under them and move them to the primary. A serving `studio` refuses to start while any
//! usable row is still under a retired version, naming the count and `studio rewrap` as the fix;
//! rows already marked unusable need no key (their owners must enter them again) and do not
//! count.

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

use crate::config::KeyRingSource;
use crate::entities::user_api_key;
use crate::error::StartupError;
use crate::vault::open::open_ring;
use crate::vault::ring::SharedRing;
use crate::vault::usecases::status;

/// The setting that retires versions.
pub const SETTING: &str = "STUDIO_MIN_DECRYPTION_VERSION";

/// Usable stored keys under a version below `min`.
pub async fn rows_below(db: &DatabaseConnection, min: u32) -> Result<u64, sea_orm::DbErr> {
    user_api_key::Entity::find()
        .filter(user_api_key::Column::KeyVersion.lt(i32::try_from(min).unwrap_or(i32::MAX)))
        .filter(user_api_key::Column::Status.ne(status::UNUSABLE))
        .count(db)
        .await
}

/// The ring for serving: [`open_ring`]'s checks, then, with `min` set, the primary must not be
/// retired and no usable row may be under a retired version; the ring returned refuses them.
pub async fn open_serving_ring(
    source: &KeyRingSource,
    min: Option<u32>,
    db: &DatabaseConnection,
) -> Result<SharedRing, StartupError> {
    let ring = open_ring(source, db).await?;
    let Some(min) = min else {
        return Ok(ring);
    };
    check_primary(&ring, min)?;
    let left = rows_below(db, min)
        .await
        .map_err(|e| StartupError::Other(format!("cannot read the stored keys: {e}")))?;
    if left > 0 {
        return Err(StartupError::config(
            SETTING,
            format!(
                "{left} stored API key(s) still use a retired master key version (below {min}); \
                 run `studio rewrap` to move them to version {}, then start again",
                ring.current().primary().0
            ),
        ));
    }
    ring.retiring_below(min)
        .map_err(|e| StartupError::config(SETTING, e))
}

/// Refuses a ring whose primary is below `min` (every new key would be written under a
/// retired version).
pub fn check_primary(ring: &SharedRing, min: u32) -> Result<(), StartupError> {
    ring.current()
        .retiring_below(min)
        .map(drop)
        .map_err(|e| StartupError::config(SETTING, e))
}

#[cfg(test)]
mod tests {
    use secrecy::{ExposeSecret as _, SecretString};

    use crate::vault::envelope::{self, EnvelopeError};
    use crate::vault::keyring::KeyRing;
    use crate::vault::ring::SharedRing;

    fn rings() -> (KeyRing, KeyRing) {
        let old = KeyRing::from_keys([(1, [1u8; 32])], 1).expect("valid");
        let both = KeyRing::from_keys([(1, [1u8; 32]), (2, [2u8; 32])], 2).expect("valid");
        (old, both)
    }

    #[test]
    fn a_retired_version_is_refused_before_decrypting_and_newer_ones_still_open() {
        let (old, both) = rings();
        let secret = SecretString::from("k".to_owned());
        let (under_1, _) = envelope::seal(&old, "u", &secret).expect("seals");
        let (under_2, _) = envelope::seal(&both, "u", &secret).expect("seals");
        let retired = both.retiring_below(2).expect("the primary stays");
        assert_eq!(
            envelope::open(&retired, "u", 1, &under_1).unwrap_err(),
            EnvelopeError::Retired(1)
        );
        assert!(
            envelope::open(&both, "u", 1, &under_1).is_ok(),
            "the full ring still reads it"
        );
        let opened = envelope::open(&retired, "u", 2, &under_2).expect("opens");
        assert_eq!(opened.expose_secret(), "k");
        assert!(retired.contains(1), "retired, not removed");
        assert_eq!(
            retired.with_new_primary().min_decryption(),
            2,
            "rotation keeps it"
        );
        assert!(format!("{retired:?}").contains("min_decryption: 2"));
    }

    #[test]
    fn the_primary_cannot_be_retired() {
        let (_, both) = rings();
        let err = both.retiring_below(3).unwrap_err();
        assert!(
            err.contains("primary master key version 2 would be retired"),
            "{err}"
        );
        assert!(both.retiring_below(2).is_ok() && both.retiring_below(1).is_ok());
    }

    #[test]
    fn a_shared_ring_keeps_the_retirement() {
        let (_, both) = rings();
        let shared = SharedRing::fixed(both).retiring_below(2).expect("valid");
        assert!(shared.current().is_retired(1));
        assert!(!shared.current().is_retired(2));
    }
}
