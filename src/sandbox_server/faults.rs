//! Fault injection: which misbehaviour (if any) a request gets, drawn by the configured shares.
use anyhow::bail;
use rand::Rng;

use super::Protocol;

/// One misbehaviour of a counterpart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Fault {
    /// Hold the request without answering for the timeout delay, then reset the connection.
    Timeout,
    /// Reset the connection at once.
    Reset,
    /// HTTP 500 with a plain-text body.
    Http500,
    /// A SOAP 1.2 `soap:Receiver` fault (x12-core-soap).
    SoapFault,
    /// The AAA 42 answer ("unable to respond at current time").
    Aaa42,
    /// A CORE answer envelope without `PayloadID` (x12-core-soap, x12-core-mime).
    MissingField,
    /// A success status with a body that is not X12 (not JSON for chc-json).
    NotX12,
    /// A TA1 rejecting the interchange (the X12 transports).
    Ta1,
    /// The right answer padded past any sane size limit.
    Oversize,
}

impl Fault {
    /// Every fault, in the order shares are drawn.
    pub const ALL: [Fault; 9] = [
        Fault::Timeout,
        Fault::Reset,
        Fault::Http500,
        Fault::SoapFault,
        Fault::Aaa42,
        Fault::MissingField,
        Fault::NotX12,
        Fault::Ta1,
        Fault::Oversize,
    ];

    /// The key in `[faults]` and in `/stats`.
    pub fn name(self) -> &'static str {
        match self {
            Fault::Timeout => "timeout",
            Fault::Reset => "reset",
            Fault::Http500 => "http_500",
            Fault::SoapFault => "soap_fault",
            Fault::Aaa42 => "aaa42",
            Fault::MissingField => "missing_field",
            Fault::NotX12 => "not_x12",
            Fault::Ta1 => "ta1",
            Fault::Oversize => "oversize",
        }
    }

    /// Whether a counterpart speaking `protocol` can misbehave this way.
    pub fn applies_to(self, protocol: Protocol) -> bool {
        match self {
            Fault::SoapFault => protocol == Protocol::CoreSoap,
            Fault::MissingField => matches!(protocol, Protocol::CoreSoap | Protocol::CoreMime),
            Fault::Ta1 => protocol != Protocol::ChcJson,
            _ => true,
        }
    }
}

/// The share of requests each fault gets.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FaultShares {
    shares: Vec<(Fault, f64)>,
}

impl FaultShares {
    /// Shares by key (`None` is 0). Each is 0 to 1, and together at most 1.
    pub fn new(shares: &[(&str, Option<f64>)]) -> anyhow::Result<FaultShares> {
        let mut out = Vec::new();
        for fault in Fault::ALL {
            let share = shares
                .iter()
                .find(|(key, _)| *key == fault.name())
                .and_then(|(_, share)| *share)
                .unwrap_or(0.0);
            if !(0.0..=1.0).contains(&share) {
                bail!("faults.{}: must be a share from 0 to 1", fault.name());
            }
            if share > 0.0 {
                out.push((fault, share));
            }
        }
        let total: f64 = out.iter().map(|(_, share)| share).sum();
        if total > 1.0 + 1e-9 {
            bail!("faults: the shares add up to {total}, more than 1");
        }
        Ok(FaultShares { shares: out })
    }

    /// The fault for one request of `protocol`, if any. A drawn fault that the protocol cannot show is no
    /// fault: the request is answered normally.
    pub fn draw<R: Rng + ?Sized>(&self, rng: &mut R, protocol: Protocol) -> Option<Fault> {
        if self.shares.is_empty() {
            return None;
        }
        self.draw_at(rng.random(), protocol)
    }

    /// The fault of the request whose draw is `point` (0 to 1): the shares laid end to end from 0.
    pub fn draw_at(&self, point: f64, protocol: Protocol) -> Option<Fault> {
        let mut point = point;
        for (fault, share) in &self.shares {
            if point < *share {
                return fault.applies_to(protocol).then_some(*fault);
            }
            point -= share;
        }
        None
    }
}

/// How fault draws are spread over requests (engineer J, for resilience tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FaultSpread {
    /// Each request draws at random.
    #[default]
    Random,
    /// Request `n` draws the `n`th point of the base-2 van der Corput sequence (0, 1/2, 1/4, 3/4, ...): the
    /// shares hold over every run of requests, not just on average; a share of 0.5 is every other request.
    Even,
}

impl FaultSpread {
    /// `random` or `even`.
    pub fn parse(text: &str) -> anyhow::Result<FaultSpread> {
        match text.trim() {
            "random" => Ok(FaultSpread::Random),
            "even" => Ok(FaultSpread::Even),
            _ => bail!("faults.spread: must be random or even"),
        }
    }
}

/// Point `n` of the base-2 van der Corput sequence, in [0, 1).
pub fn van_der_corput(n: u64) -> f64 {
    // The bits of `n` mirrored behind the binary point; 53 bits are all an f64 holds.
    (n.reverse_bits() >> 11) as f64 / (1u64 << 53) as f64
}
