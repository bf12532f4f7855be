//! `DATABASE_URL`: which engine, where, and a form of it safe to print.

use std::path::PathBuf;

/// Which database engine a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatabaseKind {
    /// One SQLite file, the embedded default.
    Sqlite,
    /// PostgreSQL, for several instances behind a load balancer.
    Postgres,
}

impl DatabaseKind {
    /// `"sqlite"` or `"postgres"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

/// A parsed `DATABASE_URL`.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    url: String,
    kind: DatabaseKind,
    sqlite_path: Option<PathBuf>,
}

impl DatabaseUrl {
    /// Accepts `sqlite://PATH`, `sqlite:PATH`, `sqlite::memory:` and `postgres(ql)://…`.
    pub fn parse(raw: &str) -> Result<Self, String> {
        if let Some(rest) = raw.strip_prefix("sqlite:") {
            let rest = rest.strip_prefix("//").unwrap_or(rest);
            let path = rest.split('?').next().unwrap_or_default();
            if path.is_empty() {
                return Err("expected sqlite://PATH, such as sqlite://data/studio.db".into());
            }
            let sqlite_path = (path != ":memory:").then(|| PathBuf::from(path));
            Ok(Self {
                url: raw.to_owned(),
                kind: DatabaseKind::Sqlite,
                sqlite_path,
            })
        } else if let Some(rest) = raw
            .strip_prefix("postgres://")
            .or_else(|| raw.strip_prefix("postgresql://"))
        {
            let host = rest.rsplit('@').next().unwrap_or_default();
            if host.is_empty() || host.starts_with('/') {
                return Err("expected postgres://USER@HOST:PORT/DATABASE".into());
            }
            Ok(Self {
                url: raw.to_owned(),
                kind: DatabaseKind::Postgres,
                sqlite_path: None,
            })
        } else {
            Err("expected a URL starting with sqlite:// or postgres://".into())
        }
    }

    /// The engine.
    pub fn kind(&self) -> DatabaseKind {
        self.kind
    }

    /// The SQLite file, if this is a file-backed SQLite URL.
    pub fn sqlite_path(&self) -> Option<&PathBuf> {
        self.sqlite_path.as_ref()
    }

    /// The URL as given, for the driver. Not for logs: it may hold a password.
    pub fn expose(&self) -> &str {
        &self.url
    }

    /// The URL with any password replaced, safe to log.
    pub fn redacted(&self) -> String {
        let Some((scheme, rest)) = self.url.split_once("://") else {
            return self.url.clone();
        };
        match rest.rsplit_once('@') {
            Some((userinfo, host)) => {
                let user = userinfo.split(':').next().unwrap_or_default();
                let masked = if userinfo.contains(':') {
                    format!("{user}:***")
                } else {
                    user.to_owned()
                };
                format!("{scheme}://{masked}@{host}")
            }
            None => self.url.clone(),
        }
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("DatabaseUrl")
            .field(&self.redacted())
            .finish()
    }
}
