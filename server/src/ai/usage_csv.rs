//! `GET /api/user/usage.csv`: the caller's ledger over a range of days, one row per call,
//! streamed page by page so that a long range costs no more memory than a page.
//!
//! Quoting follows RFC 4180: a field holding a comma, a quote or a line break is quoted, with
//! quotes doubled. A text field that a spreadsheet would read as a formula (starting with `=`,
//! `+`, `-`, `@`, a tab or a carriage return) is prefixed with `'` (OWASP's advice against CSV
//! injection); the ledger's own fields never start so, but a generation id comes from upstream.

use axum::body::{Body, Bytes};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use app::AppError;

use crate::ai::usage::range;
use crate::entities::ai_usage;
use crate::kit::db_failed;
use crate::state::AppState;

/// Rows read per query.
const PAGE: u64 = 500;

/// The header line.
pub const HEADER: &str = "time,feature,model,requested_model,fallback,tokens_in,tokens_out,cost_usd,outcome,generation_id,latency_ms\r\n";

/// The export: its file name and its body.
pub struct UsageCsv {
    /// `usage-<from>-to-<to>.csv`.
    pub filename: String,
    /// The CSV, header first.
    pub body: Body,
}

struct Pages {
    state: AppState,
    user_id: String,
    from: String,
    to: String,
    after: Option<String>,
    first: Option<Vec<ai_usage::Model>>,
    done: bool,
}

impl Pages {
    async fn page(&self) -> Result<Vec<ai_usage::Model>, sea_orm::DbErr> {
        use ai_usage::Column as C;
        let mut q = ai_usage::Entity::find()
            .filter(C::UserId.eq(self.user_id.as_str()))
            .filter(C::Day.gte(self.from.as_str()))
            .filter(C::Day.lte(self.to.as_str()));
        if let Some(after) = &self.after {
            q = q.filter(C::Id.gt(after.as_str()));
        }
        // Ids begin with their row's creation time, so they order the calls by time.
        q.order_by_asc(C::Id).limit(PAGE).all(&self.state.db).await
    }
}

/// The caller's calls between `from` and `to` (inclusive UTC dates, as for the usage report).
/// A database failure before the first row is a 503; one later ends the file early (logged).
pub async fn export(
    state: &AppState,
    user_id: &str,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<UsageCsv, AppError> {
    let (from, to) = range(from, to, state.clock.now().date_naive())?;
    let (from, to) = (
        from.format("%Y-%m-%d").to_string(),
        to.format("%Y-%m-%d").to_string(),
    );
    let mut pages = Pages {
        state: state.clone(),
        user_id: user_id.to_owned(),
        from: from.clone(),
        to: to.clone(),
        after: None,
        first: None,
        done: false,
    };
    pages.first = Some(pages.page().await.map_err(db_failed)?);
    let header = futures::stream::once(async {
        Ok::<Bytes, std::convert::Infallible>(Bytes::from_static(HEADER.as_bytes()))
    });
    let rows = futures::stream::unfold(pages, |mut pages| async move {
        if pages.done {
            return None;
        }
        let rows = match pages.first.take() {
            Some(rows) => rows,
            None => match pages.page().await {
                Ok(rows) => rows,
                Err(e) => {
                    tracing::error!(error = %e, "the usage export stopped early");
                    return None;
                }
            },
        };
        if rows.len() < usize::try_from(PAGE).unwrap_or(usize::MAX) {
            pages.done = true;
        }
        let last = rows.last()?;
        pages.after = Some(last.id.clone());
        let mut out = String::with_capacity(rows.len() * 120);
        for r in &rows {
            line(&mut out, r);
        }
        Some((Ok(Bytes::from(out)), pages))
    });
    use futures::StreamExt;
    Ok(UsageCsv {
        filename: format!("usage-{from}-to-{to}.csv"),
        body: Body::from_stream(header.chain(rows)),
    })
}

/// One call as a CSV line, CRLF-terminated.
pub fn line(out: &mut String, r: &ai_usage::Model) {
    let fields = [
        text(&r.created_at.to_rfc3339()),
        text(&r.feature),
        text(&r.model),
        text(r.requested_model.as_deref().unwrap_or("")),
        (if r.requested_model.is_some() {
            "yes"
        } else {
            "no"
        })
        .to_owned(),
        r.tokens_in.to_string(),
        r.tokens_out.to_string(),
        format!("{:.12}", r.cost)
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_owned(),
        text(&r.outcome),
        text(r.generation_id.as_deref().unwrap_or("")),
        r.latency_ms.to_string(),
    ];
    out.push_str(&fields.join(","));
    out.push_str("\r\n");
}

/// A text field, guarded against formulas and quoted when it must be.
pub fn text(raw: &str) -> String {
    let guarded = if raw.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{raw}")
    } else {
        raw.to_owned()
    };
    if guarded.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_fields_are_left_alone() {
        assert_eq!(text("openai/gpt-4o-mini"), "openai/gpt-4o-mini");
        assert_eq!(text(""), "");
    }

    #[test]
    fn commas_quotes_and_line_breaks_are_quoted_with_quotes_doubled() {
        assert_eq!(text("a,b"), "\"a,b\"");
        assert_eq!(text("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(text("two\nlines"), "\"two\nlines\"");
        assert_eq!(text("cr\rlf"), "\"cr\rlf\"");
    }

    #[test]
    fn formulas_are_defused() {
        assert_eq!(text("=1+1"), "'=1+1");
        assert_eq!(text("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(text("-2,3"), "\"'-2,3\"");
    }
}
