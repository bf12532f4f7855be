//! Chat, code completion and code generation: written once, called by the REST routes (and,
//! later, by server functions).
//!
//! Each call runs the same steps: the limits; the caller's key (400 without one, and nothing
//! goes upstream); the workspace, if named (404 unless it is the caller's); the model (422
//! unless OpenRouter offers it); a slot under the per-user cap (429); then one upstream call,
//! with a ledger record that is written however the call ends.

use app::ai::ssr::AiPort;
use app::wire::{
    ChatMessage, ChatReply, ChatRequest, CodeCompletionReply, CodeCompletionRequest,
    GenerateCodeReply, GenerateCodeRequest, UsageReport,
};
use app::AppError;
use http::request::Parts;

use crate::ai::call::Call;
use crate::ai::clean;
use crate::ai::limits;
use crate::ai::prompts::{self, CursorWindow, WorkspaceContext};
use crate::ai::stream::{wire_usage, Finish, Relay};
use crate::ai::{prefs, usage, Feature};
use crate::auth::extract::require;
use crate::auth::AuthUser;
use crate::backend::StudioBackend;
use crate::conversations::answer;
use crate::conversations::sink::abandon;
use crate::openrouter::types::{ChatCompletionRequest, StreamOptions, UpstreamMessage};
use crate::state::AppState;
use crate::vault::key::StoredKey;
use crate::vault::usecases as vault;
use crate::workspaces;

/// Completions are short; this is their length cap when the request sets none.
const COMPLETION_MAX_TOKENS: u32 = 256;
/// Code wants little randomness.
const CODE_TEMPERATURE: f32 = 0.2;

/// An answer, whole or as an event stream.
pub enum AiReply<T> {
    /// The whole answer.
    Whole(T),
    /// An event stream to relay.
    Stream(Box<Relay>),
}

/// The error a caller without a stored key gets, exactly as the API documents it.
pub fn key_required() -> AppError {
    AppError::new(
        400,
        "API key required",
        "Please set up your OpenRouter API key in settings to use AI features",
    )
}

/// `POST /api/ai/chat`.
pub async fn chat(
    state: &AppState,
    auth: &AuthUser,
    req: ChatRequest,
) -> Result<AiReply<ChatReply>, AppError> {
    limits::check_chat(&req)?;
    let user_id = auth.user_id.as_str();
    let key = require_key(state, user_id).await?;
    let choice = prefs::model_for(state, user_id, Feature::Chat, req.model.as_deref()).await?;
    let (messages, mut keep) =
        answer::messages_for(state, user_id, req.conversation_id.as_deref(), req.messages).await?;
    let mut body = request(
        choice.model.clone(),
        messages,
        req.stream,
        req.max_tokens,
        req.temperature,
    );
    let call = match Call::start(state, user_id, Feature::Chat, key, &choice, &mut body).await {
        Ok(call) => call,
        Err(e) => {
            abandon(keep).await;
            return Err(e);
        }
    };
    if req.stream {
        return match call.stream(state, body, Finish::Plain).await {
            Ok(mut relay) => {
                if let Some(sink) = keep {
                    relay.keep_answer(sink);
                }
                Ok(AiReply::Stream(Box::new(relay)))
            }
            Err(e) => {
                abandon(keep).await;
                Err(e)
            }
        };
    }
    let answer = match call.whole(state, body).await {
        Ok(answer) => answer,
        Err(e) => {
            abandon(keep).await;
            return Err(e);
        }
    };
    if let Some(mut sink) = keep.take() {
        sink.push(&answer.text);
        sink.finish("done", Some(answer.model.clone())).await;
    }
    Ok(AiReply::Whole(ChatReply {
        message: ChatMessage {
            role: "assistant".to_owned(),
            content: answer.text,
        },
        model: answer.model,
        usage: wire_usage(answer.usage),
        generation_id: answer.generation_id,
    }))
}

/// `POST /api/ai/code-completion`.
pub async fn complete(
    state: &AppState,
    auth: &AuthUser,
    req: CodeCompletionRequest,
) -> Result<CodeCompletionReply, AppError> {
    limits::check_completion(&req)?;
    let user_id = auth.user_id.as_str();
    let key = require_key(state, user_id).await?;
    let ws = workspace_context(state, auth, req.workspace_id.as_deref()).await?;
    let choice = prefs::model_for(
        state,
        user_id,
        Feature::CodeCompletion,
        req.model.as_deref(),
    )
    .await?;
    let (language, prefix, suffix) = (req.language, req.prefix, req.suffix.unwrap_or_default());
    // The windows are cut before anything else reads the code, so the work below is bounded by
    // what is sent upstream; a large input is cut on the blocking pool.
    let (window, messages) = prompts::shape(prefix.len() + suffix.len(), move || {
        let window = CursorWindow::cut(&prefix, &suffix);
        let messages = prompts::completion_messages(&language, &window, ws.as_ref());
        (window, messages)
    })
    .await?;
    let mut body = request(
        choice.model.clone(),
        messages,
        false,
        Some(req.max_tokens.unwrap_or(COMPLETION_MAX_TOKENS)),
        None,
    );
    body.temperature = Some(CODE_TEMPERATURE);
    let call = Call::start(
        state,
        user_id,
        Feature::CodeCompletion,
        key,
        &choice,
        &mut body,
    )
    .await?;
    let answer = call.whole(state, body).await?;
    let text = answer.text;
    let completion = prompts::shape(text.len() + window.len(), move || window.clean(&text)).await?;
    Ok(CodeCompletionReply {
        completion,
        model: answer.model,
        usage: wire_usage(answer.usage),
        generation_id: answer.generation_id,
    })
}

/// `POST /api/ai/generate-code`.
pub async fn generate(
    state: &AppState,
    auth: &AuthUser,
    req: GenerateCodeRequest,
) -> Result<AiReply<GenerateCodeReply>, AppError> {
    limits::check_generation(&req)?;
    let user_id = auth.user_id.as_str();
    let key = require_key(state, user_id).await?;
    let ws = workspace_context(state, auth, req.workspace_id.as_deref()).await?;
    let choice =
        prefs::model_for(state, user_id, Feature::GenerateCode, req.model.as_deref()).await?;
    let (language, prompt, context) = (req.language, req.prompt, req.context);
    let work = prompt.len() + context.as_ref().map_or(0, String::len);
    let messages = prompts::shape(work, move || {
        prompts::generation_messages(&language, &prompt, context.as_deref(), ws.as_ref())
    })
    .await?;
    let mut body = request(
        choice.model.clone(),
        messages,
        req.stream,
        req.max_tokens,
        None,
    );
    body.temperature = Some(CODE_TEMPERATURE);
    let call = Call::start(
        state,
        user_id,
        Feature::GenerateCode,
        key,
        &choice,
        &mut body,
    )
    .await?;
    if req.stream {
        return call
            .stream(state, body, Finish::Code)
            .await
            .map(|r| AiReply::Stream(Box::new(r)));
    }
    let answer = call.whole(state, body).await?;
    let text = answer.text;
    let code = prompts::shape(text.len(), move || clean::clean_code(&text)).await?;
    Ok(AiReply::Whole(GenerateCodeReply {
        code,
        model: answer.model,
        usage: wire_usage(answer.usage),
        generation_id: answer.generation_id,
    }))
}

async fn require_key(state: &AppState, user_id: &str) -> Result<StoredKey, AppError> {
    vault::stored_key(state, user_id)
        .await?
        .ok_or_else(key_required)
}

/// The caller's workspace `id` as prompt context; 404 if it is not theirs (or does not exist).
async fn workspace_context(
    state: &AppState,
    auth: &AuthUser,
    id: Option<&str>,
) -> Result<Option<WorkspaceContext>, AppError> {
    let Some(id) = id else {
        return Ok(None);
    };
    let w = workspaces::get(state, auth, id).await?;
    Ok(Some(WorkspaceContext {
        name: w.summary.name,
        language: w.summary.language,
        code: w.code,
    }))
}

fn request(
    model: String,
    messages: Vec<UpstreamMessage>,
    stream: bool,
    max_tokens: Option<u32>,
    temperature: Option<f32>,
) -> ChatCompletionRequest {
    ChatCompletionRequest {
        model,
        models: None,
        messages,
        stream,
        max_tokens,
        temperature,
        stream_options: stream.then_some(StreamOptions {
            include_usage: true,
        }),
    }
}

#[async_trait::async_trait]
impl AiPort for StudioBackend {
    async fn complete_code(
        &self,
        req: &Parts,
        input: CodeCompletionRequest,
    ) -> Result<CodeCompletionReply, AppError> {
        complete(
            &self.state,
            &require(&self.state, &req.extensions).await?,
            input,
        )
        .await
    }

    async fn generate_code(
        &self,
        req: &Parts,
        mut input: GenerateCodeRequest,
    ) -> Result<GenerateCodeReply, AppError> {
        let auth = require(&self.state, &req.extensions).await?;
        // A server function answers whole; streams are the REST route's.
        input.stream = false;
        match generate(&self.state, &auth, input).await? {
            AiReply::Whole(reply) => Ok(reply),
            AiReply::Stream(_) => Err(AppError::internal()),
        }
    }

    async fn usage(&self, req: &Parts, days: u32) -> Result<UsageReport, AppError> {
        let auth = require(&self.state, &req.extensions).await?;
        usage::report_last_days(&self.state, &auth.user_id, days).await
    }
}
