//! Wording of the answers of the ownership functions, in English and Simplified Chinese.

use chrono::{DateTime, Utc};

#[allow(unused_imports)]
use super::{Lang, ago, date_word, entity_word};
use crate::domain::ownership::{Entity, Outcome, Reason};

#[derive(Debug, Clone, PartialEq)]
pub enum OwnershipText {
    /// `dibs worker --once` while another worker holds the leader lock.
    AnotherWorkerLeads,
    Done {
        entity: Entity,
        id: i64,
    },
    AlreadyYours {
        entity: Entity,
        id: i64,
    },
    AlreadyTheirs {
        entity: Entity,
        id: i64,
    },
    TakenBy {
        who: String,
        seconds_ago: Option<i64>,
    },
    OverLimit {
        held: i64,
        limit: i64,
    },
    Cooldown {
        until: Option<DateTime<Utc>>,
    },
    DailyCap {
        cap: i64,
    },
    ProtectedBy {
        who: String,
        until: Option<DateTime<Utc>>,
    },
    Locked,
    NotMember,
    NotPermitted,
    NotOwner {
        who: Option<String>,
    },
    NotFound {
        entity: Entity,
        id: i64,
    },
    NotClaimable,
    Changed,
    UnknownUser,
    InvalidArgument,
    DuplicateCode,
    NeedsOverride {
        candidates: Vec<String>,
    },
    DuplicateBlocked {
        rule: String,
        existing: Option<i64>,
    },
    /// Someone else holds the company: who (name, team), which record, since when; whether
    /// a reason would let it pass (a warn rule).
    CompanyHeld {
        who: String,
        team: Option<String>,
        record_entity: Entity,
        record_id: i64,
        record_name: String,
        since: Option<DateTime<Utc>>,
        override_possible: bool,
    },
    CompanyHasCustomer {
        existing: Option<i64>,
        name: Option<String>,
    },
    /// A registration for a channel partner went through: protected until then.
    RegisteredForPartner {
        id: i64,
        until: Option<DateTime<Utc>>,
    },
    /// A partner is told a company is registered, not by whom.
    RegisteredBySomeone,
    /// A partner is told direct sales hold the company, not who: a review may be asked.
    HeldByDirectSales,
    HouseAccount,
    OverCapacity {
        capacity: i64,
    },
    ReviewRequested {
        review: Option<i64>,
    },
    PartnerDisabled,
    NotAPartner,
    PartnerHasNoPeople,
    ReviewDecided {
        approved: bool,
    },
    AlreadyDecided {
        by: Option<String>,
    },
    Other {
        code: String,
    },
}

impl OwnershipText {
    pub fn render(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            OwnershipText::AnotherWorkerLeads => (if zh {
                "另一个 worker 正在主导清扫，这次没有运行（它会处理到期的记录）。"
            } else {
                "Another worker is leading the sweeps, so this one did not run (the leader handles what is due)."
            })
            .to_string(),
            OwnershipText::Done { entity, id } => {
                if zh {
                    format!("完成：{} {id}", entity_word(*entity, true))
                } else {
                    format!("Done: {} {id}", entity_word(*entity, false))
                }
            }
            OwnershipText::AlreadyYours { entity, id } => {
                if zh {
                    format!("{} {id} 已经是你的了", entity_word(*entity, true))
                } else {
                    format!("{} {id} is already yours", entity_word(*entity, false))
                }
            }
            OwnershipText::AlreadyTheirs { entity, id } => {
                if zh {
                    format!("{} {id} 已属于该同事，无需变更", entity_word(*entity, true))
                } else {
                    format!(
                        "{} {id} already belongs to them; nothing changed",
                        entity_word(*entity, false)
                    )
                }
            }
            OwnershipText::TakenBy { who, seconds_ago } => match (zh, seconds_ago) {
                (true, Some(s)) => format!("{who} 在 {} 领取了它", ago(*s, true)),
                (true, None) => format!("它已属于 {who}"),
                (false, Some(s)) => format!("{who} claimed it {}", ago(*s, false)),
                (false, None) => format!("{who} already owns it"),
            },
            OwnershipText::OverLimit { held, limit } => {
                if zh {
                    format!("已达保有量上限：你持有 {held}/{limit}。先释放或转化一些再领取。")
                } else {
                    format!(
                        "You hold {held}/{limit}: the holding limit is reached. Release or convert some first."
                    )
                }
            }
            OwnershipText::Cooldown { until } => {
                if zh {
                    format!(
                        "你刚退回过它，冷却期内不能再领取（至 {}）。",
                        date_word(until)
                    )
                } else {
                    format!(
                        "You gave this back recently; you can claim it again after {}.",
                        date_word(until)
                    )
                }
            }
            OwnershipText::DailyCap { cap } => {
                if zh {
                    format!("今天在这个线索池已领取 {cap} 条，达到每日上限。")
                } else {
                    format!("You reached today's claim cap of {cap} in this pool.")
                }
            }
            OwnershipText::ProtectedBy { who, until } => {
                if zh {
                    format!("{who} 已报备此客户，保护期至 {}。", date_word(until))
                } else {
                    format!(
                        "{who} registered this customer; it is protected until {}.",
                        date_word(until)
                    )
                }
            }
            OwnershipText::Locked => {
                if zh {
                    "该记录已被主管锁定。".to_string()
                } else {
                    "A manager has locked this record.".to_string()
                }
            }
            OwnershipText::NotMember => {
                if zh {
                    "你不是这个池的成员。".to_string()
                } else {
                    "You are not a member of this pool.".to_string()
                }
            }
            OwnershipText::NotPermitted => {
                if zh {
                    "你没有权限执行此操作。".to_string()
                } else {
                    "You are not allowed to do this.".to_string()
                }
            }
            OwnershipText::NotOwner { who } => match (zh, who) {
                (true, Some(who)) => format!("它属于 {who}，不是你。"),
                (true, None) => "它目前无人负责，不是你的。".to_string(),
                (false, Some(who)) => format!("It belongs to {who}, not to you."),
                (false, None) => "Nobody owns it; it is not yours.".to_string(),
            },
            OwnershipText::NotFound { entity, id } => {
                if zh {
                    format!("找不到{} {id}。", entity_word(*entity, true))
                } else {
                    format!("There is no {} {id}.", entity_word(*entity, false))
                }
            }
            OwnershipText::NotClaimable => {
                if zh {
                    "它已转化或已作废，不能领取。".to_string()
                } else {
                    "It has been converted or disqualified and cannot be claimed.".to_string()
                }
            }
            OwnershipText::Changed => {
                if zh {
                    "别人刚刚修改了它，请刷新后重试。".to_string()
                } else {
                    "Someone changed it a moment ago; refresh and try again.".to_string()
                }
            }
            OwnershipText::UnknownUser => {
                if zh {
                    "当前登录不对应任何 dibs 用户（管理员请用 --as 指定代谁操作）。".to_string()
                } else {
                    "This login is not a dibs user (admins: say who you act for with --as)."
                        .to_string()
                }
            }
            OwnershipText::InvalidArgument => {
                if zh {
                    "参数无效。".to_string()
                } else {
                    "That request is not valid.".to_string()
                }
            }
            OwnershipText::DuplicateCode => {
                if zh {
                    "已有客户使用相同的统一社会信用代码。".to_string()
                } else {
                    "A customer with the same unified social credit code already exists."
                        .to_string()
                }
            }
            OwnershipText::NeedsOverride { candidates } => {
                let list = candidates.join("、");
                if zh {
                    format!("可能与已有客户重复：{list}。如确认是新客户，请填写原因后保存。")
                } else {
                    format!("Probably a duplicate of: {list}. To save anyway, give a reason.")
                }
            }
            OwnershipText::DuplicateBlocked { rule, existing } => {
                let existing = existing
                    .map(|id| id.to_string())
                    .unwrap_or_else(|| "?".into());
                if zh {
                    format!("查重规则「{rule}」禁止保存：客户 {existing} 已存在。")
                } else {
                    format!("Blocked by the rule \"{rule}\": customer {existing} already exists.")
                }
            }
            OwnershipText::CompanyHeld {
                who,
                team,
                record_entity,
                record_id,
                record_name,
                since,
                override_possible,
            } => {
                let record = format!(
                    "{} #{record_id} {record_name}",
                    entity_word(*record_entity, zh)
                );
                let who = match team {
                    Some(team) => format!("{who} ({team})"),
                    None => who.clone(),
                };
                let since = date_word(since);
                match (zh, override_possible) {
                    (true, false) => format!(
                        "{who} 已经在跟进这家公司——{record}，自 {since} 起。请联系对方或你的主管。"
                    ),
                    (true, true) => format!(
                        "{who} 已经在跟进这家公司——{record}，自 {since} 起。如确需同时跟进，请填写原因（会被记录）。"
                    ),
                    (false, false) => format!(
                        "{who} already holds this company — {record}, since {since}. Ask them or your manager."
                    ),
                    (false, true) => format!(
                        "{who} already holds this company — {record}, since {since}. To work it too, give a reason (it is logged)."
                    ),
                }
            }
            OwnershipText::CompanyHasCustomer { existing, name } => {
                let existing = existing
                    .map(|id| id.to_string())
                    .unwrap_or_else(|| "?".into());
                let name = name.clone().unwrap_or_default();
                if zh {
                    format!(
                        "这家公司已是客户 {existing} {name}：请转化到该客户（lead convert --into {existing}），不要另建。"
                    )
                } else {
                    format!(
                        "This company is customer {existing} {name} already: convert into it (lead convert ID --customer {existing}) instead of creating another."
                    )
                }
            }
            OwnershipText::RegisteredForPartner { id, until } => {
                if zh {
                    format!("已报备客户 {id}，保护期至 {}。", date_word(until))
                } else {
                    format!("Registered customer {id}: protected until {}.", date_word(until))
                }
            }
            OwnershipText::RegisteredBySomeone => (if zh {
                "这家公司已被他人报备，暂不可报备。"
            } else {
                "This company is registered by someone else and cannot be registered now."
            })
            .to_string(),
            OwnershipText::HeldByDirectSales => (if zh {
                "这家公司由直销团队跟进中。如你方更早接触，可申请复核（--review），由中立主管裁定。"
            } else {
                "Direct sales hold this company. If you were there first, ask for a review (--review): a neutral manager decides."
            })
            .to_string(),
            OwnershipText::HouseAccount => (if zh {
                "这是公司自营的大客户（已锁定），不接受渠道报备。"
            } else {
                "This is a house account (locked by the company) and cannot be registered by a partner."
            })
            .to_string(),
            OwnershipText::OverCapacity { capacity } => {
                if zh {
                    format!("你方已报备 {capacity} 家公司，达到容量上限。等有报备到期或转化后再报。")
                } else {
                    format!(
                        "Your partner holds {capacity} registrations, its capacity. Register more when some end or convert."
                    )
                }
            }
            OwnershipText::ReviewRequested { review } => {
                let review = review.map(|r| format!(" #{r}")).unwrap_or_default();
                if zh {
                    format!("已提交复核申请{review}：主管裁定后会通知双方。")
                } else {
                    format!("Review{review} requested: both sides are told when a manager decides.")
                }
            }
            OwnershipText::PartnerDisabled => (if zh {
                "该渠道伙伴已停用，不能查询或报备。"
            } else {
                "This partner is disabled: it can neither check nor register."
            })
            .to_string(),
            OwnershipText::NotAPartner => (if zh {
                "只有渠道伙伴的账号可以这样报备（渠道经理请用 --partner 代报备）。"
            } else {
                "Only a partner's login registers this way (channel managers: --partner to register on a partner's behalf)."
            })
            .to_string(),
            OwnershipText::PartnerHasNoPeople => (if zh {
                "该渠道伙伴还没有账号，无法代报备：请先为其添加人员。"
            } else {
                "This partner has no people yet, so nothing can be registered for it: add a person first."
            })
            .to_string(),
            OwnershipText::ReviewDecided { approved } => match (zh, approved) {
                (true, true) => "复核通过：报备生效，直销方的记录已退回公海。".to_string(),
                (true, false) => "复核驳回：公司仍由直销方跟进。".to_string(),
                (false, true) => {
                    "Review approved: the registration runs, the direct side's records went back to their pools."
                        .to_string()
                }
                (false, false) => "Review rejected: direct sales keep the company.".to_string(),
            },
            OwnershipText::AlreadyDecided { by } => {
                let by = by.clone().unwrap_or_else(|| "the deadline".into());
                if zh {
                    format!("该复核已由 {by} 裁定。")
                } else {
                    format!("This review was decided already (by {by}).")
                }
            }
            OwnershipText::Other { code } => code.clone(),
        }
    }
}

impl OwnershipText {
    /// An outcome in words for a sales-ops person, relative to `now`.
    pub fn of(outcome: &Outcome, now: DateTime<Utc>) -> OwnershipText {
        let this = outcome;
        let other = this.other_user_name.clone().unwrap_or_else(|| "?".into());
        let ago = this
            .other_since
            .map(|t| now.signed_duration_since(t).num_seconds().max(0));
        match &this.reason {
            // A partner's registration says until when it protects.
            Reason::Ok
                if this.detail_str("partner").is_some() || this.detail_i64("partner").is_some() =>
            {
                OwnershipText::RegisteredForPartner {
                    id: this.id,
                    until: this.detail_time("until"),
                }
            }
            Reason::Ok => OwnershipText::Done {
                entity: this.entity,
                id: this.id,
            },
            Reason::AlreadyYours => OwnershipText::AlreadyYours {
                entity: this.entity,
                id: this.id,
            },
            Reason::AlreadyTheirs => OwnershipText::AlreadyTheirs {
                entity: this.entity,
                id: this.id,
            },
            Reason::AlreadyOwnedBy => OwnershipText::TakenBy {
                who: other,
                seconds_ago: ago,
            },
            Reason::OverLimit => OwnershipText::OverLimit {
                held: this.detail_i64("held").unwrap_or_default(),
                limit: this.detail_i64("limit").unwrap_or_default(),
            },
            Reason::Cooldown => OwnershipText::Cooldown {
                until: this.detail_time("until"),
            },
            Reason::DailyCap => OwnershipText::DailyCap {
                cap: this.detail_i64("cap").unwrap_or_default(),
            },
            // A partner's answers carry no other party: who holds it is not theirs to know.
            Reason::ProtectedBy if this.other_user_name.is_none() => {
                OwnershipText::RegisteredBySomeone
            }
            Reason::ProtectedBy => OwnershipText::ProtectedBy {
                who: other,
                until: this.detail_time("until"),
            },
            Reason::CompanyHeld if this.other_user_name.is_none() => {
                OwnershipText::HeldByDirectSales
            }
            Reason::HouseAccount => OwnershipText::HouseAccount,
            Reason::OverCapacity => OwnershipText::OverCapacity {
                capacity: this.detail_i64("capacity").unwrap_or_default(),
            },
            Reason::ReviewRequested => OwnershipText::ReviewRequested {
                review: this.detail_i64("review"),
            },
            Reason::PartnerDisabled => OwnershipText::PartnerDisabled,
            Reason::NotAPartner => OwnershipText::NotAPartner,
            Reason::PartnerHasNoPeople => OwnershipText::PartnerHasNoPeople,
            Reason::ReviewApproved => OwnershipText::ReviewDecided { approved: true },
            Reason::ReviewRejected => OwnershipText::ReviewDecided { approved: false },
            Reason::AlreadyDecided => OwnershipText::AlreadyDecided {
                by: this.other_user_name.clone(),
            },
            Reason::Locked => OwnershipText::Locked,
            Reason::NotMember => OwnershipText::NotMember,
            Reason::NotPermitted => OwnershipText::NotPermitted,
            Reason::NotOwner => OwnershipText::NotOwner {
                who: this.other_user_name.clone(),
            },
            Reason::NotFound => OwnershipText::NotFound {
                entity: this.entity,
                id: this.id,
            },
            Reason::NotClaimable => OwnershipText::NotClaimable,
            Reason::Changed => OwnershipText::Changed,
            Reason::UnknownUser => OwnershipText::UnknownUser,
            Reason::InvalidArgument => OwnershipText::InvalidArgument,
            Reason::DuplicateCreditCode => OwnershipText::DuplicateCode,
            Reason::NeedsOverride => OwnershipText::NeedsOverride {
                candidates: this.candidate_names(),
            },
            Reason::DuplicateBlocked => OwnershipText::DuplicateBlocked {
                rule: this
                    .detail
                    .as_ref()
                    .and_then(|d| d.get("rule"))
                    .and_then(|r| r.as_str())
                    .unwrap_or("?")
                    .to_string(),
                existing: this.detail_i64("existing"),
            },
            Reason::CompanyHeld => OwnershipText::CompanyHeld {
                who: other,
                team: this.detail_str("team"),
                record_entity: match this.detail_str("record_entity").as_deref() {
                    Some("lead") => Entity::Lead,
                    _ => Entity::Customer,
                },
                record_id: this.detail_i64("record_id").unwrap_or_default(),
                record_name: this.detail_str("record_name").unwrap_or_default(),
                since: this.other_since,
                override_possible: this
                    .detail
                    .as_ref()
                    .and_then(|d| d.get("override_needed"))
                    .and_then(|v| v.as_bool())
                    .unwrap_or(false),
            },
            Reason::CompanyHasCustomer => OwnershipText::CompanyHasCustomer {
                existing: this.detail_i64("existing_customer"),
                name: this.detail_str("existing_name"),
            },
            Reason::Other(code) => OwnershipText::Other { code: code.clone() },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn outcome(reason: &str, detail: Option<serde_json::Value>) -> Outcome {
        Outcome {
            ok: false,
            reason: Reason::parse(reason),
            entity: Entity::Lead,
            id: 7,
            owner_id: Some(3),
            other_user_id: Some(3),
            other_user_name: Some("王芳".into()),
            other_since: Some(Utc::now() - Duration::seconds(2)),
            detail,
        }
    }

    #[test]
    fn a_partner_registration_says_until_when_and_a_partner_refusal_names_nobody() {
        let mut done = outcome(
            "ok",
            Some(serde_json::json!({"partner": 3, "until": "2027-02-26T04:00:00Z"})),
        );
        done.ok = true;
        let words = OwnershipText::of(&done, Utc::now());
        assert!(
            words
                .render(Lang::En)
                .contains("protected until 2027-02-26")
        );
        assert!(words.render(Lang::Zh).contains("保护期至 2027-02-26"));
        let mut held = outcome("company_held", None);
        held.other_user_name = None;
        let words = OwnershipText::of(&held, Utc::now()).render(Lang::En);
        assert!(
            words.contains("Direct sales hold") && !words.contains("王芳"),
            "{words}"
        );
    }

    #[test]
    fn a_lost_race_names_the_winner_and_when_in_both_languages() {
        let words = OwnershipText::of(&outcome("already_owned_by", None), Utc::now());
        let en = words.render(Lang::En);
        assert!(en.contains("王芳") && en.contains("2 s ago"), "{en}");
        let zh = words.render(Lang::Zh);
        assert!(zh.contains("王芳") && zh.contains("2 秒前"), "{zh}");
        let limit = OwnershipText::of(
            &outcome(
                "over_limit",
                Some(serde_json::json!({"held": 50, "limit": 50})),
            ),
            Utc::now(),
        );
        for lang in [Lang::En, Lang::Zh] {
            assert!(
                limit.render(lang).contains("50/50"),
                "{}",
                limit.render(lang)
            );
        }
    }
}
