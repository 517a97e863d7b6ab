//! Fuzz target: `payer_x12::decode` on arbitrary bytes must return `Ok` or `Err`, never panic, and its
//! errors and warnings must never quote the input (they name segment ids and positions only).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match payer_x12::decode(data) {
        Ok(payer_x12::Reply::Eligibility(responses)) => {
            for response in &responses {
                for warning in &response.warnings {
                    if let Some(id) = &warning.segment {
                        assert!(id.len() <= 3 && id.bytes().all(|b| b.is_ascii_alphanumeric()));
                    }
                }
                // The summary must be computable again from the normalized response alone.
                assert_eq!(payer_x12::summarize(response), response.coverage);
            }
        }
        Ok(_) => {}
        Err(error) => {
            if let Some(id) = &error.segment {
                assert!(id.len() <= 3 && id.bytes().all(|b| b.is_ascii_alphanumeric()));
            }
            let _ = error.to_string();
        }
    }
});
