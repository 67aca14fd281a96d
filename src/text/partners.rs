//! Wording of channel partners (渠道报备): the availability answer, the partner list, a
//! partner's own registrations, the review queue.

use chrono::{DateTime, Utc};

use super::Lang;
use crate::domain::partners::{MyRegistration, PartnerLine, ReviewLine};

#[derive(Debug, Clone, PartialEq)]
pub enum PartnerText {
    /// available / unavailable / invalid / yours / over_cap.
    Answer(String),
    ListHeader,
    ListLine(Box<PartnerLine>),
    MineLine(Box<MyRegistration>, DateTime<Utc>),
    NoReviews,
    ReviewLine(Box<ReviewLine>),
}

fn day(t: &Option<DateTime<Utc>>) -> String {
    t.map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| "-".into())
}

impl PartnerText {
    pub fn render(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            PartnerText::Answer(answer) => match (answer.as_str(), zh) {
                ("available", false) => "available — you may register it".into(),
                ("available", true) => "可报备".into(),
                ("yours", false) => "yours — your partner has registered it".into(),
                ("yours", true) => "已是你方报备".into(),
                ("unavailable", false) => "unavailable — someone else has it".into(),
                ("unavailable", true) => "不可报备（已有归属）".into(),
                ("invalid", false) => {
                    "invalid — check the name (2+ characters), the credit code and the phone".into()
                }
                ("invalid", true) => "无效——请检查名称（至少 2 个字）、信用代码和电话".into(),
                ("over_cap", false) => {
                    "today's checks are used up for your partner; try again tomorrow".into()
                }
                ("over_cap", true) => "你方今日查询次数已用完，请明天再查。".into(),
                (other, _) => other.to_string(),
            },
            PartnerText::ListHeader => if zh {
                "   id  名称                   等级        状态  渠道经理    人数  报备/容量  今日/日上限  保护天数  待复核"
            } else {
                "   id  name                   tier        state channel mgr people held/cap today/cap  days      reviews"
            }
            .to_string(),
            PartnerText::ListLine(p) => {
                let state = match (p.active, zh) {
                    (true, false) => "on",
                    (false, false) => "off",
                    (true, true) => "启用",
                    (false, true) => "停用",
                };
                format!(
                    "{:>5}  {}  {:<10}  {:<4}  {}  {:>4}  {:>4}/{:<4}  {:>4}/{:<4}  {:>3}–{:<3}  {:>4}",
                    p.id,
                    super::pad_to_width(&p.name, 22),
                    p.tier,
                    state,
                    super::pad_to_width(p.channel_manager.as_deref().unwrap_or("-"), 10),
                    p.people,
                    p.registered,
                    p.capacity,
                    p.today,
                    p.daily_cap,
                    p.protection_days,
                    p.max_days,
                    p.pending_reviews
                )
            }
            PartnerText::MineLine(r, now) => {
                if let Some(state) = &r.review_state {
                    let reason = r.review_reason.clone().unwrap_or_default();
                    let state = match (state.as_str(), zh) {
                        ("pending", false) => "review pending".to_string(),
                        ("pending", true) => "复核中".to_string(),
                        ("rejected", false) => format!("review rejected: {reason}"),
                        ("rejected", true) => format!("复核驳回：{reason}"),
                        (other, _) => other.to_string(),
                    };
                    return format!(
                        "{:>8}  {}  {}  {}",
                        r.customer_id,
                        super::pad_to_width(&r.company, 30),
                        day(&Some(r.registered_at)),
                        state
                    );
                }
                let left = r
                    .days_left
                    .map(i64::from)
                    .or_else(|| r.expires_at.map(|e| (e - *now).num_days().max(0)));
                let status = match (r.status.as_str(), zh) {
                    ("active", false) => format!(
                        "protected, {} day(s) left (until {}, at most {})",
                        left.unwrap_or_default(),
                        day(&r.expires_at),
                        day(&r.max_until)
                    ),
                    ("active", true) => format!(
                        "保护中，剩 {} 天（至 {}，最长 {}）",
                        left.unwrap_or_default(),
                        day(&r.expires_at),
                        day(&r.max_until)
                    ),
                    ("expired", false) => format!("expired {}", day(&r.expires_at)),
                    ("expired", true) => format!("已于 {} 到期", day(&r.expires_at)),
                    ("converted", false) => "converted".into(),
                    ("converted", true) => "已成交".into(),
                    ("cancelled", false) => "cancelled".into(),
                    ("cancelled", true) => "已取消".into(),
                    (other, _) => other.to_string(),
                };
                format!(
                    "{:>8}  {}  {}  {}",
                    r.customer_id,
                    super::pad_to_width(&r.company, 30),
                    day(&Some(r.registered_at)),
                    status
                )
            }
            PartnerText::NoReviews => if zh {
                "没有待你裁定的复核。"
            } else {
                "No reviews waiting for you."
            }
            .to_string(),
            PartnerText::ReviewLine(v) => {
                let suggestion = match (v.suggested.as_str(), v.why.as_str(), zh) {
                    ("partner", "first", false) => "partner (first)",
                    ("partner", _, false) => "partner (more follow-ups)",
                    ("direct", "first", false) => "direct (first)",
                    ("direct", _, false) => "direct (as many follow-ups or more)",
                    ("partner", "first", true) => "渠道（在先）",
                    ("partner", _, true) => "渠道（跟进更多）",
                    ("direct", "first", true) => "直销（在先）",
                    (_, _, true) => "直销（跟进不少于渠道）",
                    _ => "?",
                };
                let overdue = match (v.overdue, zh) {
                    (true, false) => "  OVERDUE",
                    (true, true) => "  已超时",
                    _ => "",
                };
                let decided = match (&v.state[..], zh) {
                    ("pending", _) => String::new(),
                    (state, _) => format!(
                        "  [{state} by {} {}: {}]",
                        v.reviewer.clone().unwrap_or_else(|| "SLA".into()),
                        day(&v.decided_at),
                        v.reason.clone().unwrap_or_default()
                    ),
                };
                let note = v
                    .note
                    .as_ref()
                    .map(|n| if zh { format!("\n    渠道说明：{n}") } else { format!("\n    partner's note: {n}") })
                    .unwrap_or_default();
                if zh {
                    format!(
                        "#{} 客户 {} {}\n    渠道 {}（{}，{} 提交，近 30 天跟进 {}）\n    直销 {}（{}，自 {} 起，近 30 天跟进 {}）\n    建议：{}{}{}{note}",
                        v.id,
                        v.customer_id,
                        v.company,
                        v.partner,
                        v.requested_by.clone().unwrap_or_default(),
                        day(&Some(v.requested_at)),
                        v.partner_followups,
                        v.direct_rep.clone().unwrap_or_default(),
                        v.direct_team.clone().unwrap_or_default(),
                        day(&v.direct_since),
                        v.direct_followups,
                        suggestion,
                        overdue,
                        decided
                    )
                } else {
                    format!(
                        "#{} customer {} {}\n    partner {} ({}, submitted {}, follow-ups in 30 days: {})\n    direct  {} ({}, since {}, follow-ups in 30 days: {})\n    suggested: {}{}{}{note}",
                        v.id,
                        v.customer_id,
                        v.company,
                        v.partner,
                        v.requested_by.clone().unwrap_or_default(),
                        day(&Some(v.requested_at)),
                        v.partner_followups,
                        v.direct_rep.clone().unwrap_or_default(),
                        v.direct_team.clone().unwrap_or_default(),
                        day(&v.direct_since),
                        v.direct_followups,
                        suggestion,
                        overdue,
                        decided
                    )
                }
            }
        }
    }
}
