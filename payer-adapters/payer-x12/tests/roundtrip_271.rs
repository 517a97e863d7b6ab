//! Round trip of the 271: a normalized response written by `encode_271` and read back by the 271 decoder is
//! the same response, up to what the decoder derives (code names, `planStatus`, `coverage`,
//! `tradingPartnerServiceId`) and the placements the model cannot carry (errors in loop order, 2110C before
//! 2110D benefits, 2110 errors with no benefit to follow filed under 2100). Property-tested over generated
//! responses and delimiter sets; the decoder must also report no warning on the encoder's output.
use chrono::NaiveDate;
use payer_core::{
    AdditionalInformation, Address, BenefitInformation, Communication, Contact, DateInformation,
    EligibilityResponse, MessageText, PayerErrorInfo, PayerInfo, Phi, PlanInformation, PlanStatus,
    ProcedureIdentifier, ProviderInfo, Reference, RelatedEntity, ResponseMember, ServiceDelivery,
};
use payer_x12::codes::{self, REJECT_REASON_CODES, SERVICE_TYPE_CODES};
use payer_x12::envelope::InterchangeHeader;
use payer_x12::response::encode_271;
use payer_x12::tokenizer::Delimiters;
use payer_x12::{decode_271, summarize};
use proptest::collection::vec;
use proptest::option::of;
use proptest::prelude::*;
use proptest::sample::select;

fn text() -> impl Strategy<Value = String> {
    "[A-Z0-9][A-Za-z0-9 .,&'|/-]{0,20}[A-Za-z0-9]|[A-Z]"
}

fn code(list: &'static [&'static str]) -> impl Strategy<Value = String> {
    select(list).prop_map(str::to_owned)
}

fn ccyymmdd() -> impl Strategy<Value = String> {
    (1950i32..2040, 1u32..=12, 1u32..=28).prop_map(|(y, m, d)| format!("{y:04}{m:02}{d:02}"))
}

fn phi_text() -> impl Strategy<Value = Option<Phi<String>>> {
    of(text().prop_map(Phi::new))
}

fn address() -> impl Strategy<Value = Address> {
    (
        of(text()),
        of(text()),
        text(),
        of(code(&["CA", "NY", "TX"])),
        of("[0-9]{5}"),
        of(code(&["US", "CA"])),
    )
        .prop_map(
            |(address1, address2, city, state, postal_code, country_code)| Address {
                address1,
                address2,
                city: Some(city),
                state,
                postal_code,
                country_code,
            },
        )
}

fn contact() -> impl Strategy<Value = Contact> {
    let number = (code(&["TE", "FX", "EM", "UR", "EX"]), "[0-9]{10}")
        .prop_map(|(qualifier, number)| Communication { qualifier, number });
    (of(text()), vec(number, 0..=3)).prop_map(|(name, communications)| Contact {
        name,
        communications,
    })
}

fn member(dependent: bool) -> impl Strategy<Value = ResponseMember> {
    let relation: &'static [&'static str] = if dependent {
        &["01", "19", "G8"]
    } else {
        &["18"]
    };
    (
        (
            phi_text(),
            phi_text(),
            phi_text(),
            phi_text(),
            of("[A-Z0-9]{1,12}".prop_map(Phi::new)),
        ),
        (
            of(ccyymmdd().prop_map(Phi::new)),
            of(code(&["M", "F", "U"])),
            of(address().prop_map(Phi::new)),
        ),
        (
            of(Just(if dependent { "N" } else { "Y" }.to_owned())),
            of(code(relation)),
            of("[1-9]"),
        ),
    )
        .prop_map(
            move |(
                (last_name, first_name, middle_name, suffix, member_id),
                (date_of_birth, gender, address),
                (insured_indicator, relation_to_subscriber_code, birth_sequence_number),
            )| ResponseMember {
                member_id: if dependent { None } else { member_id },
                first_name,
                last_name,
                middle_name,
                suffix,
                date_of_birth,
                gender,
                address,
                insured_indicator,
                relation_to_subscriber_code,
                relation_to_subscriber: None,
                birth_sequence_number,
            },
        )
}

fn reference() -> impl Strategy<Value = Reference> {
    (
        code(&["18", "6P", "1L", "IG", "N6", "SY", "ZZ", "9F"]),
        "[A-Z0-9]{1,10}",
        of(text()),
    )
        .prop_map(|(qualifier_code, value, description)| Reference {
            qualifier_code,
            qualifier: None,
            value: Phi::new(value),
            description,
        })
}

fn date_info() -> impl Strategy<Value = DateInformation> {
    (
        code(&["291", "307", "346", "347", "356", "472", "999"]),
        ccyymmdd(),
        of(ccyymmdd()),
    )
        .prop_map(|(qualifier_code, date, end_date)| DateInformation {
            qualifier_code,
            qualifier: None,
            date,
            end_date,
        })
}

fn entity() -> impl Strategy<Value = RelatedEntity> {
    (
        (
            code(&["PR", "P3", "X3", "13", "1P", "VN"]),
            code(&["1", "2"]),
            of(text()),
            of(text()),
        ),
        (
            of(code(&["PI", "XX", "SV"])),
            of("[0-9]{5,10}"),
            of(address()),
            vec(contact(), 0..2),
        ),
        (of(code(&["PC", "PE"])), of("[0-9]{3}[A-Z0-9]{6}X")),
    )
        .prop_map(
            |((id, kind, name, first), (qualifier, value, address, contacts), (prv, taxonomy))| {
                RelatedEntity {
                    entity_identifier_code: id,
                    entity_identifier: None,
                    entity_type: Some(kind),
                    entity_name: name,
                    entity_first_name: first,
                    entity_identification: qualifier,
                    entity_identification_value: value,
                    address,
                    contact_information: contacts,
                    provider_code: prv,
                    reference_identification: taxonomy,
                }
            },
        )
}

fn benefit(dependent_loop: bool) -> impl Strategy<Value = BenefitInformation> {
    let eb01: &'static [&'static str] = &[
        "1", "6", "A", "B", "C", "G", "CB", "D", "F", "I", "L", "MC", "R", "U", "X9",
    ];
    let header = (
        code(eb01),
        of(code(&["IND", "FAM", "EMP", "ESP", "CHD"])),
        vec(select(SERVICE_TYPE_CODES).prop_map(str::to_owned), 0..5),
        of(code(&["HM", "PR", "MB", "MC", "C1", "QQ"])),
        of(text()),
        of(code(&["23", "29", "27", "22", "7"])),
    );
    let numbers = (
        of("[1-9][0-9]{0,4}(\\.[0-9]{2})?"),
        of(select(&[".2", "0.1", "1", ".05"][..]).prop_map(str::to_owned)),
        of(code(&["VS", "DY", "P6", "99"])),
        of("[1-9][0-9]?"),
        of(code(&["Y", "N", "U"])),
        of(code(&["Y", "N", "W", "U"])),
        of(("[A-Z]{2}", "[0-9]{5}", vec("[A-Z0-9]{2}", 0..=4))),
    );
    let loop_parts = (
        vec(
            (
                of(code(&["VS", "DY"])),
                of("[1-9]"),
                of(code(&["DA", "WK"])),
                of("[0-9]"),
                of(code(&["27", "34"])),
                of("[1-9]"),
                of(code(&["1", "7"])),
                of(code(&["D", "E"])),
            ),
            0..2,
        ),
        vec(reference(), 0..2),
        vec(date_info(), 0..2),
        vec(
            text().prop_map(|description| MessageText { description }),
            0..3,
        ),
        vec(
            (
                of(code(&["ZZ", "GR"])),
                of("[0-9]{2}"),
                of(code(&["44"])),
                of(text()),
            ),
            0..2,
        ),
        vec(entity(), 0..3),
    );
    (header, numbers, loop_parts).prop_map(move |(h, n, l)| {
        let (code, level, service_type_codes, insurance, plan_coverage, period) = h;
        let (amount, percent, qty_qualifier, quantity, auth, network, composite) = n;
        let (hsd, refs, dates, messages, iii, entities) = l;
        BenefitInformation {
            loop_id: if dependent_loop { "2110D" } else { "2110C" }.to_owned(),
            code,
            coverage_level_code: level,
            service_type_codes,
            insurance_type_code: insurance,
            plan_coverage,
            time_qualifier_code: period,
            benefit_amount: amount,
            benefit_percent: percent,
            quantity_qualifier_code: qty_qualifier,
            benefit_quantity: quantity,
            auth_or_cert_indicator: auth,
            in_plan_network_indicator_code: network,
            composite_medical_procedure_identifier: composite.map(|(q, c, m)| {
                ProcedureIdentifier {
                    product_or_service_id_qualifier_code: q,
                    procedure_code: c,
                    procedure_modifiers: m,
                }
            }),
            benefits_service_delivery: hsd
                .into_iter()
                .map(
                    |(q, qty, unit, modulus, period, periods, freq, pattern)| ServiceDelivery {
                        quantity_qualifier_code: q,
                        quantity: qty,
                        unit_for_measurement_code: unit,
                        sample_selection_modulus: modulus,
                        time_period_qualifier_code: period,
                        number_of_periods: periods,
                        delivery_frequency_code: freq,
                        delivery_pattern_time_code: pattern,
                    },
                )
                .collect(),
            benefits_additional_information: refs,
            benefits_date_information: dates,
            additional_information: messages,
            eligibility_additional_information: iii
                .into_iter()
                .map(|(q, code, category, text)| AdditionalInformation {
                    code_list_qualifier_code: q,
                    industry_code: code,
                    code_category: category,
                    injured_body_part_name: text,
                })
                .collect(),
            benefits_related_entities: entities,
            ..BenefitInformation::default()
        }
    })
}

fn error(locations: &'static [&'static str]) -> impl Strategy<Value = PayerErrorInfo> {
    (
        code(REJECT_REASON_CODES),
        of(code(&["C", "N", "R", "P", "Y"])),
        code(locations),
    )
        .prop_map(|(code, followup_action_code, location)| PayerErrorInfo {
            code,
            followup_action_code,
            location,
            ..PayerErrorInfo::default()
        })
}

fn payer_and_provider() -> impl Strategy<Value = (PayerInfo, ProviderInfo)> {
    let payer = (
        code(&["PR", "2B", "36", "GP", "P5"]),
        of(text()),
        of("[A-Z0-9]{2,10}"),
        vec(contact(), 0..2),
    )
        .prop_map(|(entity, name, id, contacts)| PayerInfo {
            entity_identifier: Some(entity),
            name,
            payor_identification: id,
            contact_information: contacts,
        });
    let provider = (
        any::<bool>(),
        text(),
        of(text()),
        any::<bool>(),
        "[0-9]{10}",
        of(code(&["PE", "AT"])),
        of("[0-9]{3}[A-Z0-9]{6}X"),
    )
        .prop_map(
            |(organization, name, first, npi, id, code, taxonomy)| ProviderInfo {
                provider_name: organization.then(|| name.clone()),
                provider_first_name: if organization { None } else { first },
                provider_last_name: (!organization).then_some(name),
                npi: npi.then(|| id.clone()),
                service_provider_number: (!npi).then_some(id),
                provider_code: code,
                reference_identification: taxonomy,
            },
        );
    (payer, provider)
}

fn response() -> impl Strategy<Value = EligibilityResponse> {
    let with_subscriber = (
        (
            "[0-9A-Z]{1,12}",
            payer_and_provider(),
            member(false),
            vec(member(true), 0..3),
        ),
        (
            of(vec(reference(), 1..4)),
            vec(date_info(), 0..3),
            vec(benefit(false), 0..6),
            vec(benefit(true), 0..3),
        ),
        (
            vec(error(&["2000A", "2100A", "2100B", "2100C", "2110C"]), 0..4),
            vec(error(&["2100D", "2110D"]), 0..2),
        ),
    )
        .prop_map(
            |(
                (control, (payer, provider), subscriber, dependents),
                (refs, dates, c, d),
                (errors, d_errors),
            )| {
                let has_dependents = !dependents.is_empty();
                let mut benefits = c;
                if has_dependents {
                    // Interleave dependent benefits to check that they are regrouped.
                    for (i, b) in d.into_iter().enumerate() {
                        benefits.insert(i.min(benefits.len()), b);
                    }
                }
                let mut errors = errors;
                if has_dependents {
                    errors.extend(d_errors);
                }
                EligibilityResponse {
                    control_number: control,
                    payer: Some(payer),
                    provider: Some(provider),
                    subscriber: Some(subscriber),
                    dependents,
                    plan_information: refs.map(|references| PlanInformation {
                        references,
                        ..PlanInformation::default()
                    }),
                    plan_date_information: dates,
                    benefits_information: benefits,
                    errors,
                    ..EligibilityResponse::default()
                }
            },
        );
    let receiver_only = (
        "[0-9]{9}",
        payer_and_provider(),
        vec(error(&["2000A", "2100A", "2100B"]), 1..3),
    )
        .prop_map(|(control, (payer, provider), errors)| EligibilityResponse {
            control_number: control,
            payer: Some(payer),
            provider: Some(provider),
            errors,
            ..EligibilityResponse::default()
        });
    prop_oneof![4 => with_subscriber, 1 => receiver_only]
}

fn name_of(code: &Option<String>, table: fn(&str) -> Option<&'static str>) -> Option<String> {
    code.as_deref().and_then(table).map(str::to_owned)
}

/// The response as the decoder gives it back: derived fields computed, placements the 271 fixes applied.
fn canonical(input: &EligibilityResponse) -> EligibilityResponse {
    let mut r = input.clone();
    r.trading_partner_service_id = r
        .payer
        .as_ref()
        .and_then(|p| p.payor_identification.clone());
    for member in r.subscriber.iter_mut().chain(r.dependents.iter_mut()) {
        member.relation_to_subscriber = name_of(
            &member.relation_to_subscriber_code,
            codes::relationship_name,
        );
    }
    if let Some(plan) = r.plan_information.as_mut() {
        for reference in &mut plan.references {
            reference.qualifier =
                codes::reference_qualifier_name(&reference.qualifier_code).map(str::to_owned);
            let value = Some(reference.value.expose().clone());
            match reference.qualifier_code.as_str() {
                "6P" => {
                    (plan.group_number, plan.group_description) =
                        (value, reference.description.clone())
                }
                "18" => {
                    (plan.plan_number, plan.plan_description) =
                        (value, reference.description.clone())
                }
                "N6" => plan.plan_network_id = value,
                "IG" => plan.policy_number = value,
                _ => {}
            }
        }
    }
    for date in r.plan_date_information.iter_mut() {
        date.qualifier = codes::date_qualifier_name(&date.qualifier_code).map(str::to_owned);
    }
    // 2110C benefits come before 2110D ones.
    let (c, d): (Vec<_>, Vec<_>) = r
        .benefits_information
        .drain(..)
        .partition(|b| b.loop_id == "2110C");
    r.benefits_information = c.into_iter().chain(d).collect();
    for b in r.benefits_information.iter_mut() {
        b.name = codes::eligibility_benefit_name(&b.code).map(str::to_owned);
        b.coverage_level = name_of(&b.coverage_level_code, codes::coverage_level_name);
        b.service_types = b
            .service_type_codes
            .iter()
            .map(|c| codes::service_type_name(c).map_or_else(|| c.clone(), str::to_owned))
            .collect();
        b.insurance_type = name_of(&b.insurance_type_code, codes::insurance_type_name);
        b.time_qualifier = name_of(&b.time_qualifier_code, codes::time_period_name);
        b.quantity_qualifier = name_of(&b.quantity_qualifier_code, codes::quantity_qualifier_name);
        b.in_plan_network_indicator = name_of(
            &b.in_plan_network_indicator_code,
            codes::network_indicator_name,
        );
        for r in b.benefits_additional_information.iter_mut() {
            r.qualifier = codes::reference_qualifier_name(&r.qualifier_code).map(str::to_owned);
        }
        for d in b.benefits_date_information.iter_mut() {
            d.qualifier = codes::date_qualifier_name(&d.qualifier_code).map(str::to_owned);
        }
        for e in b.benefits_related_entities.iter_mut() {
            e.entity_identifier =
                codes::entity_identifier_name(&e.entity_identifier_code).map(str::to_owned);
        }
    }
    // Errors in loop order; 2110 errors with no benefit to follow are filed under 2100.
    let has_c = r.benefits_information.iter().any(|b| b.loop_id == "2110C");
    let has_d = r.benefits_information.iter().any(|b| b.loop_id == "2110D");
    let rank = |e: &PayerErrorInfo| match e.location.as_str() {
        "2000A" => 0,
        "2100A" => 1,
        "2100B" => 2,
        "2110C" if !has_c => 3,
        "2100C" => 4,
        "2110C" => 5,
        "2110D" if !has_d => 6,
        "2100D" => 7,
        _ => 8,
    };
    r.errors.sort_by_key(rank);
    for e in r.errors.iter_mut() {
        if e.location == "2110C" && !has_c {
            e.location = "2100C".into();
        }
        if e.location == "2110D" && !has_d {
            e.location = "2100D".into();
        }
        let known = codes::reject_reason(&e.code);
        e.description = known.map_or_else(
            || "Unknown reject reason".into(),
            |k| k.description.to_owned(),
        );
        e.possible_resolutions = known.map(|k| k.possible_resolution.to_owned());
        e.retryable = known.is_some_and(|k| k.retryable);
        e.followup_action = name_of(&e.followup_action_code, codes::followup_action_name);
    }
    r.plan_status = r
        .benefits_information
        .iter()
        .filter(|b| {
            matches!(
                b.code.as_str(),
                "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8"
            )
        })
        .map(|b| PlanStatus {
            status_code: b.code.clone(),
            status: b.name.clone().unwrap_or_else(|| b.code.clone()),
            plan_details: b.plan_coverage.clone(),
            service_type_codes: b.service_type_codes.clone(),
        })
        .collect();
    r.coverage = summarize(&r);
    r
}

fn delimiters() -> impl Strategy<Value = (Delimiters, bool)> {
    prop_oneof![
        Just((Delimiters::default(), false)),
        Just((Delimiters::default(), true)),
        Just((
            Delimiters {
                element: b'*',
                repetition: Some(b'}'),
                component: b'^',
                segment: b'~'
            },
            true
        )),
        Just((
            Delimiters {
                element: b'!',
                repetition: Some(b'>'),
                component: b':',
                segment: b'\n'
            },
            false
        )),
    ]
}

fn header((delimiters, line_breaks): (Delimiters, bool)) -> InterchangeHeader {
    let at = NaiveDate::from_ymd_opt(2025, 1, 2)
        .unwrap()
        .and_hms_opt(3, 4, 0)
        .unwrap();
    let mut h = InterchangeHeader::new("PAYER", "SUBMITTER", 9, at);
    h.delimiters = delimiters;
    h.line_breaks = line_breaks;
    h
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(384))]

    #[test]
    fn every_encoded_271_decodes_to_its_response(response in response(), delims in delimiters()) {
        let text = encode_271(&response, &header(delims)).unwrap();
        let decoded = decode_271(text.as_bytes()).unwrap();
        prop_assert_eq!(decoded.len(), 1);
        prop_assert!(decoded[0].warnings.is_empty(), "warnings: {:?}", decoded[0].warnings);
        prop_assert_eq!(&decoded[0], &canonical(&response));
    }

    #[test]
    fn encoding_a_decoded_271_gives_the_same_text(response in response()) {
        let h = header((Delimiters::default(), false));
        let text = encode_271(&response, &h).unwrap();
        let decoded = decode_271(text.as_bytes()).unwrap();
        prop_assert_eq!(encode_271(&decoded[0], &h).unwrap(), text);
    }

    #[test]
    fn a_delimiter_in_a_value_is_refused(response in response(), bad in "[*^:~]") {
        let mut response = response;
        let payer = response.payer.get_or_insert_with(PayerInfo::default);
        payer.name = Some(format!("ACME{bad}PLAN"));
        let err = encode_271(&response, &header((Delimiters::default(), false))).unwrap_err();
        prop_assert!(err.to_string().contains("payer.name"), "{}", err);
    }
}
