//! Fuzz target: the gateway's request parsing (`EligibilityRequestDto::from_json`, then `parse`) on arbitrary
//! bytes read as JSON must return `Ok` or field errors, never panic; accepted inquiries keep the domain
//! invariants the adapters rely on, and every field error names a field and says what is wrong.
#![no_main]

use gateway::domain::EligibilityRequestDto;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    // A fixed "today", so that a crash reproduces on any day.
    let today = chrono::NaiveDate::from_ymd_opt(2025, 6, 15).unwrap();
    let dto = match EligibilityRequestDto::from_json(value) {
        Ok(dto) => dto,
        Err(error) => {
            assert!(!error.message.is_empty());
            return;
        }
    };
    match dto.parse(today) {
        Ok(request) => {
            assert_eq!(request.control_number.len(), 9);
            assert!(request.control_number.bytes().all(|b| b.is_ascii_digit()));
            assert_eq!(request.provider.npi.len(), 10);
            assert!(!request.payer_id.is_empty());
            // What the adapters receive must serialize (it is sent to chc-json payers as JSON).
            serde_json::to_vec(&request).unwrap();
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            for error in &errors {
                assert!(!error.message.is_empty());
            }
        }
    }
});
