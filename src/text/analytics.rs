//! Wording of the collision analytics (撞单驾驶舱): the tab, `dibs report` and the HTML
//! report use these words and nothing else, in English and Simplified Chinese.

use super::Lang;

/// Short words of the analytics: headings, column heads, figure names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Word {
    Tab,
    ReportTitle,
    Attempts,
    Collisions,
    Rate,
    Races,
    Taken,
    Recycled,
    RecycleRate,
    Refusals,
    Blocked,
    Warned,
    Overridden,
    OverrideRate,
    Contested,
    Trend,
    Reasons,
    People,
    Teams,
    Team,
    Person,
    Company,
    Saturation,
    LimitRefusals,
    History,
    VsBefore,
    Everyone,
    NoFigures,
    NoRefusals,
    NoContested,
    Week,
    FourWeeks,
    Quarter,
    Definitions,
    Generated,
    Scope,
    ColTries,
    FirstFollowUp,
    Reclaimed,
    Shadow,
    ChannelConflicts,
    ChannelShort,
    BadOverrides,
    FollowedIn24h,
    FollowUpP50,
    FollowUpP90,
    Within24h,
    HalfWithin,
    NineInTenWithin,
    Converted90,
    Cohorts,
    Pool,
    Converted,
    ThisPeriod,
    PreviousPeriod,
    Change,
    TrendTitle,
    ContestedShort,
    Duplicates,
    BlockedShort,
    WarnedShort,
    ColCollisions,
    ColRate,
    ColRaces,
    ColLimit,
    ColTaken,
    ColRecycled,
}

impl Word {
    pub fn render(self, lang: Lang) -> &'static str {
        use Word::*;
        let (en, zh) = match self {
            Tab => ("Collisions", "撞单驾驶舱"),
            ReportTitle => ("Collision report", "撞单分析报告"),
            Attempts => ("attempts", "尝试"),
            Collisions => ("collisions", "撞单"),
            Rate => ("collision rate", "撞单率"),
            Races => ("races", "抢单"),
            Taken => ("taken", "领取"),
            Recycled => ("recycled", "回收"),
            RecycleRate => ("recycle rate", "回收率"),
            Refusals => ("refusals", "拒绝"),
            Blocked => ("dup. blocked", "查重拦截"),
            Warned => ("dup. warned", "查重提醒"),
            Overridden => ("overridden", "强制创建"),
            OverrideRate => ("override rate", "强制率"),
            Contested => ("contested companies", "被争抢客户"),
            Trend => ("weekly collision rate: ", "每周撞单率："),
            Reasons => ("refusals by reason", "拒绝原因"),
            People => ("people", "人员"),
            Teams => ("teams", "团队"),
            Team => ("team", "团队"),
            Person => ("person", "人员"),
            Company => ("company", "公司"),
            Saturation => ("holding", "保有量"),
            LimitRefusals => ("limit/cap", "超限"),
            History => ("ownership history", "归属记录"),
            VsBefore => ("vs", "对比"),
            Everyone => ("everyone I see", "我可见的全部"),
            NoFigures => (
                "No attempts in this period (or the worker has not counted them yet).",
                "本期间没有领取尝试（或 worker 尚未统计）。",
            ),
            NoRefusals => ("no refusals", "无拒绝"),
            NoContested => ("no contested companies", "无被争抢客户"),
            Week => ("week", "本周"),
            FourWeeks => ("4 weeks", "4 周"),
            Quarter => ("13 weeks", "13 周"),
            Definitions => ("How the figures are counted", "口径说明"),
            Generated => ("generated", "生成于"),
            Scope => ("scope", "范围"),
            ColTries => ("tries", "尝试"),
            FirstFollowUp => ("followed up:", "首次跟进"),
            Reclaimed => (
                "re-claimed by another within 7 d of a recycle",
                "回收后 7 天内被他人领取",
            ),
            BadOverrides => ("saved over a warning, then merged", "强制创建后被合并"),
            Shadow => (
                "shadow collisions (two following up one company in a week)",
                "双跟进（同周两人跟进同一公司）",
            ),
            ChannelConflicts => (
                "channel conflicts (a partner and a direct rep)",
                "渠道撞单（渠道与直销）",
            ),
            ChannelShort => ("channel", "渠道撞单"),
            FollowedIn24h => ("takes followed up in 24 h", "24 小时内首次跟进"),
            FollowUpP50 => ("first follow-up, half within", "首次跟进（半数）"),
            FollowUpP90 => ("first follow-up, 90% within", "首次跟进（九成）"),
            Within24h => ("in 24 h", "在 24 小时内"),
            HalfWithin => ("half", "半数"),
            NineInTenWithin => ("90%", "九成"),
            Converted90 => ("converted (90 d):", "90 天转化率"),
            Cohorts => (
                "Conversion of leads by week taken (within 90 days, so far)",
                "线索转化（按领取周，90 天内，截至目前）",
            ),
            Pool => ("pool", "线索池"),
            Converted => ("converted", "已转化"),
            ThisPeriod => ("this period", "本期"),
            PreviousPeriod => ("period before", "上期"),
            Change => ("change", "变化"),
            TrendTitle => ("Collision rate by week", "每周撞单率"),
            ContestedShort => ("contested", "被争抢客户"),
            Duplicates => ("dup.", "查重"),
            BlockedShort => ("blocked", "拦截"),
            WarnedShort => ("warned", "提醒"),
            ColCollisions => ("coll.", "撞单"),
            ColRate => ("rate", "撞单率"),
            ColRaces => ("races", "抢单"),
            ColLimit => ("limit", "超限"),
            ColTaken => ("taken", "领取"),
            ColRecycled => ("recyc.", "回收"),
        };
        if lang == Lang::Zh { zh } else { en }
    }
}

/// A refusal reason as a manager reads it on a bar chart.
pub fn reason_words(reason: &str, lang: Lang) -> String {
    let (en, zh) = match reason {
        "already_owned_by" => ("someone holds it", "已有负责人"),
        "company_held" => ("company held", "公司已有负责人"),
        "company_has_customer" => ("already a customer", "已是客户"),
        "protected_by" => ("registered (报备)", "报备保护中"),
        "duplicate_blocked" | "duplicate_credit_code" => ("duplicate blocked", "查重拦截"),
        "over_limit" => ("holding limit", "超保有量"),
        "daily_cap" => ("daily cap", "超每日上限"),
        "cooldown" => ("cooldown", "冷却期"),
        "locked" => ("locked", "已锁定"),
        "not_member" => ("not in the pool", "非池成员"),
        "not_permitted" => ("not permitted", "无权限"),
        "not_claimable" | "not_found" => ("gone or closed", "已不存在或已关闭"),
        "changed" => ("changed meanwhile", "已被改动"),
        "not_owner" => ("not the owner", "非负责人"),
        "invalid_argument" => ("bad input", "输入有误"),
        other => return other.replace('_', " "),
    };
    (if lang == Lang::Zh { zh } else { en }).to_string()
}

/// The figures' freshness: when they were counted and what is still to count.
pub fn freshness(counted_at: Option<&str>, behind: i64, lang: Lang) -> String {
    match (counted_at, behind, lang) {
        (None, _, Lang::En) => "not counted yet — is `dibs worker` running?".into(),
        (None, _, Lang::Zh) => "尚未统计——dibs worker 在运行吗？".into(),
        (Some(at), 0, Lang::En) => format!("counted {at}"),
        (Some(at), 0, Lang::Zh) => format!("统计于 {at}"),
        (Some(at), n, Lang::En) => format!("counted {at} · {n} log rows still to count"),
        (Some(at), n, Lang::Zh) => format!("统计于 {at} · 尚有 {n} 条日志未统计"),
    }
}

/// A rate as a percentage, "–" when there is no rate.
pub fn percent(rate: Option<f64>) -> String {
    match rate {
        Some(r) => format!("{:.1}%", r * 100.0),
        None => "–".into(),
    }
}

/// A change of a rate in percentage points, "±0.0 pt" style; "–" without both sides.
pub fn points(change: Option<f64>) -> String {
    match change {
        Some(c) => format!("{:+.1} pt", c * 100.0),
        None => "–".into(),
    }
}

/// A count's relative change ("+25%"); "–" from zero.
pub fn relative(change: Option<f64>) -> String {
    match change {
        Some(c) => format!("{:+.0}%", c * 100.0),
        None => "–".into(),
    }
}

/// The definitions as shipped, for the HTML report (the README carries them with SQL).
pub fn definitions(lang: Lang) -> &'static [(&'static str, &'static str)] {
    if lang == Lang::Zh {
        &[
            (
                "尝试",
                "领取、报备、转化、新建的“人-公司-日”（同一人同一天对同一公司的多次尝试只算一次；没有公司的记录按记录计）。",
            ),
            (
                "撞单",
                "当天至少有一次因他人持有该记录或其公司、或报备保护、或查重拦截而被拒绝，或提示重复后仍强制创建的尝试。",
            ),
            ("撞单率", "撞单 ÷ 尝试。"),
            (
                "渠道撞单",
                "撞单中，被拒的一方与持有方分属渠道伙伴与直销（一方为渠道人员，另一方不是）。",
            ),
            ("抢单", "持有人取得后 10 分钟内发生的撞单。"),
            (
                "被争抢客户",
                "本期间有撞单的公司；人数为本期间在它上撞单的人数。",
            ),
            ("回收率", "被回收的记录 ÷ 领取的记录。"),
            ("强制率", "提示重复后仍创建 ÷ 提示重复的次数。"),
            ("保有量", "负责人最满的一个池：当前持有 ÷ 保有量上限。"),
            (
                "首次跟进时长",
                "从领取到领取人第一次跟进该记录的时长（放弃前未跟进的不计入“已跟进”）；按领取日计。",
            ),
            (
                "转化率",
                "某周领取的线索中，在该次领取后 90 天内转化的比例（新近的周仍在转化中）。",
            ),
        ]
    } else {
        &[
            (
                "Attempt",
                "A claim, register, convert or create, counted once per person, company and day (a record without a company counts by itself).",
            ),
            (
                "Collision",
                "An attempt-day refused at least once because someone else holds the record or its company, or its registration protects it, or the duplicate check blocked it — or saved over a duplicate warning.",
            ),
            ("Collision rate", "Collisions ÷ attempts."),
            (
                "Channel conflict",
                "A collision where the person refused and the holder are on different sides: one a channel partner's person, the other not.",
            ),
            (
                "Race",
                "A collision within 10 minutes of the holder taking the record.",
            ),
            (
                "Contested company",
                "A company collided on in the period; people: how many collided on it in the period.",
            ),
            ("Recycle rate", "Records recycled away ÷ records taken."),
            (
                "Override rate",
                "Saved over a duplicate warning ÷ duplicate warnings.",
            ),
            (
                "Holding",
                "The person's fullest pool: held now ÷ holding limit.",
            ),
            (
                "First follow-up",
                "From a take to the taker's first follow-up of that record (a record let go first is not followed up), by the day of the take.",
            ),
            (
                "Conversion",
                "Of the leads taken in a week, the share converted within 90 days of that take (recent weeks are still converting).",
            ),
        ]
    }
}

/// Whether a refusal reason is a collision (someone else holds it, or it is a duplicate).
pub fn is_collision_reason(reason: &str) -> bool {
    matches!(
        reason,
        "already_owned_by"
            | "company_held"
            | "company_has_customer"
            | "protected_by"
            | "duplicate_blocked"
            | "duplicate_credit_code"
    )
}

/// A follow-up time bound: "≤ 8 h", "≤ 3 d"; "–" when there is none.
pub fn hours(bound: Option<i32>, lang: Lang) -> String {
    match (bound, lang) {
        (None, _) => "–".into(),
        (Some(h), Lang::En) if h < 48 => format!("≤ {h} h"),
        (Some(h), Lang::En) => format!("≤ {} d", h / 24),
        (Some(h), Lang::Zh) if h < 48 => format!("{h} 小时内"),
        (Some(h), Lang::Zh) => format!("{} 天内", h / 24),
    }
}
