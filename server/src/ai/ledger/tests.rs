use super::*;

/// A ledger whose queue the test reads instead of a writer task.
struct Rows(mpsc::Receiver<Queued>);

impl Rows {
    fn try_recv(&mut self) -> Result<Entry, ()> {
        match self.0.try_recv() {
            Ok(Queued::Row(entry)) => Ok(*entry),
            _ => Err(()),
        }
    }
}

fn ledger() -> (Ledger, Rows) {
    let (tx, rx) = mpsc::channel(10);
    let clock: Arc<dyn Clock> = Arc::new(crate::kit::SystemClock);
    let metrics = Metrics::new();
    (Ledger { tx, clock, metrics }, Rows(rx))
}

fn value<T: Clone + Into<sea_orm::Value>>(v: &sea_orm::ActiveValue<T>) -> T {
    match v {
        sea_orm::ActiveValue::Set(x) | sea_orm::ActiveValue::Unchanged(x) => x.clone(),
        sea_orm::ActiveValue::NotSet => panic!("not set"),
    }
}

#[test]
fn a_finished_call_records_its_usage_and_outcome() {
    let (l, mut rx) = ledger();
    let mut r = l.begin("u1", Feature::Chat, "a/b", 400);
    r.set_usage(Usage {
        prompt_tokens: 10,
        completion_tokens: 5,
        total_tokens: 15,
        cost: Some(0.25),
    });
    r.set_generation_id(Some("gen-1".into()));
    r.finish("ok");
    let Ok(Entry { row, .. }) = rx.try_recv() else {
        panic!("nothing was recorded");
    };
    assert_eq!(value(&row.user_id), "u1");
    assert_eq!(value(&row.feature), "chat");
    assert_eq!((value(&row.tokens_in), value(&row.tokens_out)), (10, 5));
    assert_eq!(value(&row.cost), 0.25);
    assert_eq!(value(&row.outcome), "ok");
    assert_eq!(value(&row.generation_id), Some("gen-1".to_owned()));
    assert_eq!(value(&row.day).len(), 10);
}

#[test]
fn a_fallback_answer_records_the_model_that_answered_and_the_one_asked_for() {
    let (l, mut rx) = ledger();
    let mut r = l.begin("u1", Feature::Chat, "a/primary", 4);
    r.set_fallbacks(vec!["b/fallback".into()]);
    r.set_reservation(Some("res-1".into()));
    r.set_answered_by("b/fallback");
    r.finish("ok");
    let Ok(Entry { row, reservation }) = rx.try_recv() else {
        panic!("nothing was recorded");
    };
    assert_eq!(
        value(&row.model),
        "b/fallback",
        "OpenRouter bills the one that answered"
    );
    assert_eq!(value(&row.requested_model), Some("a/primary".to_owned()));
    assert_eq!(
        reservation.as_deref(),
        Some("res-1"),
        "the row replaces the reservation"
    );

    let mut alias = l.begin("u1", Feature::Chat, "a/primary", 4);
    alias.set_answered_by("a/primary-2026-01-01");
    alias.finish("ok");
    let Ok(Entry { row, .. }) = rx.try_recv() else {
        panic!("nothing was recorded");
    };
    assert_eq!(value(&row.model), "a/primary-2026-01-01");
    assert_eq!(
        value(&row.requested_model),
        None,
        "a name that is no fallback is no fallback"
    );
}

#[test]
fn a_dropped_call_is_recorded_as_cancelled_with_estimated_tokens() {
    let (l, mut rx) = ledger();
    let mut r = l.begin("u1", Feature::GenerateCode, "a/b", 40);
    r.add_output("12345678");
    drop(r);
    let Ok(Entry { row, .. }) = rx.try_recv() else {
        panic!("nothing was recorded");
    };
    assert_eq!(value(&row.outcome), "cancelled");
    assert_eq!((value(&row.tokens_in), value(&row.tokens_out)), (10, 2));
    assert_eq!(value(&row.cost), 0.0, "no prices known, no cost invented");
}

#[test]
fn a_dropped_call_costs_its_estimated_tokens_at_the_listed_prices() {
    let (l, mut rx) = ledger();
    let mut r = l.begin("u1", Feature::Chat, "a/b", 40);
    r.set_prices(Some((0.000_001, 0.000_004)));
    r.add_output("12345678");
    drop(r);
    let Ok(Entry { row, .. }) = rx.try_recv() else {
        panic!("nothing was recorded");
    };
    assert!((value(&row.cost) - (10.0 * 0.000_001 + 2.0 * 0.000_004)).abs() < 1e-15);

    let mut refused = l.begin("u1", Feature::Chat, "a/b", 40);
    refused.set_prices(Some((0.000_001, 0.000_004)));
    refused.finish("error:out_of_credits");
    let Ok(Entry { row, .. }) = rx.try_recv() else {
        panic!("nothing was recorded");
    };
    assert_eq!(value(&row.cost), 0.0, "nothing generated, nothing billed");
}
