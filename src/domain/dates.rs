//! Dates: `YYYYMMDD` (X12 D8), the date-of-service window payers accept, and the date-of-birth rules.
use chrono::{Datelike, Months, NaiveDate};
use payer_core::DateOfService;

use super::dto::EncounterDto;
use super::fields::FieldErrors;

/// The date or range of service: a single `dateOfService`, or `beginningDateOfService` and
/// `endDateOfService` in order; absent means `today`. Every date lies within [`ServiceWindow`].
pub(crate) fn parse_date_of_service(
    errors: &mut FieldErrors,
    encounter: &EncounterDto,
    today: NaiveDate,
) -> Option<DateOfService> {
    const SINGLE: &str = "encounter.dateOfService";
    const BEGIN: &str = "encounter.beginningDateOfService";
    const END: &str = "encounter.endDateOfService";
    let single = encounter.date_of_service.as_deref();
    let begin = encounter.beginning_date_of_service.as_deref();
    let end = encounter.end_date_of_service.as_deref();

    let window = ServiceWindow::around(today);
    let in_window = |errors: &mut FieldErrors, path: &str, value: &str| {
        let date = parse_date(errors, path, value)?;
        if !window.contains(date) {
            errors.push(
                path,
                "must be within the last 12 months and no later than the end of the current month",
            );
            return None;
        }
        Some(date)
    };

    match (single, begin, end) {
        (None, None, None) => Some(DateOfService {
            begin: today,
            end: None,
        }),
        (Some(value), None, None) => {
            in_window(errors, SINGLE, value).map(|begin| DateOfService { begin, end: None })
        }
        (Some(_), _, _) => {
            errors.push(
                SINGLE,
                "give dateOfService or beginningDateOfService and endDateOfService, not both",
            );
            None
        }
        (None, Some(_), None) => {
            errors.push(END, "is required with beginningDateOfService");
            None
        }
        (None, None, Some(_)) => {
            errors.push(BEGIN, "is required with endDateOfService");
            None
        }
        (None, Some(begin), Some(end)) => {
            let begin = in_window(errors, BEGIN, begin);
            let end = in_window(errors, END, end);
            let (begin, end) = (begin?, end?);
            if end < begin {
                errors.push(END, "must not be before beginningDateOfService");
                return None;
            }
            Some(DateOfService {
                begin,
                end: Some(end),
            })
        }
    }
}

/// The dates of service payers accept: 12 months back from today to the last day of the current month.
struct ServiceWindow {
    earliest: NaiveDate,
    latest: NaiveDate,
}

impl ServiceWindow {
    fn around(today: NaiveDate) -> ServiceWindow {
        let earliest = today
            .checked_sub_months(Months::new(12))
            .unwrap_or(NaiveDate::MIN);
        let latest = today
            .with_day(1)
            .and_then(|first| first.checked_add_months(Months::new(1)))
            .and_then(|next_month| next_month.pred_opt())
            .unwrap_or(today);
        ServiceWindow { earliest, latest }
    }

    fn contains(&self, date: NaiveDate) -> bool {
        self.earliest <= date && date <= self.latest
    }
}

pub(crate) fn parse_date_of_birth(
    errors: &mut FieldErrors,
    path: &str,
    value: &str,
    today: NaiveDate,
) -> Option<NaiveDate> {
    let date = parse_date(errors, path, value)?;
    if date > today {
        errors.push(path, "must not be in the future");
        return None;
    }
    if date.year() < 1900 {
        errors.push(path, "must not be before 1900");
        return None;
    }
    Some(date)
}

/// A `YYYYMMDD` date (X12 D8).
fn parse_date(errors: &mut FieldErrors, path: &str, value: &str) -> Option<NaiveDate> {
    if value.len() != 8 || !value.bytes().all(|b| b.is_ascii_digit()) {
        errors.push(path, "must be a date in the format YYYYMMDD");
        return None;
    }
    match NaiveDate::parse_from_str(value, "%Y%m%d") {
        Ok(date) => Some(date),
        Err(_) => {
            errors.push(path, "is not a valid calendar date");
            None
        }
    }
}
