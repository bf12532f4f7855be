//! Studio workspaces.

use serde::{Deserialize, Serialize};

/// A workspace in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceSummary {
    /// The workspace's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its language, e.g. `rust`.
    pub language: String,
    /// RFC 3339.
    pub updated_at: String,
}

/// A workspace with its code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Workspace {
    /// Name, language, id.
    #[serde(flatten)]
    pub summary: WorkspaceSummary,
    /// The code.
    pub code: String,
}
