//! Wording of sentences of the terminal app, in English and Simplified Chinese.

#[allow(unused_imports)]
use super::{Lang, ago, date_word, entity_word};

#[derive(Debug, Clone, PartialEq)]
pub enum TuiText {
    SignedInAs {
        name: String,
        team: String,
    },
    Figures {
        customers: i64,
        pool_leads: i64,
        holding: i64,
        limit: i64,
    },
    /// A partner's header: its registered companies against its capacity.
    PartnerFigures {
        registered: i64,
        capacity: i64,
    },
    /// A partner's registration or review request in words.
    RegistrationStatus {
        status: String,
        days_left: Option<i32>,
        review: Option<String>,
        reason: Option<String>,
    },
    PartnerNameNeeded,
    PartnerFieldInvalid {
        field: Label,
    },
    Live,
    /// Not live yet: the first connections are being made.
    Connecting,
    /// Something broke at `since` (local time, HH:MM:SS) and is being reconnected.
    Reconnecting {
        since: String,
    },
    /// Lists and search come from a replica this many whole seconds behind the primary.
    ReplicaBehind {
        seconds: u64,
    },
    /// The replica does not answer: everything is read from the primary.
    ReplicaDown,
    ConfirmClaim {
        id: i64,
        company: String,
        /// Other unclaimed leads of the same company in the pool (they stay there; only the
        /// company's holder may take them).
        more_of_company: i64,
        /// Someone else holds the company: the claim will be refused or need a reason.
        holder: Option<String>,
    },
    ConfirmRelease {
        id: i64,
        company: String,
    },
    /// A file could not be written or read.
    FileError {
        path: String,
        detail: String,
    },
    /// The terminal could not be read or drawn.
    TerminalFailed {
        detail: String,
    },
    /// A background task ended abnormally.
    TaskFailed {
        detail: String,
    },
    /// A newer request took this one's place (never shown: its answer is dropped).
    Superseded,
    ConfirmWon {
        name: String,
    },
    ConfirmClaimCustomer {
        id: i64,
        company: String,
    },
    /// The keys of a yes/no dialog, from the keymap.
    YesNo {
        yes: String,
        no: String,
    },
    HelpTitle,
    FilterPrompt {
        filter: String,
    },
    BoardMoved,
    BoardMoveRefused {
        reason: String,
        by: Option<String>,
        seconds_ago: Option<i64>,
    },
    Exported {
        rows: usize,
        path: String,
    },
    Copied {
        text: String,
    },
    NotVisible {
        id: i64,
    },
    ConfirmAssign {
        count: usize,
        to: String,
        held: i64,
        limit: i64,
        /// Leads whose company someone other than the receiver holds (they will be refused).
        held_elsewhere: usize,
    },
    AssignResult {
        done: usize,
        refused: usize,
        first_refusal: Option<super::OwnershipText>,
    },
    TooSmall {
        width: u16,
        height: u16,
    },
    TreeSummary {
        entities: usize,
        gaps: usize,
        risks: usize,
    },
    Sorted {
        by: &'static str,
    },
}

impl TuiText {
    pub fn render(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            TuiText::SignedInAs { name, team } => {
                if zh {
                    format!("当前用户：{name}（{team}）")
                } else {
                    format!("Signed in as {name} ({team})")
                }
            }
            TuiText::Figures {
                customers,
                pool_leads,
                holding,
                limit,
            } => {
                if zh {
                    format!(
                        "我的客户 {customers} · 我所在线索池中的线索 {pool_leads} · 我的保有量 {holding}/{limit}"
                    )
                } else {
                    format!(
                        "my customers {customers} · leads in my pools {pool_leads} · my holdings {holding}/{limit}"
                    )
                }
            }
            TuiText::PartnerFigures {
                registered,
                capacity,
            } => {
                if zh {
                    format!("我方报备 {registered}/{capacity}（容量）")
                } else {
                    format!("registered by my partner {registered}/{capacity} (capacity)")
                }
            }
            TuiText::RegistrationStatus {
                status,
                days_left,
                review,
                reason,
            } => {
                let reason = reason.clone().unwrap_or_default();
                match (review.as_deref(), status.as_str(), zh) {
                    (Some("pending"), _, false) => "review pending".into(),
                    (Some("pending"), _, true) => "复核中".into(),
                    (Some("rejected"), _, false) => format!("review rejected: {reason}"),
                    (Some("rejected"), _, true) => format!("复核驳回：{reason}"),
                    (Some(other), _, _) => other.to_string(),
                    (None, "active", false) => {
                        format!("protected · {} days left", days_left.unwrap_or_default())
                    }
                    (None, "active", true) => {
                        format!("保护中 · 剩 {} 天", days_left.unwrap_or_default())
                    }
                    (None, "expired", false) => "expired".into(),
                    (None, "expired", true) => "已到期".into(),
                    (None, "converted", false) => "converted".into(),
                    (None, "converted", true) => "已成交".into(),
                    (None, "cancelled", false) => "cancelled".into(),
                    (None, "cancelled", true) => "已取消".into(),
                    (None, other, _) => other.to_string(),
                }
            }
            TuiText::PartnerNameNeeded => (if zh {
                "请填写公司名称（至少 2 个字）。"
            } else {
                "Type the company's name (2 characters or more)."
            })
            .to_string(),
            TuiText::PartnerFieldInvalid { field } => {
                if zh {
                    format!("{}格式不对", field.render(lang))
                } else {
                    format!("{} is not valid", field.render(lang))
                }
            }
            TuiText::Live => (if zh { "实时" } else { "live" }).to_string(),
            TuiText::Connecting => (if zh { "连接中…" } else { "connecting…" }).to_string(),
            TuiText::Reconnecting { since } => {
                if zh {
                    format!("连接断开，自 {since} 起重连中 · 屏幕可能不是最新")
                } else {
                    format!("reconnecting since {since} · screen may be stale")
                }
            }
            TuiText::ReplicaBehind { seconds } => {
                if zh {
                    format!("只读副本落后 {seconds} 秒")
                } else {
                    format!("replica {seconds} s behind")
                }
            }
            TuiText::ReplicaDown => (if zh {
                "只读副本不可用 · 改读主库"
            } else {
                "replica down · reading the primary"
            })
            .to_string(),
            TuiText::ConfirmClaim {
                id,
                company,
                more_of_company,
                holder,
            } => {
                let mut s = if zh {
                    format!("领取线索 {id}（{company}）？")
                } else {
                    format!("Claim lead {id} ({company})?")
                };
                if let Some(holder) = holder {
                    s.push_str(&if zh {
                        format!(" {holder} 已在跟进这家公司。")
                    } else {
                        format!(" {holder} already holds this company.")
                    });
                } else if *more_of_company > 0 {
                    s.push_str(&if zh {
                        format!(" 这家公司在池中还有 {more_of_company} 条线索：领取后只有你能领取它们（每条计入保有量）。")
                    } else {
                        format!(
                            " The company has {more_of_company} more lead(s) in this pool: after this only you can claim them (each counts toward your limit)."
                        )
                    });
                }
                s
            }
            TuiText::ConfirmRelease { id, company } => {
                if zh {
                    format!("退回线索 {id}（{company}）到线索池？")
                } else {
                    format!("Release lead {id} ({company}) to the pool?")
                }
            }
            TuiText::FileError { path, detail } => {
                if zh {
                    format!("无法写入 {path}：{detail}")
                } else {
                    format!("Could not write {path}: {detail}")
                }
            }
            TuiText::TerminalFailed { detail } => {
                if zh {
                    format!("终端出错：{detail}")
                } else {
                    format!("The terminal failed: {detail}")
                }
            }
            TuiText::TaskFailed { detail } => {
                if zh {
                    format!("后台任务异常结束：{detail}")
                } else {
                    format!("A background task failed: {detail}")
                }
            }
            TuiText::Superseded => (if zh {
                "已被新的请求取代"
            } else {
                "superseded"
            })
            .to_string(),
            TuiText::ConfirmWon { name } => {
                if zh {
                    format!("把商机「{name}」标为赢单？")
                } else {
                    format!("Mark {name} as won?")
                }
            }
            TuiText::ConfirmClaimCustomer { id, company } => {
                if zh {
                    format!("领取客户 {id}（{company}）？")
                } else {
                    format!("Claim customer {id} ({company})?")
                }
            }
            TuiText::YesNo { yes, no } => {
                if zh {
                    format!("{yes} 确认 / {no} 取消")
                } else {
                    format!("{yes}/{no}")
                }
            }
            TuiText::HelpTitle => (if zh {
                " 按键（任意键关闭） "
            } else {
                " keys (any key closes) "
            })
            .to_string(),
            TuiText::FilterPrompt { filter } => {
                if zh {
                    format!("筛选：{filter}")
                } else {
                    format!("filter: {filter}")
                }
            }
            TuiText::BoardMoved => (if zh { "已移动。" } else { "Moved." }).to_string(),
            TuiText::BoardMoveRefused {
                reason,
                by,
                seconds_ago,
            } => {
                let who = by.clone().unwrap_or_else(|| "?".into());
                let ago = seconds_ago
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| "?".into());
                match (reason.as_str(), zh) {
                    ("changed", false) => format!(
                        "{who} changed this opportunity {ago} s ago; nothing was overwritten and the board is re-read."
                    ),
                    ("changed", true) => {
                        format!("{who} 在 {ago} 秒前改过这个商机；未覆盖，看板已刷新。")
                    }
                    ("not_permitted", false) => {
                        "Only its owner, their manager or an admin moves this opportunity."
                            .to_string()
                    }
                    ("not_permitted", true) => {
                        "只有负责人、其经理或管理员可以移动这个商机。".to_string()
                    }
                    ("reason_required", false) => "A lost opportunity needs a reason.".to_string(),
                    ("reason_required", true) => "输单需要填写原因。".to_string(),
                    (other, _) => other.to_string(),
                }
            }
            TuiText::Exported { rows, path } => {
                if zh {
                    format!("已导出 {rows} 行到 {path}（UTF-8 带 BOM，Excel 可直接打开）")
                } else {
                    format!("Exported {rows} rows to {path} (UTF-8 with BOM: Excel opens it as is)")
                }
            }
            TuiText::Copied { text } => {
                if zh {
                    format!("已复制到剪贴板：{text}")
                } else {
                    format!("Copied to the clipboard: {text}")
                }
            }
            TuiText::NotVisible { id } => {
                if zh {
                    format!("客户 {id} 不在你的可见范围：查重只显示其名称、负责人、团队和状态。")
                } else {
                    format!(
                        "Customer {id} is not yours to open: the duplicate check shares only its name, owner, team and status."
                    )
                }
            }
            TuiText::ConfirmAssign {
                count,
                to,
                held,
                limit,
                held_elsewhere,
            } => {
                let after = held + *count as i64;
                let over = (after - limit).max(0);
                if zh {
                    let mut s = format!(
                        "将 {count} 条线索分配给 {to}？其保有量 {held}/{limit} → {}/{limit}。",
                        after.min(*limit)
                    );
                    if over > 0 {
                        s.push_str(&format!("其中 {over} 条会因超出保有量被拒绝。"));
                    }
                    if *held_elsewhere > 0 {
                        s.push_str(&format!(
                            "{held_elsewhere} 条所属公司已由其他人跟进，会被拒绝。"
                        ));
                    }
                    s
                } else {
                    let mut s = format!(
                        "Assign {count} lead(s) to {to}? Holdings {held}/{limit} → {}/{limit}.",
                        after.min(*limit)
                    );
                    if over > 0 {
                        s.push_str(&format!(" {over} would be refused: over the limit."));
                    }
                    if *held_elsewhere > 0 {
                        s.push_str(&format!(
                            " {held_elsewhere} belong to companies someone else holds: refused."
                        ));
                    }
                    s
                }
            }
            TuiText::AssignResult {
                done,
                refused,
                first_refusal,
            } => {
                let why = first_refusal
                    .as_ref()
                    .map(|w| format!(" ({})", w.render(lang)))
                    .unwrap_or_default();
                if zh {
                    format!("已分配 {done} 条，被拒绝 {refused} 条{why}")
                } else {
                    format!("{done} assigned, {refused} refused{why}")
                }
            }
            TuiText::TooSmall { width, height } => {
                if zh {
                    format!("终端太小（{width}×{height}）：dibs 至少需要 80×24。")
                } else {
                    format!("The terminal is {width}×{height}: dibs needs at least 80×24.")
                }
            }
            TuiText::TreeSummary {
                entities,
                gaps,
                risks,
            } => {
                if zh {
                    format!("{entities} 个实体 · {gaps} 个无人负责 · {risks} 个属其他团队")
                } else {
                    format!("{entities} entities · {gaps} gaps · {risks} owned by other teams")
                }
            }
            TuiText::Sorted { by } => {
                if zh {
                    format!("排序：{by}")
                } else {
                    format!("sorted by {by}")
                }
            }
        }
    }
}

/// Short interface words of the terminal app (titles, column heads, field names, hints),
/// each in both languages. Sentences with data stay `Text` variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    TabPool,
    TabCustomers,
    Search,
    MyCustomers,
    NewCustomer,
    FieldName,
    FieldPhone,
    FieldEmail,
    FieldCode,
    FieldRegion,
    FieldIndustry,
    FieldParent,
    ReasonPrompt,
    Duplicates,
    Checking,
    NoDuplicates,
    Score,
    Why,
    Status,
    Team,
    Opportunities,
    Followups,
    History,
    Stage,
    Amount,
    Title,
    Department,
    ReadOnly,
    ReadOnlyRefused,
    LastFollowup,
    DueForRecycle,
    Overdue,
    FollowupPrompt,
    AssignPrompt,
    PalettePrompt,
    NoSuchCommand,
    Sort,
    Marked,
    Never,
    PersonName,
    OrgChart,
    SameCompany,
    Record,
    TreeTitle,
    Gap,
    OtherTeam,
    LostReasonPrompt,
    BoardFilterPrompt,
    RepairReasonPrompt,
    TransferUsage,
    UndoUsage,
    HistoryUsage,
    TabBoard,
    TabAnalytics,
    ScopeMine,
    ScopeTeam,
    ScopeAll,
    Owner,
    ExpectedClose,
    When,
    Kind,
    By,
    Note,
    Locked,
    InputKept,
    Mine,
    Unclaimed,
    ColCompany,
    ColRegion,
    ColSource,
    ColAge,
    ColOwner,
    TabPartner,
    TabReviews,
    FieldNote,
    NoRegistrations,
    ColRegistered,
    ColProtection,
    NewRegistration,
    Availability,
    CheckHint,
    CheckPrivacy,
    AskReviewHint,
    ReviewReasonPrompt,
    Partner,
    DirectSide,
    Suggested,
    Evidence,
}

impl Label {
    pub fn render(self, lang: Lang) -> &'static str {
        let (en, zh) = self.words();
        if lang == Lang::Zh { zh } else { en }
    }

    fn words(self) -> (&'static str, &'static str) {
        use Label::*;
        match self {
            TabPool => ("Lead pool", "线索池"),
            TabCustomers => ("Customers", "客户"),
            Search => ("search", "搜索"),
            MyCustomers => ("my customers", "我的客户"),
            NewCustomer => ("New customer", "新建客户"),
            FieldName => ("Company", "公司名称"),
            FieldPhone => ("Phone", "电话"),
            FieldEmail => ("E-mail", "邮箱"),
            FieldCode => ("Credit code", "信用代码"),
            FieldRegion => ("Region", "地区"),
            FieldIndustry => ("Industry", "行业"),
            FieldParent => ("Parent #", "上级客户"),
            ReasonPrompt => ("Reason to save anyway", "仍要保存的原因"),
            Duplicates => ("Possible duplicates", "疑似重复"),
            Checking => ("checking…", "查重中…"),
            NoDuplicates => ("No similar customer found.", "未发现相似客户。"),
            Score => ("score", "相似度"),
            Why => ("why", "原因"),
            Status => ("status", "状态"),
            Team => ("team", "团队"),
            Opportunities => ("Opportunities", "商机"),
            Followups => ("Follow-ups", "跟进记录"),
            History => ("Ownership history", "归属记录"),
            Stage => ("stage", "阶段"),
            Amount => ("amount", "金额"),
            Title => ("title", "职位"),
            Department => ("department", "部门"),
            ReadOnly => ("read-only", "只读"),
            ReadOnlyRefused => (
                "This session is read-only: nothing was changed.",
                "当前为只读模式，未做任何修改。",
            ),
            LastFollowup => ("followed", "最近跟进"),
            DueForRecycle => ("recycle", "回收"),
            Overdue => ("due", "已到期"),
            FollowupPrompt => ("follow-up note", "跟进记录"),
            AssignPrompt => ("assign to (login)", "分配给（登录名）"),
            PalettePrompt => ("command", "命令"),
            NoSuchCommand => (
                "No such command; Tab completes.",
                "没有这个命令；按 Tab 补全。",
            ),
            Sort => ("sort", "排序"),
            Marked => ("marked", "已选"),
            Never => ("never", "从未"),
            PersonName => ("name", "姓名"),
            OrgChart => ("Contacts (org chart)", "联系人（组织架构）"),
            SameCompany => ("The same company (other records)", "同一公司（其他记录）"),
            Record => ("record", "记录"),
            TreeTitle => ("Group tree", "集团树"),
            Gap => ("gap: nobody owns it", "空白：无人负责"),
            OtherTeam => ("other team", "其他团队"),
            LostReasonPrompt => ("why was it lost", "输单原因"),
            RepairReasonPrompt => ("why (recorded with every move)", "原因（随每条转交记录）"),
            TransferUsage => (
                ":transfer FROM TO (logins)",
                ":transfer 原负责人 新负责人（登录名）",
            ),
            UndoUsage => (":undo BATCH REASON", ":undo 批次号 原因"),
            HistoryUsage => (":history LOGIN", ":history 登录名"),
            BoardFilterPrompt => (
                "show cards matching (name, customer, owner, product line, region, close month)",
                "只显示匹配的卡片（名称、客户、负责人、产品线、地区、预计成交月）",
            ),
            TabBoard => ("Stage board", "商机看板"),
            TabAnalytics => ("Collisions", "撞单驾驶舱"),
            TabPartner => ("My registrations", "我的报备"),
            FieldNote => ("Note", "备注"),
            TabReviews => ("Reviews", "报备复核"),
            NoRegistrations => (
                "Nothing registered yet: n registers a company.",
                "还没有报备：按 n 报备一家公司。",
            ),
            ColRegistered => ("registered", "报备日"),
            ColProtection => ("protected until", "保护至"),
            NewRegistration => ("Register a company (报备)", "报备新公司"),
            Availability => ("Available?", "能否报备"),
            CheckHint => (
                "Checked as you type (each check counts toward your partner's daily number).",
                "输入时自动查询（每次查询计入你方当日次数）。",
            ),
            CheckPrivacy => (
                "The answer never says who holds a company.",
                "查询结果不会透露公司由谁跟进。",
            ),
            AskReviewHint => (
                "Direct sales hold it: C-r asks a neutral manager to review.",
                "直销团队跟进中：按 C-r 申请中立主管复核。",
            ),
            ReviewReasonPrompt => ("reason (both sides see it)", "裁定理由（双方可见）"),
            Partner => ("partner", "渠道"),
            DirectSide => ("direct side", "直销方"),
            Suggested => ("suggested", "建议"),
            Evidence => ("Evidence", "双方依据"),
            ScopeMine => ("mine", "我的"),
            ScopeTeam => ("my team", "本团队"),
            ScopeAll => ("all", "全部"),
            Owner => ("owner", "负责人"),
            ExpectedClose => ("close", "预计成交"),
            When => ("when", "时间"),
            Kind => ("kind", "方式"),
            By => ("by", "记录人"),
            Note => ("note", "内容"),
            Locked => ("locked", "已锁定"),
            InputKept => ("your input is kept", "输入会保留"),
            Mine => ("mine", "我的"),
            Unclaimed => ("unclaimed", "待领取"),
            ColCompany => ("company", "公司"),
            ColRegion => ("region", "地区"),
            ColSource => ("source", "来源"),
            ColAge => ("age", "天数"),
            ColOwner => ("owner", "负责人"),
        }
    }
}

/// The words of a key action, by its config name (`claim`, `save`…): a short form for the
/// status-bar hints and a longer one for the help. Keyed by name so the wording depends on
/// nothing of the app; a test checks that every action of the keymap has both.
pub fn action_words(name: &str, lang: Lang) -> Option<(&'static str, &'static str)> {
    let (en, zh) = match name {
        "down" => (("down", "next row"), ("下", "下一条")),
        "up" => (("up", "previous row"), ("上", "上一条")),
        "page_down" => (("page down", "ten down"), ("下翻", "向下十条")),
        "page_up" => (("page up", "ten up"), ("上翻", "向上十条")),
        "claim" => (
            ("claim", "claim lead / customer"),
            ("领取", "领取线索或客户"),
        ),
        "release" => (("release", "release to the pool"), ("退回", "退回线索池")),
        "mark" => (
            ("mark", "mark for a bulk assign"),
            ("标记", "标记（批量分配）"),
        ),
        "assign" => (
            ("assign", "assign leads to a rep"),
            ("分配", "分配线索给销售"),
        ),
        "follow_up" => (
            ("follow up", "log a follow-up call"),
            ("跟进", "记录一次跟进"),
        ),
        "sort" => (
            ("sort", "sort: # / company / age / due"),
            ("排序", "排序：编号/公司/天数/回收"),
        ),
        "filter" => (
            ("filter", "filter / search as you type"),
            ("筛选", "筛选 / 边输入边搜索"),
        ),
        "open" => (
            ("open", "open the 360° view / a tree level / drill down"),
            ("打开", "打开 360° 视图 / 展开集团树 / 下钻"),
        ),
        "new" => (
            (
                "new",
                "new customer (checked live); a partner: register a company",
            ),
            ("新建", "新建客户（实时查重）；渠道：报备新公司"),
        ),
        "tree" => (
            ("tree", "the customer's group tree"),
            ("集团树", "客户集团树"),
        ),
        "left" => (
            ("left", "column left / close a level / other list"),
            ("左", "左一列 / 收起 / 切换列表"),
        ),
        "right" => (
            ("right", "column right / open a level / other list"),
            ("右", "右一列 / 展开 / 切换列表"),
        ),
        "period_prev" => (
            ("earlier", "collisions: the period before"),
            ("上期", "撞单驾驶舱：上一期间"),
        ),
        "period_next" => (
            ("later", "collisions: the period after"),
            ("下期", "撞单驾驶舱：下一期间"),
        ),
        "range" => (
            ("range", "collisions: a week / 4 weeks / 13 weeks"),
            ("范围", "撞单驾驶舱：1 周 / 4 周 / 13 周"),
        ),
        "ask_review" => (
            (
                "ask for review",
                "registration: ask a neutral manager to review",
            ),
            ("申请复核", "报备：申请中立主管复核"),
        ),
        "approve" => (
            ("approve", "review: the partner wins (asks for a reason)"),
            ("通过", "复核：渠道胜出（需填写理由）"),
        ),
        "reject" => (
            ("reject", "review: direct sales keep it (asks for a reason)"),
            ("驳回", "复核：直销保留（需填写理由）"),
        ),
        "stage_next" => (
            ("next stage", "board: next stage"),
            ("下一阶段", "看板：下一阶段"),
        ),
        "stage_prev" => (
            ("previous stage", "board: previous stage"),
            ("上一阶段", "看板：上一阶段"),
        ),
        "won" => (
            ("won", "board: won (asks first)"),
            ("赢单", "看板：赢单（需确认）"),
        ),
        "lost" => (
            ("lost", "board: lost (with reason)"),
            ("输单", "看板：输单（填原因）"),
        ),
        "scope" => (
            ("mine/team/all", "board: mine / team / all"),
            ("我的/团队/全部", "看板：我的/团队/全部"),
        ),
        "back" => (
            ("back", "close / clear / quit at the top"),
            ("返回", "关闭 / 清除 / 顶层时退出"),
        ),
        "save" => (("save", "save the form"), ("保存", "保存表单")),
        "next_field" => (("next", "next field"), ("下一项", "下一项")),
        "prev_field" => (("back", "previous field"), ("上一项", "上一项")),
        "clear_field" => (("clear", "clear the field"), ("清空", "清空本项")),
        "submit" => (("done", "done typing"), ("完成", "输入完成")),
        "cancel" => (("cancel", "cancel the input"), ("取消", "取消输入")),
        "complete" => (("complete", "complete the command"), ("补全", "补全命令")),
        "yes" => (("yes", "answer yes"), ("确认", "确认")),
        "no" => (("no", "answer no"), ("取消", "取消")),
        "next_tab" => (("next tab", "next tab"), ("下一标签", "切换到下一个标签")),
        "tab_1" | "tab_2" | "tab_3" | "tab_4" | "tab_5" | "tab_6" | "tab_7" | "tab_8" | "tab_9" => {
            (("tab", "go to that tab"), ("标签", "切换到该标签"))
        }
        "export" => (
            ("export", "export what is shown to CSV"),
            ("导出", "导出所见内容为 CSV"),
        ),
        "copy" => (
            ("copy", "copy the record (OSC 52)"),
            ("复制", "复制所选记录（OSC 52）"),
        ),
        "palette" => (
            ("command", "commands (Tab completes)"),
            ("命令", "命令（Tab 补全）"),
        ),
        "refresh" => (("refresh", "re-read everything"), ("刷新", "全部刷新")),
        "help" => (("help", "this help"), ("帮助", "本帮助")),
        "quit" => (
            ("quit", "quit (Ctrl-C always quits)"),
            ("退出", "退出（Ctrl-C 总能退出）"),
        ),
        _ => return None,
    };
    Some(if lang == Lang::Zh { zh } else { en })
}
