//! Wording of the duplicate check (查重), in English and Simplified Chinese.

#[allow(unused_imports)]
use super::{Lang, ago, date_word, entity_word};

#[derive(Debug, Clone, PartialEq)]
pub enum DedupText {
    /// A file that cannot be read as a list at all (no such columns, unreadable header, I/O).
    BadFile {
        detail: String,
    },
    /// A name longer than any company name dibs stores.
    NameTooLong {
        chars: usize,
        max: usize,
    },
    /// `dedup check` found nothing similar.
    NoMatches,
    /// Where an import writes what it did as it commits.
    ImportJournal {
        path: String,
    },
    CodeProblem {
        problem: crate::domain::uscc::UsccProblem,
    },
    PhoneProblem {
        problem: crate::domain::phone::PhoneProblem,
    },
    ParentNotANumber,
    /// A field the form needs is empty.
    FieldMissing {
        field: super::Label,
    },
    /// What is wrong with a field, named.
    FieldProblem {
        field: super::Label,
        problem: Box<DedupText>,
    },
    InFlightDraft {
        user: String,
        draft: String,
        seconds_ago: i32,
    },
    UsccTypo {
        code: String,
        problem: String,
    },
}

impl DedupText {
    pub fn render(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            DedupText::NameTooLong { chars, max } => {
                if zh {
                    format!(
                        "名称有 {chars} 个字，超过了上限 {max} 个字：请检查是否粘贴了多余的内容。"
                    )
                } else {
                    format!(
                        "The name has {chars} characters, more than the {max} a company name may have: check for pasted extra text."
                    )
                }
            }
            DedupText::ImportJournal { path } => {
                if zh {
                    format!("导入记录：{path}（每批提交后立即写入；中途中断也能看到已导入哪些行）")
                } else {
                    format!(
                        "Journal: {path} (written as each slice commits: if the import is interrupted, it says which lines are in)"
                    )
                }
            }
            DedupText::NoMatches => (if zh {
                "没有找到相似的客户或线索。"
            } else {
                "No similar customers or leads found."
            })
            .to_string(),
            DedupText::BadFile { detail } => {
                if zh {
                    format!("无法读取这个文件：{detail}")
                } else {
                    format!("This file cannot be read: {detail}")
                }
            }
            DedupText::CodeProblem { problem } => {
                use crate::domain::uscc::UsccProblem::*;
                match (problem, zh) {
                    (WrongLength(n), false) => {
                        format!("a credit code has 18 characters; this has {n}")
                    }
                    (WrongLength(n), true) => format!("信用代码应为 18 位，现为 {n} 位"),
                    (BadCharacter { position, found }, false) => {
                        format!("character {position} ({found}) cannot appear in a credit code")
                    }
                    (BadCharacter { position, found }, true) => {
                        format!("第 {position} 位（{found}）不能出现在信用代码中")
                    }
                    (CheckMismatch { expected, found }, false) => {
                        format!("the last character should be {expected}, not {found}: a typo?")
                    }
                    (CheckMismatch { expected, found }, true) => {
                        format!("校验位应为 {expected}，而不是 {found}：是否输错？")
                    }
                }
            }
            DedupText::PhoneProblem { problem } => {
                use crate::domain::phone::PhoneProblem::*;
                match (problem, zh) {
                    (Empty, false) => "no digits".to_string(),
                    (Empty, true) => "没有数字".to_string(),
                    (TooShort(n), false) => format!("too short for a phone number ({n} digits)"),
                    (TooShort(n), true) => format!("位数太少（{n} 位）"),
                    (TooLong(n), false) => format!("too long for a phone number ({n} digits)"),
                    (TooLong(n), true) => format!("位数太多（{n} 位）"),
                    (BadMobile, false) => "not a valid mobile number".to_string(),
                    (BadMobile, true) => "不是有效的手机号".to_string(),
                }
            }
            DedupText::ParentNotANumber => (if zh {
                "上级客户请填写客户编号（数字）"
            } else {
                "the parent is a customer number"
            })
            .to_string(),
            DedupText::FieldMissing { field } => {
                if zh {
                    format!("{}：请填写", field.render(lang))
                } else {
                    format!("{}: please fill it in", field.render(lang))
                }
            }
            DedupText::FieldProblem { field, problem } => {
                format!("{}: {}", field.render(lang), problem.render(lang))
            }
            DedupText::InFlightDraft {
                user,
                draft,
                seconds_ago,
            } => {
                if zh {
                    format!("{user} 正在新建「{draft}」（{seconds_ago} 秒前）")
                } else {
                    format!("{user} is creating \"{draft}\" right now ({seconds_ago} s ago)")
                }
            }
            DedupText::UsccTypo { code, problem } => {
                if zh {
                    format!("统一社会信用代码 {code} 无效（{problem}），不会用于查重；请核对。")
                } else {
                    format!(
                        "The credit code {code} is not valid ({problem}); it is not used for matching. Please check it."
                    )
                }
            }
        }
    }
}

/// Why a record came up as a duplicate, in words ("similar name 0.93; same phone").
pub fn why_words(why: &[crate::domain::score::Why], lang: Lang) -> String {
    use crate::domain::score::Why::*;
    let zh = lang == Lang::Zh;
    why.iter()
        .map(|w| match (w, zh) {
            (SameCreditCode, false) => "same credit code".to_string(),
            (SameCreditCode, true) => "信用代码相同".to_string(),
            (SameName, false) => "same name".to_string(),
            (SameName, true) => "名称相同".to_string(),
            (SimilarName { similarity }, false) => format!("similar name {similarity:.2}"),
            (SimilarName { similarity }, true) => format!("名称相似 {similarity:.2}"),
            (TypedPrefix, false) => "starts the same".to_string(),
            (TypedPrefix, true) => "开头相同".to_string(),
            (SamePhone, false) => "same phone".to_string(),
            (SamePhone, true) => "电话相同".to_string(),
            (SameDomain, false) => "same domain".to_string(),
            (SameDomain, true) => "邮箱域名相同".to_string(),
            (Branch { branch }, false) => format!("branch {branch}"),
            (Branch { branch }, true) => format!("分支机构 {branch}"),
            (DifferentCreditCode, false) => "different credit codes".to_string(),
            (DifferentCreditCode, true) => "信用代码不同".to_string(),
            (DifferentRegion, false) => "different region".to_string(),
            (DifferentRegion, true) => "地区不同".to_string(),
            (DifferentTradeName, false) => "different trade name".to_string(),
            (DifferentTradeName, true) => "字号不同".to_string(),
            (SameTradeName, false) => "same trade name".to_string(),
            (SameTradeName, true) => "同字号".to_string(),
            (Homophone, false) => "trade names sound the same".to_string(),
            (Homophone, true) => "同音".to_string(),
            (Transposed, false) => "same characters, another order".to_string(),
            (Transposed, true) => "字序颠倒".to_string(),
            (OneCharMissing, false) => "one character missing".to_string(),
            (OneCharMissing, true) => "少一字".to_string(),
            (ShortName, false) => "short name".to_string(),
            (ShortName, true) => "简称".to_string(),
            (Abbreviation, false) => "abbreviation".to_string(),
            (Abbreviation, true) => "缩写".to_string(),
            (EnglishName, false) => "English name".to_string(),
            (EnglishName, true) => "英文名".to_string(),
            (AlsoKnownAs { alias }, false) => format!("also known as {alias}"),
            (AlsoKnownAs { alias }, true) => format!("曾用名/别名 {alias}"),
            (DifferentIndustry, false) => "different industry".to_string(),
            (DifferentIndustry, true) => "行业不同".to_string(),
            (OneCharDifferent, false) => "one character differs".to_string(),
            (OneCharDifferent, true) => "字号差一字".to_string(),
            (DifferentForm, false) => "different legal form".to_string(),
            (DifferentForm, true) => "组织形式不同".to_string(),
            (DifferentCountry, false) => "different country".to_string(),
            (DifferentCountry, true) => "国家不同".to_string(),
        })
        .collect::<Vec<_>>()
        .join(if zh { "；" } else { "; " })
}
