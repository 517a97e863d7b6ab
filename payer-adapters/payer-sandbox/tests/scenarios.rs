//! The scenarios that find the member, through the adapter: real 270 bytes to the payer, real 271 bytes back,
//! decoded by the codec into the normalized answer and its coverage summary.
mod common;

use common::*;
use payer_core::{CoverageStatus, PayerAdapter};
use payer_sandbox::{plan, Scenario};

#[tokio::test(start_paused = true)]
async fn active_has_the_full_benefit_set() {
    let reply = check("ACT1001", &["30"]).await;
    let r = &reply.response;
    assert_eq!(r.coverage.status, CoverageStatus::Active);
    assert_eq!(r.coverage.plan_name.as_deref(), Some(plan::PLAN_NAME));
    assert_eq!(r.coverage.plan_begin, Some(date(2025, 1, 1)));
    assert_eq!(r.coverage.plan_end, Some(date(2025, 12, 31)));
    assert_eq!(r.errors, vec![]);

    // The inquiry's members, provider and payer come back.
    let subscriber = r.subscriber.as_ref().unwrap();
    assert_eq!(subscriber.member_id.as_ref().unwrap().expose(), "ACT1001");
    assert_eq!(subscriber.first_name.as_ref().unwrap().expose(), FIRST);
    assert_eq!(subscriber.last_name.as_ref().unwrap().expose(), LAST);
    assert_eq!(
        subscriber.date_of_birth.as_ref().unwrap().expose(),
        "19840309"
    );
    assert_eq!(
        r.provider.as_ref().unwrap().npi.as_deref(),
        Some("1234567893")
    );
    let payer = r.payer.as_ref().unwrap();
    assert_eq!(payer.payor_identification.as_deref(), Some(PAYER_ID));
    assert_eq!(
        payer.name.as_deref(),
        Some(payer_sandbox::config::DEFAULT_PAYER_NAME)
    );
    assert_eq!(
        r.plan_information.as_ref().unwrap().group_number.as_deref(),
        Some(plan::GROUP_NUMBER)
    );

    // Every covered service type is active, without prior authorization.
    for code in plan::COVERED {
        let s = service(r, code);
        assert_eq!(s.active, Some(true), "{code}");
        assert_eq!(s.authorization_required, Some(false), "{code}");
    }
    // Copays in and out of network, coinsurance.
    assert_eq!(service(r, "98").in_network.copay, dollars(25));
    assert_eq!(service(r, "98").out_of_network.copay, dollars(50));
    assert_eq!(service(r, "UC").in_network.copay, dollars(50));
    assert_eq!(service(r, "86").out_of_network.copay, dollars(250));
    assert_eq!(service(r, "1").in_network.coinsurance_percent, dollars(20));
    assert_eq!(
        service(r, "1").out_of_network.coinsurance_percent,
        dollars(40)
    );
    // Deductible and out-of-pocket, individual and family, total and remaining.
    let plan_level = service(r, "30");
    assert_eq!(plan_level.active, Some(true));
    let deductible = &plan_level.in_network.deductible;
    assert_eq!(
        (deductible.individual.total, deductible.individual.remaining),
        (dollars(2000), dollars(1200))
    );
    assert_eq!(
        (deductible.family.total, deductible.family.remaining),
        (dollars(4000), dollars(3100))
    );
    let oon = &plan_level.out_of_network.deductible;
    assert_eq!(
        (oon.individual.total, oon.individual.remaining),
        (dollars(4000), dollars(3400))
    );
    let oop = &plan_level.in_network.out_of_pocket;
    assert_eq!(
        (oop.individual.total, oop.individual.remaining),
        (dollars(6000), dollars(4850))
    );
    assert_eq!(
        (oop.family.total, oop.family.remaining),
        (dollars(12000), dollars(10350))
    );

    // The primary care provider in the 2120C loop, messages, plan dates.
    let pcp = r
        .benefits_information
        .iter()
        .flat_map(|b| &b.details().benefits_related_entities)
        .find(|e| e.entity_identifier_code == "P3")
        .unwrap();
    assert_eq!(pcp.entity_name.as_deref(), Some(plan::PCP_LAST_NAME));
    assert_eq!(
        pcp.entity_identification_value.as_deref(),
        Some(plan::PCP_NPI)
    );
    assert!(r
        .benefits_information
        .iter()
        .any(|b| !b.details().additional_information.is_empty()));
    let dates: Vec<&str> = r
        .plan_date_information
        .iter()
        .map(|d| d.qualifier_code.as_str())
        .collect();
    assert!(
        dates.contains(&"346") && dates.contains(&"347"),
        "{dates:?}"
    );
    assert!(r.benefits_information.iter().all(|b| b.loop_id == "2110C"));
}

#[tokio::test(start_paused = true)]
async fn specific_service_types_are_answered_for_themselves() {
    let reply = check("act-2002", &["98", "UC"]).await;
    let r = &reply.response;
    assert_eq!(r.coverage.status, CoverageStatus::Active);
    assert_eq!(service(r, "98").in_network.copay, dollars(25));
    assert_eq!(service(r, "UC").out_of_network.copay, dollars(100));
    let deductible = &service(r, "98").in_network.deductible.individual;
    assert_eq!(
        (deductible.total, deductible.remaining),
        (dollars(2000), dollars(1200))
    );
    // Nothing about services not asked (health benefit plan coverage aside).
    let mut asked: Vec<&str> = r
        .coverage
        .services
        .iter()
        .map(|s| s.service_type_code.as_str())
        .collect();
    asked.sort_unstable();
    assert_eq!(asked, vec!["30", "98", "UC"]);
}

#[tokio::test(start_paused = true)]
async fn unknown_members_and_name_searches_are_active() {
    let reply = check("W123456789", &[]).await;
    assert_eq!(reply.response.coverage.status, CoverageStatus::Active);

    let mut by_name = request("unused", &["30"]);
    by_name.subscriber.member_id = None;
    let adapter = adapter(0);
    let reply = adapter.check(&by_name).await.unwrap();
    assert_eq!(reply.response.coverage.status, CoverageStatus::Active);
    let found = reply
        .response
        .subscriber
        .unwrap()
        .member_id
        .unwrap()
        .into_inner();
    assert!(found.starts_with("ACT") && found.len() == 12, "{found}");
    assert_eq!(adapter.calls().get(Scenario::Active), 1);
}

#[tokio::test(start_paused = true)]
async fn inactive_plan_ended_before_the_date_of_service() {
    let reply = check("INA3003", &["30"]).await;
    let r = &reply.response;
    assert_eq!(r.coverage.status, CoverageStatus::Inactive);
    assert_eq!(r.coverage.plan_end, Some(date(2024, 12, 31)));
    assert_eq!(benefits(r, "6").count(), 1);
    assert_eq!(benefits(r, "1").count(), 0);
    assert_eq!(service(r, "30").active, Some(false));
}

#[tokio::test(start_paused = true)]
async fn dependent_has_its_own_benefits() {
    let adapter = adapter(0);
    let reply = adapter
        .check(&with_dependent(request("DEP4004", &["30"])))
        .await
        .unwrap();
    let r = &reply.response;
    assert_eq!(r.coverage.status, CoverageStatus::Active);
    assert_eq!(r.dependents.len(), 1);
    let dependent = &r.dependents[0];
    assert_eq!(
        dependent.first_name.as_ref().unwrap().expose(),
        DEPENDENT_FIRST
    );
    assert_eq!(
        dependent.date_of_birth.as_ref().unwrap().expose(),
        "20151102"
    );
    assert_eq!(dependent.relation_to_subscriber_code.as_deref(), Some("19"));
    assert_eq!(
        r.subscriber
            .as_ref()
            .unwrap()
            .member_id
            .as_ref()
            .unwrap()
            .expose(),
        "DEP4004"
    );
    assert!(!r.benefits_information.is_empty());
    assert!(
        r.benefits_information.iter().all(|b| b.loop_id == "2110D"),
        "benefits belong to the dependent"
    );
    assert_eq!(service(r, "98").in_network.copay, dollars(25));

    // With no dependent in the inquiry, the payer names the one it has on file.
    let reply = adapter.check(&request("dep4005", &["30"])).await.unwrap();
    let dependent = &reply.response.dependents[0];
    assert_eq!(dependent.first_name.as_ref().unwrap().expose(), "JORDAN");
    assert_eq!(dependent.last_name.as_ref().unwrap().expose(), LAST);
    assert_eq!(adapter.calls().get(Scenario::Dependent), 2);
}

#[tokio::test(start_paused = true)]
async fn deductible_met_has_nothing_left() {
    let reply = check("DED5005", &["30"]).await;
    let r = &reply.response;
    assert_eq!(r.coverage.status, CoverageStatus::Active);
    let deductible = &service(r, "30").in_network.deductible;
    assert_eq!(
        (deductible.individual.total, deductible.individual.remaining),
        (dollars(2000), dollars(0))
    );
    assert_eq!(deductible.family.remaining, dollars(1350));
    assert_eq!(
        service(r, "30")
            .out_of_network
            .deductible
            .individual
            .remaining,
        dollars(0)
    );
}

#[tokio::test(start_paused = true)]
async fn auth_required_flags_services_and_names_the_manager() {
    let reply = check("AUTH6006", &["30"]).await;
    let r = &reply.response;
    assert_eq!(r.coverage.status, CoverageStatus::Active);
    for code in plan::AUTH_REQUIRED {
        assert_eq!(
            service(r, code).authorization_required,
            Some(true),
            "{code}"
        );
    }
    assert_eq!(service(r, "98").authorization_required, Some(false));
    let manager = r
        .benefits_information
        .iter()
        .flat_map(|b| &b.details().benefits_related_entities)
        .find(|e| e.entity_identifier_code == "X3")
        .unwrap();
    assert_eq!(manager.entity_name.as_deref(), Some(plan::UM_NAME));

    // A procedure inquiry gets the procedure back with EB11 = Y.
    let reply = adapter(0)
        .check(&with_procedure(request("auth6007", &[]), "70553"))
        .await
        .unwrap();
    let by_procedure = reply
        .response
        .benefits_information
        .iter()
        .find(|b| b.details().composite_medical_procedure_identifier.is_some())
        .unwrap();
    assert_eq!(
        by_procedure
            .details()
            .composite_medical_procedure_identifier
            .as_ref()
            .unwrap()
            .procedure_code,
        "70553"
    );
    assert_eq!(by_procedure.auth_or_cert_indicator.as_deref(), Some("Y"));
}

#[tokio::test(start_paused = true)]
async fn pharmacy_is_carved_out_to_the_pbm() {
    let reply = check("RX7007", &["30"]).await;
    let r = &reply.response;
    assert_eq!(r.coverage.status, CoverageStatus::Active);
    let other = benefits(r, "R").next().unwrap();
    assert_eq!(other.service_type_codes, plan::PHARMACY.to_vec());
    let pbm = &other.details().benefits_related_entities[0];
    assert_eq!(pbm.entity_identifier_code, "PR");
    assert_eq!(pbm.entity_name.as_deref(), Some(plan::PBM_NAME));
    assert_eq!(
        pbm.entity_identification_value.as_deref(),
        Some(plan::PBM_BIN)
    );
    let refs: Vec<(&str, &str)> = other
        .details()
        .benefits_additional_information
        .iter()
        .map(|r| (r.qualifier_code.as_str(), r.value.expose().as_str()))
        .collect();
    assert_eq!(refs, vec![("N6", plan::PBM_PCN), ("6P", plan::PBM_GROUP)]);
    // Pharmacy is not reported as an active medical benefit of this payer.
    assert!(benefits(r, "1").all(|b| !b.service_type_codes.iter().any(|t| t == "88")));
    assert_eq!(service(r, "98").in_network.copay, dollars(25));

    // Asking for pharmacy alone gets the plan's status and the carve-out.
    let reply = check("rx7008", &["88"]).await;
    assert_eq!(reply.response.coverage.status, CoverageStatus::Active);
    let other = benefits(&reply.response, "R").next().unwrap();
    assert_eq!(other.service_type_codes, vec!["88".to_owned()]);
}
