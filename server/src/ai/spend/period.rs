//! A cap's period, in UTC as OpenRouter counts: a day, a week from Monday, a calendar month.

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, Utc};

use app::AppError;

/// How often a cap resets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// 00:00 UTC each day.
    Day,
    /// 00:00 UTC each Monday.
    Week,
    /// 00:00 UTC on the first of each month.
    Month,
}

/// The days of one period: `start..end` (`end` excluded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Its first day.
    pub start: NaiveDate,
    /// The day after its last: when the next period starts.
    pub end: NaiveDate,
}

impl Period {
    /// `day`, `week` or `month` (422 otherwise).
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        match raw.trim() {
            "day" => Ok(Self::Day),
            "week" => Ok(Self::Week),
            "month" => Ok(Self::Month),
            _ => Err(AppError::new(
                422,
                "Invalid spending limit",
                "period is day, week or month.",
            )),
        }
    }

    /// `day`, `week` or `month`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
        }
    }

    /// "daily", "weekly" or "monthly".
    pub fn adjective(self) -> &'static str {
        match self {
            Self::Day => "daily",
            Self::Week => "weekly",
            Self::Month => "monthly",
        }
    }

    /// The period `now` falls in; `None` only at the ends of the calendar.
    pub fn window(self, now: DateTime<Utc>) -> Option<Window> {
        let today = now.date_naive();
        let (start, end) = match self {
            Self::Day => (today, today.checked_add_days(Days::new(1))?),
            Self::Week => {
                let back = u64::from(today.weekday().num_days_from_monday());
                let start = today.checked_sub_days(Days::new(back))?;
                (start, start.checked_add_days(Days::new(7))?)
            }
            Self::Month => {
                let start = today.with_day(1)?;
                (start, start.checked_add_months(Months::new(1))?)
            }
        };
        Some(Window { start, end })
    }
}

impl Window {
    /// The period's first day as `YYYY-MM-DD`.
    pub fn start_day(&self) -> String {
        self.start.format("%Y-%m-%d").to_string()
    }

    /// The period's last day.
    pub fn last_day(&self) -> NaiveDate {
        self.end.pred_opt().unwrap_or(self.end)
    }

    /// When the next period starts, 00:00 UTC.
    pub fn resets_at(&self) -> DateTime<Utc> {
        self.end.and_time(chrono::NaiveTime::MIN).and_utc()
    }

    /// How far into the period `now` is, from 0 to 1.
    pub fn elapsed_fraction(&self, now: DateTime<Utc>) -> f64 {
        let start = self.start.and_time(chrono::NaiveTime::MIN).and_utc();
        let total = (self.resets_at() - start).num_seconds().max(1) as f64;
        ((now - start).num_seconds() as f64 / total).clamp(0.0, 1.0)
    }
}

/// "at 00:00 UTC on Friday 4 December 2026".
pub fn describe_reset(at: DateTime<Utc>) -> String {
    format!("at 00:00 UTC on {}", at.format("%A %-d %B %Y"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn window(p: Period, now: &str) -> (String, String) {
        let w = p.window(at(now)).unwrap();
        (w.start.to_string(), w.end.to_string())
    }

    #[test]
    fn days_are_utc_days() {
        assert_eq!(
            window(Period::Day, "2026-12-03T23:59:59Z"),
            ("2026-12-03".into(), "2026-12-04".into())
        );
        assert_eq!(
            window(Period::Day, "2026-12-03T23:30:00-02:00"),
            ("2026-12-04".into(), "2026-12-05".into()),
            "a time in another zone counts on its UTC day"
        );
    }

    #[test]
    fn weeks_start_on_monday() {
        // 2026-11-30 is a Monday, 2026-12-06 a Sunday.
        for now in [
            "2026-11-30T00:00:00Z",
            "2026-12-03T12:00:00Z",
            "2026-12-06T23:59:59Z",
        ] {
            assert_eq!(
                window(Period::Week, now),
                ("2026-11-30".into(), "2026-12-07".into()),
                "{now}"
            );
        }
    }

    #[test]
    fn months_are_calendar_months_across_the_year_end() {
        assert_eq!(
            window(Period::Month, "2026-12-31T23:59:59Z"),
            ("2026-12-01".into(), "2027-01-01".into())
        );
        assert_eq!(
            window(Period::Month, "2028-02-29T10:00:00Z"),
            ("2028-02-01".into(), "2028-03-01".into())
        );
    }

    #[test]
    fn the_reset_is_described_for_people() {
        let w = Period::Day.window(at("2026-12-03T10:00:00Z")).unwrap();
        assert_eq!(
            describe_reset(w.resets_at()),
            "at 00:00 UTC on Friday 4 December 2026"
        );
        assert!((w.elapsed_fraction(at("2026-12-03T12:00:00Z")) - 0.5).abs() < 1e-9);
    }

    #[test]
    fn only_the_three_periods_parse() {
        assert_eq!(Period::parse("week").ok(), Some(Period::Week));
        for bad in ["", "days", "year", "Day"] {
            assert_eq!(Period::parse(bad).map_err(|e| e.status), Err(422), "{bad}");
        }
    }
}
