//! Opening the key ring at start-up (`studio` and its maintenance commands). The ring must open
//! the keys already stored: a ring file gone while keys are stored (a new ring would open none),
//! a version stored keys use missing from the ring, or a version whose key does not open them
//! (another ring) stops start-up, naming the setting. Otherwise every key would be marked
//! unusable on first use. There is no plaintext fallback.

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};

use crate::config::KeyRingSource;
use crate::entities::user_api_key;
use crate::error::StartupError;
use crate::vault::envelope;
use crate::vault::keyring::KeyRing;
use crate::vault::ring::SharedRing;
use crate::vault::rotate::versions_in_use;
use crate::vault::usecases::status;

/// Loads the ring from `source` (creating the embedded default's file on first start) and checks
/// it against the stored keys.
pub async fn open_ring(
    source: &KeyRingSource,
    db: &DatabaseConnection,
) -> Result<SharedRing, StartupError> {
    let var = source.setting();
    let unreadable =
        |e: sea_orm::DbErr| StartupError::Other(format!("cannot read the stored keys: {e}"));
    let in_use = versions_in_use(db).await.map_err(unreadable)?;
    if let KeyRingSource::File(path) = source {
        if !path.exists() && !in_use.is_empty() {
            return Err(StartupError::config(
                var,
                format!(
                    "the key ring {} is missing, and the stored API keys can only be opened with \
                     it; restore it from your backup",
                    path.display()
                ),
            ));
        }
    }
    let (ring, created) = SharedRing::load(source).map_err(|e| StartupError::config(var, e))?;
    if let (true, KeyRingSource::File(path)) = (created, source) {
        tracing::info!(path = %path.display(), "created a new master-key ring; back it up with the database");
    }
    let current = ring.current();
    if let Some(missing) = in_use.iter().find(|v| !current.contains(**v)) {
        return Err(StartupError::config(
            var,
            format!("stored API keys use master key version {missing}, which the key ring lacks"),
        ));
    }
    for version in in_use {
        if !opens_some(db, &current, version)
            .await
            .map_err(unreadable)?
        {
            return Err(StartupError::config(
                var,
                format!(
                    "master key version {version} does not open the stored API keys that use \
                     it: this is not the key ring they were encrypted with"
                ),
            ));
        }
    }
    Ok(ring)
}

/// Whether `ring` opens any of up to five usable rows under `version` (true when there are none):
/// one tampered row does not condemn a version.
async fn opens_some(
    db: &DatabaseConnection,
    ring: &KeyRing,
    version: u32,
) -> Result<bool, sea_orm::DbErr> {
    let rows = user_api_key::Entity::find()
        .filter(user_api_key::Column::KeyVersion.eq(i32::try_from(version).unwrap_or(i32::MAX)))
        .filter(user_api_key::Column::Status.ne(status::UNUSABLE))
        .limit(5)
        .all(db)
        .await?;
    Ok(rows.is_empty()
        || rows
            .iter()
            .any(|r| envelope::open(ring, &r.user_id, version, &r.secret_enc).is_ok()))
}
