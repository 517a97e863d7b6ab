//! The body of a check answered from the cache, written from the stored bytes without decoding the answer.
//!
//! It holds the same members as the [`CheckBody`](super::eligibility::CheckBody) of a decoded answer: the
//! check's own `controlNumber`, the stored answer's members, `x12` when asked for and kept, and `meta`.
//!
//! The stored members are decompressed straight into the body, and the body is one buffer: the HTTP server
//! copies it into the connection's write buffer in one piece and sends it in one write. Handed over in
//! several chunks, each chunk past the server's flush threshold costs a write of its own (a second `sendto`
//! for a typical 23 KB answer was the largest cost a cached check had over a bare Redis GET). In one piece
//! the write buffer grows once, to the response's size, and the server keeps it at that for the connection's
//! life (up to 128 KiB); when many checks are in flight, the route hands the same buffer over in pieces
//! that keep it at 8 KiB instead ([`super::pieces`]).
use crate::cache::StoredAnswer;
use crate::error::ApiError;
use crate::router::{Meta, UnreadableAnswer};

/// Room for the control number, `meta`, and the braces around the stored members.
const FRAME_BYTES: usize = 1024;

/// The JSON body of a cached answer for the check with `control_number`.
pub fn write(
    answer: &StoredAnswer,
    control_number: &str,
    include_x12: bool,
    meta: &Meta,
) -> Result<Vec<u8>, ApiError> {
    let unexpected = |error: anyhow::Error| ApiError::Unexpected(error);
    let unreadable = |_| unexpected(UnreadableAnswer.into());
    let x12 = match answer.x12() {
        Some(x12) if include_x12 => Some(x12.map_err(unreadable)?),
        _ => None,
    };
    let mut body = Vec::with_capacity(
        FRAME_BYTES
            + answer.members_len()
            + x12.as_ref().map_or(0, |x12| x12.len() + x12.len() / 8),
    );
    body.extend_from_slice(br#"{"controlNumber":"#);
    serde_json::to_writer(&mut body, control_number).map_err(|e| unexpected(e.into()))?;
    answer.write_members(&mut body).map_err(unreadable)?;
    if let Some(x12) = x12 {
        body.extend_from_slice(br#","x12":"#);
        serde_json::to_writer(&mut body, &x12).map_err(|e| unexpected(e.into()))?;
    }
    body.extend_from_slice(br#","meta":"#);
    serde_json::to_writer(&mut body, meta).map_err(|e| unexpected(e.into()))?;
    body.push(b'}');
    Ok(body)
}

#[cfg(test)]
mod tests {
    use payer_core::{
        BenefitInformation, Coverage, CoverageStatus, EligibilityResponse, Phi, ResponseMember,
    };
    use serde_json::Value;

    use super::*;
    use crate::router::CacheMeta;
    use crate::routes::eligibility::CheckBody;

    fn answer(status: CoverageStatus) -> EligibilityResponse {
        EligibilityResponse {
            control_number: "STORED-BY-ANOTHER-CHECK".into(),
            subscriber: Some(ResponseMember {
                member_id: Some(Phi::new("ACT1234 \"quoted\"".into())),
                ..ResponseMember::default()
            }),
            benefits_information: vec![BenefitInformation {
                code: "1".into(),
                service_type_codes: ["30"].into(),
                ..BenefitInformation::default()
            }],
            coverage: Coverage {
                status,
                ..Coverage::default()
            },
            x12: Some("ISA*00*~ST*271*0001~".into()),
            ..EligibilityResponse::default()
        }
    }

    fn meta() -> Meta {
        Meta {
            trace_id: "trace-1".into(),
            cache: CacheMeta {
                hit: true,
                age_seconds: Some(3),
                stale: false,
            },
            payer_latency_ms: None,
            attempts: 0,
            x12: Vec::new(),
        }
    }

    /// What the route writes for a decoded answer.
    fn decoded_body(response: EligibilityResponse, include_x12: bool) -> Value {
        let mut body = CheckBody {
            response,
            meta: meta(),
        };
        if !include_x12 {
            body.response.x12 = None;
        }
        serde_json::to_value(&body).unwrap()
    }

    #[test]
    fn a_stored_body_is_the_decoded_body_with_this_checks_control_number() {
        for status in [CoverageStatus::Active, CoverageStatus::Unknown] {
            let stored = StoredAnswer::new(answer(status)).unwrap();
            assert_eq!(stored.status(), status);
            for include_x12 in [false, true] {
                let control = "0000\"4711\\";
                let written: Value =
                    serde_json::from_slice(&write(&stored, control, include_x12, &meta()).unwrap())
                        .unwrap();
                let mut expected = answer(status);
                expected.control_number = control.into();
                assert_eq!(written, decoded_body(expected.clone(), include_x12));
                let decoded = stored.decode(control, include_x12).unwrap();
                if !include_x12 {
                    expected.x12 = None;
                }
                assert_eq!(decoded, expected);
            }
        }
    }

    #[test]
    fn stored_bytes_round_trip_and_damaged_ones_are_refused() {
        let stored = StoredAnswer::new(answer(CoverageStatus::Active)).unwrap();
        let again = StoredAnswer::from_packed_at(stored.as_bytes().to_vec(), 0).unwrap();
        assert_eq!(again, stored);
        let packed = stored.as_bytes().to_vec();
        let refused = |bytes: Vec<u8>| StoredAnswer::from_packed_at(bytes, 0).is_err();
        for damage in [0usize, 1] {
            let mut bad = packed.clone();
            bad[damage] = 9;
            assert!(refused(bad), "byte {damage}");
        }
        let mut long = packed.clone();
        long[2..6].copy_from_slice(&u32::MAX.wrapping_sub(1).to_le_bytes());
        assert!(refused(long), "x12 longer than any part");
        let mut past = packed.clone();
        past[6..10].copy_from_slice(&u32::MAX.wrapping_sub(1).to_le_bytes());
        assert!(refused(past), "x12 block past the value");
        assert!(refused(packed[..packed.len() - 1].to_vec()), "cut short");
        assert!(refused([packed.as_slice(), b"x"].concat()), "bytes after");
        assert!(refused(vec![1, 0]), "too short");
        // An intact frame around a block that is not LZ4, or not the declared length: refused when read.
        let mut garbled = packed.clone();
        let end = garbled.len();
        garbled[end - 4..].copy_from_slice(&[0xff; 4]);
        let garbled = StoredAnswer::from_packed_at(garbled, 0).unwrap();
        assert!(garbled.write_members(&mut Vec::new()).is_err());
        assert!(garbled.decode("c", false).is_err());
        assert!(
            !format!("{stored:?}").contains("ACT1234"),
            "Debug shows no member data"
        );
    }
}
