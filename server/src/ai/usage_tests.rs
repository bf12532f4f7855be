use super::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
}

fn days(from: Option<&str>, to: Option<&str>) -> Result<(String, String), u16> {
    range(from, to, today())
        .map(|(f, t)| (f.to_string(), t.to_string()))
        .map_err(|e| e.status)
}

#[test]
fn ranges_default_to_the_last_30_days() {
    assert_eq!(
        days(None, None),
        Ok(("2026-11-01".into(), "2026-11-30".into()))
    );
    assert_eq!(
        days(None, Some("2026-10-31")),
        Ok(("2026-10-02".into(), "2026-10-31".into()))
    );
}

#[test]
fn rfc3339_times_are_read_as_their_utc_date() {
    let from = days(Some("2026-11-26T23:30:00-02:00"), Some("2026-11-30")).map(|(f, _)| f);
    assert_eq!(from, Ok("2026-11-27".into()));
}

#[test]
fn a_default_range_stops_at_the_first_allowed_day() {
    assert_eq!(
        days(None, Some("2000-01-05")),
        Ok(("2000-01-01".into(), "2000-01-05".into()))
    );
}

#[test]
fn bad_ranges_are_422() {
    for (from, to) in [
        (Some("2026-11-30"), Some("2026-11-01")),
        (Some("nope"), Some("2026-11-01")),
        (Some("2020-01-01"), Some("2026-01-01")),
    ] {
        assert_eq!(days(from, to), Err(422), "{from:?}..{to:?}");
    }
}

#[test]
fn extreme_dates_are_422_not_a_panic() {
    for (from, to) in [
        (None, Some("-262143-01-01")),
        (None, Some("-262144-01-01")),
        (None, Some("262142-12-31")),
        (Some("262142-12-31"), None),
        (Some("-262143-01-01"), Some("262142-12-31")),
        (Some("1999-12-31"), Some("2000-01-01")),
        (Some("9999-12-31"), Some("+10000-01-01")),
        (None, Some("0000-01-01")),
        (None, Some("1970-01-01T00:00:00+23:59")),
        (None, Some("9999-12-31T23:59:59-23:59")),
        (Some("-0001-12-31"), None),
    ] {
        assert_eq!(days(from, to), Err(422), "{from:?}..{to:?}");
    }
}

#[test]
fn the_message_names_the_allowed_range() {
    let err = range(None, Some("-262143-01-01"), today()).unwrap_err();
    assert!(
        err.body.message.contains("2000-01-01"),
        "{}",
        err.body.message
    );
    assert!(
        err.body.message.contains("9999-12-31"),
        "{}",
        err.body.message
    );
}
