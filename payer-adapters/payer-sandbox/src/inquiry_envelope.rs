//! [`InquiryEnvelope`]: what the sandbox payer reads from a 270's envelope to address its answer, read with
//! the codec's tokenizer and tolerant of whatever it cannot read.
use payer_x12::tokenizer::tokenize;

/// What the payer needs from the 270's envelope to answer it: who sent it, its group and set numbers, and
/// where the subscriber's name is (for a 999 that points at it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InquiryEnvelope {
    /// ISA06.
    pub(crate) sender: String,
    /// ISA08.
    pub(crate) receiver: String,
    /// GS06, when it is digits.
    pub(crate) group_control: Option<String>,
    /// ST02, when it is digits.
    pub(crate) transaction_control: Option<String>,
    /// The interchange position of the ST segment.
    st_position: Option<usize>,
    /// The position within the transaction set (ST is 1) of the 2100C NM1*IL.
    pub(crate) subscriber_position: Option<u32>,
}

impl InquiryEnvelope {
    /// Reads the envelope with the codec's tokenizer; unreadable parts get defaults (the answer must go out).
    pub(crate) fn read(inquiry: &[u8]) -> InquiryEnvelope {
        let mut envelope = InquiryEnvelope {
            sender: "SUBMITTER".to_owned(),
            receiver: "SANDBOX".to_owned(),
            group_control: None,
            transaction_control: None,
            st_position: None,
            subscriber_position: None,
        };
        let Ok(tokens) = tokenize(inquiry) else {
            return envelope;
        };
        let digits = |v: Option<&str>| {
            v.filter(|v| v.len() <= 9 && v.bytes().all(|b| b.is_ascii_digit()))
                .map(str::to_owned)
        };
        let id = |v: Option<&str>| {
            v.filter(|v| v.len() <= 15 && !v.contains(['*', '~', '^', ':']))
                .map(str::to_owned)
        };
        for segment in tokens.segments() {
            if segment.is("ISA") {
                envelope.sender = id(segment.element(6)).unwrap_or(envelope.sender);
                envelope.receiver = id(segment.element(8)).unwrap_or(envelope.receiver);
            } else if segment.is("GS") {
                envelope.group_control = digits(segment.element(6));
            } else if segment.is("ST") {
                envelope.transaction_control = digits(segment.element(2));
                envelope.st_position = Some(segment.position());
            } else if segment.is("NM1") && segment.element(1) == Some("IL") {
                envelope.subscriber_position = Some(envelope.position_in_set(segment.position()));
                break;
            }
        }
        envelope
    }

    /// The position within the transaction set of the segment at `position` in the interchange.
    pub(crate) fn position_in_set(&self, position: usize) -> u32 {
        let relative = self
            .st_position
            .map_or(position, |st| position.saturating_sub(st) + 1);
        u32::try_from(relative).unwrap_or(u32::MAX)
    }
}
