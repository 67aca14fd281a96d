//! Simulated activity history (`dibs seed --history WEEKS`, and a few weeks in the demo): the
//! ownership log and duplicate-check decisions a team would have written over past weeks —
//! claims that succeed or collide (some within minutes of the holder: races), refusals for
//! limits and cooldowns, recycles, releases, follow-ups, conversions, creates and overrides —
//! with the collision rate falling week by week, so a newcomer's dashboard shows a trend.
//!
//! It is history only: log rows about the seeded people and records, written in one
//! statement each; the records' current owners are the seed's and are not touched. The
//! worker folds the rows into the analytics like any others.

use tokio_postgres::Transaction;

use super::seed_error;
use crate::error::Error;

/// Log rows per week in the demo's history.
pub const DEMO_ROWS_PER_WEEK: i64 = 600;
/// Weeks of history the demo carries.
pub const DEMO_WEEKS: i32 = 12;

/// The log rows: `total` spread evenly over `weeks` ending now. The share of claims that
/// collide falls from about a third in the oldest week to about a tenth in the newest.
const LOG_ROWS: &str = "
with people as (select array_agg(id order by id) as ids from dibs.users where role = 'rep' and active),
     leads as (select array_agg(id order by id) as ids from dibs.leads),
     customers as (select array_agg(id order by id) as ids from dibs.customers),
     pools as (select min(id) filter (where kind = 'lead') as lead_pool,
                      min(id) filter (where kind = 'customer') as customer_pool from dibs.pools),
     draws as (
         select n, (n * $1::int / $2::bigint)::int as week,
                random() as kind, random() as who, random() as which, random() as fate, random() as when_held,
                random() as reason
         from generate_series(0, $2::bigint - 1) n
     ),
     shaped as (
         select d.*,
                now() - make_interval(weeks => $1::int - d.week) + make_interval(secs => floor(d.fate * 7 * 86400 * 0.999)) as at,
                0.33 - 0.23 * d.week::float8 / greatest($1::int - 1, 1) as collide,
                cardinality(p.ids) as headcount,
                1 + floor(d.who * cardinality(p.ids))::int as me
         from draws d, people p
     )
insert into dibs.ownership_log (at, entity, entity_id, action, outcome, reason, actor_id, from_owner, to_owner,
                                pool_id, detail)
select s.at,
       case when s.kind < 0.62 or s.kind >= 0.92 and s.kind < 0.96 or s.kind >= 0.80 and s.kind < 0.85
            then 'lead' else 'customer' end::dibs.entity_kind,
       case when s.kind < 0.62 or s.kind >= 0.92 and s.kind < 0.96 or s.kind >= 0.80 and s.kind < 0.85
            then l.ids[1 + floor(s.which * cardinality(l.ids))::int]
            else c.ids[1 + floor(s.which * cardinality(c.ids))::int] end,
       case when s.kind < 0.72 then 'claim' when s.kind < 0.80 then 'recycle' when s.kind < 0.85 then 'release'
            when s.kind < 0.92 then 'followup' when s.kind < 0.96 then 'convert' else 'create' end::dibs.ownership_action,
       case when s.kind < 0.72 and (s.reason < s.collide or s.reason > 0.94) then 'refused' else 'ok' end::dibs.ownership_outcome,
       case when s.kind >= 0.72 or not (s.reason < s.collide or s.reason > 0.94) then 'ok'
            when s.reason > 0.94 then (array['over_limit', 'daily_cap', 'cooldown'])[1 + floor((s.reason - 0.94) / 0.02)::int]
            when s.kind < 0.62 then (array['already_owned_by', 'company_held'])[1 + floor(s.when_held * 2)::int]
            else (array['already_owned_by', 'company_held', 'protected_by'])[1 + floor(s.when_held * 3)::int] end,
       case when s.kind < 0.72 or s.kind >= 0.80 then p.ids[s.me] end,
       case when s.kind < 0.72 and s.reason < s.collide then p.ids[1 + (s.me + floor(s.when_held * (s.headcount - 1))::int) % s.headcount]
            when s.kind >= 0.72 and s.kind < 0.85 then p.ids[s.me] end,
       case when s.kind < 0.72 and not (s.reason < s.collide or s.reason > 0.94) then p.ids[s.me]
            when s.kind >= 0.92 then p.ids[s.me] end,
       case when s.kind < 0.62 or s.kind >= 0.92 and s.kind < 0.96 or s.kind >= 0.80 and s.kind < 0.85
            then pl.lead_pool else pl.customer_pool end,
       case when s.kind < 0.72 and s.reason < s.collide then
           jsonb_build_object('simulated', true, 'other_since',
               -- A third of collisions come within minutes of the holder taking it: races.
               case when s.when_held < 0.33 then s.at - make_interval(mins => 1 + floor(s.fate * 8)::int)
                    else s.at - make_interval(days => 1 + floor(s.fate * 40)::int) end)
            else jsonb_build_object('simulated', true) end
from shaped s, people p, leads l, customers c, pools pl
where s.headcount > 0 and cardinality(l.ids) > 0 and cardinality(c.ids) > 0";

/// Follow-ups and conversions of the simulated takes: most takes are followed up by the
/// taker, sooner in recent weeks (a mean of about 30 hours in the oldest week, 6 in the
/// newest); about one lead take in eight converts within 80 days. Only what has happened by
/// now is written.
const FOLLOW_ROWS: &str = "
with takes as (
    select t.at, t.entity, t.entity_id, t.to_owner, t.pool_id,
           extract(epoch from now() - t.at) / ($1::int * 7 * 86400.0) as age, random() as chance, random() as delay
    from dibs.ownership_log t
    where t.detail ? 'simulated' and t.outcome = 'ok' and t.action = 'claim' and t.at > now() - make_interval(weeks => $1::int)
), events as (
    select k.at + make_interval(secs => -ln(1 - k.delay * 0.999) * (6 + 24 * k.age) * 3600) as at, k.entity, k.entity_id,
           'followup'::dibs.ownership_action as action, k.to_owner as actor_id, k.to_owner as from_owner,
           null::bigint as to_owner, k.pool_id
    from takes k where k.chance < 0.85
    union all
    select k.at + make_interval(days => 1 + floor(k.delay * 80)::int), k.entity, k.entity_id, 'convert', k.to_owner,
           k.to_owner, k.to_owner, k.pool_id
    from takes k where k.entity = 'lead' and k.chance > 0.875
)
insert into dibs.ownership_log (at, entity, entity_id, action, outcome, reason, actor_id, from_owner, to_owner,
                                pool_id, detail)
select e.at, e.entity, e.entity_id, e.action, 'ok', 'ok', e.actor_id, e.from_owner, e.to_owner, e.pool_id,
       jsonb_build_object('simulated', true)
from events e
where e.at < now()";

/// Duplicate-check decisions: a warning for about one create in twelve, fewer saved over
/// as weeks go by, and a few blocked.
const DECISION_ROWS: &str = "
with people as (select array_agg(id order by id) as ids from dibs.users where role = 'rep' and active),
     customers as (select array_agg(id order by id) as ids, array_agg(name order by id) as names from dibs.customers),
     draws as (
         select n, (n * $1::int / $2::bigint)::int as week, random() as who, random() as which, random() as fate
         from generate_series(0, $2::bigint - 1) n
     )
insert into dibs.dedup_decisions (at, user_id, entity, created_id, draft_name, decision, candidates, override_reason)
select now() - make_interval(weeks => $1::int - d.week) + make_interval(secs => floor(d.fate * 7 * 86400 * 0.999)),
       p.ids[1 + floor(d.who * cardinality(p.ids))::int], 'customer',
       case when d.fate < 0.45 - 0.25 * d.week::float8 / greatest($1::int - 1, 1)
            then c.ids[1 + floor(d.which * cardinality(c.ids))::int] end,
       c.names[1 + floor(d.which * cardinality(c.ids))::int],
       case when d.fate < 0.45 - 0.25 * d.week::float8 / greatest($1::int - 1, 1) then 'warned_overridden'
            when d.fate > 0.85 then 'blocked' else 'needs_override' end,
       '[]'::jsonb,
       case when d.fate < 0.45 - 0.25 * d.week::float8 / greatest($1::int - 1, 1) then 'simulated history' end
from draws d, people p, customers c
where cardinality(p.ids) > 0 and cardinality(c.ids) > 0";

/// How much history was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryReport {
    pub log_rows: u64,
    pub decisions: u64,
}

/// Writes `rows` log rows (and one decision per 25 of them) over the `weeks` before now.
/// `seed` makes the draws repeatable.
pub async fn write_history(
    tx: &Transaction<'_>,
    weeks: i32,
    rows: i64,
    seed: u64,
) -> Result<HistoryReport, Error> {
    if weeks <= 0 || rows <= 0 {
        return Ok(HistoryReport {
            log_rows: 0,
            decisions: 0,
        });
    }
    // setseed wants a number in [-1, 1].
    let fraction = (seed % 1_000_003) as f64 / 1_000_003.0;
    tx.execute("select setseed($1)", &[&fraction])
        .await
        .map_err(|e| seed_error(&e))?;
    let log_rows = tx
        .execute(LOG_ROWS, &[&weeks, &rows])
        .await
        .map_err(|e| seed_error(&e))?
        + tx.execute(FOLLOW_ROWS, &[&weeks])
            .await
            .map_err(|e| seed_error(&e))?;
    let decisions = tx
        .execute(DECISION_ROWS, &[&weeks, &(rows / 25).max(1)])
        .await
        .map_err(|e| seed_error(&e))?;
    Ok(HistoryReport {
        log_rows,
        decisions,
    })
}
