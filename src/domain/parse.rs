//! [`EligibilityRequestDto::parse`]: the DTO into a validated [`EligibilityRequest`], every error at once.
//!
//! The rules are the ones payers apply to a 270 (005010X279A1 and CAQH CORE), so that an inquiry the gateway
//! accepts is one a payer can answer: NPI check digit, dates of service within 12 months back and no later
//! than the end of the current month, service type codes from the X12 list, procedure code formats per
//! qualifier, X12 element lengths, and no delimiter characters in any text.
use chrono::NaiveDate;
use payer_core::{EligibilityRequest, Encounter, Gender, Member, Phi, Provider};

use super::dates::{parse_date_of_birth, parse_date_of_service};
use super::dto::{EligibilityRequestDto, EncounterDto, MemberDto, ProviderDto};
use super::fields::{FieldError, FieldErrors};
use super::npi::is_valid_npi;
use super::procedure;
use super::text::{self, FIRST_NAME, IDENTIFIER, LAST_NAME};

/// The service type asked about when the request names none: `30`, health benefit plan coverage.
pub const DEFAULT_SERVICE_TYPE: &str = "30";

/// The most dependents one inquiry may carry.
pub const MAX_DEPENDENTS: usize = 10;

/// The most service type codes one inquiry may carry (EQ01 repeats at most 99 times).
const MAX_SERVICE_TYPES: usize = 99;

/// A new random nine-digit control number, for requests that carry none.
pub fn generate_control_number() -> String {
    let random = uuid::Uuid::new_v4().as_u128();
    format!("{:09}", random % 1_000_000_000)
}

// === impl EligibilityRequestDto ===

impl EligibilityRequestDto {
    /// Validates the request and converts it into the domain type, collecting every field error.
    ///
    /// `today` is the date the window rules are measured from (injected so that tests are deterministic).
    /// `payer_id` of the result is `tradingPartnerServiceId` as sent (an id or an alias); the router
    /// resolves it.
    pub fn parse(self, today: NaiveDate) -> Result<EligibilityRequest, Vec<FieldError>> {
        let mut errors = FieldErrors::default();

        let control_number = match self.control_number.as_deref() {
            None => Some(generate_control_number()),
            Some(value) if value.len() == 9 && value.bytes().all(|b| b.is_ascii_digit()) => {
                Some(value.to_owned())
            }
            Some(_) => {
                errors.push("controlNumber", "must be exactly 9 digits");
                None
            }
        };

        let payer_id = match self.trading_partner_service_id.as_deref() {
            None => {
                errors.push("tradingPartnerServiceId", "is required");
                None
            }
            Some(value) => text::text(&mut errors, "tradingPartnerServiceId", value, IDENTIFIER),
        };

        let provider = match self.provider {
            None => {
                errors.push("provider", "is required");
                None
            }
            Some(provider) => parse_provider(&mut errors, provider),
        };

        let subscriber = match self.subscriber {
            None => {
                errors.push("subscriber", "is required");
                None
            }
            Some(subscriber) => parse_member(&mut errors, "subscriber", subscriber, today, true),
        };

        let dependent_dtos = self.dependents.unwrap_or_default();
        if dependent_dtos.len() > MAX_DEPENDENTS {
            errors.push(
                "dependents",
                format!("must hold at most {MAX_DEPENDENTS} dependents"),
            );
        }
        let dependents: Vec<Option<Member>> = dependent_dtos
            .into_iter()
            .take(MAX_DEPENDENTS)
            .enumerate()
            .map(|(index, dependent)| {
                parse_member(
                    &mut errors,
                    &format!("dependents[{index}]"),
                    dependent,
                    today,
                    false,
                )
            })
            .collect();

        let encounter = parse_encounter(&mut errors, self.encounter.unwrap_or_default(), today);

        match (control_number, payer_id, provider, subscriber, encounter) {
            (
                Some(control_number),
                Some(payer_id),
                Some(provider),
                Some(subscriber),
                Some(encounter),
            ) if errors.is_empty() => Ok(EligibilityRequest {
                control_number,
                payer_id,
                provider,
                subscriber,
                dependents: dependents.into_iter().flatten().collect(),
                encounter,
            }),
            _ => Err(errors.into_vec()),
        }
    }
}

fn parse_provider(errors: &mut FieldErrors, provider: ProviderDto) -> Option<Provider> {
    let npi = match provider.npi.as_deref() {
        None => {
            errors.push("provider.npi", "is required");
            None
        }
        Some(value) if !is_valid_npi(value) => {
            errors.push(
                "provider.npi",
                "must be 10 digits with a valid check digit (Luhn, prefix 80840)",
            );
            None
        }
        Some(value) => Some(value.to_owned()),
    };

    let names = match (
        provider.organization_name.as_deref(),
        provider.first_name.as_deref(),
        provider.last_name.as_deref(),
    ) {
        (Some(organization), None, None) => {
            text::text(errors, "provider.organizationName", organization, LAST_NAME)
                .map(|organization| (Some(organization), None, None))
        }
        (Some(_), _, _) => {
            errors.push(
                "provider.organizationName",
                "give organizationName or firstName and lastName, not both",
            );
            None
        }
        (None, None, None) => {
            errors.push(
                "provider.organizationName",
                "is required unless firstName and lastName are given",
            );
            None
        }
        (None, first, last) => {
            let first = match first {
                Some(value) => text::text(errors, "provider.firstName", value, FIRST_NAME),
                None => {
                    errors.push("provider.firstName", "is required with lastName");
                    None
                }
            };
            let last = match last {
                Some(value) => text::text(errors, "provider.lastName", value, LAST_NAME),
                None => {
                    errors.push("provider.lastName", "is required with firstName");
                    None
                }
            };
            match (first, last) {
                (Some(first), Some(last)) => Some((None, Some(first), Some(last))),
                _ => None,
            }
        }
    };

    let (organization_name, first_name, last_name) = names?;
    Some(Provider {
        organization_name,
        first_name,
        last_name,
        npi: npi?,
    })
}

/// Parses a subscriber (`is_subscriber`: member id, or first name, last name and date of birth) or a
/// dependent (first name, last name and date of birth).
fn parse_member(
    errors: &mut FieldErrors,
    path: &str,
    member: MemberDto,
    today: NaiveDate,
    is_subscriber: bool,
) -> Option<Member> {
    let before = errors.len();
    let identified_by_id = is_subscriber && member.member_id.is_some();
    let required = |field: &str, errors: &mut FieldErrors| {
        let why = if is_subscriber {
            "is required when memberId is absent"
        } else {
            "is required for a dependent"
        };
        errors.push(format!("{path}.{field}"), why);
    };

    let member_id = member
        .member_id
        .as_deref()
        .and_then(|value| text::text(errors, &format!("{path}.memberId"), value, IDENTIFIER));
    let first_name = match member.first_name.as_deref() {
        Some(value) => text::text(errors, &format!("{path}.firstName"), value, FIRST_NAME),
        None if !identified_by_id => {
            required("firstName", errors);
            None
        }
        None => None,
    };
    let last_name = match member.last_name.as_deref() {
        Some(value) => text::text(errors, &format!("{path}.lastName"), value, LAST_NAME),
        None if !identified_by_id => {
            required("lastName", errors);
            None
        }
        None => None,
    };
    let date_of_birth = match member.date_of_birth.as_deref() {
        Some(value) => parse_date_of_birth(errors, &format!("{path}.dateOfBirth"), value, today),
        None if !identified_by_id => {
            required("dateOfBirth", errors);
            None
        }
        None => None,
    };
    let gender = member.gender.as_deref().and_then(|code| {
        let parsed = Gender::from_code(code);
        if parsed.is_none() {
            errors.push(format!("{path}.gender"), "must be one of M, F, U");
        }
        parsed
    });

    if errors.len() != before {
        return None;
    }
    Some(Member {
        member_id: member_id.map(Phi::new),
        first_name: first_name.map(Phi::new),
        last_name: last_name.map(Phi::new),
        date_of_birth: date_of_birth.map(Phi::new),
        gender,
    })
}

fn parse_encounter(
    errors: &mut FieldErrors,
    encounter: EncounterDto,
    today: NaiveDate,
) -> Option<Encounter> {
    let before = errors.len();

    let procedure_code = procedure::parse(
        errors,
        encounter.product_or_service_id_qualifier.as_deref(),
        encounter.procedure_code.as_deref(),
        encounter.procedure_modifiers.as_deref(),
    );

    let requested = encounter.service_type_codes.clone().unwrap_or_default();
    if requested.len() > MAX_SERVICE_TYPES {
        errors.push(
            "encounter.serviceTypeCodes",
            format!("must hold at most {MAX_SERVICE_TYPES} codes"),
        );
    }
    let mut service_type_codes: Vec<String> = Vec::with_capacity(requested.len());
    for (index, code) in requested.iter().enumerate().take(MAX_SERVICE_TYPES) {
        if !payer_x12::codes::is_service_type(code) {
            errors.push(
                format!("encounter.serviceTypeCodes[{index}]"),
                "is not an X12 service type code",
            );
        } else if !service_type_codes.contains(code) {
            service_type_codes.push(code.clone());
        }
    }
    if service_type_codes.is_empty() && requested.is_empty() && procedure_code.is_none() {
        service_type_codes.push(DEFAULT_SERVICE_TYPE.to_owned());
    }

    let date_of_service = parse_date_of_service(errors, &encounter, today);

    if errors.len() != before {
        return None;
    }
    Some(Encounter {
        service_type_codes,
        procedure_code,
        date_of_service: date_of_service?,
    })
}
