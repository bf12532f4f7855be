//! The abuse limits operators may tune.

/// Limits that operators (and tests) may tune; every one has a safe default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitSettings {
    /// Sign-ups per client address per hour (`LIMIT_SIGNUPS_PER_ADDRESS_HOUR`, 10).
    pub signups_per_address_hour: usize,
    /// Key saves (live checks with OpenRouter) per user per hour (`LIMIT_KEY_CHECKS_PER_USER_HOUR`, 10).
    pub key_checks_per_user_hour: usize,
    /// Key saves per client address per hour (`LIMIT_KEY_CHECKS_PER_ADDRESS_HOUR`, 30).
    pub key_checks_per_address_hour: usize,
    /// Workspaces one user may own (`LIMIT_WORKSPACES_PER_USER`, 100).
    pub workspaces_per_user: usize,
    /// Connections served at once; more wait in the kernel's backlog (`MAX_CONNECTIONS`, 1024).
    pub max_connections: usize,
    /// Seconds a client has to send a request's headers (`HEADER_READ_TIMEOUT_SECS`, 10).
    pub header_read_timeout_secs: u64,
    /// Seconds a client has to send a request's body (`BODY_READ_TIMEOUT_SECS`, 30).
    pub body_read_timeout_secs: u64,
}

impl Default for LimitSettings {
    fn default() -> Self {
        Self {
            signups_per_address_hour: 10,
            key_checks_per_user_hour: 10,
            key_checks_per_address_hour: 30,
            workspaces_per_user: 100,
            max_connections: 1024,
            header_read_timeout_secs: 10,
            body_read_timeout_secs: 30,
        }
    }
}
