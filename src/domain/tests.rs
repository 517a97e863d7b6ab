//! Unit tests of request parsing and validation, with a fixed `today`.
use chrono::NaiveDate;
use payer_core::Gender;
use serde_json::{json, Value};

use super::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 3, 15).unwrap()
}

fn valid() -> Value {
    json!({
        "controlNumber": "123456789",
        "tradingPartnerServiceId": "SANDBOX",
        "provider": {"organizationName": "Happy Valley Clinic", "npi": "1234567893"},
        "subscriber": {"memberId": "ACT00001", "firstName": "JANE", "lastName": "DOE", "dateOfBirth": "19800102", "gender": "F"},
        "encounter": {"serviceTypeCodes": ["30", "98"], "dateOfService": "20240301"}
    })
}

fn parse(value: Value) -> Result<payer_core::EligibilityRequest, Vec<FieldError>> {
    match EligibilityRequestDto::from_json(value) {
        Ok(dto) => dto.parse(today()),
        Err(error) => Err(vec![error]),
    }
}

fn paths(value: Value) -> Vec<String> {
    parse(value)
        .unwrap_err()
        .into_iter()
        .map(|e| e.path)
        .collect()
}

fn with(mut value: Value, pointer: &str, replacement: Value) -> Value {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    value
        .pointer_mut(parent)
        .unwrap()
        .as_object_mut()
        .unwrap()
        .insert(key.to_owned(), replacement);
    value
}

fn without(mut value: Value, pointer: &str) -> Value {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    value
        .pointer_mut(parent)
        .unwrap()
        .as_object_mut()
        .unwrap()
        .remove(key);
    value
}

#[test]
fn a_valid_request_parses_into_the_domain_type() {
    let request = parse(valid()).unwrap();
    assert_eq!(request.control_number, "123456789");
    assert_eq!(request.payer_id, "SANDBOX");
    assert_eq!(
        request.provider.organization_name.as_deref(),
        Some("Happy Valley Clinic")
    );
    assert_eq!(
        request.subscriber.member_id.as_ref().unwrap().expose(),
        "ACT00001"
    );
    assert_eq!(request.subscriber.gender, Some(Gender::Female));
    assert_eq!(
        request.subscriber.date_of_birth.as_ref().unwrap().expose(),
        &NaiveDate::from_ymd_opt(1980, 1, 2).unwrap()
    );
    assert_eq!(request.encounter.service_type_codes, vec!["30", "98"]);
    assert_eq!(
        request.encounter.date_of_service.begin,
        NaiveDate::from_ymd_opt(2024, 3, 1).unwrap()
    );
}

#[test]
fn defaults_fill_control_number_service_type_and_date() {
    let value = without(without(valid(), "/controlNumber"), "/encounter");
    let request = parse(value).unwrap();
    assert_eq!(request.control_number.len(), 9);
    assert!(request.control_number.bytes().all(|b| b.is_ascii_digit()));
    assert_eq!(
        request.encounter.service_type_codes,
        vec![DEFAULT_SERVICE_TYPE]
    );
    assert_eq!(request.encounter.date_of_service.begin, today());
    assert_eq!(request.encounter.date_of_service.end, None);
}

#[test]
fn unknown_fields_are_ignored() {
    let value = with(valid(), "/provider/providerType", json!("x"));
    let mut value = value;
    value["somethingElse"] = json!({"nested": true});
    assert!(parse(value).is_ok());
}

#[test]
fn every_error_is_reported_at_once() {
    let value = json!({
        "controlNumber": "12",
        "provider": {"npi": "1234567890"},
        "subscriber": {"dateOfBirth": "2099-01-01", "gender": "X"},
        "dependents": [{"firstName": "A"}],
        "encounter": {"serviceTypeCodes": ["30", "ZZZ"], "dateOfService": "20200101"}
    });
    let found = paths(value);
    for expected in [
        "controlNumber",
        "tradingPartnerServiceId",
        "provider.npi",
        "provider.organizationName",
        "subscriber.firstName",
        "subscriber.lastName",
        "subscriber.dateOfBirth",
        "subscriber.gender",
        "dependents[0].lastName",
        "dependents[0].dateOfBirth",
        "encounter.serviceTypeCodes[1]",
        "encounter.dateOfService",
    ] {
        assert!(
            found.iter().any(|p| p == expected),
            "{expected} missing from {found:?}"
        );
    }
}

#[test]
fn wrong_json_types_are_named_without_the_value() {
    let error = parse(with(valid(), "/subscriber/memberId", json!(12345678))).unwrap_err();
    assert_eq!(error[0].path, "subscriber.memberId");
    assert!(
        !error[0].message.contains("12345678"),
        "{}",
        error[0].message
    );
    let error = parse(with(valid(), "/encounter/serviceTypeCodes", json!("30"))).unwrap_err();
    assert_eq!(error[0].path, "encounter.serviceTypeCodes");
    assert!(error[0].message.contains("array"), "{}", error[0].message);
    let error = parse(with(valid(), "/dependents", json!([{"gender": 5}]))).unwrap_err();
    assert_eq!(error[0].path, "dependents[0].gender");
}

#[test]
fn messages_never_echo_member_values() {
    let value = json!({
        "tradingPartnerServiceId": "SANDBOX",
        "provider": {"organizationName": "Clinic", "npi": "1234567893"},
        "subscriber": {"memberId": "SECRET~ID", "firstName": "SECRETNAME*", "lastName": "A", "dateOfBirth": "SECRETDOB"},
    });
    for error in parse(value).unwrap_err() {
        assert!(!error.message.contains("SECRET"), "{error:?}");
    }
}

#[test]
fn npi_check_digit() {
    assert!(npi::is_valid_npi("1234567893"));
    assert!(npi::is_valid_npi("1245319599"));
    assert!(!npi::is_valid_npi("1234567890"));
    assert!(!npi::is_valid_npi("123456789"));
    assert!(!npi::is_valid_npi("12345678931"));
    assert!(!npi::is_valid_npi("12345678a3"));
}

#[test]
fn date_of_service_window_runs_12_months_back_to_the_end_of_the_month() {
    let at = |date: &str| with(valid(), "/encounter/dateOfService", json!(date));
    assert!(parse(at("20230315")).is_ok());
    assert!(parse(at("20240331")).is_ok());
    assert_eq!(paths(at("20230314")), vec!["encounter.dateOfService"]);
    assert_eq!(paths(at("20240401")), vec!["encounter.dateOfService"]);
    assert_eq!(paths(at("20240230")), vec!["encounter.dateOfService"]);
    assert_eq!(paths(at("2024031")), vec!["encounter.dateOfService"]);
}

#[test]
fn date_ranges_must_be_complete_and_ordered() {
    let encounter = |value: Value| with(valid(), "/encounter", value);
    let request = parse(encounter(
        json!({"beginningDateOfService": "20240101", "endDateOfService": "20240131"}),
    ))
    .unwrap();
    assert_eq!(
        request.encounter.date_of_service.end,
        Some(NaiveDate::from_ymd_opt(2024, 1, 31).unwrap())
    );
    assert_eq!(
        paths(encounter(
            json!({"beginningDateOfService": "20240131", "endDateOfService": "20240101"})
        )),
        vec!["encounter.endDateOfService"]
    );
    assert_eq!(
        paths(encounter(json!({"beginningDateOfService": "20240131"}))),
        vec!["encounter.endDateOfService"]
    );
    assert_eq!(
        paths(encounter(json!({"endDateOfService": "20240131"}))),
        vec!["encounter.beginningDateOfService"]
    );
    assert_eq!(
        paths(encounter(
            json!({"dateOfService": "20240131", "endDateOfService": "20240131"})
        )),
        vec!["encounter.dateOfService"]
    );
}

#[test]
fn procedure_codes_follow_their_qualifier() {
    let procedure = |qualifier: &str, code: &str| {
        with(
            valid(),
            "/encounter",
            json!({"productOrServiceIDQualifier": qualifier, "procedureCode": code}),
        )
    };
    for (qualifier, code) in [
        ("HC", "99213"),
        ("HC", "0001F"),
        ("HC", "J3490"),
        ("CJ", "99213"),
        ("AD", "D0120"),
        ("N4", "00093721056"),
        ("ID", "45.13"),
        ("ID", "4513"),
        ("ZZ", "ABC123"),
    ] {
        let request = parse(procedure(qualifier, code)).unwrap();
        let parsed = request.encounter.procedure_code.unwrap();
        assert_eq!(
            (parsed.qualifier.as_str(), parsed.code.as_str()),
            (qualifier, code)
        );
        assert!(request.encounter.service_type_codes.is_empty());
    }
    for (qualifier, code, path) in [
        ("HC", "9921", "encounter.procedureCode"),
        ("HC", "J349", "encounter.procedureCode"),
        ("CJ", "J3490", "encounter.procedureCode"),
        ("AD", "0120", "encounter.procedureCode"),
        ("N4", "0009372105", "encounter.procedureCode"),
        ("ID", "4", "encounter.procedureCode"),
        ("XX", "99213", "encounter.productOrServiceIDQualifier"),
    ] {
        assert_eq!(
            paths(procedure(qualifier, code)),
            vec![path],
            "{qualifier} {code}"
        );
    }
    let modifiers = with(
        procedure("HC", "99213"),
        "/encounter/procedureModifiers",
        json!(["25", "x"]),
    );
    assert_eq!(paths(modifiers), vec!["encounter.procedureModifiers[1]"]);
}

#[test]
fn text_rules_lengths_and_delimiters() {
    let long = "A".repeat(61);
    assert_eq!(
        paths(with(valid(), "/subscriber/lastName", json!(long))),
        vec!["subscriber.lastName"]
    );
    assert_eq!(
        paths(with(
            valid(),
            "/subscriber/firstName",
            json!("A".repeat(36))
        )),
        vec!["subscriber.firstName"]
    );
    assert_eq!(
        paths(with(valid(), "/subscriber/memberId", json!("A"))),
        vec!["subscriber.memberId"]
    );
    assert_eq!(
        paths(with(valid(), "/subscriber/lastName", json!("  "))),
        vec!["subscriber.lastName"]
    );
    for smuggled in ["DOE~NM1*IL", "DOE*X", "DO\u{7}E"] {
        assert_eq!(
            paths(with(valid(), "/subscriber/lastName", json!(smuggled))),
            vec!["subscriber.lastName"],
            "{smuggled:?}"
        );
    }
    let trimmed = parse(with(valid(), "/subscriber/lastName", json!("  DOE "))).unwrap();
    assert_eq!(trimmed.subscriber.last_name.unwrap().expose(), "DOE");
}

#[test]
fn subscriber_needs_member_id_or_name_and_birth_date() {
    let by_demographics = without(valid(), "/subscriber/memberId");
    assert!(parse(by_demographics).is_ok());
    let only_id = with(valid(), "/subscriber", json!({"memberId": "ACT00001"}));
    assert!(parse(only_id).is_ok());
    let nothing = with(valid(), "/subscriber", json!({"gender": "M"}));
    assert_eq!(
        paths(nothing),
        vec![
            "subscriber.firstName",
            "subscriber.lastName",
            "subscriber.dateOfBirth"
        ]
    );
}

#[test]
fn provider_is_an_organization_or_a_person() {
    let person = with(
        valid(),
        "/provider",
        json!({"firstName": "ANN", "lastName": "LEE", "npi": "1234567893"}),
    );
    let request = parse(person).unwrap();
    assert_eq!(request.provider.last_name.as_deref(), Some("LEE"));
    let both = with(valid(), "/provider/lastName", json!("LEE"));
    assert_eq!(paths(both), vec!["provider.organizationName"]);
    let half = with(
        valid(),
        "/provider",
        json!({"lastName": "LEE", "npi": "1234567893"}),
    );
    assert_eq!(paths(half), vec!["provider.firstName"]);
}

#[test]
fn dependents_are_parsed_and_bounded() {
    let dependent =
        json!({"firstName": "JIM", "lastName": "DOE", "dateOfBirth": "20150601", "gender": "M"});
    let request = parse(with(valid(), "/dependents", json!([dependent.clone()]))).unwrap();
    assert_eq!(request.dependents.len(), 1);
    let many: Vec<Value> = (0..=MAX_DEPENDENTS).map(|_| dependent.clone()).collect();
    assert_eq!(
        paths(with(valid(), "/dependents", json!(many))),
        vec!["dependents"]
    );
}

#[test]
fn service_types_are_checked_and_deduplicated() {
    let request = parse(with(
        valid(),
        "/encounter/serviceTypeCodes",
        json!(["30", "30", "88"]),
    ))
    .unwrap();
    assert_eq!(request.encounter.service_type_codes, vec!["30", "88"]);
    assert_eq!(
        paths(with(
            valid(),
            "/encounter/serviceTypeCodes",
            json!(["30", "", "999"])
        )),
        vec![
            "encounter.serviceTypeCodes[1]",
            "encounter.serviceTypeCodes[2]"
        ]
    );
}

#[test]
fn a_body_that_is_not_an_object_has_an_empty_path() {
    let error = EligibilityRequestDto::from_json(json!([1, 2])).unwrap_err();
    assert_eq!(error.path, "");
}

#[test]
fn nested_objects_given_as_arrays_are_refused_at_their_path() {
    let text = |body: Value| body.to_string();
    for (field, array) in [
        (
            "provider",
            json!(["Happy Valley Clinic", null, null, "1234567893"]),
        ),
        (
            "subscriber",
            json!(["ACT00001", "JANE", "DOE", "19800102", "F"]),
        ),
        ("encounter", json!([["30"]])),
    ] {
        let mut body = valid();
        body[field] = array;
        // Read from a value (batch, CLI) and from the request's text (the check route) alike.
        let from_value = EligibilityRequestDto::from_json(body.clone()).unwrap_err();
        let body = text(body);
        let from_text =
            EligibilityRequestDto::from_json(&mut serde_json::Deserializer::from_str(&body))
                .unwrap_err();
        for error in [from_value, from_text] {
            assert_eq!(error.path, field);
            assert_eq!(error.message, "has the wrong type: expected an object");
        }
    }
    let mut body = valid();
    body["dependents"] = json!([{"firstName": "KID"}, ["KID", "DOE"]]);
    let error = EligibilityRequestDto::from_json(body).unwrap_err();
    assert_eq!(error.path, "dependents[1]");
    let mut body = valid();
    body["encounter"]["serviceTypeCodes"] = json!("30");
    let body = body.to_string();
    let error = EligibilityRequestDto::from_json(&mut serde_json::Deserializer::from_str(&body))
        .unwrap_err();
    assert_eq!(error.path, "encounter.serviceTypeCodes");
    assert_eq!(error.message, "has the wrong type: expected an array");
    let text = valid().to_string();
    let dto = EligibilityRequestDto::from_json(&mut serde_json::Deserializer::from_str(&text));
    assert_eq!(
        dto.unwrap().parse(today()).unwrap(),
        parse(valid()).unwrap()
    );
}
