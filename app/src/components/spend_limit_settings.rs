//! SpendLimitSettings: in settings, the user's own spending cap (amount and period, set or
//! removed) and the cost above which the studio asks before sending.

use leptos::prelude::*;

use crate::components::spend_alert::adjective;
use crate::rules::decimal;
use crate::rules::spend::usd;
use crate::spend::{
    get_model_preferences, get_spend_status, remove_spend_limit, save_model_preferences,
    set_spend_limit,
};
use crate::wire::{SpendLimit, DEFAULT_CONFIRM_ABOVE_USD};

/// The settings card.
#[component]
pub fn SpendLimitSettings() -> impl IntoView {
    let changed = RwSignal::new(0u32);
    let status = Resource::new(move || changed.get(), |_| get_spend_status());
    let prefs = Resource::new(move || changed.get(), |_| get_model_preferences());
    let amount = RwSignal::new(String::new());
    let period = RwSignal::new("month".to_owned());
    let threshold = RwSignal::new(String::new());
    let message = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(Ok(Some(s))) = status.get() {
            amount.set(decimal::trimmed(s.amount_usd, 6));
            period.set(s.period.clone());
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(p)) = prefs.get() {
            threshold.set(decimal::fixed(
                p.confirm_above_usd.unwrap_or(DEFAULT_CONFIRM_ABOVE_USD),
                2,
            ));
        }
    });
    let done = move |r: Result<String, crate::AppError>| {
        match r {
            Ok(m) => {
                message.set(Some(m));
                error.set(None);
            }
            Err(e) => {
                error.set(Some(e.body.message));
                message.set(None);
            }
        }
        changed.update(|n| *n += 1);
    };
    let save = Action::new(move |limit: &SpendLimit| {
        let limit = limit.clone();
        async move {
            done(set_spend_limit(limit).await.map(|s| {
                format!(
                    "Saved: at most {} {}.",
                    usd(s.amount_usd),
                    adjective(&s.period)
                )
            }));
        }
    });
    let remove = Action::new(move |_: &()| async move {
        done(
            remove_spend_limit()
                .await
                .map(|()| "The spending limit is removed.".to_owned()),
        );
    });
    let save_threshold = Action::new(move |v: &f64| {
        let v = *v;
        async move {
            let r = match get_model_preferences().await {
                Ok(mut p) => {
                    p.confirm_above_usd = Some(v);
                    // Absent fallbacks are left as they are.
                    p.fallbacks = None;
                    save_model_preferences(p)
                        .await
                        .map(|_| format!("Saved: ask before sending above {}.", usd(v)))
                }
                Err(e) => Err(e),
            };
            done(r);
        }
    });
    let on_save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match decimal::parse(amount.get_untracked().trim().trim_start_matches('$')) {
            Some(a) => {
                save.dispatch(SpendLimit {
                    amount_usd: a,
                    period: period.get_untracked(),
                });
            }
            None => error.set(Some(
                "Enter the limit in dollars, such as 5 or 12.50.".into(),
            )),
        }
    };
    let on_threshold = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match decimal::parse(threshold.get_untracked().trim().trim_start_matches('$')) {
            Some(v) => {
                save_threshold.dispatch(v);
            }
            None => error.set(Some("Enter the amount in dollars, such as 0.10.".into())),
        }
    };
    view! {
        <section class="card" id="spend-limit" aria-labelledby="spend-heading" data-testid="spend-settings">
            <h2 id="spend-heading">"Spending limit"</h2>
            <p class="hint">
                "A cap on what AI calls with your key may cost, per UTC day, week (from Monday) or month. "
                "Before each call the studio holds its worst-case cost against the cap and refuses a call that could pass it; "
                "you are alerted at 80 % and at 100 %."
            </p>
            <Transition fallback=|| ()>
                {move || status.get().map(|r| match r {
                    Ok(Some(s)) => view! {
                        <p data-testid="spend-current">{format!("{} of {} {} used this period.", usd(s.spent_usd), usd(s.amount_usd), adjective(&s.period))}</p>
                    }.into_any(),
                    Ok(None) => view! { <p data-testid="spend-current">"No limit is set."</p> }.into_any(),
                    Err(e) => view! { <p class="error">{e.body.message}</p> }.into_any(),
                })}
            </Transition>
            <form on:submit=on_save class="inline">
                <label for="spend-amount">"Limit (USD)"</label>
                <input id="spend-amount" class="small" inputmode="decimal" required
                    prop:value=move || amount.get() on:input=move |ev| amount.set(event_target_value(&ev))/>
                <label for="spend-period">"per"</label>
                <select id="spend-period" prop:value=move || period.get() on:change=move |ev| period.set(event_target_value(&ev))>
                    <option value="day">"day"</option>
                    <option value="week">"week"</option>
                    <option value="month">"month"</option>
                </select>
                <button type="submit" class="button" data-testid="spend-save">"Save limit"</button>
                <button type="button" class="button secondary" data-testid="spend-remove"
                    on:click=move |_| { remove.dispatch(()); }>"Remove"</button>
            </form>
            <form on:submit=on_threshold class="inline">
                <label for="confirm-above">"Ask before sending a prompt that could cost more than (USD)"</label>
                <input id="confirm-above" class="small" inputmode="decimal" required
                    prop:value=move || threshold.get() on:input=move |ev| threshold.set(event_target_value(&ev))/>
                <button type="submit" class="button secondary">"Save"</button>
            </form>
            <p class="hint" role="status" data-testid="spend-message">{move || message.get()}</p>
            <p class="error" role="alert">{move || error.get()}</p>
        </section>
    }
}
