//! Properties of the pure normalisers over generated input (proptest).

use dibs::domain::score::{Draft, DraftKeys, StoredKeys, Weights, score};
use dibs::domain::{names, phone, uscc};
use proptest::prelude::*;

proptest! {
    #[test]
    fn basic_form_is_idempotent_and_has_no_spaces_or_punctuation(name in "\\PC{0,40}") {
        let once = names::basic_form(&name);
        prop_assert_eq!(names::basic_form(&once), once.clone());
        prop_assert!(once.chars().all(char::is_alphanumeric));
    }

    #[test]
    fn core_form_never_grows_and_is_stable_under_width_and_script(name in "[\\u4e00-\\u9fa5a-zA-Z（）() ]{0,30}") {
        let core = names::core_form(&name);
        prop_assert!(core.chars().count() <= names::basic_form(&name).chars().count());
        let full_width: String = name.chars().map(|c| match c {
            '(' => '（', ')' => '）', 'a'..='z' | 'A'..='Z' => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c), _ => c,
        }).collect();
        prop_assert_eq!(names::core_form(&full_width), core);
    }

    #[test]
    fn synthesised_codes_validate_and_any_single_change_is_caught(serial in 0u64..1_000_000_000, position in 0usize..18, replacement in 0usize..31) {
        let code = uscc::synthesise("310000", serial);
        prop_assert_eq!(uscc::validate(&code), Ok(code.clone()));
        let mut chars: Vec<char> = code.chars().collect();
        let new = uscc::ALPHABET[replacement] as char;
        prop_assume!(chars[position] != new);
        chars[position] = new;
        let changed: String = chars.into_iter().collect();
        prop_assert!(uscc::validate(&changed).is_err(), "{} passed", changed);
    }

    #[test]
    fn mobile_numbers_in_any_common_spelling_agree(prefix in "1[3-9][0-9]", rest in "[0-9]{8}", style in 0usize..4) {
        let digits = format!("{prefix}{rest}");
        let written = match style {
            0 => digits.clone(),
            1 => format!("+86 {} {} {}", &digits[..3], &digits[3..7], &digits[7..]),
            2 => format!("0086-{digits}"),
            _ => format!("86{digits}"),
        };
        prop_assert_eq!(phone::normalize(&written).map(|p| p.e164), Ok(format!("+86{digits}")));
    }

    #[test]
    fn scores_are_probabilities_and_a_name_matches_itself(a in "[\\u4e00-\\u9fa5]{2,12}", b in "[\\u4e00-\\u9fa5]{2,12}") {
        let weights = Weights { typing: false, ..Weights::default() };
        let draft = DraftKeys::of(&Draft { name: a.clone(), ..Draft::default() });
        let other = StoredKeys { name: b.clone(), core: names::core_form(&b), ..StoredKeys::default() };
        let s = score(&draft, &other, &weights).score;
        prop_assert!((0.0..=1.0).contains(&s));
        let itself = StoredKeys { name: a.clone(), core: names::core_form(&a), ..StoredKeys::default() };
        prop_assert!(score(&draft, &itself, &weights).score >= 0.85);
    }
}
