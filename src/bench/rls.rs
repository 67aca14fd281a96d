//! `dibs bench rls`: what row-level security costs the queries the app runs most — the
//! pool list, the header figures, "my customers", the duplicate check and a full count —
//! run as a rep with the policies, and, in the same run, as the same rep with the policies
//! switched off inside a transaction that is rolled back (so nothing stays changed).
//! Needs a superuser connection (the private cluster's owner is one).

use std::time::Instant;

use serde::Serialize;
use tokio_postgres::{Client, Config};

use crate::bench::Latencies;
use crate::domain::ownership::Entity;
use crate::domain::score::Draft;
use crate::error::Error;
use crate::text::DbText;

fn bench_error(detail: String) -> Error {
    DbText::DatabaseError {
        during: "bench rls".into(),
        detail,
    }
    .into()
}

#[derive(Debug, Clone, Serialize)]
pub struct RlsLine {
    pub query: String,
    pub with_p50_ms: f64,
    pub with_p95_ms: f64,
    pub without_p50_ms: f64,
    pub without_p95_ms: f64,
    /// with / without, at the median.
    pub ratio: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct RlsReport {
    pub customers: i64,
    pub leads: i64,
    pub rep: String,
    pub rounds: usize,
    pub lines: Vec<RlsLine>,
}

const TABLES: &[&str] = &[
    "leads",
    "customers",
    "contacts",
    "opportunities",
    "followups",
    "registrations",
    "ownership_log",
    "dedup_decisions",
    "drafts",
    "customer_merges",
    "notices",
    "daily_claims",
];

/// One measured query: its name and how to run it once.
type Probe = (&'static str, String);

/// The app's queries, as text, for a rep in `pool`.
fn probes(pool: i64) -> Vec<Probe> {
    vec![
        (
            "pool list: first page of unclaimed leads",
            format!(
                "select l.id, l.company_name, l.region, u.display_name from dibs.leads l
                 join dibs.pools p on p.id = l.pool_id left join dibs.users u on u.id = l.owner_id
                 where l.pool_id = {pool} and l.owner_id is null and l.status = 'new' and l.id > 0
                 order by l.id limit 201"
            ),
        ),
        (
            "pool list: my leads",
            format!(
                "select l.id, l.company_name from dibs.leads l join dibs.users u on u.id = l.owner_id
                 where l.pool_id = {pool} and l.status in ('new', 'working') and u.login_role = dibs.caller_login()
                 order by l.id limit 1000"
            ),
        ),
        (
            "header figures as the app reads them (dibs.my_figures)",
            "select * from dibs.my_figures()".to_string(),
        ),
        (
            "header figures counted through the policies",
            "with me as (select id from dibs.users where login_role = dibs.caller_login())
             select (select count(*) from dibs.customers c, me where c.owner_id = me.id and c.status = 'active'),
                    (select count(*) from dibs.leads l join dibs.pool_members m on m.pool_id = l.pool_id, me
                      where m.user_id = me.id and l.owner_id is null and l.status = 'new'),
                    (select count(*) from dibs.leads l, me where l.owner_id = me.id and l.status in ('new', 'working'))"
                .to_string(),
        ),
        (
            "my customers",
            "select c.id, c.name from dibs.customers c join dibs.users u on u.id = c.owner_id
             where u.login_role = dibs.caller_login() and c.status = 'active' order by c.name limit 500"
                .to_string(),
        ),
        (
            "count of every visible customer (worst case: a full scan)",
            "select count(*) from dibs.customers".to_string(),
        ),
    ]
}

async fn time_probe(client: &Client, sql: &str, runs: usize) -> Result<Latencies, Error> {
    let statement = client
        .prepare(sql)
        .await
        .map_err(Error::doing("bench rls"))?;
    let mut latencies = Latencies::default();
    for _ in 0..runs {
        let started = Instant::now();
        client
            .query(&statement, &[])
            .await
            .map_err(Error::doing("bench rls"))?;
        latencies.record(started.elapsed());
    }
    Ok(latencies)
}

async fn time_checks(client: &Client, names: &[String]) -> Result<Latencies, Error> {
    let weights =
        crate::dedup::check::load_weights(client, Entity::Customer, Entity::Customer).await?;
    let mut latencies = Latencies::default();
    for name in names {
        let draft = Draft {
            name: name.clone(),
            ..Draft::default()
        };
        let started = Instant::now();
        crate::dedup::check::check(client, &draft, Entity::Customer, 5, &weights).await?;
        latencies.record(started.elapsed());
    }
    Ok(latencies)
}

/// Runs every probe on `client` (already the rep, with or without policies).
async fn measure(
    client: &Client,
    probes: &[Probe],
    names: &[String],
    runs: usize,
    into: &mut [Latencies],
) -> Result<(), Error> {
    for (index, (_, sql)) in probes.iter().enumerate() {
        // The full scan is slow by nature; a few runs say enough.
        let runs = if index + 1 == probes.len() {
            runs.min(5)
        } else {
            runs
        };
        into[index].merge(time_probe(client, sql, runs).await?);
    }
    let last = into.len() - 1;
    into[last].merge(time_checks(client, names).await?);
    Ok(())
}

pub async fn run(target: &Config, rounds: usize, runs: usize) -> Result<RlsReport, Error> {
    let owner = crate::db::connect(target).await?;
    let superuser: bool = owner
        .query_one(
            "select rolsuper from pg_roles where rolname = current_user",
            &[],
        )
        .await
        .map_err(Error::doing("bench rls"))?
        .get(0);
    if !superuser {
        return Err(bench_error(
            "bench rls switches policies off inside a rolled-back transaction and needs a superuser connection".into(),
        ));
    }
    let row = owner
        .query_opt(
            "select u.login_role::text, m.pool_id from dibs.users u
             join dibs.pool_members m on m.user_id = u.id join dibs.pools p on p.id = m.pool_id
             where u.role = 'rep' and u.active and p.kind = 'lead'
             order by (select count(*) from dibs.leads l where l.pool_id = m.pool_id) desc, u.id limit 1",
            &[],
        )
        .await
        .map_err(Error::doing("bench rls"))?
        .ok_or_else(|| bench_error("no rep in a lead pool: seed data first".into()))?;
    let (rep, pool): (String, i64) = (row.get(0), row.get(1));
    let counts = owner
        .query_one(
            "select (select count(*) from dibs.customers), (select count(*) from dibs.leads)",
            &[],
        )
        .await
        .map_err(Error::doing("bench rls"))?;
    let names: Vec<String> = owner
        .query(
            "select left(name, 4 + (id % 8)::int) from dibs.customers tablesample system (1) repeatable (3) limit 50",
            &[],
        )
        .await
        .map_err(Error::doing("bench rls"))?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let probes = probes(pool);
    let mut rep_config = target.clone();
    rep_config.user(&rep);
    let as_rep = crate::db::connect(&rep_config).await?;
    let slots = probes.len() + 1;
    let mut with = vec![Latencies::default(); slots];
    let mut without = vec![Latencies::default(); slots];
    // Warm both paths, then alternate so drift in the machine hits both alike.
    measure(
        &as_rep,
        &probes,
        &names,
        2,
        &mut vec![Latencies::default(); slots],
    )
    .await?;
    for _ in 0..rounds {
        measure(&as_rep, &probes, &names, runs, &mut with).await?;
        let disable: String = TABLES
            .iter()
            .map(|t| format!("alter table dibs.{t} disable row level security;"))
            .collect();
        owner
            .batch_execute(&format!(
                "begin; {disable} set local session authorization {};",
                crate::db::quote_ident(&rep)
            ))
            .await
            .map_err(Error::doing("bench rls"))?;
        let measured = measure(&owner, &probes, &names, runs, &mut without).await;
        owner
            .batch_execute("rollback")
            .await
            .map_err(Error::doing("bench rls"))?;
        measured?;
    }
    let mut lines = Vec::new();
    let labels = probes
        .iter()
        .map(|(label, _)| *label)
        .chain(std::iter::once("duplicate check (top 5, 4–11 characters)"));
    for (label, (mut w, mut wo)) in labels.zip(with.into_iter().zip(without)) {
        let (w50, wo50) = (w.quantile_ms(0.5), wo.quantile_ms(0.5));
        lines.push(RlsLine {
            query: label.to_string(),
            with_p50_ms: w50,
            with_p95_ms: w.quantile_ms(0.95),
            without_p50_ms: wo50,
            without_p95_ms: wo.quantile_ms(0.95),
            ratio: if wo50 > 0.0 { w50 / wo50 } else { 0.0 },
        });
    }
    Ok(RlsReport {
        customers: counts.get(0),
        leads: counts.get(1),
        rep,
        rounds,
        lines,
    })
}

impl RlsReport {
    pub fn text(&self) -> String {
        let mut out = format!(
            "dibs bench rls — {} customers, {} leads, as rep {} ({} rounds, alternating)\n",
            self.customers, self.leads, self.rep, self.rounds
        );
        out.push_str(&format!(
            "{:<58}{:>12}{:>12}{:>12}{:>12}{:>8}\n",
            "", "with p50", "with p95", "without p50", "without p95", "ratio"
        ));
        for l in &self.lines {
            out.push_str(&format!(
                "{:<58}{:>12.3}{:>12.3}{:>12.3}{:>12.3}{:>8.2}\n",
                l.query, l.with_p50_ms, l.with_p95_ms, l.without_p50_ms, l.without_p95_ms, l.ratio
            ));
        }
        out.push_str("(milliseconds; target: with ≤ 1.2 × without)\n");
        out
    }
}
