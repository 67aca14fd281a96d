//! The worker's statements: one batch of a sweep, the leader lock, publishing live events,
//! and the dry-run preview (`sql/code/30_ownership.sql`).

use serde::Serialize;
use tokio_postgres::GenericClient;

use crate::error::Error;

/// The sweeps, in the order a pass runs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sweep {
    ExpireRegistrations,
    SettleReviews,
    RecycleLeads,
    RecycleCustomers,
    Reminders,
    AutoAssign,
    PurgeCounters,
}

impl Sweep {
    fn function(self) -> &'static str {
        match self {
            Sweep::ExpireRegistrations => "select dibs.expire_registrations($1)",
            Sweep::SettleReviews => "select dibs.settle_overdue_reviews($1)",
            Sweep::RecycleLeads => "select dibs.recycle_leads($1)",
            Sweep::RecycleCustomers => "select dibs.recycle_customers($1)",
            Sweep::Reminders => "select dibs.send_recycle_reminders($1)",
            Sweep::AutoAssign => "select dibs.auto_assign($1)",
            Sweep::PurgeCounters => "select dibs.purge_claim_counters($1)",
        }
    }
}

/// One batch of a sweep, in its own transaction; how many rows it handled.
pub async fn sweep_batch<C: GenericClient>(
    client: &C,
    sweep: Sweep,
    batch: i32,
) -> Result<i32, Error> {
    Ok(client
        .query_one(sweep.function(), &[&batch])
        .await
        .map_err(Error::doing("worker"))?
        .get(0))
}

/// Tries the session-level leader lock (class, object); PostgreSQL releases it by itself if
/// the leader's connection dies.
pub async fn try_lead<C: GenericClient>(client: &C, key: (i32, i32)) -> Result<bool, Error> {
    client
        .query_one("select pg_try_advisory_lock($1, $2)", &[&key.0, &key.1])
        .await
        .map(|r| r.get(0))
        .map_err(Error::doing("worker"))
}

/// Publishes committed log rows as NOTIFY batches; returns how many events went out.
pub async fn publish_events<C: GenericClient>(client: &C) -> Result<i64, Error> {
    client
        .query_one("select dibs.publish_events(5000)", &[])
        .await
        .map(|r| i64::from(r.get::<_, i32>(0)))
        .map_err(Error::doing("worker"))
}

/// Folds up to `max` committed log rows and decisions into the analytics rollups; how many
/// it read (0: caught up).
pub async fn roll_up_analytics<C: GenericClient>(client: &C, max: i32) -> Result<i32, Error> {
    client
        .query_one("select dibs.roll_up_analytics($1)", &[&max])
        .await
        .map(|r| r.get(0))
        .map_err(Error::doing("worker"))
}

/// What the next pass would do, and why — without changing anything.
#[derive(Debug, Clone, Serialize)]
pub struct Preview {
    pub recycle: Vec<RecyclePreview>,
    pub assign: Vec<AssignPreview>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RecyclePreview {
    pub lead_id: i64,
    pub pool: String,
    pub owner: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AssignPreview {
    pub lead_id: i64,
    pub company: String,
    pub assignee: Option<String>,
    pub rule: Option<String>,
    pub note: String,
}

pub async fn preview<C: GenericClient>(client: &C, limit: i64) -> Result<Preview, Error> {
    let recycle = client
        .query(
            "select c.lead_id, p.name, u.display_name, c.reason
             from dibs.recycle_candidates($1::int) c
             join dibs.pools p on p.id = c.pool_id join dibs.users u on u.id = c.owner_id
             order by c.lead_id",
            &[&(limit as i32)],
        )
        .await
        .map_err(Error::doing("worker"))?
        .iter()
        .map(|r| RecyclePreview {
            lead_id: r.get(0),
            pool: r.get(1),
            owner: r.get(2),
            reason: r.get(3),
        })
        .collect();
    let assign = client
        .query(
            "select l.id, l.company_name, u.display_name, r.name, a.note
             from (select * from dibs.leads
                   where status = 'new' and owner_id is null and assign_attempted_at is null and not locked
                   order by id limit $1) l
             cross join lateral dibs.pick_assignee(l.id) a
             left join dibs.users u on u.id = a.user_id
             left join dibs.assignment_rules r on r.id = a.rule_id
             order by l.id",
            &[&limit],
        )
        .await
        .map_err(Error::doing("worker"))?
        .iter()
        .map(|r| AssignPreview {
            lead_id: r.get(0),
            company: r.get(1),
            assignee: r.get(2),
            rule: r.get(3),
            note: r.get(4),
        })
        .collect();
    Ok(Preview { recycle, assign })
}
