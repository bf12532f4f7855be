//! SpendSummary: on the usage page, the current period's spend against the cap, with the pace
//! ("at this rate, $7.40 by the 31st"); and the CSV export button.

use leptos::prelude::*;

use crate::components::spend_alert::adjective;
use crate::rules::spend::usd;
use crate::spend::get_spend_status;
use crate::wire::SpendLimitStatus;

/// "1st", "2nd", "3rd", "31st".
pub fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// "At this rate, $7.40 by the 31st." (month), "… by Sunday." (week), "… by the end of the day
/// (UTC)." (day).
pub fn pace_text(s: &SpendLimitStatus) -> String {
    let by = match s.period.as_str() {
        "day" => "the end of the day (UTC)".to_owned(),
        "week" => "Sunday".to_owned(),
        _ => {
            let day = s
                .period_end
                .rsplit('-')
                .next()
                .and_then(|d| d.parse::<u32>().ok())
                .unwrap_or(31);
            format!("the {}", ordinal(day))
        }
    };
    format!("At this rate, {} by {by}.", usd(s.projected_usd))
}

/// The period's spend against the cap.
#[component]
pub fn SpendSummary() -> impl IntoView {
    let status = Resource::new(|| (), |_| get_spend_status());
    view! {
        <Transition fallback=|| ()>
            {move || status.get().map(|r| match r {
                Ok(Some(s)) => {
                    let share = (s.spent_usd / s.amount_usd).clamp(0.0, 1.0);
                    view! {
                        <section class="card" data-testid="spend-summary">
                            <h2>"Spending limit"</h2>
                            <p>
                                <strong>{usd(s.spent_usd)}</strong>" of your "{usd(s.amount_usd)}" "
                                {adjective(&s.period)}" limit, "{s.period_start.clone()}" to "{s.period_end.clone()}" (UTC)."
                                {(s.in_flight_usd > 0.0).then(|| format!(" Up to {} is held by calls still running.", usd(s.in_flight_usd)))}
                            </p>
                            <meter min="0" max="1" low="0.8" high="0.99" optimum="0" value=crate::rules::decimal::fixed(share, 4)
                                aria-label="Share of the spending limit used"></meter>
                            <p data-testid="spend-pace">{pace_text(&s)}</p>
                        </section>
                    }.into_any()
                }
                Ok(None) => view! {
                    <p class="hint">"No spending limit is set. "<a href="/settings#spend-limit">"Set one in settings"</a>"."</p>
                }.into_any(),
                Err(e) => view! { <p class="error">{e.body.message}</p> }.into_any(),
            })}
        </Transition>
    }
}

/// A link that downloads the calls of `from..=to` as CSV.
#[component]
pub fn UsageExport(from: String, to: String) -> impl IntoView {
    view! {
        <p>
            <a class="button secondary" data-testid="usage-csv" download=""
                href=format!("/api/user/usage.csv?from={from}&to={to}")>
                "Download CSV"
            </a>
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals_read_as_english() {
        let got: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 30, 31]
            .into_iter()
            .map(ordinal)
            .collect();
        assert_eq!(
            got,
            [
                "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "30th",
                "31st"
            ]
        );
    }

    #[test]
    fn the_pace_names_the_periods_last_day() {
        let s = SpendLimitStatus {
            amount_usd: 10.0,
            period: "month".into(),
            spent_usd: 2.0,
            in_flight_usd: 0.0,
            period_start: "2026-12-01".into(),
            period_end: "2026-12-31".into(),
            resets_at: "2027-01-01T00:00:00+00:00".into(),
            projected_usd: 7.4,
            alert: None,
        };
        assert_eq!(pace_text(&s), "At this rate, $7.40 by the 31st.");
    }
}
