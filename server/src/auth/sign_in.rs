//! Signing in and signing up, both throttled before any Argon2 run.
//!
//! Sign-in takes a slot of the per-address limit first thing (refunded on success; a browser
//! with a genuine known-device cookie for the account takes none), then counts
//! the attempt in the account's database bucket (or the browser's own bucket, with a valid
//! known-device cookie), and only then checks the password. Sign-up takes a slot of its own
//! per-address limit before it hashes; for an email that already has an account it runs the same
//! throttled sign-in, so it answers as a new sign-up would (201 and the user) to the right
//! password and with the sign-in's 401 to a wrong one, never "email taken". Either way a request
//! costs one Argon2 run.

use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, SqlErr};
use secrecy::SecretString;

use app::wire::UserDto;
use app::AppError;

use crate::auth::session::{self, SignedIn};
use crate::auth::usecases::{parse_name, to_dto, Browser};
use crate::auth::{accounts, device, throttle, Email, Password};
use crate::entities::user;
use crate::kit::db_failed;
use crate::kit::ids::new_id;
use crate::rate_limit::{ip_key, Slot};
use crate::state::AppState;

fn rejected() -> AppError {
    AppError::new(
        401,
        "Invalid credentials",
        "The email or password is incorrect.",
    )
}

/// The account with `email`, read with its password hash and auth stamp in one query.
/// Starts `browser`'s session as `u`, under the auth stamp read with the password hash.
async fn begin(browser: &Browser<'_>, u: &user::Model, now: i64) -> Result<(), AppError> {
    let who = SignedIn {
        user_id: &u.id,
        auth_stamp: u.auth_stamp,
    };
    let meta = browser.meta;
    session::begin(
        browser.session,
        who,
        now,
        meta.user_agent.as_deref(),
        meta.ip,
    )
    .await
}

async fn find_by_email(state: &AppState, email: &Email) -> Result<Option<user::Model>, AppError> {
    user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(&state.db)
        .await
        .map_err(db_failed)
}

/// Signs in with email and password. Unknown email and wrong password give the same answer, and
/// both run a full Argon2 verify.
pub async fn sign_in(
    state: &AppState,
    browser: &Browser<'_>,
    email: &str,
    password: SecretString,
) -> Result<UserDto, AppError> {
    let now = state.clock.unix();
    // A browser whose genuine known-device cookie names the account it signs in to skips the
    // address's limit, so an attacker at the owner's address (the same office, the same NAT)
    // cannot lock the owner out; its own device bucket still throttles its guesses. The
    // cookie is checked without the database, so a request without one is refused by the
    // address's limit before any read.
    let vouched = device::vouched_account(state, browser.cookies);
    let slot = match vouched {
        Some(_) => None,
        None => Some(
            state
                .limits
                .sign_in_ip
                .try_acquire(&ip_key(browser.meta.ip), now)?,
        ),
    };
    let password = Password::for_sign_in(password)?;
    let Ok(email) = Email::parse(email) else {
        return Err(rejected());
    };
    let found = find_by_email(state, &email).await?;
    let slot = match slot {
        Some(slot) => Some(slot),
        // A cookie for another account vouches for nothing here.
        None if found.as_ref().map(|u| &u.id) == vouched.as_ref() => None,
        None => Some(
            state
                .limits
                .sign_in_ip
                .try_acquire(&ip_key(browser.meta.ip), now)?,
        ),
    };
    check_and_begin(state, browser, &email, &password, found, slot).await
}

/// Counts the attempt in its bucket, checks the password, and on success starts the session,
/// refunds `slot` and marks the browser as a known device.
async fn check_and_begin(
    state: &AppState,
    browser: &Browser<'_>,
    email: &Email,
    password: &Password,
    found: Option<user::Model>,
    slot: Option<Slot>,
) -> Result<UserDto, AppError> {
    let now = state.clock.unix();
    let known = found
        .as_ref()
        .and_then(|u| device::recognise(state, browser.cookies, &u.id));
    let bucket = known
        .as_ref()
        .map_or_else(|| throttle::account(email.as_str()), throttle::device);
    throttle::take_attempt(&state.db, &bucket, now).await?;
    let ok = state
        .hasher
        .verify(password, found.as_ref().map(|u| u.password_hash.as_str()))
        .await?;
    match found {
        // Only the right password learns that the account is disabled; its bucket is not
        // cleared and its address slot not refunded, as for a failed attempt.
        Some(u) if ok && u.disabled_at.is_some() => {
            tracing::info!(user.id = %u.id, "sign-in refused: the account is disabled");
            Err(accounts::disabled())
        }
        Some(u) if ok => {
            throttle::clear(&state.db, &bucket).await?;
            if let Some(slot) = slot {
                state.limits.sign_in_ip.refund(slot);
            }
            begin(browser, &u, now).await?;
            device::remember(state, browser.cookies, &u.id, known.as_ref());
            tracing::info!(user.id = %u.id, known_device = known.is_some(), "signed in");
            Ok(to_dto(u))
        }
        _ => {
            tracing::info!(client.ip = %browser.meta.ip, "sign-in failed");
            Err(rejected())
        }
    }
}

/// Sign-up for an email that has an account: the throttled sign-in, counted like one.
async fn sign_in_existing(
    state: &AppState,
    browser: &Browser<'_>,
    email: &Email,
    password: &Password,
    found: Option<user::Model>,
) -> Result<UserDto, AppError> {
    let slot = state
        .limits
        .sign_in_ip
        .try_acquire(&ip_key(browser.meta.ip), state.clock.unix())?;
    check_and_begin(state, browser, email, password, found, Some(slot)).await
}

/// Creates an account and signs it in; for an email that has one, signs in to it instead.
pub async fn sign_up(
    state: &AppState,
    browser: &Browser<'_>,
    email: &str,
    password: SecretString,
    name: Option<String>,
) -> Result<UserDto, AppError> {
    let email = Email::parse(email)?;
    let password = Password::parse(password)?;
    let name = parse_name(name)?;
    // Kept whatever happens next: every sign-up request counts, existing email or not, so the
    // limit itself does not tell which emails have accounts.
    let _counted = state
        .limits
        .sign_up_ip
        .try_acquire(&ip_key(browser.meta.ip), state.clock.unix())?;
    if let Some(existing) = find_by_email(state, &email).await? {
        return sign_in_existing(state, browser, &email, &password, Some(existing)).await;
    }
    let hash = state.hasher.hash(&password).await?;
    let now = state.clock.now();
    let model = user::ActiveModel {
        id: Set(new_id(now)),
        email: Set(email.as_str().to_owned()),
        name: Set(name),
        created_at: Set(now),
        updated_at: Set(now),
        password_hash: Set(hash),
        auth_stamp: Set(0),
        disabled_at: Set(None),
    };
    let created = match user::Entity::insert(model)
        .exec_with_returning(&state.db)
        .await
    {
        Ok(created) => created,
        // Another sign-up for the same email won the race: this one becomes a sign-in to it.
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            let found = find_by_email(state, &email).await?;
            return sign_in_existing(state, browser, &email, &password, found).await;
        }
        Err(e) => return Err(db_failed(e)),
    };
    begin(browser, &created, state.clock.unix()).await?;
    device::remember(state, browser.cookies, &created.id, None);
    tracing::info!(user.id = %created.id, "account created");
    Ok(to_dto(created))
}
