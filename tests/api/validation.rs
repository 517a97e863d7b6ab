//! A table of invalid requests, each answered 4xx naming the offending field; the process stays healthy.
use serde_json::{json, Value};

use crate::helpers::{request, spawn_app};

/// A valid request with one change.
pub(crate) enum Change {
    Set(&'static str, Value),
    Remove(&'static str),
}

pub(crate) fn changed(changes: &[Change]) -> Value {
    let mut body = request("sandbox", "ACT0001");
    body["encounter"]["dateOfService"] = json!(chrono::Local::now().format("%Y%m%d").to_string());
    for change in changes {
        let (pointer, value) = match change {
            Change::Set(pointer, value) => (*pointer, Some(value.clone())),
            Change::Remove(pointer) => (*pointer, None),
        };
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        let target = if parent.is_empty() {
            &mut body
        } else {
            body.pointer_mut(parent).unwrap()
        };
        match (target, value) {
            (Value::Object(map), Some(value)) => {
                map.insert(key.to_owned(), value);
            }
            (Value::Object(map), None) => {
                map.remove(key);
            }
            (Value::Array(items), Some(value)) => items[key.parse::<usize>().unwrap()] = value,
            _ => panic!("bad test change at {pointer}"),
        }
    }
    body
}

fn date(offset_days: i64) -> Value {
    let day = chrono::Local::now().date_naive() + chrono::Duration::days(offset_days);
    json!(day.format("%Y%m%d").to_string())
}

#[tokio::test]
async fn invalid_requests_are_refused_with_the_field_named() {
    use Change::{Remove, Set};
    let cases: Vec<(&str, Vec<Change>, &str)> = vec![
        (
            "payer missing",
            vec![Remove("/tradingPartnerServiceId")],
            "tradingPartnerServiceId",
        ),
        (
            "payer empty",
            vec![Set("/tradingPartnerServiceId", json!(""))],
            "tradingPartnerServiceId",
        ),
        (
            "payer with delimiter",
            vec![Set("/tradingPartnerServiceId", json!("SBX~ST"))],
            "tradingPartnerServiceId",
        ),
        (
            "payer wrong type",
            vec![Set("/tradingPartnerServiceId", json!(42))],
            "tradingPartnerServiceId",
        ),
        (
            "control number short",
            vec![Set("/controlNumber", json!("123"))],
            "controlNumber",
        ),
        (
            "control number letters",
            vec![Set("/controlNumber", json!("12345678A"))],
            "controlNumber",
        ),
        ("provider missing", vec![Remove("/provider")], "provider"),
        (
            "provider not an object",
            vec![Set("/provider", json!("CLINIC"))],
            "provider",
        ),
        ("npi missing", vec![Remove("/provider/npi")], "provider.npi"),
        (
            "npi bad check digit",
            vec![Set("/provider/npi", json!("1234567890"))],
            "provider.npi",
        ),
        (
            "npi too short",
            vec![Set("/provider/npi", json!("123456789"))],
            "provider.npi",
        ),
        (
            "npi letters",
            vec![Set("/provider/npi", json!("12345678AB"))],
            "provider.npi",
        ),
        (
            "provider without names",
            vec![Remove("/provider/organizationName")],
            "provider.organizationName",
        ),
        (
            "provider org too long",
            vec![Set("/provider/organizationName", json!("X".repeat(61)))],
            "provider.organizationName",
        ),
        (
            "provider org with segment terminator",
            vec![Set("/provider/organizationName", json!("CLINIC~NM1"))],
            "provider.organizationName",
        ),
        (
            "provider person without first name",
            vec![
                Remove("/provider/organizationName"),
                Set("/provider/lastName", json!("LEE")),
            ],
            "provider.firstName",
        ),
        (
            "subscriber missing",
            vec![Remove("/subscriber")],
            "subscriber",
        ),
        (
            "member id too short",
            vec![Set("/subscriber/memberId", json!("A"))],
            "subscriber.memberId",
        ),
        (
            "member id too long",
            vec![Set("/subscriber/memberId", json!("A".repeat(81)))],
            "subscriber.memberId",
        ),
        (
            "member id with element separator",
            vec![Set("/subscriber/memberId", json!("ACT*01"))],
            "subscriber.memberId",
        ),
        (
            "member id with control character",
            vec![Set("/subscriber/memberId", json!("ACT\u{0}01"))],
            "subscriber.memberId",
        ),
        (
            "member id wrong type",
            vec![Set("/subscriber/memberId", json!(["ACT"]))],
            "subscriber.memberId",
        ),
        (
            "no member id and no first name",
            vec![
                Remove("/subscriber/memberId"),
                Remove("/subscriber/firstName"),
            ],
            "subscriber.firstName",
        ),
        (
            "no member id and no birth date",
            vec![
                Remove("/subscriber/memberId"),
                Remove("/subscriber/dateOfBirth"),
            ],
            "subscriber.dateOfBirth",
        ),
        (
            "first name too long",
            vec![Set("/subscriber/firstName", json!("J".repeat(36)))],
            "subscriber.firstName",
        ),
        (
            "last name too long",
            vec![Set("/subscriber/lastName", json!("D".repeat(61)))],
            "subscriber.lastName",
        ),
        (
            "last name blank",
            vec![Set("/subscriber/lastName", json!("   "))],
            "subscriber.lastName",
        ),
        (
            "last name with repetition separator",
            vec![Set("/subscriber/lastName", json!("DOE^SMITH"))],
            "subscriber.lastName",
        ),
        (
            "birth date with dashes",
            vec![Set("/subscriber/dateOfBirth", json!("1980-01-02"))],
            "subscriber.dateOfBirth",
        ),
        (
            "birth date impossible",
            vec![Set("/subscriber/dateOfBirth", json!("19800230"))],
            "subscriber.dateOfBirth",
        ),
        (
            "birth date in the future",
            vec![Set("/subscriber/dateOfBirth", date(2))],
            "subscriber.dateOfBirth",
        ),
        (
            "birth date before 1900",
            vec![Set("/subscriber/dateOfBirth", json!("18991231"))],
            "subscriber.dateOfBirth",
        ),
        (
            "gender unknown code",
            vec![Set("/subscriber/gender", json!("X"))],
            "subscriber.gender",
        ),
        (
            "gender lower case",
            vec![Set("/subscriber/gender", json!("f"))],
            "subscriber.gender",
        ),
        (
            "dependents not an array",
            vec![Set("/dependents", json!({"firstName": "A"}))],
            "dependents",
        ),
        (
            "dependent without last name",
            vec![Set(
                "/dependents",
                json!([{"firstName": "JIM", "dateOfBirth": "20150601"}]),
            )],
            "dependents[0].lastName",
        ),
        (
            "dependent bad gender",
            vec![Set(
                "/dependents",
                json!([{"firstName": "JIM", "lastName": "DOE", "dateOfBirth": "20150601", "gender": "Q"}]),
            )],
            "dependents[0].gender",
        ),
        (
            "second dependent bad birth date",
            vec![Set(
                "/dependents",
                json!([
                    {"firstName": "JIM", "lastName": "DOE", "dateOfBirth": "20150601"},
                    {"firstName": "ANN", "lastName": "DOE", "dateOfBirth": "2015"}
                ]),
            )],
            "dependents[1].dateOfBirth",
        ),
        (
            "too many dependents",
            vec![Set(
                "/dependents",
                json!(vec![
                    json!({"firstName": "JIM", "lastName": "DOE", "dateOfBirth": "20150601"});
                    11
                ]),
            )],
            "dependents",
        ),
        (
            "service type unknown",
            vec![Set("/encounter/serviceTypeCodes", json!(["30", "ZZ9"]))],
            "encounter.serviceTypeCodes[1]",
        ),
        (
            "service type empty",
            vec![Set("/encounter/serviceTypeCodes", json!([""]))],
            "encounter.serviceTypeCodes[0]",
        ),
        (
            "service type not a list",
            vec![Set("/encounter/serviceTypeCodes", json!("30"))],
            "encounter.serviceTypeCodes",
        ),
        (
            "service type number",
            vec![Set("/encounter/serviceTypeCodes", json!([30]))],
            "encounter.serviceTypeCodes[0]",
        ),
        (
            "date of service too old",
            vec![Set("/encounter/dateOfService", date(-400))],
            "encounter.dateOfService",
        ),
        (
            "date of service after this month",
            vec![Set("/encounter/dateOfService", date(40))],
            "encounter.dateOfService",
        ),
        (
            "date of service malformed",
            vec![Set("/encounter/dateOfService", json!("tomorrow"))],
            "encounter.dateOfService",
        ),
        (
            "range end before begin",
            vec![
                Remove("/encounter/dateOfService"),
                Set("/encounter/beginningDateOfService", date(-1)),
                Set("/encounter/endDateOfService", date(-5)),
            ],
            "encounter.endDateOfService",
        ),
        (
            "range without end",
            vec![
                Remove("/encounter/dateOfService"),
                Set("/encounter/beginningDateOfService", date(-1)),
            ],
            "encounter.endDateOfService",
        ),
        (
            "single date and range",
            vec![
                Set("/encounter/beginningDateOfService", date(-1)),
                Set("/encounter/endDateOfService", date(0)),
            ],
            "encounter.dateOfService",
        ),
        (
            "procedure without qualifier",
            vec![Set("/encounter/procedureCode", json!("99213"))],
            "encounter.productOrServiceIDQualifier",
        ),
        (
            "qualifier without procedure",
            vec![Set("/encounter/productOrServiceIDQualifier", json!("HC"))],
            "encounter.procedureCode",
        ),
        (
            "unknown qualifier",
            vec![
                Set("/encounter/procedureCode", json!("99213")),
                Set("/encounter/productOrServiceIDQualifier", json!("QQ")),
            ],
            "encounter.productOrServiceIDQualifier",
        ),
        (
            "CPT code too short",
            vec![
                Set("/encounter/procedureCode", json!("9921")),
                Set("/encounter/productOrServiceIDQualifier", json!("HC")),
            ],
            "encounter.procedureCode",
        ),
        (
            "dental code without D",
            vec![
                Set("/encounter/procedureCode", json!("01200")),
                Set("/encounter/productOrServiceIDQualifier", json!("AD")),
            ],
            "encounter.procedureCode",
        ),
        (
            "NDC not 11 digits",
            vec![
                Set("/encounter/procedureCode", json!("0009-3721-05")),
                Set("/encounter/productOrServiceIDQualifier", json!("N4")),
            ],
            "encounter.procedureCode",
        ),
        (
            "too many modifiers",
            vec![
                Set("/encounter/procedureCode", json!("99213")),
                Set("/encounter/productOrServiceIDQualifier", json!("HC")),
                Set(
                    "/encounter/procedureModifiers",
                    json!(["25", "59", "GT", "95", "76"]),
                ),
            ],
            "encounter.procedureModifiers",
        ),
        (
            "bad modifier",
            vec![
                Set("/encounter/procedureCode", json!("99213")),
                Set("/encounter/productOrServiceIDQualifier", json!("HC")),
                Set("/encounter/procedureModifiers", json!(["2"])),
            ],
            "encounter.procedureModifiers[0]",
        ),
        (
            "modifiers without procedure",
            vec![Set("/encounter/procedureModifiers", json!(["25"]))],
            "encounter.procedureModifiers",
        ),
        (
            "encounter not an object",
            vec![Set("/encounter", json!(["30"]))],
            "encounter",
        ),
    ];
    assert!(cases.len() >= 40, "only {} cases", cases.len());

    let app = spawn_app();
    for (name, changes, path) in &cases {
        let body = changed(changes);
        let response = app.check(&body).await;
        let status = response.status().as_u16();
        let answer: Value = response.json().await.unwrap();
        assert_eq!(status, 400, "{name}: {answer}");
        assert_eq!(
            answer["error"]["code"], "invalid_request",
            "{name}: {answer}"
        );
        let fields: Vec<&str> = answer["error"]["fields"]
            .as_array()
            .unwrap_or_else(|| panic!("{name}: no fields: {answer}"))
            .iter()
            .filter_map(|field| field["path"].as_str())
            .collect();
        assert!(
            fields.contains(path),
            "{name}: expected {path} in {fields:?}"
        );
    }

    // Unknown fields are ignored, and the process is still healthy after all of the above.
    let extra = changed(&[
        Set("/somethingNew", json!({"nested": [1, 2]})),
        Set("/subscriber/ssn", json!("x")),
    ]);
    assert_eq!(app.check(&extra).await.status(), 200);
    assert_eq!(app.get("/healthz").await.status(), 200);
}
