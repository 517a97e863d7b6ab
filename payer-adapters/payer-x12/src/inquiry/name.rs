//! Last name normalization for the 270, following CAQH CORE rule 258 (Normalizing Patient Last Name).
//!
//! Rule 258 asks that a name suffix or title never travel inside the last name: a suffix (`JR`, `III`, `MD`,
//! ...) that follows the name after a space, comma or period is taken out of NM103 and sent in NM107, and
//! the payer compares last names after removing punctuation and special characters. So the 270 carries the
//! last name the way the payer will compare it: upper case, letters and digits only (accented Latin letters
//! folded to ASCII, apostrophes and hyphens removed: `O'Donnell-Griswold` becomes `ODONNELLGRISWOLD`), words
//! separated by single spaces, and the suffix, if any, apart.
//!
//! Normalization is idempotent on the form [`NormalizedName::joined`] gives back, which is what the 270
//! decoder returns, so a decoded request re-encodes to the same 270.

/// The character strings rule 258 removes from the end of a last name (compared in upper case).
const SUFFIXES: &[&str] = &[
    "JR", "SR", "I", "II", "III", "IV", "V", "RN", "MD", "MR", "MS", "DR", "MRS", "PHD", "REV",
    "ESQ",
];

/// A last name split into what goes in NM103 and NM107.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NormalizedName {
    /// NM103: upper case letters, digits and single spaces; empty when the input had none.
    pub last: String,
    /// NM107: the suffixes found after the name, in order, separated by spaces.
    pub suffix: Option<String>,
}

impl NormalizedName {
    /// The last name and suffix as one string (`SMITH JR`), the form the 270 decoder returns.
    pub fn joined(&self) -> String {
        match &self.suffix {
            Some(suffix) if self.last.is_empty() => suffix.clone(),
            Some(suffix) => format!("{} {suffix}", self.last),
            None => self.last.clone(),
        }
    }
}

/// Normalizes a last name as rule 258 asks; see the module docs.
pub fn normalize_last_name(raw: &str) -> NormalizedName {
    // Fold into one string of words separated by single spaces (one allocation).
    let mut last = String::with_capacity(raw.len());
    for word in raw.split(|c: char| c.is_whitespace() || c == ',' || c == '.') {
        let start = last.len();
        if start > 0 {
            last.push(' ');
        }
        let before = last.len();
        fold_word(word, &mut last);
        if last.len() == before {
            last.truncate(start);
        }
    }
    // Take suffix words off the end while a name remains before them.
    let mut cut = last.len();
    while let Some(space) = last.get(..cut).and_then(|s| s.rfind(' ')) {
        let word = last.get(space + 1..cut).unwrap_or("");
        if !SUFFIXES.contains(&word) {
            break;
        }
        cut = space;
    }
    let suffix = last
        .get(cut..)
        .map(|s| s.trim_start_matches(' '))
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    last.truncate(cut);
    NormalizedName { last, suffix }
}

/// Appends a word upper-cased, with accented Latin letters folded to ASCII and everything but letters and
/// digits dropped.
fn fold_word(word: &str, out: &mut String) {
    for c in word.chars() {
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_uppercase());
            }
            continue;
        }
        for u in c.to_uppercase() {
            if u.is_ascii_alphanumeric() {
                out.push(u);
            } else if let Some(folded) = fold(u) {
                out.push_str(folded);
            }
        }
    }
}

/// The ASCII letters an upper case accented Latin letter folds to.
fn fold(c: char) -> Option<&'static str> {
    Some(match c {
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā' | 'Ă' | 'Ą' => "A",
        'Æ' => "AE",
        'Ç' | 'Ć' | 'Č' => "C",
        'Ď' | 'Đ' | 'Ð' => "D",
        'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ė' | 'Ę' | 'Ě' => "E",
        'Ğ' => "G",
        'Ì' | 'Í' | 'Î' | 'Ï' | 'Ī' | 'İ' => "I",
        'Ł' | 'Ľ' => "L",
        'Ñ' | 'Ń' | 'Ň' => "N",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō' | 'Ő' => "O",
        'Œ' => "OE",
        'Ř' => "R",
        'Ś' | 'Š' | 'Ş' => "S",
        'Ť' | 'Ţ' => "T",
        'Þ' => "TH",
        'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ū' | 'Ů' | 'Ű' => "U",
        'Ý' | 'Ÿ' => "Y",
        'Ź' | 'Ż' | 'Ž' => "Z",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(raw: &str) -> (String, Option<String>) {
        let n = normalize_last_name(raw);
        (n.last, n.suffix)
    }

    #[test]
    fn suffixes_move_out_of_the_last_name() {
        assert_eq!(norm("Smith Jr."), ("SMITH".into(), Some("JR".into())));
        assert_eq!(norm("SMITH, JR"), ("SMITH".into(), Some("JR".into())));
        assert_eq!(norm("Pomp III"), ("POMP".into(), Some("III".into())));
        assert_eq!(norm("Jones Sr. MD"), ("JONES".into(), Some("SR MD".into())));
        assert_eq!(norm("smith"), ("SMITH".into(), None));
        // Not preceded by a separator: part of the name.
        assert_eq!(norm("POMPII"), ("POMPII".into(), None));
        assert_eq!(norm("BURN"), ("BURN".into(), None));
        // A name that is only a suffix string stays a name.
        assert_eq!(norm("V"), ("V".into(), None));
        assert_eq!(norm("Dr"), ("DR".into(), None));
    }

    #[test]
    fn punctuation_goes_and_letters_fold() {
        assert_eq!(
            norm("O'Donnell-Griswold"),
            ("ODONNELLGRISWOLD".into(), None)
        );
        assert_eq!(norm("  de la   Cruz "), ("DE LA CRUZ".into(), None));
        assert_eq!(norm("Muñoz"), ("MUNOZ".into(), None));
        assert_eq!(norm("Groß"), ("GROSS".into(), None));
        assert_eq!(
            norm("Ørsted-Ñúñez, jr."),
            ("ORSTEDNUNEZ".into(), Some("JR".into()))
        );
        assert_eq!(norm("'-"), (String::new(), None));
    }

    #[test]
    fn normalization_is_idempotent_on_the_joined_form() {
        for raw in [
            "Smith Jr.",
            "o'brien-smith, iii",
            "Van Der Berg MD",
            "Ñ",
            "X Y Z",
            "ii",
        ] {
            let once = normalize_last_name(raw);
            let twice = normalize_last_name(&once.joined());
            assert_eq!(once, twice, "{raw}");
        }
    }
}
