//! X12 code tables with their names, for the codes 005010X279A1 270/271 transactions carry.
//!
//! The tables defined with `code_table!` (the ones a 271's EB, DTP, REF and NM1 segments are read with) find a
//! code in a compile-time hash index on its bytes taken as one integer (see `table`: a `match` compiled to jump
//! tables that were mispredicted from one EB to the next); the others are a `match` of the code's bytes against
//! byte-string literals. No allocation; a code outside the table gives `None`, so a payer's unknown code is kept
//! as sent with no name rather than rejected.
//!
//! | function | element |
//! | --- | --- |
//! | [`service_type_name`], [`is_service_type`] | EQ01, EB03 (1365) |
//! | [`eligibility_benefit_name`] | EB01 (1390) |
//! | [`coverage_level_name`] | EB02 (1207) |
//! | [`insurance_type_name`] | EB04 (1336) |
//! | [`time_period_name`] | EB06, HSD05 (615) |
//! | [`quantity_qualifier_name`] | EB09, HSD01 (673) |
//! | [`network_indicator_name`] | EB12 |
//! | [`date_qualifier_name`] | DTP01 (374) |
//! | [`entity_identifier_name`], [`id_code_qualifier_name`] | NM101 (98), NM108 (66) |
//! | [`reference_qualifier_name`] | REF01 (128) |
//! | [`relationship_name`] | INS02 (1069) |
//! | [`gender_name`] | DMG03 (1068) |
//! | [`followup_action_name`] | AAA04 (889) |
//! | [`reject_reason`] | AAA03 (901) |
//! | [`place_of_service_name`], [`procedure_qualifier_name`] | III02, EQ02-1/EB13-1 (235) |

mod coverage_level;
mod date_qualifier;
mod eligibility_benefit;
mod entity_identifier;
mod followup_action;
mod gender;
mod insurance_type;
mod network_indicator;
mod place_of_service;
mod quantity_qualifier;
mod reference_qualifier;
mod reject_reason;
mod relationship;
mod service_type;
pub(crate) mod table;
mod time_period;

pub use coverage_level::{coverage_level_name, is_family_coverage_level};
pub use date_qualifier::date_qualifier_name;
pub use eligibility_benefit::eligibility_benefit_name;
pub use entity_identifier::{entity_identifier_name, id_code_qualifier_name};
pub use followup_action::followup_action_name;
pub use gender::gender_name;
pub use insurance_type::insurance_type_name;
pub use network_indicator::network_indicator_name;
pub use place_of_service::{place_of_service_name, procedure_qualifier_name};
pub use quantity_qualifier::quantity_qualifier_name;
pub use reference_qualifier::reference_qualifier_name;
pub use reject_reason::{reject_reason, RejectReason, REJECT_REASON_CODES};
pub use relationship::relationship_name;
pub use service_type::{is_service_type, service_type_name, SERVICE_TYPE_CODES};
pub use time_period::time_period_name;

pub(crate) use coverage_level::coverage_level_text;
pub(crate) use date_qualifier::date_qualifier_text;
pub(crate) use eligibility_benefit::eligibility_benefit_text;
pub(crate) use entity_identifier::entity_identifier_text;
pub(crate) use insurance_type::insurance_type_text;
pub(crate) use network_indicator::network_indicator_text;
pub(crate) use quantity_qualifier::quantity_qualifier_text;
pub(crate) use reference_qualifier::reference_qualifier_text;
pub(crate) use service_type::service_type_text;
pub(crate) use time_period::time_period_text;

#[cfg(test)]
mod tests;
