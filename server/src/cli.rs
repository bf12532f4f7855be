//! The command line: `studio` serves; subcommands do maintenance.

use clap::{Parser, Subcommand};

use crate::auth::accounts;
use crate::config::{Config, KeyRingSource};
use crate::db;
use crate::error::StartupError;
use crate::startup::Application;
use crate::vault::check;
use crate::vault::keyring::KeyRing;
use crate::vault::retire;
use crate::vault::rotate as rewrap;

const SETTINGS: &str = "\
Settings (environment variables; all optional):
  LEPTOS_SITE_ADDR     address to listen on                [127.0.0.1:3000]
  DATABASE_URL         sqlite://PATH or postgres://USER@HOST:PORT/DB
                                                           [sqlite://data/studio.db]
  OPENROUTER_BASE_URL  OpenRouter's API base               [https://openrouter.ai/api/v1]
  OPENROUTER_AUTH_URL  OpenRouter's authorisation page (Connect with OpenRouter)
                                                           [https://openrouter.ai/auth]
  OPENROUTER_HTTP_VERSION  auto (HTTP/2 where TLS offers it), 1.1, or 2 (also over
                       plain http, with prior knowledge)                       [auto]
  LEPTOS_SITE_ROOT     folder with the built site (WASM, CSS, assets) [target/site]
  PUBLIC_URL           the URL browsers use; https makes cookies Secure  [http://LEPTOS_SITE_ADDR]
  TRUSTED_PROXIES      comma-separated proxy IPs whose X-Forwarded-For is believed   [none]
  SESSION_IDLE_MINUTES     sign out after this much inactivity             [30]
  SESSION_ABSOLUTE_HOURS   sign out this long after sign-in, active or not [12]
  UPSTREAM_TIMEOUT_SECS    how long an AI call may wait for OpenRouter     [120]
  AI_MAX_IN_FLIGHT_PER_USER  AI calls one user may have running at once    [4]
  AI_MODELS_TTL_SECS       how long the model list is cached, in seconds   [600]
  AI_EXTRA_MODELS          model ids accepted though /models omits them    [none]
  LIMIT_SIGNUPS_PER_ADDRESS_HOUR     sign-ups per client address an hour   [10]
  LIMIT_KEY_CHECKS_PER_USER_HOUR     key saves (live checks) per user an hour [10]
  LIMIT_KEY_CHECKS_PER_ADDRESS_HOUR  key saves per client address an hour  [30]
  LIMIT_WORKSPACES_PER_USER          workspaces one user may own           [100]
  MAX_CONNECTIONS          connections served at once (more wait)        [1024]
  HEADER_READ_TIMEOUT_SECS how long a client may take to send headers    [10]
  BODY_READ_TIMEOUT_SECS   how long a client may take to send a body     [30]
  METRICS_ADDR             where GET /metrics is served (never public)   [none]
  SHUTDOWN_GRACE_SECS      on SIGTERM, time left to open streams         [30]
  CACHE_TTL_SECS           how long a cached session, key row, preference or cap is
                           served after it was read; 0 turns the caches off   [60]
  CACHE_MAX_ENTRIES        sessions (and users) cached at most           [100000]
  STUDIO_MASTER_KEYS   the master-key ring, 1:<base64 of 32 bytes>[,2:...]; required with PostgreSQL
  STUDIO_MASTER_KEY_PRIMARY  the version new encryptions use        [the highest]
  STUDIO_KEYRING_FILE  a key-ring file instead (created, mode 0600, if missing)
                                                           [keyring.json beside the SQLite file]
  STUDIO_MIN_DECRYPTION_VERSION  retire master-key versions below this: they never decrypt,
                       and studio will not serve while a stored key uses one (run
                       `studio rewrap` first; rewrap itself still reads them)     [none]
  RUST_LOG             log filter, e.g. info or server=debug          [info]

With no settings at all, studio creates data/studio.db under the working directory, applies the
migrations and serves on 127.0.0.1:3000.";

/// AiAppsy Web Studio: bring-your-own-key AI coding studio.
#[derive(Debug, Parser)]
#[command(name = "studio", version, about, after_help = SETTINGS)]
pub struct Cli {
    /// What to do; serving is the default.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web app and its API (the default).
    Serve,
    /// Add a new primary master key (file rings; with STUDIO_MASTER_KEYS, set the new key and
    /// STUDIO_MASTER_KEY_PRIMARY first) and re-encrypt every stored API key under it. Safe to
    /// interrupt, to re-run and to run while servers are serving.
    RotateKey,
    /// Re-encrypt every stored API key under the current primary (finish an interrupted rotation).
    /// Reads keys under retired versions too, so it clears them before they are refused.
    Rewrap,
    /// Try every stored API key against every version of the key ring and report how many open
    /// under exactly their own version; exits non-zero if any does not (rows already marked
    /// unusable excepted). Changes nothing.
    CheckKeys,
    /// Disable an account: its sessions end at once and it can no longer sign in. Its data and
    /// its stored key (still encrypted) are left as they are.
    DisableAccount {
        /// The account's email address.
        email: String,
    },
    /// Enable a disabled account again: it can sign in once more.
    EnableAccount {
        /// The account's email address.
        email: String,
    },
}

/// Runs the chosen command to completion.
pub async fn run(cli: Cli) -> Result<(), StartupError> {
    let config = Config::from_env()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let app = Application::build(config).await?;
            app.run_until_stopped().await
        }
        Command::RotateKey => rotate(config, true).await,
        Command::Rewrap => rotate(config, false).await,
        Command::CheckKeys => check_keys(config).await,
        Command::DisableAccount { email } => set_disabled(config, &email, true).await,
        Command::EnableAccount { email } => set_disabled(config, &email, false).await,
    }
}

async fn check_keys(config: Config) -> Result<(), StartupError> {
    let db = db::connect(&config.database).await?;
    db::migrate(&db, &config.database).await?;
    let var = config.keyring.setting();
    // The ring as it is, never a new one: a check must not create a ring file.
    let ring = match &config.keyring {
        KeyRingSource::File(path) => KeyRing::load_file(path),
        KeyRingSource::Env { spec, primary } => {
            use secrecy::ExposeSecret as _;
            KeyRing::parse(spec.expose_secret(), *primary)
        }
    }
    .map_err(|e| StartupError::config(var, e))?;
    let found = check::check_all(&db, &ring)
        .await
        .map_err(|e| StartupError::Other(format!("cannot read the stored keys: {e}")))?;
    println!("{}", found.report());
    if found.passed() {
        Ok(())
    } else {
        Err(StartupError::Other(format!(
            "{} stored keys do not open under exactly their own version",
            found.faults.len()
        )))
    }
}

async fn rotate(config: Config, add_version: bool) -> Result<(), StartupError> {
    let db = db::connect(&config.database).await?;
    db::migrate(&db, &config.database).await?;
    let shared = crate::vault::open::open_ring(&config.keyring, &db).await?;
    let mut ring = (*shared.current()).clone();
    if add_version {
        match &config.keyring {
            KeyRingSource::File(path) => {
                let config_error = |e| StartupError::config("STUDIO_KEYRING_FILE", e);
                // Two rotations at once would each add "the next" version with its own key,
                // and the later save would drop the key the earlier one encrypted rows under.
                // So the file is read, extended and replaced under an exclusive lock.
                let _lock = lock_ring_file(path).await.map_err(config_error)?;
                ring = KeyRing::load_file(path)
                    .map_err(config_error)?
                    .with_new_primary();
                ring.save_file(path).map_err(config_error)?;
                println!(
                    "added master key version {} to {}",
                    ring.primary().0,
                    path.display()
                );
            }
            KeyRingSource::Env { .. } => println!(
                "the ring comes from STUDIO_MASTER_KEYS: rewrapping under its primary, version {}",
                ring.primary().0
            ),
        }
    }
    if let Some(min) = config.min_decryption_version {
        ring.retiring_below(min)
            .map_err(|e| StartupError::config(retire::SETTING, e))?;
    }
    let report = rewrap::rewrap_all(&db, &ring).await.map_err(|e| {
        StartupError::Other(format!(
            "the rewrap stopped: {e}; run `studio rewrap` to resume"
        ))
    })?;
    println!(
        "rewrapped {} keys under version {} ({} changed meanwhile, {} undecryptable)",
        report.rewrapped,
        ring.primary().0,
        report.raced,
        report.unusable
    );
    if let Some(min) = config.min_decryption_version {
        let left = retire::rows_below(&db, min)
            .await
            .map_err(|e| StartupError::Other(format!("cannot read the stored keys: {e}")))?;
        if left > 0 {
            println!(
                "{left} usable keys are still under versions below {min} ({}): studio will not \
                 serve until they are rewrapped",
                retire::SETTING
            );
        }
    }
    Ok(())
}

async fn set_disabled(config: Config, email: &str, disabled: bool) -> Result<(), StartupError> {
    let db = db::connect(&config.database).await?;
    db::migrate(&db, &config.database).await?;
    let now = crate::kit::clock::Clock::now(&crate::kit::clock::SystemClock).timestamp();
    let outcome = if disabled {
        accounts::disable(&db, email, now).await
    } else {
        accounts::enable(&db, email).await
    }
    .map_err(|e| StartupError::Other(e.to_string()))?;
    if disabled {
        println!(
            "disabled {}: {} session(s) ended; its sign-ins are refused",
            outcome.email, outcome.sessions_ended
        );
    } else if outcome.changed {
        println!("enabled {}: it can sign in again", outcome.email);
    } else {
        println!("{} was not disabled; nothing changed", outcome.email);
    }
    Ok(())
}

/// Takes the exclusive lock on `<ring file>.lock` (created if missing), waiting for another
/// rotation to finish; released when the returned file is dropped, or by the kernel when the
/// process dies.
async fn lock_ring_file(path: &std::path::Path) -> Result<std::fs::File, String> {
    let lock_path = path.with_extension("json.lock");
    let shown = lock_path.display().to_string();
    let locked = tokio::task::spawn_blocking(move || {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)?;
        file.lock()?;
        Ok::<_, std::io::Error>(file)
    })
    .await
    .map_err(|e| format!("cannot lock {shown}: {e}"))?;
    locked.map_err(|e| format!("cannot lock {shown}: {e}"))
}
