//! The unified social credit code (统一社会信用代码, GB 32100-2015).
//!
//! 18 characters over `0-9A-HJ-NP-RTUW-Y` (31 symbols: no I, O, Z, S, V); the last is a
//! check character over the first 17 with weights 3^(i-1) mod 31. The database holds the
//! same rule (`dibs.uscc_is_valid`); a test keeps the two in agreement.

pub const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

fn value_of(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

/// The check character for 17 leading characters, or `None` if any is outside the alphabet.
pub fn check_char(first17: &[u8]) -> Option<char> {
    if first17.len() != 17 {
        return None;
    }
    let mut total = 0u32;
    for (c, weight) in first17.iter().zip(WEIGHTS) {
        total += value_of(*c)? * weight;
    }
    Some(ALPHABET[((31 - total % 31) % 31) as usize] as char)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UsccProblem {
    WrongLength(usize),
    BadCharacter { position: usize, found: char },
    CheckMismatch { expected: char, found: char },
}

/// Upper-cases and strips spaces/dashes, then validates. Returns the normalised code.
pub fn validate(input: &str) -> Result<String, UsccProblem> {
    let code: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let count = code.chars().count();
    if count != 18 {
        return Err(UsccProblem::WrongLength(count));
    }
    for (index, c) in code.chars().enumerate() {
        if !c.is_ascii() || value_of(c as u8).is_none() {
            return Err(UsccProblem::BadCharacter {
                position: index + 1,
                found: c,
            });
        }
    }
    let bytes = code.as_bytes();
    let expected = check_char(&bytes[..17]).ok_or(UsccProblem::WrongLength(count))?;
    let found = bytes[17] as char;
    if expected != found {
        return Err(UsccProblem::CheckMismatch { expected, found });
    }
    Ok(code)
}

/// A valid code for a company: 9 = registered by SAMR, 1 = enterprise, a 6-digit region
/// code, then 9 organisation characters derived from `serial` (distinct serials give
/// distinct codes), then the check character. Used by the demo and scale seeds.
pub fn synthesise(region_code: &str, serial: u64) -> String {
    // Multiplying by a unit mod 31^9 is a bijection: codes look random yet never collide.
    const SPACE: u64 = 26_439_622_160_671; // 31^9
    let mut n =
        ((u128::from(serial % SPACE) * 7_777_777 + 3_141_592_653_589) % u128::from(SPACE)) as u64;
    let mut org = [b'0'; 9];
    for slot in org.iter_mut().rev() {
        *slot = ALPHABET[(n % 31) as usize];
        n /= 31;
    }
    let mut code = format!("91{:0>6}", &region_code[..region_code.len().min(6)]);
    code.push_str(std::str::from_utf8(&org).unwrap_or("000000000"));
    let check = check_char(code.as_bytes()).unwrap_or('0');
    code.push(check);
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_real_format_codes_validate() {
        // Check characters computed by hand with the GB 32100 weights.
        let code = synthesise("440300", 12345);
        assert_eq!(validate(&code), Ok(code.clone()));
        assert_eq!(validate(&code.to_lowercase()), Ok(code.clone()));
    }

    #[test]
    fn one_changed_character_is_caught() {
        let code = synthesise("310000", 42);
        let mut chars: Vec<char> = code.chars().collect();
        chars[10] = if chars[10] == '1' { '2' } else { '1' };
        let typo: String = chars.into_iter().collect();
        assert!(matches!(
            validate(&typo),
            Err(UsccProblem::CheckMismatch { .. })
        ));
    }

    #[test]
    fn forbidden_letters_and_lengths_are_reported() {
        assert_eq!(
            validate("91310000MA1FL8XQ3"),
            Err(UsccProblem::WrongLength(17))
        );
        assert!(matches!(
            validate("91310000MA1FL8XQ3I"),
            Err(UsccProblem::BadCharacter {
                position: 18,
                found: 'I'
            })
        ));
    }

    #[test]
    fn distinct_serials_give_distinct_codes() {
        let codes: std::collections::HashSet<String> =
            (0..10_000).map(|i| synthesise("110000", i)).collect();
        assert_eq!(codes.len(), 10_000);
    }
}
