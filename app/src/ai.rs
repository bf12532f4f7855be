//! AI server functions (code completion, code generation, the usage report), their port and
//! their registration. The chat streams over `POST /api/ai/chat` (an event stream a server
//! function cannot carry), read in the browser by [`crate::sse`].

use leptos::prelude::*;

use crate::error::AppError;
use crate::wire::{
    CodeCompletionReply, CodeCompletionRequest, GenerateCodeReply, GenerateCodeRequest, UsageReport,
};

#[cfg(feature = "ssr")]
use crate::ports::run;
/// Completion at the cursor.
#[server(endpoint = "complete_code", input = server_fn::codec::Json)]
pub async fn complete_code(input: CodeCompletionRequest) -> Result<CodeCompletionReply, AppError> {
    let (backend, req) = crate::ports::backend()?;
    run(backend.complete_code(&req, input)).await
}

/// Code from a prompt.
#[server(endpoint = "generate_code", input = server_fn::codec::Json)]
pub async fn generate_code(input: GenerateCodeRequest) -> Result<GenerateCodeReply, AppError> {
    let (backend, req) = crate::ports::backend()?;
    run(backend.generate_code(&req, input)).await
}

/// The caller's usage over the last 30 days.
#[server(endpoint = "usage_report")]
pub async fn get_usage_report() -> Result<UsageReport, AppError> {
    let (backend, req) = crate::ports::backend()?;
    run(backend.usage(&req, 30)).await
}

/// The server side of this file: the port `server` implements, and the registration list.
#[cfg(feature = "ssr")]
pub mod ssr {
    use http::request::Parts;
    use leptos::server_fn::axum::register_explicit;

    use super::{CompleteCode, GenerateCode, GetUsageReport};
    use crate::error::AppError;
    use crate::wire::{
        CodeCompletionReply, CodeCompletionRequest, GenerateCodeReply, GenerateCodeRequest,
        UsageReport,
    };

    /// The AI use cases the UI reaches.
    #[async_trait::async_trait]
    pub trait AiPort: Send + Sync + 'static {
        /// Code completion at the cursor (the same use case as `POST /api/ai/code-completion`).
        async fn complete_code(
            &self,
            req: &Parts,
            input: CodeCompletionRequest,
        ) -> Result<CodeCompletionReply, AppError>;
        /// Code generation (the same use case as `POST /api/ai/generate-code`).
        async fn generate_code(
            &self,
            req: &Parts,
            input: GenerateCodeRequest,
        ) -> Result<GenerateCodeReply, AppError>;
        /// The caller's AI usage and cost over the last `days` days.
        async fn usage(&self, req: &Parts, days: u32) -> Result<UsageReport, AppError>;
    }

    /// Registers this file's server functions.
    pub fn register() {
        register_explicit::<CompleteCode>();
        register_explicit::<GenerateCode>();
        register_explicit::<GetUsageReport>();
    }
}
