//! The National Provider Identifier: ten digits whose last is a Luhn check digit over the first nine
//! prefixed with `80840` (the ISO card issuer prefix of US health care), as CMS specifies.

/// Ten digits whose last is the Luhn check digit of the first nine prefixed with `80840` (the NPI standard).
pub(crate) fn is_valid_npi(value: &str) -> bool {
    let bytes = value.as_bytes();
    if bytes.len() != 10 || !bytes.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let digits: Vec<u32> = b"80840"
        .iter()
        .chain(bytes.iter().take(9))
        .map(|b| u32::from(b - b'0'))
        .collect();
    // Luhn: double every second digit counting from the rightmost digit of the payload.
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(index, &digit)| {
            if index % 2 == 0 {
                let doubled = digit * 2;
                if doubled > 9 {
                    doubled - 9
                } else {
                    doubled
                }
            } else {
                digit
            }
        })
        .sum();
    let check = (10 - sum % 10) % 10;
    bytes.last().map(|b| u32::from(b - b'0')) == Some(check)
}
