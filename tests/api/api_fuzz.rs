//! A property-based fuzz of the running API: arbitrary JSON, arbitrary bytes, and mutated requests of the
//! API's own shape, sent to the real gateway. Nothing answers 500, nothing crashes, and a 5xx comes only from
//! a sandbox scenario that means one (payer unavailable, malformed 271, slow or timing out payer).
// See: issue 7.
use payer_sandbox::{scenario_for, Scenario};
use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use serde_json::{json, Map, Value};

use crate::helpers::{spawn_app_with, TestApp, NPI};

/// The gateway under test and a runtime to drive the client from proptest's synchronous closures.
struct Target {
    app: TestApp,
    runtime: tokio::runtime::Runtime,
}

impl Target {
    /// Sends a body (bytes, as JSON) and returns the status and body text.
    fn send(&self, path: &str, body: Vec<u8>) -> (u16, String) {
        self.runtime.block_on(async {
            let response = self
                .app
                .client
                .post(format!("{}{path}", self.app.address))
                .header("content-type", "application/json")
                .header("x-request-timeout-ms", "1000")
                .body(body)
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            (status, response.text().await.unwrap())
        })
    }
}

/// Whether a 5xx is what this body's member id asks the sandbox for.
fn fault_scenario(body: &Value) -> bool {
    let member_id = body["subscriber"]["memberId"].as_str().unwrap_or("");
    matches!(
        scenario_for(member_id),
        Scenario::PayerUnavailable | Scenario::Malformed | Scenario::Slow | Scenario::Timeout
    )
}

fn check_answer(status: u16, text: &str, fault_allowed: bool) {
    assert_ne!(status, 500, "internal error: {text}");
    if status >= 500 {
        assert!(
            fault_allowed,
            "a 5xx without a fault scenario: {status} {text}"
        );
    }
    assert!(
        !text.contains("panicked") && !text.contains("src/"),
        "{text}"
    );
    let body: Value = serde_json::from_str(text).unwrap_or_else(|_| panic!("not JSON: {text}"));
    if status >= 400 {
        assert!(body["error"]["code"].is_string(), "{text}");
    }
}

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        ".{0,40}".prop_map(Value::String),
        "[A-Z0-9~*^:|>]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("subscriber".to_owned()),
                    Just("provider".to_owned()),
                    Just("encounter".to_owned()),
                    Just("dependents".to_owned()),
                    Just("memberId".to_owned()),
                    Just("dateOfBirth".to_owned()),
                    Just("serviceTypeCodes".to_owned()),
                    Just("tradingPartnerServiceId".to_owned()),
                    "[a-zA-Z]{1,12}",
                ],
                inner,
                0..8
            )
            .prop_map(|map| Value::Object(map.into_iter().collect::<Map<String, Value>>())),
        ]
    })
}

/// A request of the API's shape whose every field may be missing, wrong-typed or hostile.
///
/// Each field is valid most of the time (weights of about 20 to 3), so that about a quarter of the cases pass
/// validation with all ten fields and reach the payer: with even odds per field, too few would (a run once had
/// only 6 of 400), and the path past validation would go untested.
fn request_model() -> impl Strategy<Value = Value> {
    let text = prop_oneof![
        20 => "[A-Z]{1,12}",
        1 => "[A-Za-z0-9 '.,~*^:|>\\-]{0,70}",
        1 => ".{0,20}",
        1 => Just(String::new()),
    ];
    let date = prop_oneof![
        20 => "19[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|1[0-9]|2[0-8])",
        1 => "(19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9])",
        1 => "[0-9]{0,10}",
        1 => ".{0,10}"
    ];
    let member_id = prop_oneof![
        12 => "(ACT|INA|DEP|DED|AUTH|RX|INV|REJ|ZZ)[A-Z0-9]{0,10}",
        1 => "[A-Za-z0-9~*]{0,90}",
    ];
    // Mostly today (inside the date-of-service window), so that many cases reach the payer.
    let today = chrono::Local::now().format("%Y%m%d").to_string();
    let service_date = prop_oneof![12 => Just(today), 1 => date.clone()];
    let codes = prop::collection::vec(
        prop_oneof![
            6 => Just("30".to_owned()),
            3 => Just("88".to_owned()),
            1 => "[0-9A-Z]{1,2}",
            1 => ".{0,3}"
        ],
        0..4,
    );
    (
        prop_oneof![
            12 => Just("sandbox".to_owned()),
            1 => Just("sbx".to_owned()),
            1 => Just("sandbox-single".to_owned()),
            1 => text.clone()
        ],
        prop_oneof![20 => Just(NPI.to_owned()), 1 => "[0-9]{10}", 1 => text.clone()],
        member_id,
        text.clone(),
        text,
        date.clone(),
        prop_oneof![3 => Just("M"), 3 => Just("F"), 1 => Just("U"), 1 => Just("X")],
        codes,
        service_date,
        prop::option::of(prop_oneof![20 => "[0-9]{9}", 1 => ".{0,12}"]),
        any::<u8>(),
    )
        .prop_map(
            |(payer, npi, member_id, first, last, birth, gender, codes, service_date, control, drop)| {
                let mut body = json!({
                    "controlNumber": control,
                    "tradingPartnerServiceId": payer,
                    "provider": {"organizationName": "CLINIC", "npi": npi},
                    "subscriber": {"memberId": member_id, "firstName": first, "lastName": last, "dateOfBirth": birth, "gender": gender},
                    "dependents": [{"firstName": first, "lastName": last, "dateOfBirth": birth}],
                    "encounter": {"serviceTypeCodes": codes, "dateOfService": service_date}
                });
                let object = body.as_object_mut().unwrap();
                let keys: Vec<String> = object.keys().cloned().collect();
                for (index, key) in keys.iter().enumerate() {
                    if drop < 16 && drop & (1 << (index % 6)) != 0 {
                        object.remove(key);
                    }
                }
                body
            },
        )
}

#[test]
fn the_api_answers_hostile_input_with_4xx_and_never_a_500_or_a_crash() {
    // One gateway for every case (each case is a request, not a process); dropped, so stopped, at the end.
    let target = Target {
        app: spawn_app_with("warn", ""),
        runtime: tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap(),
    };
    let config = || ProptestConfig {
        cases: 200,
        failure_persistence: None,
        ..ProptestConfig::default()
    };

    let mut runner = TestRunner::new(config());
    runner
        .run(&arbitrary_json(), |body| {
            let (status, text) = target.send("/v1/eligibility", serde_json::to_vec(&body).unwrap());
            check_answer(status, &text, fault_scenario(&body));
            Ok(())
        })
        .unwrap();

    let answered = std::cell::Cell::new(0u32);
    let mut runner = TestRunner::new(config());
    runner
        .run(&request_model(), |body| {
            for path in ["/v1/eligibility", "/change/medicalnetwork/eligibility/v3"] {
                let (status, text) = target.send(path, serde_json::to_vec(&body).unwrap());
                check_answer(status, &text, fault_scenario(&body));
                if matches!(status, 200 | 422) {
                    answered.set(answered.get() + 1);
                }
            }
            Ok(())
        })
        .unwrap();
    // The model reaches the payer often enough to exercise the whole path, not only validation.
    assert!(
        answered.get() >= 10,
        "only {} answered checks",
        answered.get()
    );

    let mut runner = TestRunner::new(config());
    runner
        .run(&prop::collection::vec(any::<u8>(), 0..512), |bytes| {
            let (status, text) = target.send("/v1/eligibility", bytes);
            prop_assert!(
                matches!(status, 200 | 400 | 404 | 422),
                "{} {}",
                status,
                text
            );
            check_answer(status, &text, false);
            Ok(())
        })
        .unwrap();

    // The process survived all of it.
    let alive = target
        .runtime
        .block_on(async { target.app.get("/healthz").await.status().as_u16() });
    assert_eq!(alive, 200);
}
