//! `dibs worker`: the sweeps (expire registrations, recycle, remind, auto-assign) and the
//! event notifier. Several workers may run; one leads, chosen by a session-level advisory
//! lock that PostgreSQL releases by itself if the leader's connection dies.

use std::time::Duration;

use serde::Serialize;
use tokio_postgres::{Client, Config};

use crate::error::Error;

/// Advisory-lock key (class, object) for the worker's leadership.
const LEADER_LOCK: (i32, i32) = (1147, -1);
/// Rows per sweep transaction: small, so no claim waits on a sweep for long.
pub const SWEEP_BATCH: i32 = 500;
const ASSIGN_BATCH: i32 = 100;

fn db_error(err: &tokio_postgres::Error) -> Error {
    Error::db("worker", err)
}

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PassReport {
    pub registrations_expired: i64,
    pub leads_recycled: i64,
    pub customers_recycled: i64,
    pub reminders: i64,
    pub leads_assigned: i64,
}

/// Calls a batch function until it reports nothing left; each call is its own transaction.
async fn drain(client: &Client, function: &str, batch: i32) -> Result<i64, Error> {
    let sql = format!("select dibs.{function}($1)");
    let mut total = 0i64;
    loop {
        let done: i32 = client
            .query_one(sql.as_str(), &[&batch])
            .await
            .map_err(|e| db_error(&e))?
            .get(0);
        total += i64::from(done);
        if done < batch {
            return Ok(total);
        }
    }
}

/// One pass of every sweep, in the order that keeps rules true: protections end first,
/// then recycling frees holdings, then the assigner fills them.
pub async fn run_pass(client: &Client) -> Result<PassReport, Error> {
    Ok(PassReport {
        registrations_expired: drain(client, "expire_registrations", SWEEP_BATCH).await?,
        leads_recycled: drain(client, "recycle_leads", SWEEP_BATCH).await?,
        customers_recycled: drain(client, "recycle_customers", SWEEP_BATCH).await?,
        reminders: drain(client, "send_recycle_reminders", 1000).await?,
        leads_assigned: drain(client, "auto_assign", ASSIGN_BATCH).await?,
    })
}

pub async fn try_lead(client: &Client) -> Result<bool, Error> {
    client
        .query_one(
            "select pg_try_advisory_lock($1, $2)",
            &[&LEADER_LOCK.0, &LEADER_LOCK.1],
        )
        .await
        .map(|r| r.get(0))
        .map_err(|e| db_error(&e))
}

/// Publishes committed log rows as NOTIFY batches; returns how many events went out.
pub async fn publish_events(client: &Client) -> Result<i64, Error> {
    client
        .query_one("select dibs.publish_events(5000)", &[])
        .await
        .map(|r| i64::from(r.get::<_, i32>(0)))
        .map_err(|e| db_error(&e))
}

/// Runs the notifier until the connection fails: every `interval`, one publish call.
pub async fn notifier_loop(config: Config, interval: Duration) -> Result<(), Error> {
    let client = crate::db::connect(&config).await?;
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        publish_events(&client).await?;
    }
}

/// The worker: waits for leadership, then runs passes every `interval` and the notifier
/// every 200 ms. `once` runs a single pass (and publishes its events) and returns.
pub async fn run(
    config: Config,
    interval: Duration,
    once: bool,
) -> Result<Option<PassReport>, Error> {
    let client = crate::db::connect(&config).await?;
    if once {
        let report = run_pass(&client).await?;
        publish_events(&client).await?;
        return Ok(Some(report));
    }
    while !try_lead(&client).await? {
        tracing::info!("another worker leads; waiting");
        tokio::time::sleep(interval).await;
    }
    tracing::info!("this worker leads");
    let notifier = tokio::spawn(notifier_loop(config.clone(), Duration::from_millis(200)));
    let mut ticker = tokio::time::interval(interval);
    loop {
        ticker.tick().await;
        if notifier.is_finished() {
            return match notifier.await {
                Ok(Err(err)) => Err(err),
                _ => Ok(None),
            };
        }
        let report = run_pass(&client).await?;
        tracing::info!(?report, "worker pass");
    }
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

pub async fn preview(client: &Client, limit: i64) -> Result<Preview, Error> {
    let recycle = client
        .query(
            "select c.lead_id, p.name, u.display_name, c.reason
             from dibs.recycle_candidates($1::int) c
             join dibs.pools p on p.id = c.pool_id join dibs.users u on u.id = c.owner_id
             order by c.lead_id",
            &[&(limit as i32)],
        )
        .await
        .map_err(|e| db_error(&e))?
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
        .map_err(|e| db_error(&e))?
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
