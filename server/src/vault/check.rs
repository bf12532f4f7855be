//! `studio check-keys`: tries every stored key against every version of the ring and reports
//! how many open as they should.
//!
//! A row is sound when its envelope names the version its `key_version` column names, opens
//! under that version into a well-formed key, and opens under no other version (the associated
//! data binds the version, so relabelling an envelope must fail). A row that fails is counted by
//! why; a row marked `unusable` is one whose owner was already asked to enter the key again, so
//! it is reported apart and does not fail the check. Nothing is changed and nothing secret is
//! printed: a failing row is named by its user id.

use sea_orm::{DatabaseConnection, EntityTrait, QueryOrder, QuerySelect};

use crate::entities::user_api_key;
use crate::openrouter::ApiKey;
use crate::vault::envelope::{self, EnvelopeError};
use crate::vault::keyring::KeyRing;
use crate::vault::usecases::status;

/// Why a row is not sound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The envelope's version is not the row's `key_version`, or the envelope is malformed.
    Mislabelled,
    /// The ring lacks the row's version.
    VersionMissing,
    /// It opens under no version.
    OpensUnderNone,
    /// It opens under a version other than its own as well (it never should).
    OpensUnderSeveral,
    /// It opens, but not into a well-formed key.
    NotAKey,
    /// It opens into a key whose last six characters are not the ones stored beside it (the
    /// mask users see would be wrong).
    MaskMismatch,
}

impl Fault {
    fn as_str(self) -> &'static str {
        match self {
            Self::Mislabelled => "its envelope names another version or is malformed",
            Self::VersionMissing => "the key ring lacks its version",
            Self::OpensUnderNone => "it opens under no version of the ring",
            Self::OpensUnderSeveral => "it opens under more than one version",
            Self::NotAKey => "it opens, but not into a well-formed key",
            Self::MaskMismatch => "it opens into a key its stored mask does not show",
        }
    }
}

/// What a check found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct KeyCheck {
    /// Rows looked at.
    pub rows: u64,
    /// Rows that open under exactly their own version.
    pub sound: u64,
    /// Rows marked `unusable` that do not open (their owners were told to re-enter them).
    pub marked_unusable: u64,
    /// Every other failing row: its user id and why.
    pub faults: Vec<(String, Fault)>,
}

impl KeyCheck {
    /// Whether every row not already marked unusable is sound.
    pub fn passed(&self) -> bool {
        self.faults.is_empty()
    }

    /// One line per finding, for the operator.
    pub fn report(&self) -> String {
        let mut out = format!(
            "checked {} stored keys: {} open under exactly their own version, {} marked unusable, {} faulty",
            self.rows,
            self.sound,
            self.marked_unusable,
            self.faults.len()
        );
        for (user, fault) in &self.faults {
            out.push_str(&format!("\n  user {user}: {}", fault.as_str()));
        }
        out
    }
}

/// Rows read per query.
const PAGE: u64 = 500;

/// Checks every stored key against `ring`.
pub async fn check_all(
    db: &DatabaseConnection,
    ring: &KeyRing,
) -> Result<KeyCheck, sea_orm::DbErr> {
    let mut found = KeyCheck::default();
    let mut offset = 0;
    loop {
        let page = user_api_key::Entity::find()
            .order_by_asc(user_api_key::Column::UserId)
            .offset(offset)
            .limit(PAGE)
            .all(db)
            .await?;
        if page.is_empty() {
            return Ok(found);
        }
        offset += PAGE;
        for row in page {
            found.rows += 1;
            match check_row(ring, &row) {
                Ok(()) => found.sound += 1,
                Err(_) if row.status == status::UNUSABLE => found.marked_unusable += 1,
                Err(fault) => found.faults.push((row.user_id, fault)),
            }
        }
    }
}

fn check_row(ring: &KeyRing, row: &user_api_key::Model) -> Result<(), Fault> {
    let own = u32::try_from(row.key_version).map_err(|_| Fault::Mislabelled)?;
    if envelope::kid_of(&row.secret_enc) != Ok(own) {
        return Err(Fault::Mislabelled);
    }
    let plain = match envelope::open(ring, &row.user_id, own, &row.secret_enc) {
        Ok(plain) => plain,
        Err(EnvelopeError::UnknownKey(_)) => return Err(Fault::VersionMissing),
        Err(EnvelopeError::Malformed) => return Err(Fault::Mislabelled),
        Err(_) => return Err(Fault::OpensUnderNone),
    };
    let others = ring.versions().filter(|v| *v != own);
    let data = row.secret_enc.splitn(3, ':').nth(2).unwrap_or_default();
    for other in others {
        let relabelled = format!("ork1:k{other}:{data}");
        if envelope::open(ring, &row.user_id, other, &relabelled).is_ok() {
            return Err(Fault::OpensUnderSeveral);
        }
    }
    let key =
        ApiKey::parse(secrecy::ExposeSecret::expose_secret(&plain)).map_err(|_| Fault::NotAKey)?;
    if key.last6() != row.last6 {
        return Err(Fault::MaskMismatch);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::SecretString;

    fn row(user: &str, ring: &KeyRing, plain: &str) -> user_api_key::Model {
        let (secret_enc, kid) =
            envelope::seal(ring, user, &SecretString::from(plain.to_owned())).expect("sealed");
        user_api_key::Model {
            user_id: user.into(),
            secret_enc,
            key_version: i32::try_from(kid).expect("small"),
            last6: "abcdef".into(),
            status: status::ACTIVE.into(),
            created_at: chrono::DateTime::UNIX_EPOCH,
            updated_at: chrono::DateTime::UNIX_EPOCH,
            verified_at: None,
            or_label: None,
            or_limit: None,
            or_limit_remaining: None,
            or_limit_reset: None,
            or_usage: None,
            or_is_free_tier: None,
            or_expires_at: None,
            key_sha256: None,
            or_usage_daily: None,
            health_checked_at: None,
            refresh_claimed_at: None,
            free_cap_hit_at: None,
        }
    }

    const KEY: &str = "sk-or-v1-c123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn a_sealed_row_is_sound_and_every_kind_of_damage_is_named() {
        let ring = KeyRing::from_keys([(1, [1; 32]), (2, [2; 32])], 2).expect("ring");
        let good = row("u1", &ring, KEY);
        assert_eq!(check_row(&ring, &good), Ok(()));

        let mut moved = good.clone();
        moved.user_id = "u2".into();
        assert_eq!(check_row(&ring, &moved), Err(Fault::OpensUnderNone));

        let mut relabelled = good.clone();
        relabelled.key_version = 1;
        assert_eq!(check_row(&ring, &relabelled), Err(Fault::Mislabelled));

        let older = KeyRing::from_keys([(1, [1; 32])], 1).expect("ring");
        assert_eq!(check_row(&older, &good), Err(Fault::VersionMissing));

        let other_ring = KeyRing::from_keys([(1, [1; 32]), (2, [9; 32])], 2).expect("ring");
        assert_eq!(check_row(&other_ring, &good), Err(Fault::OpensUnderNone));

        let not_a_key = row("u3", &ring, "hello");
        assert_eq!(check_row(&ring, &not_a_key), Err(Fault::NotAKey));

        let mut wrong_mask = good.clone();
        wrong_mask.last6 = "000000".into();
        assert_eq!(check_row(&ring, &wrong_mask), Err(Fault::MaskMismatch));
    }

    #[test]
    fn two_versions_with_the_same_key_are_caught() {
        let ring = KeyRing::from_keys([(1, [1; 32]), (2, [1; 32])], 2).expect("ring");
        let good = row("u1", &ring, KEY);
        // The associated data binds the version, so even a duplicated key does not open a
        // relabelled envelope: the check finds the row sound.
        assert_eq!(check_row(&ring, &good), Ok(()));
    }
}
