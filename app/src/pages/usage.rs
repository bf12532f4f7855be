//! `/usage`: what the user's AI use cost, per day, per feature and per model, and the recent calls.
//! The chart is an SVG rendered on the server, readable before (and without) the WASM.

use std::collections::BTreeMap;

use leptos::prelude::*;

use crate::ai::get_usage_report;
use crate::components::spend_alert::SpendAlert;
use crate::components::spend_summary::{SpendSummary, UsageExport};
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
        format!("${v:.6}")
    } else {
        format!("${v:.2}")
    }
}

#[component]
fn Report(report: UsageReport) -> impl IntoView {
    let mut per_day: BTreeMap<String, (f64, u64)> = BTreeMap::new();
    let mut per_feature: BTreeMap<String, (u64, u64, f64)> = BTreeMap::new();
    for d in &report.days {
        let day = per_day.entry(d.day.clone()).or_default();
        day.0 += d.totals.cost;
        day.1 += d.totals.tokens_in + d.totals.tokens_out;
        let f = per_feature.entry(d.feature.clone()).or_default();
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
                {t.tokens_in + t.tokens_out}" tokens, "{report.from.clone()}" to "{report.to.clone()}"."
            </p>
            <Chart per_day=per_day/>
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
        <table class="table" data-testid=testid>
            <thead><tr><th>"Name"</th><th>"Calls"</th><th>"Tokens"</th><th>"Cost"</th></tr></thead>
            <tbody>
                {rows.into_iter().map(|(name, (calls, tokens, cost))| view! {
                    <tr><td>{name}</td><td>{calls}</td><td>{tokens}</td><td>{usd(cost)}</td></tr>
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
        <table class="table" data-testid="usage-calls">
            <thead><tr><th>"When"</th><th>"Feature"</th><th>"Model"</th><th>"Tokens"</th><th>"Cost"</th><th>"Outcome"</th><th>"Time"</th></tr></thead>
            <tbody>
                {calls.into_iter().map(|c| view! {
                    <tr>
                        <td>{c.created_at}</td><td>{c.feature}</td><td class="mono">{c.model}{c.requested_model.map(|asked| view! {
                            <span class="badge" data-testid="fallback-badge" title=format!("{asked} failed; this fallback answered")>
                                {format!(" fallback for {asked}")}
                            </span>
                        })}</td>
                        <td>{c.tokens_in + c.tokens_out}</td><td>{usd(c.cost)}</td>
                        <td>{c.outcome}</td><td>{format!("{} ms", c.latency_ms)}</td>
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

/// Cost per day as bars, tokens per day as a line; an accessible SVG.
#[component]
fn Chart(per_day: BTreeMap<String, (f64, u64)>) -> impl IntoView {
    if per_day.is_empty() {
        return view! { <p class="hint">"Nothing to chart yet."</p> }.into_any();
    }
    let (w, h, pad) = (640.0_f64, 180.0_f64, 24.0_f64);
    let max_cost = per_day.values().map(|v| v.0).fold(0.0, f64::max).max(1e-9);
    let max_tokens = per_day.values().map(|v| v.1).max().unwrap_or(1).max(1) as f64;
    let n = per_day.len() as f64;
    let slot = (w - 2.0 * pad) / n;
    let bars = per_day.iter().enumerate().map(|(i, (day, (cost, tokens)))| {
        let x = pad + slot * i as f64;
        let bh = (h - 2.0 * pad) * cost / max_cost;
        let label = format!("{day}: {} and {tokens} tokens", usd(*cost));
        view! {
            <rect x=format!("{:.1}", x + slot * 0.15) y=format!("{:.1}", h - pad - bh)
                width=format!("{:.1}", slot * 0.7) height=format!("{:.1}", bh.max(1.0)) class="bar">
                <title>{label}</title>
            </rect>
        }
    }).collect_view();
    let points = per_day
        .values()
        .enumerate()
        .map(|(i, (_, tokens))| {
            let x = pad + slot * (i as f64 + 0.5);
            let y = h - pad - (h - 2.0 * pad) * (*tokens as f64) / max_tokens;
            format!("{x:.1},{y:.1}")
        })
        .collect::<Vec<_>>()
        .join(" ");
    view! {
        <svg class="chart" viewBox=format!("0 0 {w} {h}") role="img" data-testid="usage-chart"
            aria-label="Cost per day (bars) and tokens per day (line)">
            <line x1=pad y1=h - pad x2=w - pad y2=h - pad class="axis"/>
            {bars}
            <polyline points=points class="tokens"/>
        </svg>
    }
    .into_any()
}
