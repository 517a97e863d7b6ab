//! The segments the 271 encoder writes in several loops: REF, DTP, N3/N4 and PER.
use payer_core::{Address, Contact, DateInformation};

use crate::error::X12Error;
use crate::writer::X12Writer;

/// `REF*<qualifier>*<value>*<description>`.
pub(super) fn write_reference(
    w: &mut X12Writer,
    qualifier: &str,
    value: &str,
    description: Option<&str>,
    path: &'static str,
) -> Result<(), X12Error> {
    w.begin("REF");
    w.element(path, qualifier)?;
    w.element(path, value)?;
    w.opt(path, description)?;
    w.end();
    Ok(())
}

/// `DTP*<qualifier>*D8|RD8*<date>[-<end>]`.
pub(super) fn write_date(
    w: &mut X12Writer,
    date: &DateInformation,
    path: &'static str,
) -> Result<(), X12Error> {
    w.begin("DTP");
    w.element(path, &date.qualifier_code)?;
    match &date.end_date {
        Some(end) => {
            w.element("DTP02", "RD8")?;
            w.pair(path, &date.date, '-', end)?;
        }
        None => {
            w.element("DTP02", "D8")?;
            w.element(path, &date.date)?;
        }
    }
    w.end();
    Ok(())
}

/// N3 and N4 of an address.
pub(super) fn write_address(
    w: &mut X12Writer,
    address: Option<&Address>,
    path: &'static str,
) -> Result<(), X12Error> {
    let Some(a) = address else {
        return Ok(());
    };
    if a.address1.is_some() || a.address2.is_some() {
        w.begin("N3");
        w.opt(path, a.address1.as_deref())?;
        w.opt(path, a.address2.as_deref())?;
        w.end();
    }
    if a.city.is_some() || a.state.is_some() || a.postal_code.is_some() || a.country_code.is_some()
    {
        w.begin("N4");
        w.opt(path, a.city.as_deref())?;
        w.opt(path, a.state.as_deref())?;
        w.opt(path, a.postal_code.as_deref())?;
        w.opt(path, a.country_code.as_deref())?;
        w.end();
    }
    Ok(())
}

/// `PER*IC*<name>*<q1>*<n1>*<q2>*<n2>*<q3>*<n3>`; a PER holds at most three numbers.
pub(super) fn write_contact(
    w: &mut X12Writer,
    contact: &Contact,
    path: &'static str,
) -> Result<(), X12Error> {
    if contact.communications.len() > 3 {
        return Err(w.error(path, "a contact has at most three communication numbers"));
    }
    w.begin("PER");
    w.element("PER01", "IC")?;
    w.opt(path, contact.name.as_deref())?;
    for c in &contact.communications {
        w.element(path, &c.qualifier)?;
        w.element(path, &c.number)?;
    }
    w.end();
    Ok(())
}
