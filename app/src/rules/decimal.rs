//! Decimal numbers read and written without `core`'s float parsing and float formatting: a
//! price per token, a dollar amount, a share of a limit, a chart coordinate.
//!
//! `str::parse::<f64>` brings a 10 KB table of powers of five into the WASM bundle, and
//! `format!("{:.2}")` the exact-precision float printer; the bundle needs neither for numbers
//! with a handful of digits. The server runs the same code, so a price reads the same on both.

/// The most significant digits kept when reading; any further digit is at most a rounding
/// error in the last place.
const MAX_DIGITS: u32 = 19;

/// A decimal number as people and OpenRouter write it: `12`, `12.50`, `.5`, `5.`, `+3`, `-1`,
/// `2.5e-7`. `None` for anything else: an empty string, `inf`, `NaN`, `1,5`, `0x10`, spaces.
///
/// With at most 15 significant digits and a power of ten within ±22 (every price and amount
/// the studio reads), the result is exactly `str::parse`'s: one correctly rounded division or
/// multiplication of two exact numbers. Longer inputs may differ in the last place.
pub fn parse(s: &str) -> Option<f64> {
    let bytes = s.as_bytes();
    let mut i = 0;
    let negative = match bytes.first() {
        Some(b'-') => {
            i = 1;
            true
        }
        Some(b'+') => {
            i = 1;
            false
        }
        _ => false,
    };
    let mut mantissa: u64 = 0;
    let mut kept: u32 = 0;
    let mut exponent: i64 = 0;
    let mut digits = 0usize;
    let mut seen_point = false;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'0'..=b'9' => {
                digits += 1;
                let d = u64::from(b - b'0');
                if mantissa == 0 && d == 0 {
                    // A leading zero: no significant digit, but after the point it shifts it.
                    if seen_point {
                        exponent -= 1;
                    }
                } else if kept < MAX_DIGITS {
                    mantissa = mantissa * 10 + d;
                    kept += 1;
                    if seen_point {
                        exponent -= 1;
                    }
                } else if !seen_point {
                    // A digit past the kept ones, before the point, still counts as a place.
                    exponent += 1;
                }
            }
            b'.' if !seen_point => seen_point = true,
            _ => break,
        }
        i += 1;
    }
    if digits == 0 {
        return None;
    }
    if let Some(&(b'e' | b'E')) = bytes.get(i) {
        i += 1;
        let sign: i64 = match bytes.get(i) {
            Some(b'-') => {
                i += 1;
                -1
            }
            Some(b'+') => {
                i += 1;
                1
            }
            _ => 1,
        };
        let start = i;
        let mut e: i64 = 0;
        while let Some(&b @ b'0'..=b'9') = bytes.get(i) {
            e = (e * 10 + i64::from(b - b'0')).min(100_000);
            i += 1;
        }
        if i == start {
            return None;
        }
        exponent += sign * e;
    }
    if i != bytes.len() {
        return None;
    }
    let magnitude = scale(mantissa, exponent);
    Some(if negative { -magnitude } else { magnitude })
}

/// `mantissa × 10^exponent`, with one rounding where both are exact.
fn scale(mantissa: u64, exponent: i64) -> f64 {
    if mantissa == 0 {
        return 0.0;
    }
    // Past ±400 every mantissa has overflowed to infinity or underflowed to zero.
    let exponent = exponent.clamp(-400, 400) as i32;
    let m = mantissa as f64;
    if exponent >= 0 {
        if exponent <= 22 {
            m * 10f64.powi(exponent)
        } else {
            m * 1e22 * 10f64.powi(exponent - 22)
        }
    } else if exponent >= -22 {
        m / 10f64.powi(-exponent)
    } else {
        // Two steps, so that 10^-exponent never overflows before the mantissa is divided.
        m / 1e22 / 10f64.powi(-exponent - 22)
    }
}

/// `v` written with exactly `places` decimals (at most 9), rounded half away from zero:
/// `fixed(12.5, 2)` is `12.50`, `fixed(0.0749, 3)` is `0.075`. A value that rounds to zero
/// has no minus sign. Not finite: `NaN`, `inf` or `-inf`; beyond 10^29: `inf` as well.
pub fn fixed(v: f64, places: u32) -> String {
    if v.is_nan() {
        return "NaN".to_owned();
    }
    let places = places.min(9);
    let unit = 10u128.pow(places);
    let scaled = (v.abs() * unit as f64).round();
    // u128 holds up to 3.4e38; 1e38 leaves room for the rounding above. (`scaled` is not NaN:
    // `v` is not, and an infinite `v` gives an infinite `scaled`.)
    if scaled >= 1e38 {
        return if v < 0.0 { "-inf" } else { "inf" }.to_owned();
    }
    let n = scaled as u128;
    let sign = if v < 0.0 && n != 0 { "-" } else { "" };
    let (whole, fraction) = (n / unit, n % unit);
    if places == 0 {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction:0width$}", width = places as usize)
    }
}

/// `v` with at most `places` decimals, without trailing zeros: `trimmed(12.5, 6)` is `12.5`,
/// `trimmed(5.0, 2)` is `5`, `trimmed(0.004, 6)` is `0.004`.
pub fn trimmed(v: f64, places: u32) -> String {
    let mut text = fixed(v, places);
    if text.contains('.') {
        let keep = text.trim_end_matches('0').trim_end_matches('.').len();
        text.truncate(keep);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_what_people_and_openrouter_write() {
        for (text, want) in [
            ("12", 12.0),
            ("12.50", 12.5),
            (".5", 0.5),
            ("5.", 5.0),
            ("+3", 3.0),
            ("-1", -1.0),
            ("0", 0.0),
            ("000012.5000", 12.5),
            ("0.000003", 0.000_003),
            ("0.0000025", 0.000_002_5),
            ("2.5e-7", 2.5e-7),
            ("1E3", 1000.0),
            ("1e+2", 100.0),
            ("1e400", f64::INFINITY),
            ("1e-400", 0.0),
        ] {
            assert_eq!(parse(text), Some(want), "{text}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_decimal_number() {
        for text in [
            "", "-", "+", ".", "e5", "1e", "1e+", "inf", "NaN", "infinity", "1,5", "0x10", " 1",
            "1 ", "1.2.3", "--1", "1e5.5", "$5", "5$", "١",
        ] {
            assert_eq!(parse(text), None, "{text:?}");
        }
    }

    #[test]
    fn writes_fixed_decimals() {
        assert_eq!(fixed(12.5, 2), "12.50");
        assert_eq!(fixed(0.0749, 3), "0.075");
        assert_eq!(fixed(0.1, 2), "0.10");
        assert_eq!(fixed(5.0, 0), "5");
        assert_eq!(fixed(1.999, 2), "2.00");
        assert_eq!(fixed(-1.25, 1), "-1.3");
        assert_eq!(fixed(-0.001, 2), "0.00");
        assert_eq!(fixed(0.000_002_5, 6), "0.000003");
        assert_eq!(fixed(1_234_567.891, 2), "1234567.89");
        assert_eq!(fixed(f64::NAN, 2), "NaN");
        assert_eq!(fixed(f64::INFINITY, 2), "inf");
        assert_eq!(fixed(-1e300, 2), "-inf");
        assert_eq!(fixed(3.0, 12), "3.000000000", "at most nine places");
    }

    #[test]
    fn trims_trailing_zeros_only_after_the_point() {
        assert_eq!(trimmed(12.5, 6), "12.5");
        assert_eq!(trimmed(5.0, 2), "5");
        assert_eq!(trimmed(0.004, 6), "0.004");
        assert_eq!(trimmed(100.0, 0), "100");
        assert_eq!(trimmed(1.05e6 / 1e6, 2), "1.05");
        assert_eq!(trimmed(0.0, 3), "0");
    }

    proptest! {
        /// Every decimal with up to 15 significant digits and a small exponent reads exactly
        /// as `str::parse` reads it.
        #[test]
        fn parses_exactly_as_std_does(
            whole in 0u64..1_000_000_000,
            fraction in 0u64..1_000_000,
            places in 0usize..7,
            exponent in -15i32..15,
            negative in any::<bool>(),
            with_exponent in any::<bool>(),
        ) {
            let sign = if negative { "-" } else { "" };
            let mut text = if places == 0 {
                format!("{sign}{whole}")
            } else {
                let f = fraction % 10u64.pow(places as u32);
                format!("{sign}{whole}.{f:0places$}")
            };
            if with_exponent {
                text = format!("{text}e{exponent}");
            }
            let want: f64 = text.parse().expect("std reads it");
            prop_assert_eq!(parse(&text), Some(want), "{}", text);
        }

        /// Away from a tie, `fixed` writes what `format!("{:.N}")` writes.
        #[test]
        fn writes_as_format_does_away_from_ties(v in -1.0e6f64..1.0e6, places in 0u32..7) {
            let unit = 10f64.powi(places as i32);
            let frac = (v.abs() * unit).fract();
            // The product is off by at most half a unit in its last place (1e-4 at 1e12).
            prop_assume!((frac - 0.5).abs() > 1e-3);
            let want = format!("{v:.p$}", p = places as usize);
            let want = if want.trim_start_matches('-').trim_matches(|c| c == '0' || c == '.').is_empty() {
                want.trim_start_matches('-').to_owned()
            } else {
                want
            };
            prop_assert_eq!(fixed(v, places), want);
        }

        /// What `fixed` writes reads back within half a unit of the last place.
        #[test]
        fn round_trips_within_half_a_place(v in -1.0e12f64..1.0e12, places in 0u32..10) {
            let back = parse(&fixed(v, places)).expect("fixed writes a decimal");
            let half = 0.5 / 10f64.powi(places.min(9) as i32);
            prop_assert!((back - v).abs() <= half + v.abs() * 1e-15, "{} {}", v, back);
        }
    }
}
