//! Numbers as X12 sends them (EB07 amounts, EB08 percents, EB10 quantities), read into [`Decimal`]s.
use rust_decimal::Decimal;

/// Parses a number as X12 sends it. The plain form most payers send (`2500`, `12.50`, `.2`: up to 18 digits and
/// at most one point) is read in one pass, to the same value and scale as the general parser gives; anything
/// else (a sign, an exponent, too many digits) goes through that parser.
pub(super) fn parse_decimal(v: &str) -> Option<Decimal> {
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
            _ => return v.parse().ok(),
        }
    }
    if !(1..=18).contains(&digits) {
        return v.parse().ok();
    }
    Decimal::try_new(mantissa, scale.unwrap_or(0)).ok()
}

/// Whether [`parse_decimal`] reads `v`.
pub(super) fn is_decimal(v: &str) -> bool {
    parse_decimal(v).is_some()
}

/// EB08 as a percent: `.2` is 20; a value above 1 is taken to be a percent already.
pub(super) fn percent(v: &str) -> Option<Decimal> {
    let fraction = parse_decimal(v)?;
    Some(if fraction > Decimal::ONE {
        fraction
    } else {
        (fraction * Decimal::ONE_HUNDRED).normalize()
    })
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
        }
    }
}
