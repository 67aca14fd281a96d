//! Every pane of the app filled with Chinese data, with no database: for the golden
//! snapshots (`tests` below and `tui::golden`) and the render benchmark (`bench render`).

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::app::{App, Msg, Options};
use super::chrome::Theme;
use super::cmd::{Lane, TabMsg};
use super::tabs::analytics::{AnalyticsTab, Level};
use super::tabs::board::{Board, BoardTab};
use super::tabs::customers::CustomersTab;
use super::tabs::customers::detail::{DetailView, Shown};
use super::tabs::customers::tree::Tree;
use super::tabs::partner::PartnerTab;
use super::tabs::pool::{PoolTab, PoolView};
use super::tabs::reviews::ReviewsTab;
use crate::db::api::analytics::{
    Cohort, Contested, Dashboard, FollowUpFigures, Lag, ReasonCount, RepFigures, Summary,
};
use crate::db::api::board::{Card, Stage};
use crate::db::api::customers::{CustomerDetail, FollowupLine, OpportunityLine, Person};
use crate::db::api::history::HistoryEntry;
use crate::db::api::me::Figures;
use crate::db::api::pool::{LeadRow, PoolPage};
use crate::db::api::tree::Node;
use crate::domain::analytics::{Period, Span, Tally};
use crate::domain::ownership::Entity;
use crate::domain::partners::{MyRegistration, ReviewLine};
use crate::domain::score::{InFlight, LiveResult, Match, Why};
use crate::text::Lang;

fn key(app: &mut App, code: KeyCode) {
    let _ = app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

/// The app as 王芳 sees it at start, her pool loaded, her limit reached.
pub fn base(lang: Lang, theme: Theme) -> App {
    let mut app = App::new(
        "dibs · wangfang".into(),
        lang,
        Options {
            theme,
            ..Options::default()
        },
    );
    app.connected = true;
    let _ = app.update(Msg::Figures(Ok(Figures {
        display_name: "王芳".into(),
        team: "华东一组".into(),
        customers: 2400,
        pool_leads: 812,
        holding: 50,
        limit: 50,
        partner: false,
    })));
    let rows = (1..=60)
        .map(|id| LeadRow {
            id,
            company: format!("上海恒信精密机械股份有限公司华东区域销售第{id}分公司"),
            region: "上海".into(),
            industry: "制造业".into(),
            source: "老客户转介绍".into(),
            owner: (id % 3 == 0).then(|| "欧阳娜娜".to_string()),
            mine: id < 5,
            age_days: id * 3,
            followed_days_ago: (id < 5).then_some(id),
            recycle_in_days: (id < 5).then_some(id - 2),
            company_leads: if id == 7 { 3 } else { 1 },
            company_holder: (id == 8).then(|| "张霞".to_string()),
        })
        .collect();
    if let Some(tab) = app.tab_mut::<PoolTab>() {
        tab.pool = Some(PoolView::new(PoolPage {
            id: 1,
            name: "华东制造业线索池".into(),
            rows,
            has_more: false,
        }));
    }
    app
}

pub fn matches() -> Vec<Match> {
    (0..8)
        .map(|i| Match {
            entity: Entity::Customer,
            id: 100 + i,
            name: format!("光宇精密机械（广州）有限公司第{i}分公司"),
            owner: Some("张霞".into()),
            team: Some("华南组".into()),
            status: "active".into(),
            score: 0.9 - i as f64 * 0.1,
            duplicate: i < 2,
            why: vec![
                Why::TypedPrefix,
                Why::Branch {
                    branch: "分公司".into(),
                },
            ],
        })
        .collect()
}

pub fn search(lang: Lang, theme: Theme) -> App {
    let mut app = base(lang, theme);
    key(&mut app, KeyCode::Char('2'));
    if let Some(tab) = app.tab_mut::<CustomersTab>() {
        tab.results = matches();
        tab.searching = false;
        tab.query = "光宇".into();
    }
    app
}

pub fn form(lang: Lang, theme: Theme) -> App {
    let mut app = search(lang, theme);
    key(&mut app, KeyCode::Char('n'));
    typed(&mut app, "光宇精密");
    let seq = app.tab::<CustomersTab>().map(|t| t.form.seq).unwrap_or(0);
    let _ = app.update(Msg::To(
        "customers",
        TabMsg::Live {
            lane: Lane::DuplicatePanel,
            seq,
            result: Ok(LiveResult {
                matches: matches().into_iter().take(5).collect(),
                in_flight: vec![InFlight {
                    user: "张伟".into(),
                    team: None,
                    draft: "光宇精密机械".into(),
                    seconds_ago: 4,
                }],
            }),
        },
    ));
    app
}

fn history(n: usize) -> Vec<HistoryEntry> {
    (0..n)
        .map(|i| HistoryEntry {
            at: chrono::DateTime::from_timestamp(1_790_000_000 + i as i64 * 3600, 0)
                .unwrap_or_default(),
            action: "claim".into(),
            outcome: "ok".into(),
            reason: "ok".into(),
            actor: Some("朱明".into()),
            from_owner: None,
            to_owner: Some("朱明".into()),
            login: "zhuming".into(),
            detail: None,
        })
        .collect()
}

pub fn detail(lang: Lang, theme: Theme) -> App {
    let mut app = base(lang, theme);
    key(&mut app, KeyCode::Char('2'));
    let person = |id: i64, name: &str, title: &str, reports_to: Option<i64>| Person {
        id,
        name: name.into(),
        title: title.into(),
        department: "采购部".into(),
        reports_to,
        key_person: id == 1,
        last_touched_by: Some("王芳".into()),
    };
    let mut contacts = vec![
        person(1, "陈建国", "总经理", None),
        person(2, "司马静", "采购总监", Some(1)),
        person(3, "欧阳娜娜", "采购经理", Some(2)),
    ];
    contacts.extend((10..30).map(|i| person(i, &format!("欧阳{i}"), "工程师", Some(3))));
    if let Some(tab) = app.tab_mut::<CustomersTab>() {
        tab.detail = Some(DetailView::new(Shown::Customer(Box::new(CustomerDetail {
            id: 240,
            name: "光宇集团有限公司".into(),
            status: "active".into(),
            owner: Some("朱明".into()),
            team: Some("华南组".into()),
            uscc: Some("91440300MA5FTHX46B".into()),
            region: Some("广州".into()),
            industry: Some("制造业".into()),
            phone: Some("020-****6666".into()),
            contacts,
            opportunities: vec![OpportunityLine {
                name: "智能工厂二期".into(),
                stage_en: "Proposal".into(),
                stage_zh: "方案报价".into(),
                amount: 1_250_000.0,
                owner: Some("朱明".into()),
                expected_close: chrono::NaiveDate::from_ymd_opt(2026, 12, 31),
            }],
            followups: vec![FollowupLine {
                at: chrono::DateTime::from_timestamp(1_790_000_000, 0).unwrap_or_default(),
                kind: "visit".into(),
                by: "朱明".into(),
                note: "约了演示".into(),
            }],
            history: history(3),
            same_company: vec![crate::db::api::customers::CompanyRecord {
                entity: crate::domain::ownership::Entity::Lead,
                id: 54,
                name: "杭州安城汽车零部件股份有限公司".into(),
                owner: Some("张霞".into()),
                last_touch: None,
            }],
            ..CustomerDetail::default()
        }))));
    }
    app
}

pub fn person_history(lang: Lang, theme: Theme) -> App {
    let mut app = base(lang, theme);
    key(&mut app, KeyCode::Char('2'));
    if let Some(tab) = app.tab_mut::<CustomersTab>() {
        tab.detail = Some(DetailView::new(Shown::Person {
            login: "zhuming".into(),
            entries: history(30),
        }));
    }
    app
}

pub fn help(lang: Lang, theme: Theme) -> App {
    let mut app = base(lang, theme);
    key(&mut app, KeyCode::Char('?'));
    app
}

pub fn confirm(lang: Lang, theme: Theme) -> App {
    let mut app = base(lang, theme);
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('c'));
    app
}

pub fn board(lang: Lang, theme: Theme) -> App {
    let mut app = base(lang, theme);
    let stages = [
        (1, "Qualify", "初步接洽", false, false),
        (2, "Needs", "需求确认", false, false),
        (3, "Proposal", "方案报价", false, false),
        (4, "Negotiation", "商务谈判", false, false),
        (5, "Won", "赢单", true, true),
        (6, "Lost", "输单", true, false),
    ];
    let columns = stages
        .iter()
        .map(|(id, en, zh, closed, won)| Stage {
            id: *id,
            name_en: en.to_string(),
            name_zh: zh.to_string(),
            closed: *closed,
            won: *won,
            cards: (0..30)
                .map(|i| Card {
                    id: i64::from(*id) * 100 + i,
                    name: format!("华东智能工厂二期项目第{i}包"),
                    customer: "上海恒信精密机械股份有限公司".into(),
                    amount: 1_250_000.0 + i as f64 * 10_000.0,
                    owner: "欧阳娜娜".into(),
                    version: 1,
                    idle_days: 20 - i % 20,
                })
                .collect(),
        })
        .collect();
    if let Some(tab) = app.tab_mut::<BoardTab>() {
        tab.board = Some(Board {
            columns,
            ..Board::default()
        });
    }
    key(&mut app, KeyCode::Char('3'));
    app
}

pub fn tree(lang: Lang, theme: Theme) -> App {
    let mut app = base(lang, theme);
    key(&mut app, KeyCode::Char('2'));
    let node = |id: i64, name: &str, owner: Option<&str>, team: i64, children: i64| Node {
        id,
        name: name.into(),
        owner: owner.map(str::to_string),
        team_id: Some(team),
        team: Some(format!("华东{team}组")),
        open_opportunities: id % 3,
        children,
    };
    let mut tree = Tree::new(
        node(1, "新星集团有限公司", Some("郭秀英"), 1, 3),
        vec![
            node(2, "新星新能源（厦门）有限公司", Some("王芳"), 1, 2),
            node(3, "新星新能源（合肥）有限公司", Some("张伟"), 2, 0),
            node(4, "新星物流（深圳）有限公司", None, 1, 0),
        ],
        2,
    );
    tree.insert_children(
        1,
        vec![node(5, "新星新能源（厦门）有限公司上海分公司", None, 1, 0)],
    );
    if let Some(tab) = app.tab_mut::<CustomersTab>() {
        tab.tree = Some(tree);
    }
    app
}

/// Four weeks of collision figures for a manager with two teams, the trend falling.
pub fn analytics(lang: Lang, theme: Theme) -> App {
    let mut app = base(lang, theme);
    key(&mut app, KeyCode::Char('4'));
    if let Some(tab) = app.tab_mut::<AnalyticsTab>() {
        tab.today = Some(ANALYTICS_TODAY);
        tab.span = Span::FourWeeks;
        tab.show(analytics_dashboard());
    }
    app
}

const ANALYTICS_TODAY: chrono::NaiveDate = match chrono::NaiveDate::from_ymd_opt(2026, 12, 1) {
    Some(day) => day,
    None => chrono::NaiveDate::MIN,
};

/// The figures of [`analytics`]: four weeks to 2026-12-06, two teams, five people.
pub fn analytics_dashboard() -> Dashboard {
    let today = ANALYTICS_TODAY;
    let period = Period::ending(today, Span::FourWeeks);
    let window = period.trend_window(12);
    let trend = (0..12u64)
        .map(|week| {
            let monday = window.from + chrono::Days::new(week * 7);
            let attempts = 180 + week as i64 * 5;
            let tally = Tally {
                attempts,
                collisions: attempts * (30 - week as i64 * 2) / 100,
                races: 4 - (week as i64 / 3),
            };
            (monday, tally)
        })
        .collect();
    let rep =
        |id: i64, name: &str, team: &str, attempts: i64, collisions: i64, held: i32| RepFigures {
            user_id: id,
            name: name.into(),
            team: team.into(),
            attempts,
            collisions,
            races: collisions / 4,
            taken: attempts / 2,
            recycled: attempts / 10,
            limit_refusals: i64::from(held > 45) * 3,
            held: Some(held),
            holding_limit: Some(50),
        };
    let reasons = [
        ("already_owned_by", 96),
        ("company_held", 41),
        ("over_limit", 22),
        ("duplicate_blocked", 12),
        ("cooldown", 7),
        ("protected_by", 3),
    ]
    .iter()
    .map(|(reason, refusals)| ReasonCount {
        reason: reason.to_string(),
        refusals: *refusals,
    })
    .collect();
    let contested = [
        ("上海恒信精密机械股份有限公司", 9, 3),
        ("光宇集团有限公司", 6, 2),
        ("新星新能源（厦门）有限公司", 4, 2),
    ]
    .iter()
    .enumerate()
    .map(|(i, (name, collisions, people))| Contested {
        company_id: i as i64 + 1,
        name: name.to_string(),
        collisions: *collisions,
        people: *people,
    })
    .collect();
    let summary = |attempts: i64, collisions: i64| Summary {
        attempts,
        collisions,
        races: collisions / 5,
        taken: attempts / 2,
        recycled: attempts / 12,
        released: attempts / 20,
        refusals: collisions + 30,
        blocked: 12,
        warned: 20,
        overridden: 5,
        contested: 17,
        reclaimed: 9,
        bad_overrides: 2,
        shadow: 4,
        channel_conflicts: 2,
    };
    Dashboard {
        period_from: period.from,
        period_to: period.to,
        person: None,
        now: summary(860, 103),
        before: summary(790, 142),
        trend,
        reasons,
        reps: vec![
            rep(11, "欧阳娜娜", "华东一组", 212, 31, 48),
            rep(12, "王芳", "华东一组", 180, 20, 50),
            rep(13, "Alexander Hamilton", "华南大客户组", 150, 12, 22),
            rep(14, "张伟", "华南大客户组", 96, 9, 35),
            rep(15, "李娜", "华东一组", 77, 4, 10),
        ],
        contested,
        followup: FollowUpFigures {
            taken: 430,
            followed: 371,
            within_24h: 268,
            p50_hours: Some(8),
            p90_hours: Some(72),
        },
        cohorts: (0..4u64)
            .flat_map(|week| {
                let monday = period.from + chrono::Days::new(week * 7);
                [("华东制造业线索池", 60), ("华南互联网线索池", 40)].map(|(pool, taken)| Cohort {
                    week: monday,
                    pool: pool.into(),
                    taken,
                    converted: taken * (4 - week as i64) / 20,
                })
            })
            .collect(),
        lag: Lag {
            counted_at: chrono::DateTime::from_timestamp(1_795_600_000, 0),
            rows_behind: 0,
        },
    }
}

/// The analytics drilled down to the people of the busiest team.
pub fn analytics_people(lang: Lang, theme: Theme) -> App {
    let mut app = analytics(lang, theme);
    key(&mut app, KeyCode::Enter);
    app
}

/// The analytics drilled down to one company's ownership history.
pub fn analytics_history(lang: Lang, theme: Theme) -> App {
    let mut app = analytics(lang, theme);
    if let Some(tab) = app.tab_mut::<AnalyticsTab>() {
        tab.path = vec![
            Level::Person {
                id: 11,
                name: "欧阳娜娜".into(),
            },
            Level::Company {
                id: 1,
                name: "上海恒信精密机械股份有限公司".into(),
            },
        ];
        let mut events = history(12);
        for (i, event) in events.iter_mut().enumerate() {
            if i % 3 == 1 {
                event.outcome = "refused".into();
                event.reason = "company_held".into();
                event.to_owner = None;
                event.actor = Some("欧阳娜娜".into());
            }
        }
        tab.history = Some(events);
    }
    app
}

fn at(day: u32) -> chrono::DateTime<chrono::Utc> {
    chrono::NaiveDate::from_ymd_opt(2026, 11, day.clamp(1, 30))
        .and_then(|d| d.and_hms_opt(9, 30, 0))
        .map(|t| t.and_utc())
        .unwrap_or_default()
}

/// A partner's person (李强 of 华信智联渠道) on their registrations: protected ones with days
/// left, one near its end, a pending review, a rejected one, an expired one.
pub fn partner(lang: Lang, theme: Theme) -> App {
    let mut app = App::new(
        "dibs · hx_liqiang".into(),
        lang,
        Options {
            theme,
            ..Options::default()
        },
    )
    .for_role("partner");
    app.connected = true;
    let _ = app.update(Msg::Figures(Ok(Figures {
        display_name: "李强".into(),
        team: "华信智联渠道".into(),
        customers: 5,
        pool_leads: 0,
        holding: 5,
        limit: 200,
        partner: true,
    })));
    let row = |id: i64,
               company: &str,
               status: &str,
               day: u32,
               left: Option<i32>,
               review: Option<&str>| {
        MyRegistration {
            registration_id: review.is_none().then_some(id * 10),
            review_id: review.map(|_| id),
            customer_id: id,
            company: company.into(),
            status: status.into(),
            registered_at: at(day),
            expires_at: left.map(|l| at(30) + chrono::Duration::days(i64::from(l))),
            max_until: left.map(|_| at(30) + chrono::Duration::days(180)),
            days_left: left,
            last_followup_at: day.is_multiple_of(2).then(|| at(day + 2)),
            review_state: review.map(str::to_string),
            review_reason: (review == Some("rejected"))
                .then(|| "直销方已于 7 月签约试用".to_string()),
            registered_by: Some("李强".into()),
        }
    };
    if let Some(tab) = app.tab_mut::<PartnerTab>() {
        tab.rows = Some(vec![
            row(
                2,
                "新星新能源（厦门）有限公司",
                "review",
                29,
                None,
                Some("pending"),
            ),
            row(
                13,
                "威新供应链管理（厦门）有限公司",
                "active",
                28,
                Some(87),
                None,
            ),
            row(
                7,
                "禾方新能源（厦门）有限公司",
                "active",
                23,
                Some(82),
                None,
            ),
            row(10, "禾方新能源（青岛）有限公司", "active", 2, Some(5), None),
            row(
                31,
                "上海恒信精密机械股份有限公司",
                "review",
                12,
                None,
                Some("rejected"),
            ),
            row(
                2495,
                "QINGDAO HENGHONG PRECISION MACHINERY CO., LTD.",
                "expired",
                1,
                Some(0),
                None,
            ),
        ]);
    }
    app
}

/// The partner's registration form: a company direct sales hold, the review offered.
pub fn partner_form(lang: Lang, theme: Theme) -> App {
    let mut app = partner(lang, theme);
    key(&mut app, KeyCode::Char('n'));
    typed(&mut app, "新星新能源（厦门）有限公司");
    if let Some(tab) = app.tab_mut::<PartnerTab>() {
        tab.form.checking = false;
        tab.form.answer = Some("unavailable".into());
        tab.form.review_possible = true;
    }
    app
}

/// A channel manager's review queue: two conflicts, the first one's evidence below.
pub fn reviews(lang: Lang, theme: Theme) -> App {
    let mut app = base(lang, theme).for_role("manager");
    let _ = app.update(Msg::Figures(Ok(Figures {
        display_name: "郭娟".into(),
        team: "华东一组".into(),
        customers: 12,
        pool_leads: 812,
        holding: 3,
        limit: 50,
        partner: false,
    })));
    key(&mut app, KeyCode::Char('5'));
    let review = |id: i64, company: &str, partner: &str, rep: &str, overdue: bool| ReviewLine {
        id,
        customer_id: id * 7,
        company: company.into(),
        partner: partner.into(),
        requested_by: Some("赵敏".into()),
        requested_at: at(29),
        direct_rep: Some(rep.into()),
        direct_team: Some("华东一组".into()),
        direct_since: Some(at(3)),
        partner_followups: 4,
        direct_followups: 1,
        suggested: "direct".into(),
        why: "first".into(),
        state: "pending".into(),
        reviewer: None,
        decided_at: None,
        reason: None,
        overdue,
        note: Some("我方三个月前已与客户采购部接洽，有会议纪要".into()),
    };
    if let Some(tab) = app.tab_mut::<ReviewsTab>() {
        tab.rows = Some(vec![
            review(1, "新星新能源（厦门）有限公司", "蓝海伟业", "王芳", false),
            review(
                2,
                "光宇精密机械（苏州）有限公司",
                "华信智联渠道",
                "李娜",
                true,
            ),
        ]);
    }
    app
}

/// Every pane: (name, how to build it, words it must show in English, in Chinese).
pub type Pane = (
    &'static str,
    fn(Lang, Theme) -> App,
    &'static str,
    &'static str,
);

pub const PANES: &[Pane] = &[
    (
        "pool",
        base,
        "华东制造业线索池 (60)",
        "华东制造业线索池 (60)",
    ),
    ("search", search, "光宇精密机械", "光宇精密机械"),
    ("form", form, "Possible duplicates", "疑似重复"),
    (
        "detail",
        detail,
        "#240 光宇集团有限公司",
        "#240 光宇集团有限公司",
    ),
    (
        "history",
        person_history,
        "Ownership history (30)",
        "归属记录 (30)",
    ),
    ("help", help, "commands (Tab completes)", "命令（Tab 补全）"),
    ("confirm", confirm, "Claim lead 2", "y 确认 / n 取消"),
    ("board", board, "Qualify 30", "初步接洽 30"),
    ("tree", tree, "Group tree", "集团树"),
    (
        "analytics",
        analytics,
        "Collisions · everyone I see",
        "撞单驾驶舱 · 我可见的全部",
    ),
    ("analytics_people", analytics_people, "欧阳娜娜", "欧阳娜娜"),
    (
        "analytics_history",
        analytics_history,
        "ownership history",
        "归属记录",
    ),
    (
        "partner",
        partner,
        "protected · 87 days left",
        "保护中 · 剩 87 天",
    ),
    ("partner_form", partner_form, "unavailable", "不可报备"),
    ("reviews", reviews, "蓝海伟业", "蓝海伟业"),
];
