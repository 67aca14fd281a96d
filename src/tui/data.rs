//! What the app reads and changes in the database, always under the person's own login.

use chrono::Utc;
use tokio_postgres::Client;

use super::state::{Figures, LeadRow, PoolView};
use crate::ownership::{self, Action};

fn message(err: &tokio_postgres::Error) -> String {
    err.as_db_error()
        .map(|d| d.message().to_string())
        .unwrap_or_else(|| err.to_string())
}

pub async fn load_figures(client: &Client) -> Result<Figures, String> {
    let row = client
        .query_one(
            "with me as (select u.id, u.display_name, coalesce(t.name, '-') as team
                         from dibs.users u left join dibs.teams t on t.id = u.team_id
                         where u.login_role = session_user)
             select me.display_name, me.team,
                    (select count(*) from dibs.customers where status = 'active'),
                    (select count(*) from dibs.leads),
                    (select count(*) from dibs.leads l join dibs.pool_members m on m.pool_id = l.pool_id
                      where m.user_id = me.id and l.owner_id is null and l.status = 'new'),
                    (select count(*) from dibs.leads where owner_id = me.id and status in ('new', 'working')),
                    (select coalesce(sum(coalesce(m.holding_limit, p.holding_limit)), 0)::bigint
                       from dibs.pool_members m join dibs.pools p on p.id = m.pool_id
                      where m.user_id = me.id and p.kind = 'lead')
             from me",
            &[],
        )
        .await
        .map_err(|e| message(&e))?;
    Ok(Figures {
        display_name: row.get(0),
        team: row.get(1),
        customers: row.get(2),
        leads: row.get(3),
        pool_leads: row.get(4),
        holding: row.get(5),
        limit: row.get(6),
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

const LEAD_COLUMNS: &str =
    "select l.id, l.company_name, coalesce(l.region, ''), coalesce(l.source, ''), u.display_name,
        coalesce(u.login_role = session_user, false), (current_date - l.created_at::date)::bigint
     from dibs.leads l left join dibs.users u on u.id = l.owner_id";

fn lead_row(r: &tokio_postgres::Row) -> LeadRow {
    LeadRow {
        id: r.get(0),
        company: r.get(1),
        region: r.get(2),
        source: r.get(3),
        owner: r.get(4),
        mine: r.get(5),
        age_days: r.get(6),
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
    let words = format!(
        "{} {}: {}",
        outcome.entity.as_sql(),
        outcome.id,
        outcome.words(Utc::now())
    );
    if outcome.ok { Ok(words) } else { Err(words) }
}
