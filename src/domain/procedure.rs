//! The procedure code of an inquiry (EQ02): qualifier, code in the format the qualifier implies, modifiers.
use payer_core::ProcedureCode;

use super::fields::FieldErrors;

const CODE: &str = "encounter.procedureCode";
const QUALIFIER: &str = "encounter.productOrServiceIDQualifier";
const MODIFIERS: &str = "encounter.procedureModifiers";

/// At most four modifiers (EQ02-3..6).
const MAX_MODIFIERS: usize = 4;

/// Parses the procedure fields; `None` (with no error) when none is present.
pub(crate) fn parse(
    errors: &mut FieldErrors,
    qualifier: Option<&str>,
    code: Option<&str>,
    modifiers: Option<&[String]>,
) -> Option<ProcedureCode> {
    let before = errors.len();
    match (qualifier, code) {
        (None, None) => {
            if modifiers.is_some_and(|modifiers| !modifiers.is_empty()) {
                errors.push(MODIFIERS, "is only allowed with procedureCode");
            }
            None
        }
        (Some(_), None) => {
            errors.push(CODE, "is required with productOrServiceIDQualifier");
            None
        }
        (None, Some(_)) => {
            errors.push(QUALIFIER, "is required with procedureCode");
            None
        }
        (Some(qualifier), Some(code)) => {
            match Format::of(qualifier) {
                None => errors.push(QUALIFIER, "must be one of HC, CJ, AD, N4, ID, IV, ZZ"),
                Some(format) => {
                    if !format.accepts(code) {
                        errors.push(CODE, format.description());
                    }
                }
            }
            let modifiers = modifiers.unwrap_or_default();
            if modifiers.len() > MAX_MODIFIERS {
                errors.push(MODIFIERS, "must hold at most 4 modifiers");
            }
            for (index, modifier) in modifiers.iter().enumerate() {
                let two_alphanumerics = modifier.len() == 2
                    && modifier
                        .bytes()
                        .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase());
                if !two_alphanumerics {
                    errors.push(
                        format!("{MODIFIERS}[{index}]"),
                        "must be 2 characters, digits or capital letters",
                    );
                }
            }
            if errors.len() != before {
                return None;
            }
            Some(ProcedureCode {
                qualifier: qualifier.to_owned(),
                code: code.to_owned(),
                modifiers: modifiers.to_vec(),
            })
        }
    }
}

/// The code formats of the EQ02-1 qualifiers 005010X279A1 allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// `HC`: CPT (five characters, four digits and a digit or letter: 99213, 0001F, 0042T) or HCPCS level II
    /// (a letter and four digits: J3490).
    Hcpcs,
    /// `CJ`: CPT-4 only.
    Cpt,
    /// `AD`: ADA dental (CDT): `D` and four digits.
    Dental,
    /// `N4`: National Drug Code in the 5-4-2 format, eleven digits.
    Ndc,
    /// `ID`: ICD-9-CM procedure: two digits, optionally a point and one or two digits.
    Icd9Procedure,
    /// `IV` (HIEC) and `ZZ` (mutually defined): 1 to 48 digits or capital letters.
    Free,
}

impl Format {
    fn of(qualifier: &str) -> Option<Format> {
        Some(match qualifier {
            "HC" => Format::Hcpcs,
            "CJ" => Format::Cpt,
            "AD" => Format::Dental,
            "N4" => Format::Ndc,
            "ID" => Format::Icd9Procedure,
            "IV" | "ZZ" => Format::Free,
            _ => return None,
        })
    }

    fn accepts(self, code: &str) -> bool {
        let bytes = code.as_bytes();
        let digits = |range: &[u8]| !range.is_empty() && range.iter().all(u8::is_ascii_digit);
        match self {
            Format::Hcpcs => is_cpt(bytes) || is_hcpcs_level_two(bytes),
            Format::Cpt => is_cpt(bytes),
            Format::Dental => match bytes {
                [b'D', rest @ ..] => rest.len() == 4 && digits(rest),
                _ => false,
            },
            Format::Ndc => bytes.len() == 11 && digits(bytes),
            Format::Icd9Procedure => match bytes.split_first_chunk::<2>() {
                Some((head, [])) => digits(head),
                Some((head, [b'.', rest @ ..])) => {
                    digits(head) && (1..=2).contains(&rest.len()) && digits(rest)
                }
                Some((head, rest)) => digits(head) && rest.len() <= 2 && digits(rest),
                None => false,
            },
            Format::Free => {
                (1..=48).contains(&bytes.len())
                    && bytes
                        .iter()
                        .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
            }
        }
    }

    fn description(self) -> &'static str {
        match self {
            Format::Hcpcs => {
                "must be a CPT code (4 digits and a digit or capital letter) or a HCPCS code (a capital letter and 4 digits) for qualifier HC"
            }
            Format::Cpt => "must be a CPT code (4 digits and a digit or capital letter) for qualifier CJ",
            Format::Dental => "must be a CDT code (D and 4 digits) for qualifier AD",
            Format::Ndc => "must be an 11-digit NDC for qualifier N4",
            Format::Icd9Procedure => {
                "must be an ICD-9-CM procedure code (2 digits, then up to 2 digits after an optional point) for qualifier ID"
            }
            Format::Free => "must be 1 to 48 digits or capital letters",
        }
    }
}

/// Five characters: four digits, then a digit or a capital letter (CPT category I, II (`F`) and III (`T`)).
fn is_cpt(bytes: &[u8]) -> bool {
    match bytes {
        [a, b, c, d, last] => {
            [a, b, c, d].iter().all(|b| b.is_ascii_digit())
                && (last.is_ascii_digit() || last.is_ascii_uppercase())
        }
        _ => false,
    }
}

/// A capital letter and four digits.
fn is_hcpcs_level_two(bytes: &[u8]) -> bool {
    match bytes {
        [letter, rest @ ..] => {
            letter.is_ascii_uppercase() && rest.len() == 4 && rest.iter().all(u8::is_ascii_digit)
        }
        _ => false,
    }
}
