//! `/usage`: what the user's AI use cost, per day, per feature and per model, and the recent calls.
//! The chart is HTML rendered on the server, readable before (and without) the WASM.

use std::collections::BTreeMap;

use leptos::prelude::*;

use crate::ai::get_usage_report;
use crate::components::spend_alert::SpendAlert;
use crate::components::spend_summary::{SpendSummary, UsageExport};
use crate::components::when::When;
use crate::rules::{decimal, words};
use crate::wire::{UsageCall, UsageReport};

/// The usage page.
#[component]
pub fn UsagePage() -> impl IntoView {
    let report = Resource::new(|| (), |_| get_usage_report());
    view! {
        <h1>"Usage and cost"</h1>
        <SpendAlert/>
        <SpendSummary/>
        <Suspense fallback=|| view! { <p class="hint">"Loading…"</p> }>
            {move || report.get().map(|r| match r {
                Ok(r) => view! { <Report report=r/> }.into_any(),
                Err(e) => view! { <p class="error" role="alert">{e.body.message}</p> }.into_any(),
            })}
        </Suspense>
    }
}

fn usd(v: f64) -> String {
    if v > 0.0 && v < 0.01 {
        format!("${}", decimal::fixed(v, 6))
    } else {
        format!("${}", decimal::fixed(v, 2))
    }
}

#[component]
fn Report(report: UsageReport) -> impl IntoView {
    let mut per_day: BTreeMap<String, Day> = BTreeMap::new();
    let mut per_feature: BTreeMap<String, (u64, u64, f64)> = BTreeMap::new();
    for d in &report.days {
        let tokens = d.totals.tokens_in + d.totals.tokens_out;
        let day = per_day.entry(d.day.clone()).or_default();
        let slot = day.by_feature.entry(d.feature.clone()).or_default();
        slot.0 += d.totals.cost;
        slot.1 += tokens;
        let f = per_feature.entry(words::feature(&d.feature)).or_default();
        f.0 += d.totals.calls;
        f.1 += d.totals.tokens_in + d.totals.tokens_out;
        f.2 += d.totals.cost;
    }
    let mut per_model: BTreeMap<String, (u64, u64, f64)> = BTreeMap::new();
    for c in &report.recent {
        let m = per_model.entry(c.model.clone()).or_default();
        m.0 += 1;
        m.1 += u64::from(c.tokens_in) + u64::from(c.tokens_out);
        m.2 += c.cost;
    }
    let t = report.totals.clone();
    view! {
        <section class="card" data-testid="usage-totals">
            <p>
                <strong>{usd(t.cost)}</strong>" over "{t.calls}" calls ("{t.failed}" failed), "
                {t.tokens_in + t.tokens_out}" tokens, "{words::day(&report.from)}" to "{words::day(&report.to)}"."
            </p>
            <Chart days=per_day/>
            <UsageExport from=report.from.clone() to=report.to.clone()/>
        </section>
        <section class="card">
            <h2>"By feature"</h2>
            <Breakdown rows=per_feature testid="usage-by-feature"/>
        </section>
        <section class="card">
            <h2>"By model (recent calls)"</h2>
            <Breakdown rows=per_model testid="usage-by-model"/>
        </section>
        <section class="card">
            <h2>"Recent calls"</h2>
            <Calls calls=report.recent/>
        </section>
    }
}

#[component]
fn Breakdown(rows: BTreeMap<String, (u64, u64, f64)>, testid: &'static str) -> impl IntoView {
    view! {
        <table class="table stacks" data-testid=testid>
            <thead><tr><th>"Name"</th><th>"Calls"</th><th>"Tokens"</th><th>"Cost"</th></tr></thead>
            <tbody>
                {rows.into_iter().map(|(name, (calls, tokens, cost))| view! {
                    <tr>
                        <td data-label="Name">{name}</td><td data-label="Calls">{calls}</td>
                        <td data-label="Tokens">{tokens}</td><td data-label="Cost">{usd(cost)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn Calls(calls: Vec<UsageCall>) -> impl IntoView {
    if calls.is_empty() {
        return view! { <p class="hint">"No AI calls yet."</p> }.into_any();
    }
    view! {
        <table class="table stacks" data-testid="usage-calls">
            <thead><tr><th>"When"</th><th>"Feature"</th><th>"Model"</th><th>"Tokens"</th><th>"Cost"</th><th>"Outcome"</th><th>"Time"</th></tr></thead>
            <tbody>
                {calls.into_iter().map(|c| view! {
                    <tr>
                        <td data-label="When"><When at=c.created_at/></td>
                        <td data-label="Feature">{words::feature(&c.feature)}</td>
                        <td data-label="Model" class="mono">{c.model}{c.requested_model.map(|asked| view! {
                            <span class="badge" data-testid="fallback-badge" title=format!("{asked} failed; this fallback answered")>
                                {format!(" fallback for {asked}")}
                            </span>
                        })}</td>
                        <td data-label="Tokens">{c.tokens_in + c.tokens_out}</td>
                        <td data-label="Cost">{usd(c.cost)}</td>
                        <td data-label="Outcome">{c.outcome}</td>
                        <td data-label="Time">{format!("{} ms", c.latency_ms)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        <p class="hint">
            "For a call cut short (cancelled, or failed mid-answer) OpenRouter reports no usage: its "
            "tokens are estimated from the text, and its cost from the model's listed prices."
        </p>
    }
    .into_any()
}

/// One day's cost by feature, and its tokens.
#[derive(Default)]
struct Day {
    by_feature: BTreeMap<String, (f64, u64)>,
}

impl Day {
    fn cost(&self) -> f64 {
        self.by_feature.values().map(|v| v.0).sum()
    }
}

/// Cost per day as horizontal bars split by feature, with the days on one axis and a dollar
/// scale on the other, a tooltip per segment, and a legend. HTML rather than SVG, so that its
/// text stays readable on a phone.
#[component]
fn Chart(days: BTreeMap<String, Day>) -> impl IntoView {
    if days.is_empty() {
        return view! { <p class="hint">"Nothing to chart yet."</p> }.into_any();
    }
    let features: Vec<String> = {
        let mut all: Vec<String> = days
            .values()
            .flat_map(|d| d.by_feature.keys().cloned())
            .collect();
        all.sort();
        all.dedup();
        all
    };
    let colour = |feature: &str| {
        let i = features.iter().position(|f| f == feature).unwrap_or(0);
        format!("seg f{}", i % 4)
    };
    let max = days.values().map(Day::cost).fold(0.0, f64::max);
    let share = |cost: f64| if max > 0.0 { cost / max * 100.0 } else { 0.0 };
    let rows = days
        .iter()
        .map(|(day, d)| {
            let label = words::day(day);
            // SVG attributes rather than `style`: the page's CSP allows no inline styles.
            let mut at = 0.0;
            let segments = d
                .by_feature
                .iter()
                .map(|(feature, (cost, tokens))| {
                    let tip = format!(
                        "{label} · {}: {} ({tokens} tokens)",
                        words::feature(feature),
                        usd(*cost)
                    );
                    let (x, w) = (at, share(*cost));
                    at += w;
                    view! {
                        <rect class=colour(feature) x=decimal::fixed(x, 2) y="0" width=decimal::fixed(w, 2) height="10"
                            data-testid="chart-segment">
                            <title>{tip}</title>
                        </rect>
                    }
                })
                .collect_view();
            view! {
                <li class="chart-row">
                    <span class="chart-day">{label}</span>
                    <svg class="chart-bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">{segments}</svg>
                    <span class="chart-amount">{usd(d.cost())}</span>
                </li>
            }
        })
        .collect_view();
    let legend = features
        .iter()
        .map(|f| {
            view! {
                <li>
                    <svg class="swatch" viewBox="0 0 10 10" aria-hidden="true"><rect class=colour(f) width="10" height="10"/></svg>
                    {words::feature(f)}
                </li>
            }
        })
        .collect_view();
    view! {
        <figure class="chart" data-testid="usage-chart">
            <figcaption>"Cost per day, by feature"</figcaption>
            <ol class="chart-rows">{rows}</ol>
            <div class="chart-row chart-scale" aria-hidden="true">
                <span></span>
                <span class="chart-ticks">
                    <span>"$0"</span><span>{usd(max / 2.0)}</span><span>{usd(max)}</span>
                </span>
                <span></span>
            </div>
            <ul class="chart-legend" data-testid="chart-legend">{legend}</ul>
        </figure>
    }
    .into_any()
}
