//! Chinese phone numbers to E.164 (+86…), as written by reps: `138 1234 5678`,
//! `+86 138-1234-5678`, `0086 21 6234 5678`, `(021) 6234-5678 转 8001`, `400-820-8820`.
//!
//! A phone match raises a duplicate score but never decides alone: switchboards and agents
//! share numbers (docs/ARCHITECTURE.md, "Duplicate check").

/// A normalised number, with its extension kept apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone {
    pub e164: String,
    pub extension: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhoneProblem {
    Empty,
    TooShort(usize),
    TooLong(usize),
    BadMobile,
}

/// Words and marks that introduce an extension.
const EXTENSION_MARKS: &[&str] = &["转", "轉", "分机", "ext.", "ext", "x", "#", "-"];

fn split_extension(input: &str) -> (&str, Option<String>) {
    let lower = input.to_lowercase();
    for mark in EXTENSION_MARKS.iter().filter(|m| **m != "-") {
        if let Some(at) = lower.find(mark) {
            let digits: String = lower[at + mark.len()..]
                .chars()
                .filter(char::is_ascii_digit)
                .collect();
            if !digits.is_empty() && at > 0 {
                // `lower` and `input` have the same byte layout for these ASCII/CJK marks.
                return (&input[..at.min(input.len())], Some(digits));
            }
        }
    }
    (input, None)
}

/// Normalises to E.164. Mainland numbers only carry the +86 prefix; a number already
/// written with another country code keeps it.
pub fn normalize(input: &str) -> Result<Phone, PhoneProblem> {
    let (main, extension) = split_extension(input.trim());
    let plus = main.trim_start().starts_with('+');
    let mut digits: String = main.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return Err(PhoneProblem::Empty);
    }
    if plus {
        if !digits.starts_with("86") {
            return bounded(digits, extension);
        }
        digits.drain(..2);
    } else if let Some(rest) = digits.strip_prefix("0086") {
        digits = rest.to_string();
    } else if digits.len() == 13 && digits.starts_with("861") {
        digits.drain(..2);
    }
    // Mainland numbers: mobiles 1xxxxxxxxxx (11 digits), landlines 0 + area code + number,
    // service numbers 400/800 + 7 digits.
    let national = digits.strip_prefix('0').unwrap_or(&digits).to_string();
    if digits.starts_with('1') && digits.len() != 11 {
        return Err(if digits.len() < 11 {
            PhoneProblem::TooShort(digits.len())
        } else {
            PhoneProblem::BadMobile
        });
    }
    if national.len() < 7 {
        return Err(PhoneProblem::TooShort(national.len()));
    }
    if national.len() > 12 {
        return Err(PhoneProblem::TooLong(national.len()));
    }
    Ok(Phone {
        e164: format!("+86{national}"),
        extension,
    })
}

fn bounded(digits: String, extension: Option<String>) -> Result<Phone, PhoneProblem> {
    match digits.len() {
        n if n < 8 => Err(PhoneProblem::TooShort(n)),
        n if n > 15 => Err(PhoneProblem::TooLong(n)),
        _ => Ok(Phone {
            e164: format!("+{digits}"),
            extension,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e164(input: &str) -> String {
        normalize(input)
            .map(|p| p.e164)
            .unwrap_or_else(|e| format!("{e:?}"))
    }

    #[test]
    fn the_ways_reps_write_one_mobile_agree() {
        for written in [
            "138 1234 5678",
            "13812345678",
            "+86 138-1234-5678",
            "0086 13812345678",
            "8613812345678",
            "+86(138)12345678",
        ] {
            assert_eq!(e164(written), "+8613812345678", "{written}");
        }
    }

    #[test]
    fn landlines_keep_their_area_code_and_extension() {
        assert_eq!(e164("021-6234 5678"), "+862162345678");
        assert_eq!(e164("(021) 6234-5678"), "+862162345678");
        assert_eq!(e164("+86 21 6234 5678"), "+862162345678");
        assert_eq!(e164("0755-8888 0000"), "+8675588880000");
        let with_extension = normalize("021-6234 5678 转 8001").expect("valid");
        assert_eq!(with_extension.e164, "+862162345678");
        assert_eq!(with_extension.extension.as_deref(), Some("8001"));
        assert_eq!(
            normalize("010 8888 6666 ext. 12")
                .expect("valid")
                .extension
                .as_deref(),
            Some("12")
        );
    }

    #[test]
    fn service_and_foreign_numbers() {
        assert_eq!(e164("400-820-8820"), "+864008208820");
        assert_eq!(e164("+1 415 555 0100"), "+14155550100");
        assert_eq!(e164("+852 2123 4567"), "+85221234567");
    }

    #[test]
    fn broken_numbers_say_what_is_wrong() {
        assert_eq!(normalize(""), Err(PhoneProblem::Empty));
        assert_eq!(normalize("电话"), Err(PhoneProblem::Empty));
        assert_eq!(normalize("1381234567"), Err(PhoneProblem::TooShort(10)));
        assert_eq!(normalize("138123456789"), Err(PhoneProblem::BadMobile));
        assert_eq!(normalize("12345"), Err(PhoneProblem::TooShort(5)));
    }

    #[test]
    fn normalising_is_idempotent_on_many_numbers() {
        let mut rng = crate::rng::SeededRng::new(5);
        for _ in 0..2_000 {
            let (written, expected) = crate::seed::generate::mobile(&mut rng);
            let once = normalize(&written).expect("generated mobiles are valid");
            assert_eq!(once.e164, expected);
            assert_eq!(
                normalize(&once.e164).expect("E.164 is valid input").e164,
                once.e164
            );
            let region = rng.below(16);
            let (written, expected) = crate::seed::generate::landline(&mut rng, region);
            assert_eq!(normalize(&written).expect("landline").e164, expected);
        }
    }
}
