//! Property tests of the usage date range: any text for `from` and `to` and any `today` give
//! either a range inside 2000-01-01..=9999-12-31 of at most 366 days or a 422, never a panic;
//! valid ranges are read exactly; a missing `from` is the 30 days up to `to`.
//!
//! `PROPTEST_CASES` sets the number of cases (default 256).

use super::*;
use chrono::Datelike as _;
use proptest::prelude::*;

/// Any day chrono can hold.
fn any_day() -> impl Strategy<Value = NaiveDate> {
    (NaiveDate::MIN.num_days_from_ce()..=NaiveDate::MAX.num_days_from_ce())
        .prop_map(|n| NaiveDate::from_num_days_from_ce_opt(n).unwrap_or(NaiveDate::MIN))
}

/// A day inside the allowed bounds.
fn allowed_day() -> impl Strategy<Value = NaiveDate> {
    (FIRST_DAY.num_days_from_ce()..=LAST_DAY.num_days_from_ce())
        .prop_map(|n| NaiveDate::from_num_days_from_ce_opt(n).unwrap_or(FIRST_DAY))
}

/// Text a client might send: dates of any year (signed, padded or not), RFC 3339 times with
/// any offset, and noise.
fn date_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any_day().prop_map(|d| d.format("%Y-%m-%d").to_string()),
        (-400_000i64..400_000, 0u32..14, 0u32..33)
            .prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        (
            -400_000i64..400_000,
            1u32..13,
            1u32..29,
            0u32..25,
            0u32..61,
            prop::sample::select(&["Z", "+00:00", "+23:59", "-23:59", "+14:00", "-12:00"][..]),
        )
            .prop_map(|(y, m, d, h, min, off)| {
                format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:00{off}")
            }),
        "[0-9+:TZ -]{0,30}",
        any::<String>(),
    ]
}

proptest! {
    #[test]
    fn any_input_is_a_bounded_range_or_a_422(
        from in prop::option::of(date_text()),
        to in prop::option::of(date_text()),
        today in any_day(),
    ) {
        match range(from.as_deref(), to.as_deref(), today) {
            Ok((f, t)) => {
                prop_assert!(FIRST_DAY <= f && f <= t && t <= LAST_DAY, "{} ..= {}", f, t);
                prop_assert!((t - f).num_days() < MAX_DAYS);
            }
            Err(e) => prop_assert_eq!(e.status, 422),
        }
    }

    #[test]
    fn any_allowed_range_is_read_exactly_and_a_longer_one_refused(
        from in allowed_day(),
        span in 0i64..800,
        today in any_day(),
    ) {
        let Some(to) = from.checked_add_days(Days::new(span.unsigned_abs())) else {
            return Ok(());
        };
        prop_assume!(to <= LAST_DAY);
        let (from_text, to_text) = (from.format("%Y-%m-%d").to_string(), to.format("%Y-%m-%d").to_string());
        let got = range(Some(&from_text), Some(&to_text), today);
        if span < MAX_DAYS {
            prop_assert_eq!(got.map_err(|e| e.status), Ok((from, to)));
        } else {
            prop_assert_eq!(got.map_err(|e| e.status), Err(422));
        }
        if span > 0 {
            let reversed = range(Some(&to_text), Some(&from_text), today);
            prop_assert_eq!(reversed.map_err(|e| e.status), Err(422));
        }
    }

    #[test]
    fn a_missing_from_is_the_30_days_up_to_to(to in allowed_day(), today in any_day()) {
        let to_text = to.format("%Y-%m-%d").to_string();
        let (f, t) = range(None, Some(&to_text), today)
            .expect("an allowed day");
        prop_assert_eq!(t, to);
        let back = to.checked_sub_days(Days::new(29)).unwrap_or(FIRST_DAY);
        prop_assert_eq!(f, back.max(FIRST_DAY));
    }

    #[test]
    fn no_range_at_all_is_the_30_days_up_to_today_clamped(today in any_day()) {
        let (f, t) = range(None, None, today).expect("always a range");
        prop_assert_eq!(t, today.clamp(FIRST_DAY, LAST_DAY));
        prop_assert!(f >= FIRST_DAY && (t - f).num_days() <= 29);
    }
}
