//! Numbers as X12 sends them (EB07 amounts, EB08 percents, EB10 quantities), read into [`Decimal`]s.
use rust_decimal::Decimal;

/// A number in the plain form most payers send (`2500`, `12.50`, `.2`: up to 18 digits and at most one point),
/// as its digits and the number of them after the point; `None` for anything else (a sign, an exponent, too
/// many digits).
fn plain(v: &str) -> Option<(i64, u32)> {
    let mut mantissa = 0i64;
    let mut digits = 0u32;
    let mut scale = None;
    for b in v.bytes() {
        match b {
            b'0'..=b'9' => {
                // Wrapping: a value of more than 18 digits is refused below, before its mantissa is used.
                mantissa = mantissa.wrapping_mul(10).wrapping_add(i64::from(b - b'0'));
                digits += 1;
                if let Some(scale) = scale.as_mut() {
                    *scale += 1;
                }
            }
            b'.' if scale.is_none() => scale = Some(0),
            _ => return None,
        }
    }
    (1..=18)
        .contains(&digits)
        .then_some((mantissa, scale.unwrap_or(0)))
}

/// Parses a number as X12 sends it. The plain form is read in one pass, to the same value and scale as the
/// general parser gives; anything else goes through that parser.
pub(super) fn parse_decimal(v: &str) -> Option<Decimal> {
    match plain(v) {
        Some((mantissa, scale)) => Decimal::try_new(mantissa, scale).ok(),
        None => v.parse().ok(),
    }
}

/// Whether [`parse_decimal`] reads `v`.
pub(super) fn is_decimal(v: &str) -> bool {
    plain(v).is_some() || v.parse::<Decimal>().is_ok()
}

/// EB08 as a percent: `.2` is 20; a value above 1 is taken to be a percent already. A plain fraction is
/// scaled by moving its point, to the value and scale that multiplying by 100 and normalizing give.
pub(super) fn percent(v: &str) -> Option<Decimal> {
    let Some((mut mantissa, scale)) = plain(v) else {
        let fraction: Decimal = v.parse().ok()?;
        return Some(if fraction > Decimal::ONE {
            fraction
        } else {
            (fraction * Decimal::ONE_HUNDRED).normalize()
        });
    };
    // The value is mantissa / 10^scale, with at most 18 digits: both fit an i64.
    if mantissa > 10i64.pow(scale) {
        return Decimal::try_new(mantissa, scale).ok();
    }
    // At most 1, so at most 19 digits once scaled: an i64 holds them.
    let mut scale = match scale.checked_sub(2) {
        Some(scale) => scale,
        None => {
            mantissa *= 10i64.pow(2 - scale);
            0
        }
    };
    while scale > 0 && mantissa % 10 == 0 {
        mantissa /= 10;
        scale -= 1;
    }
    Decimal::try_new(mantissa, scale).ok()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    use super::{is_decimal, parse_decimal, percent};

    #[test]
    fn reads_plain_numbers_and_falls_back_for_the_rest() {
        assert_eq!(parse_decimal("2500"), Some(Decimal::new(2500, 0)));
        assert_eq!(parse_decimal("12.50"), Some(Decimal::new(1250, 2)));
        assert_eq!(parse_decimal(".2"), Some(Decimal::new(2, 1)));
        assert_eq!(parse_decimal("-3"), Some(Decimal::new(-3, 0)));
        assert_eq!(
            parse_decimal("1234567890123456789012"),
            "1234567890123456789012".parse().ok()
        );
        for bad in ["", ".", "1.2.3", "12A", "1e"] {
            assert!(!is_decimal(bad), "{bad}");
        }
        assert_eq!(percent(".2"), Some(Decimal::new(20, 0)));
        assert_eq!(percent("20"), Some(Decimal::new(20, 0)));
    }

    proptest! {
        #[test]
        fn agrees_with_the_general_parser(v in "[0-9.]{0,24}") {
            let general: Option<Decimal> = v.parse().ok();
            let ours = parse_decimal(&v);
            prop_assert_eq!(ours, general);
            prop_assert_eq!(ours.map(|d| d.scale()), general.map(|d| d.scale()));
            prop_assert_eq!(is_decimal(&v), general.is_some());
        }

        #[test]
        fn percent_agrees_with_multiplying(v in "[0-9]{0,3}(\\.[0-9]{0,17})?") {
            let expected = parse_decimal(&v).map(|f| {
                if f > Decimal::ONE { f } else { (f * Decimal::ONE_HUNDRED).normalize() }
            });
            let ours = percent(&v);
            prop_assert_eq!(ours, expected);
            prop_assert_eq!(ours.map(|d| d.scale()), expected.map(|d| d.scale()));
        }
    }
}
