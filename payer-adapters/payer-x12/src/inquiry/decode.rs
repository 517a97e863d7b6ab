//! The 270 decoder: what a payer does with an inquiry. Each 2000C subscriber loop becomes one
//! [`EligibilityRequest`], with its 2000D dependents.
//!
//! Read: BHT03 (control number), 2100A NM109 (payer id), 2100B NM1 (organization or person, NM109 as the
//! provider identifier whatever its qualifier), 2100C/2100D NM1 (name, NM107 suffix appended to the last name,
//! NM109 member id), DMG, DTP*291 and EQ (service types and procedure composite) at the subscriber or
//! dependent level, in 2100 or 2110. Skipped as not part of the request model: TRN, REF, N3, N4, PRV, INS, HI,
//! AMT, III. Tolerated: several 2000A trees in one transaction set, a date of service only in 2110, wrong
//! SE counts. When no DTP*291 is sent, the date of service is the BHT04 date (the payer's "today"); when no
//! service type or procedure is asked, it is `30`, as the guide says.
//! Refused with an [`X12Error`] at the segment: a transaction set that is not a 270, no BHT, a subscriber
//! loop before its payer or provider, NM102 values other than the guide's, unparseable dates or genders, and
//! hierarchical level codes other than 20, 21, 22 and 23.
use chrono::NaiveDate;
use payer_core::{
    DateOfService, EligibilityRequest, Encounter, Gender, Member, Phi, ProcedureCode, Provider,
};

use crate::error::{X12Error, X12ErrorKind};
use crate::tokenizer::{tokenize, Segment};

/// Decodes every 270 transaction set of `input` into requests; the first failure fails the whole input.
pub fn decode_270(input: &[u8]) -> Result<Vec<EligibilityRequest>, X12Error> {
    let mut requests = Vec::new();
    for transaction in decode_270_each(input)? {
        requests.extend(transaction?);
    }
    Ok(requests)
}

/// Decodes each transaction set of `input` on its own: one result per ST..SE, so that one bad transaction
/// does not hide the others. Fails as a whole only when the input has no usable interchange or no ST.
pub fn decode_270_each(
    input: &[u8],
) -> Result<Vec<Result<Vec<EligibilityRequest>, X12Error>>, X12Error> {
    let tokens = tokenize(input)?;
    let mut results = Vec::new();
    let mut current: Option<Transaction> = None;
    for segment in tokens.segments() {
        if segment.is("ST") {
            if let Some(open) = current.take() {
                results.push(open.finish());
            }
            current = Some(Transaction::open(&segment));
        } else if segment.is("SE") {
            if let Some(open) = current.take() {
                results.push(open.finish());
            }
        } else if let Some(open) = current.as_mut() {
            open.segment(&segment);
        }
    }
    if let Some(open) = current.take() {
        results.push(open.finish());
    }
    if results.is_empty() {
        return Err(X12Error::new(X12ErrorKind::MissingSegment("ST")));
    }
    Ok(results)
}

/// One member loop being read (2000C or 2000D).
#[derive(Debug, Default)]
struct MemberLoop {
    member: Member,
    service_types: Vec<String>,
    procedure: Option<ProcedureCode>,
    asked: bool,
    date: Option<DateOfService>,
    has_name: bool,
}

/// One 2000C subscriber loop being read, with its dependents.
#[derive(Debug)]
struct SubscriberLoop {
    payer_id: String,
    provider: Provider,
    subscriber: MemberLoop,
    dependents: Vec<MemberLoop>,
    position: usize,
}

/// A 270 transaction set being read.
#[derive(Debug)]
struct Transaction {
    error: Option<X12Error>,
    control_number: Option<String>,
    bht_date: Option<NaiveDate>,
    level: &'static str,
    payer_id: Option<String>,
    provider: Option<Provider>,
    subscriber: Option<SubscriberLoop>,
    done: Vec<SubscriberLoop>,
}

fn at(segment: &Segment<'_>, kind: X12ErrorKind) -> X12Error {
    X12Error::at(segment.id(), segment.position(), kind)
}

fn bad_element(segment: &Segment<'_>, index: usize, reason: &'static str) -> X12Error {
    at(segment, X12ErrorKind::InvalidElement { index, reason })
}

fn owned(value: Option<&str>) -> Option<String> {
    value.map(str::to_owned)
}

/// Parses `CCYYMMDD`.
fn parse_date(value: &str) -> Option<NaiveDate> {
    if value.len() != 8 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    NaiveDate::parse_from_str(value, "%Y%m%d").ok()
}

impl Transaction {
    fn open(st: &Segment<'_>) -> Self {
        let error =
            (st.element(1) != Some("270")).then(|| bad_element(st, 1, "not a 270 transaction set"));
        Transaction {
            error,
            control_number: None,
            bht_date: None,
            level: "",
            payer_id: None,
            provider: None,
            subscriber: None,
            done: Vec::new(),
        }
    }

    fn segment(&mut self, segment: &Segment<'_>) {
        if self.error.is_some() {
            return;
        }
        if let Err(e) = self.read(segment) {
            self.error = Some(e);
        }
    }

    fn read(&mut self, s: &Segment<'_>) -> Result<(), X12Error> {
        match s.id() {
            "BHT" => {
                let control = s
                    .element(3)
                    .ok_or_else(|| bad_element(s, 3, "the reference identification is required"))?;
                self.control_number = Some(control.to_owned());
                self.bht_date = s.element(4).and_then(parse_date);
            }
            "HL" => self.hl(s)?,
            "NM1" => self.nm1(s)?,
            "DMG" => {
                if let Some(member) = self.member_mut() {
                    if let Some(dob) = s.element(2) {
                        let date = parse_date(dob)
                            .ok_or_else(|| bad_element(s, 2, "not a CCYYMMDD date"))?;
                        member.member.date_of_birth = Some(Phi::new(date));
                    }
                    if let Some(code) = s.element(3) {
                        let gender = Gender::from_code(code)
                            .ok_or_else(|| bad_element(s, 3, "not M, F or U"))?;
                        member.member.gender = Some(gender);
                    }
                }
            }
            "DTP" if s.element(1) == Some("291") => {
                let date = match (s.element(2), s.element(3)) {
                    (Some("D8"), Some(v)) => parse_date(v).map(|d| DateOfService {
                        begin: d,
                        end: None,
                    }),
                    (Some("RD8"), Some(v)) => v.split_once('-').and_then(|(a, b)| {
                        let (begin, end) = (parse_date(a)?, parse_date(b)?);
                        (begin <= end).then_some(DateOfService {
                            begin,
                            end: Some(end),
                        })
                    }),
                    _ => None,
                };
                let date = date.ok_or_else(|| bad_element(s, 3, "not a D8 date or RD8 range"))?;
                if let Some(member) = self.member_mut() {
                    member.date.get_or_insert(date);
                }
            }
            "EQ" => {
                if let Some(member) = self.member_mut() {
                    member.asked = true;
                    member
                        .service_types
                        .extend(s.repetitions(1).map(str::to_owned));
                    if member.procedure.is_none() {
                        if let Some(code) = s.component(2, 2) {
                            let qualifier = s.component(2, 1).unwrap_or("").to_owned();
                            let modifiers = (3..=6)
                                .filter_map(|k| s.component(2, k))
                                .map(str::to_owned)
                                .collect();
                            member.procedure = Some(ProcedureCode {
                                qualifier,
                                code: code.to_owned(),
                                modifiers,
                            });
                        }
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn hl(&mut self, s: &Segment<'_>) -> Result<(), X12Error> {
        if self.control_number.is_none() {
            return Err(at(s, X12ErrorKind::MissingSegment("BHT")));
        }
        match s.element(3) {
            Some("20") => {
                self.close_subscriber();
                self.level = "20";
                self.payer_id = None;
                self.provider = None;
            }
            Some("21") => {
                self.close_subscriber();
                self.level = "21";
                self.provider = None;
            }
            Some("22") => {
                self.close_subscriber();
                self.level = "22";
                let payer_id = self
                    .payer_id
                    .clone()
                    .ok_or_else(|| at(s, X12ErrorKind::MissingSegment("NM1*PR")))?;
                let provider = self
                    .provider
                    .clone()
                    .ok_or_else(|| at(s, X12ErrorKind::MissingSegment("NM1*1P")))?;
                self.subscriber = Some(SubscriberLoop {
                    payer_id,
                    provider,
                    subscriber: MemberLoop::default(),
                    dependents: Vec::new(),
                    position: s.position(),
                });
            }
            Some("23") => {
                let subscriber = self
                    .subscriber
                    .as_mut()
                    .ok_or_else(|| bad_element(s, 2, "a dependent needs a subscriber loop"))?;
                subscriber.dependents.push(MemberLoop::default());
                self.level = "23";
            }
            _ => {
                return Err(bad_element(
                    s,
                    3,
                    "not a 270 hierarchical level (20, 21, 22 or 23)",
                ))
            }
        }
        Ok(())
    }

    fn nm1(&mut self, s: &Segment<'_>) -> Result<(), X12Error> {
        match self.level {
            "20" => {
                let id = s
                    .element(9)
                    .ok_or_else(|| bad_element(s, 9, "the payer identifier is required"))?;
                self.payer_id = Some(id.to_owned());
            }
            "21" => {
                let npi = s
                    .element(9)
                    .ok_or_else(|| bad_element(s, 9, "the provider identifier is required"))?;
                let provider = match s.element(2) {
                    Some("2") => Provider {
                        organization_name: owned(s.element(3)),
                        first_name: None,
                        last_name: None,
                        npi: npi.to_owned(),
                    },
                    Some("1") => Provider {
                        organization_name: None,
                        first_name: owned(s.element(4)),
                        last_name: owned(s.element(3)),
                        npi: npi.to_owned(),
                    },
                    _ => return Err(bad_element(s, 2, "must be 1 (person) or 2 (organization)")),
                };
                self.provider = Some(provider);
            }
            "22" | "23" => {
                if s.element(2) != Some("1") {
                    return Err(bad_element(
                        s,
                        2,
                        "a subscriber or dependent must be a person (1)",
                    ));
                }
                let last = match (s.element(3), s.element(7)) {
                    (Some(last), Some(suffix)) => Some(format!("{last} {suffix}")),
                    (last, suffix) => owned(last.or(suffix)),
                };
                let member_id = s.element(9).map(|id| Phi::new(id.to_owned()));
                let first = s.element(4).map(|n| Phi::new(n.to_owned()));
                if let Some(member) = self.member_mut() {
                    member.has_name = true;
                    member.member.last_name = last.map(Phi::new);
                    member.member.first_name = first;
                    member.member.member_id = member_id;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// The member loop the segments belong to now.
    fn member_mut(&mut self) -> Option<&mut MemberLoop> {
        let subscriber = self.subscriber.as_mut()?;
        match self.level {
            "23" => subscriber.dependents.last_mut(),
            "22" => Some(&mut subscriber.subscriber),
            _ => None,
        }
    }

    fn close_subscriber(&mut self) {
        if let Some(done) = self.subscriber.take() {
            self.done.push(done);
        }
    }

    fn finish(mut self) -> Result<Vec<EligibilityRequest>, X12Error> {
        if let Some(error) = self.error.take() {
            return Err(error);
        }
        self.close_subscriber();
        let control_number = self
            .control_number
            .ok_or_else(|| X12Error::new(X12ErrorKind::MissingSegment("BHT")))?;
        if self.done.is_empty() {
            return Err(X12Error::new(X12ErrorKind::MissingSegment("HL*22")));
        }
        let mut requests = Vec::with_capacity(self.done.len());
        for sub in self.done {
            if !sub.subscriber.has_name {
                return Err(X12Error::at(
                    "HL",
                    sub.position,
                    X12ErrorKind::MissingSegment("NM1*IL"),
                ));
            }
            let (service_types, procedure_code, date) = {
                let mut asked = std::iter::once(&sub.subscriber).chain(&sub.dependents);
                let source = asked.clone().find(|m| m.asked).unwrap_or(&sub.subscriber);
                let date = asked.find_map(|m| m.date);
                (source.service_types.clone(), source.procedure.clone(), date)
            };
            let date = date.or_else(|| {
                self.bht_date
                    .map(|begin| DateOfService { begin, end: None })
            });
            let date_of_service = date.ok_or_else(|| {
                X12Error::at("HL", sub.position, X12ErrorKind::MissingSegment("DTP*291"))
            })?;
            let mut service_type_codes = service_types;
            if service_type_codes.is_empty() && procedure_code.is_none() {
                service_type_codes.push("30".to_owned());
            }
            requests.push(EligibilityRequest {
                control_number: control_number.clone(),
                payer_id: sub.payer_id,
                provider: sub.provider,
                subscriber: sub.subscriber.member,
                dependents: sub.dependents.into_iter().map(|d| d.member).collect(),
                encounter: Encounter {
                    service_type_codes,
                    procedure_code,
                    date_of_service,
                },
            });
        }
        Ok(requests)
    }
}
