//! Wording of people, logins and repairs, in English and Simplified Chinese.

#[allow(unused_imports)]
use super::{Lang, ago, date_word, entity_word};

#[derive(Debug, Clone, PartialEq)]
pub enum AdminText {
    PasswordPrompt,
    PasswordAgain,
    PasswordsDiffer,
    PasswordTooShort,
    PasswordGenerated {
        password: String,
    },
    AdminDone {
        what: String,
        detail: Option<String>,
    },
    AdminRefused {
        what: String,
        reason: String,
    },
    DisablePreview {
        login: String,
        count: usize,
    },
    DisableConfirmHint {
        login: String,
    },
    TransferPreview {
        from: String,
        to: String,
        moves: usize,
        stays: usize,
    },
    RepairConfirmHint,
    /// `dibs report collisions`: companies held by more than one owner today.
    CollisionsNone,
    CollisionsHeader {
        companies: usize,
    },
}

impl AdminText {
    pub fn render(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            AdminText::CollisionsNone => (if zh {
                "没有被多人同时持有的公司。"
            } else {
                "No company is held by more than one owner."
            })
            .to_string(),
            AdminText::CollisionsHeader { companies } => {
                if zh {
                    format!("{companies} 家公司现在有不止一位负责人（用 lead/customer transfer 处理）：")
                } else {
                    format!(
                        "{companies} companies are held by more than one owner today (settle them with lead/customer transfer):"
                    )
                }
            }
            AdminText::PasswordPrompt => (if zh { "密码：" } else { "Password: " }).to_string(),
            AdminText::PasswordAgain => (if zh { "再输一次：" } else { "Again: " }).to_string(),
            AdminText::PasswordsDiffer => (if zh {
                "两次输入的密码不一致，未做任何修改。"
            } else {
                "The two passwords differ; nothing was changed."
            })
            .to_string(),
            AdminText::PasswordTooShort => (if zh {
                "密码至少 12 个字符，未做任何修改。"
            } else {
                "A password needs at least 12 characters; nothing was changed."
            })
            .to_string(),
            AdminText::PasswordGenerated { password } => {
                if zh {
                    format!("初始密码（只显示这一次，请安全地交给本人）：{password}")
                } else {
                    format!("Password (shown this once; hand it over safely): {password}")
                }
            }
            AdminText::AdminDone { what, detail } => {
                let detail = detail.clone().map(|d| format!(" {d}")).unwrap_or_default();
                if zh {
                    format!("完成：{what}{detail}")
                } else {
                    format!("Done: {what}{detail}")
                }
            }
            AdminText::AdminRefused { what, reason } => {
                let why = match (reason.as_str(), zh) {
                    ("not_permitted", false) => {
                        "you are not allowed to do this (the attempt is recorded)"
                    }
                    ("not_permitted", true) => "你没有这个权限（此次尝试已记录）",
                    ("invalid_argument", false) => {
                        "a value is not valid (login: lower-case letters, digits, _; role: rep, manager, admin or viewer)"
                    }
                    ("invalid_argument", true) => {
                        "参数无效（登录名：小写字母、数字、下划线；角色：rep、manager、admin、viewer）"
                    }
                    ("already_exists", false) => "that login already exists",
                    ("cycle", false) => "the new parent is the customer itself or below it: that would make a cycle",
                    ("cycle", true) => "新的上级是该客户自身或其下属：会形成循环",
                    ("already_exists", true) => "该登录名已存在",
                    (other, _) => other,
                };
                if zh {
                    format!("未执行：{what}：{why}")
                } else {
                    format!("NO  {what}: {why}")
                }
            }
            AdminText::DisablePreview { login, count } => {
                if zh {
                    format!("停用 {login} 后，{count} 条线索/客户会退回各自的池：")
                } else {
                    format!("Disabling {login} returns {count} lead(s)/customer(s) to their pools:")
                }
            }
            AdminText::DisableConfirmHint { login } => {
                if zh {
                    format!("以上仅为预览；确认请运行 dibs user disable {login} --yes")
                } else {
                    format!("Nothing changed yet; to do it: dibs user disable {login} --yes")
                }
            }
            AdminText::TransferPreview {
                from,
                to,
                moves,
                stays,
            } => {
                if zh {
                    format!("{from} → {to}：{moves} 条可以转交，{stays} 条会超出 {to} 的保有量而保留在 {from} 名下：")
                } else {
                    format!(
                        "{from} → {to}: {moves} would move; {stays} would break {to}'s holding limit and stay with {from}:"
                    )
                }
            }
            AdminText::RepairConfirmHint => (if zh {
                "以上仅为预览；确认请加 --yes（每条转交都会连同原因记入归属记录，可用 undo-transfer 撤销）。"
            } else {
                "Nothing changed yet; add --yes to do it (every move is logged with the reason; undo-transfer puts it back)."
            })
            .to_string(),
        }
    }
}
