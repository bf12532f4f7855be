//! Account server functions (with their port and registration), and the signed-in user as the
//! whole UI sees it.

use leptos::prelude::*;

use crate::error::AppError;
use crate::wire::{Redacted, SessionInfo, UserDto};

mod next;

pub use next::{encode_component, is_same_origin_path, next_query, safe_next};

#[cfg(feature = "ssr")]
use crate::ports::run;
/// The `Clear-Site-Data` value every sign-out answers with (the REST route and the server
/// function alike): the browser drops this origin's cookies and stored data, such as the
/// assistant's saved draft.
pub const CLEAR_SITE_DATA: &str = "\"cookies\", \"storage\"";

/// The signed-in user, or `None`.
#[server(endpoint = "current_user")]
pub async fn current_user() -> Result<Option<UserDto>, AppError> {
    let (backend, req) = crate::ports::backend()?;
    run(backend.current_user(&req)).await
}

/// Signs in, then goes to `next`.
#[server(endpoint = "sign_in")]
pub async fn sign_in(
    email: String,
    password: Redacted,
    next: Option<String>,
) -> Result<UserDto, AppError> {
    let (backend, req) = crate::ports::backend()?;
    let user = run(backend.sign_in(&req, email, password)).await?;
    leptos_axum::redirect(&safe_next(next.as_deref()));
    Ok(user)
}

/// Creates an account, then goes to `next`.
#[server(endpoint = "sign_up")]
pub async fn sign_up(
    email: String,
    password: Redacted,
    name: Option<String>,
    next: Option<String>,
) -> Result<UserDto, AppError> {
    let (backend, req) = crate::ports::backend()?;
    let name = name.filter(|n| !n.trim().is_empty());
    let user = run(backend.sign_up(&req, email, password, name)).await?;
    leptos_axum::redirect(&safe_next(next.as_deref()));
    Ok(user)
}

/// Signs out, then goes to sign-in. Like `POST /api/auth/signout` it sends `Clear-Site-Data`.
#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    let (backend, req) = crate::ports::backend()?;
    run(backend.sign_out(&req)).await?;
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.insert_header(
            http::header::HeaderName::from_static("clear-site-data"),
            http::HeaderValue::from_static(CLEAR_SITE_DATA),
        );
    }
    leptos_axum::redirect("/signin");
    Ok(())
}

/// The caller's sessions.
#[server(endpoint = "list_sessions")]
pub async fn list_sessions() -> Result<Vec<SessionInfo>, AppError> {
    let (backend, req) = crate::ports::backend()?;
    run(backend.list_sessions(&req)).await
}

/// Ends one of the caller's sessions.
#[server(endpoint = "end_session")]
pub async fn end_session(id: String) -> Result<(), AppError> {
    let (backend, req) = crate::ports::backend()?;
    run(backend.end_session(&req, id)).await
}

/// Ends the caller's other sessions.
#[server(endpoint = "end_other_sessions")]
pub async fn end_other_sessions() -> Result<u64, AppError> {
    let (backend, req) = crate::ports::backend()?;
    run(backend.end_other_sessions(&req)).await
}

/// The server side of this file: the port `server` implements, and the registration list.
#[cfg(feature = "ssr")]
pub mod ssr {
    use http::request::Parts;
    use leptos::server_fn::axum::register_explicit;

    use super::{CurrentUser, EndOtherSessions, EndSession, ListSessions, SignIn, SignOut, SignUp};
    use crate::error::AppError;
    use crate::wire::{Redacted, SessionInfo, UserDto};

    /// The account use cases the UI reaches.
    #[async_trait::async_trait]
    pub trait AuthPort: Send + Sync + 'static {
        /// Creates an account and signs it in.
        async fn sign_up(
            &self,
            req: &Parts,
            email: String,
            password: Redacted,
            name: Option<String>,
        ) -> Result<UserDto, AppError>;
        /// Signs in.
        async fn sign_in(
            &self,
            req: &Parts,
            email: String,
            password: Redacted,
        ) -> Result<UserDto, AppError>;
        /// Signs out (ends the server-side session).
        async fn sign_out(&self, req: &Parts) -> Result<(), AppError>;
        /// The signed-in user, or `None`.
        async fn current_user(&self, req: &Parts) -> Result<Option<UserDto>, AppError>;
        /// The caller's sessions.
        async fn list_sessions(&self, req: &Parts) -> Result<Vec<SessionInfo>, AppError>;
        /// Ends one of the caller's sessions.
        async fn end_session(&self, req: &Parts, id: String) -> Result<(), AppError>;
        /// Ends all of the caller's sessions but this one.
        async fn end_other_sessions(&self, req: &Parts) -> Result<u64, AppError>;
    }

    /// Registers this file's server functions.
    pub fn register() {
        register_explicit::<CurrentUser>();
        register_explicit::<SignIn>();
        register_explicit::<SignUp>();
        register_explicit::<SignOut>();
        register_explicit::<ListSessions>();
        register_explicit::<EndSession>();
        register_explicit::<EndOtherSessions>();
    }
}

/// The account actions, shared so the signed-in user is refetched after any of them.
///
/// Sign-in and sign-up are made by their pages ([`AuthActions::sign_in`],
/// [`AuthActions::sign_up`]) rather than here: this is made by the shell, which is in the main
/// WASM file that every page loads first, and each action brings its server function's client
/// code with it. They are made under the app's owner all the same, so that they outlive the
/// page they were sent from: both redirect, and the page is gone by the time they finish.
#[derive(Clone, Copy)]
pub struct AuthActions {
    /// Sign out.
    pub sign_out: ServerAction<SignOut>,
    /// The signed-in user (refetched after each action).
    pub user: Resource<Result<Option<UserDto>, AppError>>,
    /// Counts the sign-ins and sign-ups that finished; `user` follows it.
    signed_in: RwSignal<u64>,
    sign_in: StoredValue<Option<ServerAction<SignIn>>>,
    sign_up: StoredValue<Option<ServerAction<SignUp>>>,
    /// The app's owner, which the sign-in and sign-up actions are made under.
    owner: StoredValue<Option<Owner>>,
}

impl AuthActions {
    /// Creates the sign-out action and the user resource, and provides them as context.
    pub fn provide() -> Self {
        let sign_out = ServerAction::<SignOut>::new();
        let signed_in = RwSignal::new(0);
        let user = Resource::new(
            move || (signed_in.get(), sign_out.version().get()),
            |_| current_user(),
        );
        // Signing out forgets what this browser kept for the user. `Clear-Site-Data` does the same
        // where the browser honours it (secure contexts only), so the draft is also removed here.
        Effect::new(move |_| {
            if sign_out.input().get().is_some() || sign_out.version().get() > 0 {
                crate::components::ai_assistant::forget_draft();
            }
        });
        let actions = Self {
            sign_out,
            user,
            signed_in,
            sign_in: StoredValue::new(None),
            sign_up: StoredValue::new(None),
            owner: StoredValue::new(Owner::current()),
        };
        provide_context(actions);
        actions
    }

    /// The sign-in action (made on first use, then the same one).
    pub fn sign_in(&self) -> ServerAction<SignIn> {
        self.account_action(self.sign_in)
    }

    /// The sign-up action (made on first use, then the same one).
    pub fn sign_up(&self) -> ServerAction<SignUp> {
        self.account_action(self.sign_up)
    }

    /// The action kept in `slot`, made under the app's owner the first time, with an effect
    /// that fetches the user again each time it finishes.
    fn account_action<F>(&self, slot: StoredValue<Option<ServerAction<F>>>) -> ServerAction<F>
    where
        F: leptos::server_fn::ServerFn<Output = UserDto, Error = AppError>
            + Clone
            + Send
            + Sync
            + 'static,
    {
        if let Some(action) = slot.get_value() {
            return action;
        }
        let signed_in = self.signed_in;
        let make = move || {
            let action = ServerAction::<F>::new();
            Effect::new(move |_| {
                if action.version().get() > 0 {
                    signed_in.update(|n| *n += 1);
                }
            });
            action
        };
        let action = match self.owner.get_value() {
            Some(owner) => owner.with(make),
            None => make(),
        };
        slot.set_value(Some(action));
        action
    }
}
