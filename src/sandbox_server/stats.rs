//! What reached the sandbox payer: counts per protocol, member, scenario, fault and refusal, and the last
//! exchanges in full (`GET /stats`, `GET /stats/exchanges`, `GET /stats/last-270s`).
//!
//! The payer is a test payer with synthetic members, so counts are kept per member ID and exchanges keep
//! the bodies (which hold the members' data) for tests to inspect; none of it is ever logged.
use std::collections::{BTreeMap, VecDeque};
use std::sync::Mutex;

use serde::Serialize;

use super::Protocol;

/// Responses longer than this are kept as their length only.
const MAX_KEPT_RESPONSE_BYTES: usize = 256 * 1024;

/// The counters and the last exchanges.
#[derive(Debug)]
pub struct Stats {
    keep_last: usize,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    counts: Counts,
    exchanges: VecDeque<Exchange>,
}

/// `GET /stats`.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    /// Requests received on the protocol endpoints (token requests excluded).
    pub total: u64,
    /// Requests per protocol (`x12-core-soap`, `x12-core-mime`, `x12-http`, `chc-json`).
    pub by_protocol: BTreeMap<&'static str, u64>,
    /// Inquiries per subscriber member ID, for the inquiries whose member ID could be read.
    pub by_member: BTreeMap<String, u64>,
    /// Inquiries per scenario answered (`active`, `timeout`, ...).
    pub by_scenario: BTreeMap<&'static str, u64>,
    /// Faults injected, by name.
    pub faults: BTreeMap<&'static str, u64>,
    /// Requests refused before any scenario, by reason (`credentials`, `envelope`, `x12-structure`, ...).
    pub refused: BTreeMap<&'static str, u64>,
    /// OAuth2 tokens issued.
    pub tokens_issued: u64,
    /// Requests given up by their client: the connection closed before the answer was ready (the client's
    /// timeout, a hedge that lost, a discovery that was cancelled).
    pub aborted: u64,
    /// Requests received on the protocol endpoints per second of arrival (Unix seconds), to check rate
    /// limits from the payer's side.
    pub by_second: BTreeMap<u64, u64>,
}

/// One exchange as the counterpart saw it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Exchange {
    /// The protocol.
    pub protocol: &'static str,
    /// The request's `Content-Type`.
    pub request_content_type: Option<String>,
    /// The request body as received (lossy UTF-8).
    pub request: String,
    /// The 270 it carried, for the X12 protocols.
    pub x12: Option<String>,
    /// The HTTP status answered; `None` when the connection was reset or held.
    pub status: Option<u16>,
    /// The `Content-Type` answered.
    pub response_content_type: Option<String>,
    /// The response body (lossy UTF-8), unless over 256 KiB.
    pub response: Option<String>,
    /// The response body's length in bytes.
    pub response_bytes: usize,
    /// The scenario answered, by name.
    pub scenario: Option<&'static str>,
    /// The fault injected, by name.
    pub fault: Option<&'static str>,
    /// Why the request was refused, when it was.
    pub refused: Option<&'static str>,
}

impl Exchange {
    /// An exchange of `protocol` about the request `body`.
    pub fn new(protocol: Protocol, content_type: Option<&str>, body: &[u8]) -> Exchange {
        Exchange {
            protocol: protocol.name(),
            request_content_type: content_type.map(str::to_owned),
            request: String::from_utf8_lossy(body).into_owned(),
            x12: None,
            status: None,
            response_content_type: None,
            response: None,
            response_bytes: 0,
            scenario: None,
            fault: None,
            refused: None,
        }
    }

    /// Records the answer sent.
    pub fn answered(&mut self, status: u16, content_type: &str, body: &[u8]) {
        self.status = Some(status);
        self.response_content_type = Some(content_type.to_owned());
        self.response_bytes = body.len();
        self.response = (body.len() <= MAX_KEPT_RESPONSE_BYTES)
            .then(|| String::from_utf8_lossy(body).into_owned());
    }
}

impl Stats {
    /// Counters that keep the last `keep_last` exchanges.
    pub fn new(keep_last: usize) -> Stats {
        Stats {
            keep_last,
            inner: Mutex::new(Inner::default()),
        }
    }

    /// Records one finished exchange; `member` is the subscriber's member ID when it could be read.
    pub fn record(&self, exchange: Exchange, member: Option<&str>) {
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        let counts = &mut inner.counts;
        counts.total += 1;
        let second = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.as_secs());
        *counts.by_second.entry(second).or_default() += 1;
        *counts.by_protocol.entry(exchange.protocol).or_default() += 1;
        if let Some(member) = member {
            *counts.by_member.entry(member.to_owned()).or_default() += 1;
        }
        if let Some(scenario) = exchange.scenario {
            *counts.by_scenario.entry(scenario).or_default() += 1;
        }
        if let Some(fault) = exchange.fault {
            *counts.faults.entry(fault).or_default() += 1;
        }
        if let Some(reason) = exchange.refused {
            *counts.refused.entry(reason).or_default() += 1;
        }
        if self.keep_last > 0 {
            if inner.exchanges.len() >= self.keep_last {
                inner.exchanges.pop_front();
            }
            inner.exchanges.push_back(exchange);
        }
    }

    /// Counts a token issued (or refused, as `refused`).
    pub fn token(&self, refused: Option<&'static str>) {
        if let Ok(mut inner) = self.inner.lock() {
            match refused {
                None => inner.counts.tokens_issued += 1,
                Some(reason) => *inner.counts.refused.entry(reason).or_default() += 1,
            }
        }
    }

    /// Counts a request whose client went away before its answer was ready.
    pub fn aborted(&self) {
        if let Ok(mut inner) = self.inner.lock() {
            inner.counts.aborted += 1;
        }
    }

    /// The counters.
    pub fn counts(&self) -> Counts {
        self.inner
            .lock()
            .map(|inner| inner.counts.clone())
            .unwrap_or_default()
    }

    /// The kept exchanges, oldest first.
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.inner
            .lock()
            .map(|inner| inner.exchanges.iter().cloned().collect())
            .unwrap_or_default()
    }
}
