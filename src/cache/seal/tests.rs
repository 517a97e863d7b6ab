//! Unit tests of sealing: round trip, compression, the previous format, no member data in clear, key
//! rotation, and every way a stored value can fail to open.
use std::time::Duration;

use payer_core::{EligibilityResponse, Phi, ResponseMember};

use super::*;
use crate::cache::tests::stored;

fn entry() -> CachedEntry {
    let response = EligibilityResponse {
        subscriber: Some(ResponseMember {
            member_id: Some(Phi::new("ACT123456789".into())),
            last_name: Some(Phi::new("DOEONE".into())),
            ..ResponseMember::default()
        }),
        x12: Some("ISA*00*~NM1*IL*1*DOEONE*JOHNONE****MI*ACT123456789~".into()),
        ..EligibilityResponse::default()
    };
    let mut entry = CachedEntry::new(stored(response));
    entry.fresh_for = Duration::from_secs(600);
    entry
}

fn key(id: u8, byte: u8) -> EncryptionKey {
    EncryptionKey::new(id, [byte; 32])
}

#[test]
fn a_value_sealed_after_a_marker_opens_in_place() {
    let sealer = Sealer::new(&[key(1, 7)]).unwrap();
    let original = entry();
    let mut marked = b"done:".to_vec();
    marked.extend_from_slice(&sealer.seal(&original, b"lease").unwrap());
    let opened = sealer.open_at(marked.clone(), 5, b"lease").unwrap();
    assert_eq!(opened.answer, original.answer);
    // The marker is not part of the sealed value: opened from the wrong place, it does not open.
    assert!(sealer.open_at(marked.clone(), 4, b"lease").is_err());
    assert!(sealer.open_at(marked.clone(), 0, b"lease").is_err());
    assert!(sealer.open_at(marked, usize::MAX, b"lease").is_err());
}

#[test]
fn round_trip_keeps_the_answer_its_age_and_its_lifetime() {
    let sealer = Sealer::new(&[key(1, 7)]).unwrap();
    let original = entry();
    let sealed = sealer.seal(&original, b"elig:v1:c:abc").unwrap();
    assert_eq!(sealed.first(), Some(&FORMAT_V4), "format byte");
    assert_eq!(sealed.get(1), Some(&1), "key id");
    let opened = sealer.open(sealed.clone(), b"elig:v1:c:abc").unwrap();
    assert_eq!(opened.answer, original.answer);
    assert_eq!(opened.fresh_for, Duration::from_secs(600));
    let drift = opened
        .stored_at
        .duration_since(original.stored_at)
        .unwrap_or_else(|e| e.duration());
    assert!(drift < Duration::from_millis(1), "{drift:?}");
}

#[test]
fn sealed_values_hold_no_member_data_and_never_repeat() {
    let sealer = Sealer::new(&[key(1, 7)]).unwrap();
    let a = sealer.seal(&entry(), b"k").unwrap();
    let b = sealer.seal(&entry(), b"k").unwrap();
    assert_ne!(a, b, "a fresh nonce per value");
    for needle in ["ACT123456789", "DOEONE", "JOHNONE", "NM1"] {
        assert!(
            !a.windows(needle.len()).any(|w| w == needle.as_bytes()),
            "{needle} in clear"
        );
    }
}

#[test]
fn rotation_new_key_seals_old_keys_still_open() {
    let old = Sealer::new(&[key(1, 7)]).unwrap();
    let rotated = Sealer::new(&[key(2, 9), key(1, 7)]).unwrap();
    let by_old = old.seal(&entry(), b"k").unwrap();
    let by_new = rotated.seal(&entry(), b"k").unwrap();
    assert_eq!(by_new.get(1), Some(&2), "the first key seals");
    assert!(
        rotated.open(by_old.clone(), b"k").is_ok(),
        "old values still open"
    );
    // The old fleet cannot read the new key's values: a miss, not an error.
    assert_eq!(
        old.open(by_new.clone(), b"k").unwrap_err(),
        OpenError::UnknownKey(2)
    );
}

#[test]
fn wrong_key_moved_value_tampering_and_garbage_do_not_open() {
    let sealer = Sealer::new(&[key(1, 7)]).unwrap();
    let sealed = sealer.seal(&entry(), b"key-a").unwrap();
    // Same id, other key bytes.
    let impostor = Sealer::new(&[key(1, 8)]).unwrap();
    assert_eq!(
        impostor.open(sealed.clone(), b"key-a").unwrap_err(),
        OpenError::Authentication
    );
    // Copied under another Redis key.
    assert_eq!(
        sealer.open(sealed.clone(), b"key-b").unwrap_err(),
        OpenError::Authentication
    );
    // One bit flipped.
    let mut flipped = sealed.clone();
    if let Some(last) = flipped.last_mut() {
        *last ^= 1;
    }
    assert_eq!(
        sealer.open(flipped.clone(), b"key-a").unwrap_err(),
        OpenError::Authentication
    );
    assert_eq!(
        sealer.open(Vec::new(), b"key-a").unwrap_err(),
        OpenError::Format
    );
    assert_eq!(
        sealer.open(vec![9; 40], b"key-a").unwrap_err(),
        OpenError::Format
    );
    assert!(Sealer::new(&[]).is_none());
}

/// A value of `format` whose plaintext is `plain`, sealed under `key` as [`Sealer::seal`] would: what a
/// previous release wrote, or a well-authenticated plaintext that is not a valid one.
fn sealed_by_hand(key: &EncryptionKey, format: u8, plain: &[u8], context: &[u8]) -> Vec<u8> {
    let cipher = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, key.expose()).unwrap());
    let nonce = [5u8; NONCE_BYTES];
    let mut sealed = vec![format, key.id];
    sealed.extend_from_slice(&nonce);
    sealed.extend_from_slice(plain);
    let tag = cipher
        .seal_in_place_separate_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(context),
            &mut sealed[HEADER_BYTES..],
        )
        .unwrap();
    sealed.extend_from_slice(tag.as_ref());
    sealed
}

/// The times of a plaintext: stored now, fresh for ten minutes.
fn times(entry: &CachedEntry) -> Vec<u8> {
    let mut plain = millis_since_epoch(entry.stored_at).to_le_bytes().to_vec();
    plain.extend_from_slice(&600_000u64.to_le_bytes());
    plain
}

#[test]
fn a_large_answer_seals_compressed_to_a_fraction_of_its_size() {
    let sealer = Sealer::new(&[key(1, 7)]).unwrap();
    let response = EligibilityResponse {
        benefits_information: (0..100)
            .map(|k| payer_core::BenefitInformation {
                code: "C".into(),
                service_type_codes: [if k % 2 == 0 { "30" } else { "98" }].into(),
                benefit_amount: Some(format!("{k}.00").into()),
                ..payer_core::BenefitInformation::default()
            })
            .collect(),
        ..EligibilityResponse::default()
    };
    let original = CachedEntry::new(stored(response));
    let answer_bytes = original.answer.plain().len();
    let sealed = sealer.seal(&original, b"k").unwrap();
    assert!(
        sealed.len() * 4 < answer_bytes,
        "{} sealed bytes for a {answer_bytes}-byte answer",
        sealed.len()
    );
    assert_eq!(sealer.open(sealed, b"k").unwrap().answer, original.answer);
}

#[test]
fn a_value_sealed_uncompressed_by_the_previous_release_still_opens() {
    let original = entry();
    let mut plain = times(&original);
    plain.extend_from_slice(&original.answer.plain());
    let sealed = sealed_by_hand(&key(1, 7), FORMAT_V2, &plain, b"k");
    let opened = Sealer::new(&[key(1, 7)])
        .unwrap()
        .open(sealed, b"k")
        .unwrap();
    assert_eq!(opened.answer, original.answer);
    assert_eq!(opened.fresh_for, Duration::from_secs(600));
}

#[test]
fn an_authenticated_value_whose_block_or_length_is_wrong_does_not_open() {
    let sealer = Sealer::new(&[key(1, 7)]).unwrap();
    let original = entry();
    let answer = original.answer.plain();
    let block = lz4_flex::block::compress(&answer);
    let length = u32::try_from(answer.len()).unwrap();
    let with = |length: u32, block: &[u8]| {
        let mut plain = times(&original);
        plain.extend_from_slice(&length.to_le_bytes());
        plain.extend_from_slice(block);
        sealed_by_hand(&key(1, 7), FORMAT_V3, &plain, b"k")
    };
    assert_eq!(
        sealer.open(with(length, &block), b"k").unwrap().answer,
        original.answer,
        "the hand-sealed value is a good one"
    );
    for (what, value) in [
        ("one byte longer than the block", with(length + 1, &block)),
        ("one byte shorter than the block", with(length - 1, &block)),
        ("longer than any answer", with(u32::MAX, &block)),
        ("not a block", with(length, &[0xff; 40])),
        (
            "no length",
            sealed_by_hand(&key(1, 7), FORMAT_V3, &times(&original)[..], b"k"),
        ),
    ] {
        assert_eq!(
            sealer.open(value, b"k").unwrap_err(),
            OpenError::Decode,
            "{what}"
        );
    }
    let mut cut = times(&original);
    cut.extend_from_slice(&original.answer.as_bytes()[..10]);
    assert_eq!(
        sealer
            .open(sealed_by_hand(&key(1, 7), FORMAT_V4, &cut, b"k"), b"k")
            .unwrap_err(),
        OpenError::Decode,
        "a packed answer cut short"
    );
}
