//! What the app reads and changes in the database, always under the person's own login.

use chrono::Utc;
use tokio_postgres::Client;

use super::board::{Board, BoardQuery, BoardScope, Card, Column, MoveAnswer};
use super::customers::{Detail, Person, Section, org_chart};
use super::state::{Figures, LeadRow, Pending, PoolView};
use crate::dedup::check::Match;
use crate::ownership::{self, Action, Entity};
use crate::text::{Label, SetupText, TuiText};

fn message(err: &tokio_postgres::Error) -> String {
    err.as_db_error()
        .map(|d| d.message().to_string())
        .unwrap_or_else(|| err.to_string())
}

pub async fn load_figures(client: &Client) -> Result<Figures, String> {
    let row = client
        .query_one(
            "select display_name, team, customers, pool_leads, holding, holding_limit
             from dibs.my_figures()",
            &[],
        )
        .await
        .map_err(|e| message(&e))?;
    Ok(Figures {
        display_name: row.get(0),
        team: row.get(1),
        customers: row.get(2),
        pool_leads: row.get(3),
        holding: row.get(4),
        limit: row.get(5),
    })
}

/// My first lead pool: all my leads, then the first `unclaimed` unclaimed ones by id.
pub async fn load_pool(client: &Client, unclaimed: i64) -> Result<PoolView, String> {
    let pool = client
        .query_opt(
            "select p.id, p.name from dibs.pools p join dibs.pool_members m on m.pool_id = p.id
             join dibs.users u on u.id = m.user_id
             where u.login_role = session_user and p.kind = 'lead' order by p.id limit 1",
            &[],
        )
        .await
        .map_err(|e| message(&e))?;
    let Some(pool) = pool else {
        return Ok(PoolView::default());
    };
    let pool_id: i64 = pool.get(0);
    let mine = client
        .query(
            &format!(
                "{LEAD_COLUMNS} where l.pool_id = $1 and l.status in ('new', 'working')
                   and u.login_role = session_user order by l.id limit 1000"
            ),
            &[&pool_id],
        )
        .await
        .map_err(|e| message(&e))?;
    let (free, has_more) = load_unclaimed(client, pool_id, 0, unclaimed).await?;
    let mut rows: Vec<LeadRow> = mine.iter().map(lead_row).collect();
    rows.extend(free);
    Ok(PoolView {
        id: pool_id,
        name: pool.get(1),
        rows,
        has_more,
        ..PoolView::default()
    })
}

/// The pool's recycle deadline of a held lead: the earlier of idle and unconverted.
const LEAD_COLUMNS: &str =
    "select l.id, l.company_name, coalesce(l.region, ''), coalesce(l.source, ''), u.display_name,
        coalesce(u.login_role = session_user, false), (current_date - l.created_at::date)::bigint,
        coalesce(l.industry, ''), (current_date - l.last_followup_at::date)::bigint,
        case when l.owner_id is not null and l.status = 'working' and not l.locked then
            extract(day from least(coalesce(l.last_followup_at, l.owned_since) + p.recycle_after_idle,
                                   l.owned_since + p.recycle_after_unconverted) - now())::bigint
        end
     from dibs.leads l join dibs.pools p on p.id = l.pool_id
     left join dibs.users u on u.id = l.owner_id";

fn lead_row(r: &tokio_postgres::Row) -> LeadRow {
    LeadRow {
        id: r.get(0),
        company: r.get(1),
        region: r.get(2),
        source: r.get(3),
        owner: r.get(4),
        mine: r.get(5),
        age_days: r.get(6),
        industry: r.get(7),
        followed_days_ago: r.get(8),
        recycle_in_days: r.get(9),
    }
}

/// The next `limit` unclaimed leads after `after` (keyset: the index on (pool_id, id) for
/// unowned leads serves it at any depth), and whether more follow.
pub async fn load_unclaimed(
    client: &Client,
    pool: i64,
    after: i64,
    limit: i64,
) -> Result<(Vec<LeadRow>, bool), String> {
    let rows = client
        .query(
            &format!(
                "{LEAD_COLUMNS} where l.pool_id = $1 and l.owner_id is null and l.status = 'new' and l.id > $2
                 order by l.id limit $3"
            ),
            &[&pool, &after, &(limit + 1)],
        )
        .await
        .map_err(|e| message(&e))?;
    let has_more = rows.len() as i64 > limit;
    Ok((
        rows.iter().take(limit as usize).map(lead_row).collect(),
        has_more,
    ))
}

/// Runs a claim or release and returns its outcome in words (refusals are `Err`).
pub async fn change(client: &Client, action: Action) -> Result<String, String> {
    let outcome = ownership::perform(client, &action, None)
        .await
        .map_err(|e| e.to_string())?;
    let words = crate::text::OwnershipText::of(&outcome, Utc::now()).to_string();
    if outcome.ok { Ok(words) } else { Err(words) }
}

/// Logs a follow-up call on a lead (resets its recycle clock).
pub async fn follow_up(client: &Client, lead: i64, note: String) -> Result<String, String> {
    let note = Some(note).filter(|n| !n.is_empty());
    change(
        client,
        Action::Followup {
            entity: Entity::Lead,
            id: lead,
            kind: "call".into(),
            note,
        },
    )
    .await
}

/// Who the leads would go to, and what that rep holds in the leads' pool now.
pub async fn preview_assign(
    client: &Client,
    leads: Vec<i64>,
    login: String,
) -> Result<Pending, String> {
    let first = leads.first().copied().unwrap_or_default();
    let row = client
        .query_opt(
            "select u.id, u.display_name,
                    (select count(*) from dibs.leads h where h.owner_id = u.id and h.pool_id = l.pool_id
                       and h.status in ('new', 'working')),
                    coalesce((select coalesce(m.holding_limit, p.holding_limit)::bigint
                                from dibs.pool_members m join dibs.pools p on p.id = m.pool_id
                               where m.pool_id = l.pool_id and m.user_id = u.id), 0)
             from dibs.users u, dibs.leads l where u.login_role = $1 and l.id = $2",
            &[&login, &first],
        )
        .await
        .map_err(|e| message(&e))?;
    let row = row.ok_or_else(|| SetupText::NoSuchUser { login }.to_string())?;
    Ok(Pending::Assign {
        leads,
        to: row.get(0),
        to_name: row.get(1),
        held: row.get(2),
        limit: row.get(3),
    })
}

/// Assigns each lead through the database (each decided on its own) and sums up.
pub async fn assign(client: &Client, leads: Vec<i64>, to: i64) -> Result<String, String> {
    let (mut done, mut refused, mut first_refusal) = (0, 0, None);
    for lead in leads {
        let outcome = ownership::perform(client, &Action::AssignLead { lead, to }, None)
            .await
            .map_err(|e| e.to_string())?;
        if outcome.ok {
            done += 1;
        } else {
            refused += 1;
            first_refusal.get_or_insert_with(|| {
                crate::text::OwnershipText::of(&outcome, Utc::now()).to_string()
            });
        }
    }
    let words = TuiText::AssignResult {
        done,
        refused,
        first_refusal,
    }
    .to_string();
    if refused == 0 { Ok(words) } else { Err(words) }
}

/// The customers I own, by name: what the customers tab shows before anything is typed.
pub async fn my_customers(client: &Client) -> Result<Vec<Match>, String> {
    let rows = client
        .query(
            "select c.id, c.name, u.display_name, t.name, c.status::text
             from dibs.customers c join dibs.users u on u.id = c.owner_id
             left join dibs.teams t on t.id = c.team_id
             where u.login_role = session_user and c.status = 'active' order by c.name limit 500",
            &[],
        )
        .await
        .map_err(|e| message(&e))?;
    Ok(rows
        .iter()
        .map(|r| Match {
            entity: Entity::Customer,
            id: r.get(0),
            name: r.get(1),
            owner: r.get(2),
            team: r.get(3),
            status: r.get(4),
            score: 1.0,
            why: Vec::new(),
        })
        .collect())
}

fn text_rows(rows: &[tokio_postgres::Row]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| {
            (0..r.len())
                .map(|i| r.get::<_, Option<String>>(i).unwrap_or_default())
                .collect()
        })
        .collect()
}

/// The 360° view of one customer, read under the person's own login.
pub async fn load_detail(client: &Client, id: i64) -> Result<Detail, String> {
    let err = |e: tokio_postgres::Error| message(&e);
    let head = client
        .query_opt(
            "select c.name, coalesce(u.display_name, '-'), coalesce(t.name, '-'), c.status::text,
                    coalesce(c.uscc, '-'), coalesce(c.region, '-'), coalesce(c.industry, '-'),
                    coalesce(p.name || ' (#' || p.id || ')', '-'), coalesce(cc.phone, '-'),
                    coalesce(to_char(c.last_followup_at, 'YYYY-MM-DD'), '-'),
                    case when c.locked then 'locked' else '' end
             from dibs.customers c left join dibs.users u on u.id = c.owner_id
             left join dibs.teams t on t.id = c.team_id left join dibs.customers p on p.id = c.parent_id
             left join dibs.customer_contacts cc on cc.id = c.id
             where c.id = $1",
            &[&id],
        )
        .await
        .map_err(err)?
        .ok_or_else(|| TuiText::NotVisible { id }.to_string())?;
    let text = |i: usize| head.get::<_, String>(i);
    let contacts = client
        .query(
            "select c.id, c.name, coalesce(c.title, ''), coalesce(c.department, ''), c.reports_to,
                    c.is_key_person, u.display_name
             from dibs.contact_details c left join dibs.users u on u.id = c.last_touched_by
             where c.customer_id = $1 order by c.is_key_person desc, c.name limit 500",
            &[&id],
        )
        .await
        .map_err(err)?;
    let opportunities = client
        .query(
            "select o.name, s.name_en || ' ' || s.name_zh, to_char(o.amount, 'FM999,999,999,990'),
                    coalesce(u.display_name, '-'), coalesce(to_char(o.expected_close, 'YYYY-MM-DD'), '')
             from dibs.opportunities o join dibs.opportunity_stages s on s.id = o.stage_id
             left join dibs.users u on u.id = o.owner_id
             where o.customer_id = $1 order by s.position, o.id limit 50",
            &[&id],
        )
        .await
        .map_err(err)?;
    let followups = client
        .query(
            "select to_char(f.happened_at, 'YYYY-MM-DD HH24:MI'), f.kind::text, u.display_name,
                    coalesce(left(f.note, 120), '')
             from dibs.followups f join dibs.users u on u.id = f.user_id
             where f.customer_id = $1 order by f.happened_at desc limit 20",
            &[&id],
        )
        .await
        .map_err(err)?;
    let history = ownership::history(
        client,
        ownership::HistoryOf::Record(Entity::Customer, id),
        None,
        20,
    )
    .await
    .map_err(|e| e.to_string())?;
    let section = |title: Label, heads: &[Label], rows: Vec<Vec<String>>| Section {
        title: Some(title),
        heads: heads.iter().map(|h| h.to_string()).collect(),
        rows,
    };
    Ok(Detail {
        id,
        name: text(0),
        facts: vec![
            (Label::FieldName, text(0)),
            (
                Label::Status,
                format!("{} {}", text(3), text(10)).trim().to_string(),
            ),
            (Label::Owner, format!("{} · {}", text(1), text(2))),
            (Label::FieldCode, text(4)),
            (Label::FieldRegion, text(5)),
            (Label::FieldIndustry, text(6)),
            (Label::FieldParent, text(7)),
            (Label::FieldPhone, text(8)),
            (Label::LastFollowup, text(9)),
        ],
        sections: vec![
            section(
                Label::OrgChart,
                &[
                    Label::PersonName,
                    Label::Title,
                    Label::Department,
                    Label::By,
                ],
                org_chart(
                    &contacts
                        .iter()
                        .map(|r| Person {
                            id: r.get(0),
                            name: r.get(1),
                            title: r.get(2),
                            department: r.get(3),
                            reports_to: r.get(4),
                            key_person: r.get(5),
                            last_touched_by: r.get(6),
                        })
                        .collect::<Vec<_>>(),
                ),
            ),
            section(
                Label::Opportunities,
                &[
                    Label::PersonName,
                    Label::Stage,
                    Label::Amount,
                    Label::Owner,
                    Label::ExpectedClose,
                ],
                text_rows(&opportunities),
            ),
            section(
                Label::Followups,
                &[Label::When, Label::Kind, Label::By, Label::Note],
                text_rows(&followups),
            ),
            section(
                Label::History,
                &[],
                history
                    .iter()
                    .map(|h| {
                        vec![
                            h.at.format("%Y-%m-%d %H:%M").to_string(),
                            h.action.clone(),
                            h.outcome.clone(),
                            h.actor.clone().unwrap_or_default(),
                            format!(
                                "{} → {}",
                                h.from_owner.clone().unwrap_or_else(|| "-".into()),
                                h.to_owner.clone().unwrap_or_else(|| "-".into())
                            ),
                        ]
                    })
                    .collect(),
            ),
        ],
        scroll: 0,
    })
}

/// The stage board: every stage, with the visible opportunities in scope — open ones and
/// those closed in the last 30 days — largest first.
pub async fn load_board(client: &Client, query: BoardQuery) -> Result<Board, String> {
    let scope = query.scope;
    let zh = crate::text::lang() == crate::text::Lang::Zh;
    let stages = client
        .query(
            "select id, name_en, name_zh, is_closed, is_won from dibs.opportunity_stages order by position",
            &[],
        )
        .await
        .map_err(|e| message(&e))?;
    let filter = match scope {
        BoardScope::Mine => "o.owner_id = (select dibs.my_id())",
        BoardScope::Team => "o.owner_id = any (dibs.my_scope_users())",
        BoardScope::All => "true",
    };
    let rows = client
        .query(
            &format!(
                "select o.id, o.name, c.name, o.amount::float8, coalesce(u.display_name, '-'), o.version,
                        (current_date - o.last_activity_at::date)::bigint, o.stage_id
                 from dibs.opportunities o join dibs.opportunity_stages s on s.id = o.stage_id
                 join dibs.customers c on c.id = o.customer_id
                 left join dibs.users u on u.id = o.owner_id
                 where {filter} and (not s.is_closed or o.updated_at > now() - interval '30 days')
                   and ($1 = '' or strpos(lower(concat_ws(' ', o.name, c.name, u.display_name, o.product_line,
                                                       c.region, to_char(o.expected_close, 'YYYY-MM-DD'))),
                                          lower($1)) > 0)
                 order by o.amount desc, o.id limit 20000"
            ),
            &[&query.filter],
        )
        .await
        .map_err(|e| message(&e))?;
    let mut columns: Vec<Column> = stages
        .iter()
        .map(|s| Column {
            stage: s.get(0),
            name: if zh { s.get(2) } else { s.get(1) },
            closed: s.get(3),
            won: s.get(4),
            cards: Vec::new(),
        })
        .collect();
    for r in rows {
        let stage: i16 = r.get(7);
        if let Some(column) = columns.iter_mut().find(|c| c.stage == stage) {
            column.cards.push(Card {
                id: r.get(0),
                name: r.get(1),
                customer: r.get(2),
                amount: r.get(3),
                owner: r.get(4),
                version: r.get(5),
                idle_days: r.get(6),
            });
        }
    }
    Ok(Board {
        scope,
        filter: query.filter,
        columns,
        ..Board::default()
    })
}

pub async fn move_card(
    client: &Client,
    id: i64,
    stage: i16,
    version: i32,
    reason: Option<String>,
) -> Result<MoveAnswer, String> {
    let row = client
        .query_one(
            "select (r).ok, (r).reason, (r).by_name, extract(epoch from now() - (r).moved_at)::bigint
             from dibs.move_opportunity($1, $2, $3, $4) r",
            &[&id, &stage, &version, &reason],
        )
        .await
        .map_err(|e| message(&e))?;
    Ok(MoveAnswer {
        ok: row.get(0),
        reason: row.get(1),
        by_name: row.get(2),
        seconds_ago: row.get(3),
    })
}

fn tree_node(r: &tokio_postgres::Row) -> super::tree::Node {
    super::tree::Node {
        id: r.get(0),
        name: r.get(1),
        owner: r.get(2),
        team_id: r.get(3),
        team: r.get(4),
        open_opportunities: r.get(5),
        children: r.get(6),
    }
}

/// One level of a tree, largest first by name order, at most 2,000 entities.
pub async fn load_children(client: &Client, parent: i64) -> Result<Vec<super::tree::Node>, String> {
    let rows = client
        .query(
            "select id, name, owner_name, owner_team, team_name, open_opportunities, children
             from dibs.customer_children($1, 2000)",
            &[&parent],
        )
        .await
        .map_err(|e| message(&e))?;
    Ok(rows.iter().map(tree_node).collect())
}

/// The tree a customer belongs to: its group (root) and the root's children, with the path
/// down to the customer opened so it is on screen.
pub async fn load_tree(client: &Client, customer: i64) -> Result<super::tree::Tree, String> {
    // The whole way down, even where row-level security would hide an entity on it.
    let path: Vec<i64> = client
        .query_one("select dibs.customer_path($1)", &[&customer])
        .await
        .map_err(|e| message(&e))?
        .get::<_, Option<Vec<i64>>>(0)
        .unwrap_or_default();
    let root = path.first().copied().unwrap_or(customer);
    let root_row = client
        .query_one(
            "select id, name, owner_name, owner_team, team_name, open_opportunities, children
             from dibs.customer_node($1)",
            &[&root],
        )
        .await
        .map_err(|e| message(&e))?;
    let mut tree = super::tree::Tree::new(
        tree_node(&root_row),
        load_children(client, root).await?,
        customer,
    );
    for &id in path.iter().skip(1) {
        if id == customer {
            break;
        }
        if let Some(at) = tree.row_of(id) {
            let children = load_children(client, id).await?;
            tree.insert_children(at, children);
        }
    }
    if let Some(at) = tree.rows.iter().position(|r| r.node.id == customer) {
        tree.cursor = at;
    }
    Ok(tree)
}

/// What handing everything `from` holds to `to` would do, for the confirm dialog.
pub async fn preview_transfer(
    client: &Client,
    from: String,
    to: String,
) -> Result<Pending, String> {
    let from_id = ownership::resolve_user(client, &from)
        .await
        .map_err(|e| e.to_string())?;
    let to_id = ownership::resolve_user(client, &to)
        .await
        .map_err(|e| e.to_string())?;
    let row = client
        .query_one(
            "select count(*) filter (where fits), count(*) filter (where not fits)
             from dibs.transfer_all_preview($1, $2)",
            &[&from_id, &to_id],
        )
        .await
        .map_err(|e| message(&e))?;
    Ok(Pending::TransferAll {
        from: from_id,
        to: to_id,
        from_login: from,
        to_login: to,
        moves: row.get::<_, i64>(0) as usize,
        stays: row.get::<_, i64>(1) as usize,
    })
}

/// Runs an administration function and says how it went (refusals are `Err`).
async fn repair(
    client: &Client,
    call: &str,
    params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    what: String,
) -> Result<String, String> {
    let outcome = crate::admin::call(client, call, params)
        .await
        .map_err(|e| e.to_string())?;
    let words = outcome.words(&what).to_string();
    if outcome.ok { Ok(words) } else { Err(words) }
}

pub async fn transfer_all(
    client: &Client,
    from: i64,
    to: i64,
    reason: String,
    label: String,
) -> Result<String, String> {
    repair(
        client,
        "dibs.transfer_all($1, $2, $3)",
        &[&from, &to, &reason],
        format!("transfer {label}"),
    )
    .await
}

pub async fn undo_transfer(client: &Client, batch: i64, reason: String) -> Result<String, String> {
    repair(
        client,
        "dibs.undo_transfer($1, $2)",
        &[&batch, &reason],
        format!("undo {batch}"),
    )
    .await
}

/// A person's ownership history (what they did or were party to), as a 360°-style pane.
pub async fn load_person_history(client: &Client, login: String) -> Result<Detail, String> {
    let user = ownership::resolve_user(client, &login)
        .await
        .map_err(|e| e.to_string())?;
    let history = ownership::history(client, ownership::HistoryOf::Person(user), None, 200)
        .await
        .map_err(|e| e.to_string())?;
    Ok(Detail {
        id: 0,
        name: login,
        facts: Vec::new(),
        sections: vec![Section {
            title: Some(Label::History),
            heads: Vec::new(),
            rows: history
                .iter()
                .map(|h| {
                    vec![
                        h.at.format("%Y-%m-%d %H:%M").to_string(),
                        h.action.clone(),
                        format!("{} {}", h.outcome, h.reason),
                        h.actor.clone().unwrap_or_default(),
                        format!(
                            "{} → {}",
                            h.from_owner.clone().unwrap_or_else(|| "-".into()),
                            h.to_owner.clone().unwrap_or_else(|| "-".into())
                        ),
                    ]
                })
                .collect(),
        }],
        scroll: 0,
    })
}
