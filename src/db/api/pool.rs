//! The lead pool as the app lists it: my leads, then the unclaimed ones by keyset pages; the
//! preview of a manager's bulk assignment.

use tokio_postgres::{GenericClient, Row};

use crate::domain::ownership::{Action, Outcome};
use crate::error::Error;
use crate::text::SetupText;

/// One lead of the pool list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LeadRow {
    pub id: i64,
    pub company: String,
    pub region: String,
    pub industry: String,
    pub source: String,
    pub owner: Option<String>,
    pub mine: bool,
    pub age_days: i64,
    /// Days since the last follow-up (None: never followed up).
    pub followed_days_ago: Option<i64>,
    /// Days until the pool recycles it (held leads only; ≤ 0: due now).
    pub recycle_in_days: Option<i64>,
    /// Unclaimed leads of its company in this pool (the list shows one row per company).
    pub company_leads: i64,
    /// Someone else who holds its company (name only), for the ⚠ mark.
    pub company_holder: Option<String>,
}

/// A pool with the caller's leads and the first unclaimed ones.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PoolPage {
    pub id: i64,
    pub name: String,
    pub rows: Vec<LeadRow>,
    /// More unclaimed leads exist past the last row (keyset paging by id, never OFFSET).
    pub has_more: bool,
}

/// The pool's recycle deadline of a held lead: the earlier of idle and unconverted.
const LEAD_COLUMNS: &str =
    "select l.id, l.company_name, coalesce(l.region, ''), coalesce(l.source, ''), u.display_name,
        coalesce(u.login_role = dibs.caller_login(), false), (current_date - l.created_at::date)::bigint,
        coalesce(l.industry, ''), (current_date - l.last_followup_at::date)::bigint,
        case when l.owner_id is not null and l.status = 'working' and not l.locked then
            extract(day from least(coalesce(l.last_followup_at, l.owned_since) + p.recycle_after_idle,
                                   l.owned_since + p.recycle_after_unconverted) - now())::bigint
        end,
        case when l.owner_id is null then
            (select count(*) from dibs.leads y where y.company_id = l.company_id and y.pool_id = l.pool_id
               and y.owner_id is null and y.status = 'new')
        else 1 end,
        dibs.company_holder_name(l.company_id)
     from dibs.leads l join dibs.pools p on p.id = l.pool_id
     left join dibs.users u on u.id = l.owner_id";

fn lead_row(r: &Row) -> LeadRow {
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
        company_leads: r.get::<_, Option<i64>>(10).unwrap_or(1),
        company_holder: r.get(11),
    }
}

/// My first lead pool: all my leads, then the first `unclaimed` unclaimed ones by id.
pub async fn first_pool<C: GenericClient>(client: &C, unclaimed: i64) -> Result<PoolPage, Error> {
    let pool = client
        .query_opt(
            "select p.id, p.name from dibs.pools p join dibs.pool_members m on m.pool_id = p.id
             join dibs.users u on u.id = m.user_id
             where u.login_role = dibs.caller_login() and p.kind = 'lead' order by p.id limit 1",
            &[],
        )
        .await
        .map_err(Error::doing("reading the lead pool"))?;
    let Some(pool) = pool else {
        return Ok(PoolPage::default());
    };
    let pool_id: i64 = pool.get(0);
    let mine = client
        .query(
            &format!(
                "{LEAD_COLUMNS} where l.pool_id = $1 and l.status in ('new', 'working')
                   and u.login_role = dibs.caller_login() order by l.id limit 1000"
            ),
            &[&pool_id],
        )
        .await
        .map_err(Error::doing("reading the lead pool"))?;
    let (free, has_more) = unclaimed_after(client, pool_id, 0, unclaimed).await?;
    let mut rows: Vec<LeadRow> = mine.iter().map(lead_row).collect();
    rows.extend(free);
    Ok(PoolPage {
        id: pool_id,
        name: pool.get(1),
        rows,
        has_more,
    })
}

/// The next `limit` unclaimed leads after `after` (keyset: the index on (pool_id, id) for
/// unowned leads serves it at any depth), one per company (its first lead, with the count),
/// and whether more follow.
pub async fn unclaimed_after<C: GenericClient>(
    client: &C,
    pool: i64,
    after: i64,
    limit: i64,
) -> Result<(Vec<LeadRow>, bool), Error> {
    let rows = client
        .query(
            &format!(
                "{LEAD_COLUMNS} where l.pool_id = $1 and l.owner_id is null and l.status = 'new' and l.id > $2
                   and not exists (select 1 from dibs.leads y where y.company_id = l.company_id
                                     and y.pool_id = l.pool_id and y.owner_id is null and y.status = 'new'
                                     and y.id < l.id)
                 order by l.id limit $3"
            ),
            &[&pool, &after, &(limit + 1)],
        )
        .await
        .map_err(Error::doing("reading the lead pool"))?;
    let has_more = rows.len() as i64 > limit;
    Ok((
        rows.iter().take(limit as usize).map(lead_row).collect(),
        has_more,
    ))
}

/// Who leads would be assigned to, and what that rep holds in the leads' pool now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignPreview {
    pub leads: Vec<i64>,
    pub to: i64,
    pub to_name: String,
    pub held: i64,
    pub limit: i64,
    /// Leads whose company someone other than the receiver holds: the database will refuse
    /// them (one owner per company).
    pub held_elsewhere: usize,
}

pub async fn preview_assign<C: GenericClient>(
    client: &C,
    leads: Vec<i64>,
    login: &str,
) -> Result<AssignPreview, Error> {
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
        .map_err(Error::doing("reading the lead pool"))?
        .ok_or_else(|| SetupText::NoSuchUser {
            login: login.to_string(),
        })?;
    let to: i64 = row.get(0);
    let held_elsewhere: i64 = client
        .query_one(
            "select count(*) from dibs.leads l, lateral dibs.company_holder(l.company_id, 'lead', l.id, $2) h
             where l.id = any($1) and h.holder is not null",
            &[&leads, &to],
        )
        .await
        .map_err(Error::doing("reading the lead pool"))?
        .get(0);
    Ok(AssignPreview {
        leads,
        to,
        to_name: row.get(1),
        held: row.get(2),
        limit: row.get(3),
        held_elsewhere: held_elsewhere as usize,
    })
}

/// Assigns each lead through the database (each decided on its own): the outcomes in order.
pub async fn assign<C: GenericClient>(
    client: &C,
    leads: &[i64],
    to: i64,
) -> Result<Vec<Outcome>, Error> {
    let mut outcomes = Vec::with_capacity(leads.len());
    for &lead in leads {
        outcomes
            .push(super::ownership::perform(client, &Action::AssignLead { lead, to }, None).await?);
    }
    Ok(outcomes)
}
