//! SpendAlert: the banner shown at 80 % and at 100 % of the user's spending cap, once per
//! period (dismissing it tells the server, so it stays dismissed on every device).

use leptos::prelude::*;

use crate::rules::spend::usd;
use crate::spend::{dismiss_spend_alert, get_spend_status};
use crate::wire::SpendLimitStatus;

/// "daily", "weekly" or "monthly".
pub fn adjective(period: &str) -> &'static str {
    match period {
        "day" => "daily",
        "week" => "weekly",
        _ => "monthly",
    }
}

/// The banner's sentence for `level`.
pub fn alert_text(s: &SpendLimitStatus, level: u8) -> String {
    let cap = format!(
        "{} {} spending limit",
        usd(s.amount_usd),
        adjective(&s.period)
    );
    let reset = format!("It resets on {} at 00:00 UTC.", next_day(&s.period_end));
    if level >= 100 {
        format!(
            "You have reached your {cap} ({} spent). AI calls that could pass it are refused. {reset}",
            usd(s.spent_usd)
        )
    } else {
        format!(
            "You have used {}% of your {cap} ({} spent). {reset}",
            ((s.spent_usd / s.amount_usd) * 100.0)
                .floor()
                .clamp(0.0, 100.0),
            usd(s.spent_usd)
        )
    }
}

/// The day after `last` (`YYYY-MM-DD`), when the next period starts; `last` if it does not parse.
fn next_day(last: &str) -> String {
    let parts: Vec<u32> = last.split('-').filter_map(|p| p.parse().ok()).collect();
    let [y, m, d] = parts[..] else {
        return last.to_owned();
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    let (y, m, d) = if d < days {
        (y, m, d + 1)
    } else if m < 12 {
        (y, m + 1, 1)
    } else {
        (y + 1, 1, 1)
    };
    format!("{y:04}-{m:02}-{d:02}")
}

/// The banner, when there is an alert to show.
#[component]
pub fn SpendAlert() -> impl IntoView {
    let status = Resource::new(|| (), |_| get_spend_status());
    let dismissed = RwSignal::new(false);
    let dismiss = Action::new(move |level: &u8| {
        let level = *level;
        async move {
            dismissed.set(true);
            let _ = dismiss_spend_alert(level).await;
        }
    });
    view! {
        <Transition fallback=|| ()>
            {move || {
                let s = status.get().and_then(Result::ok).flatten()?;
                let level = s.alert?;
                let class = if level >= 100 { "spend-alert danger" } else { "spend-alert" };
                (!dismissed.get()).then(|| view! {
                    <div class=class
                        role="alert" data-testid="spend-alert" data-level=level.to_string()>
                        <p>{alert_text(&s, level)}" "<a href="/settings#spend-limit">"Spending limit"</a></p>
                        <button type="button" class="button secondary" on:click=move |_| { dismiss.dispatch(level); }>
                            "Dismiss"
                        </button>
                    </div>
                })
            }}
        </Transition>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_period_starts_the_day_after_the_last() {
        assert_eq!(next_day("2026-12-31"), "2027-01-01");
        assert_eq!(next_day("2028-02-28"), "2028-02-29");
        assert_eq!(next_day("2026-02-28"), "2026-03-01");
        assert_eq!(next_day("2026-12-06"), "2026-12-07");
    }
}
