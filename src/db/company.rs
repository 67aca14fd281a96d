//! Company ids for records stored before companies existed (migration 0009): after the
//! migrations, every lead and customer without one is grouped by the rule of
//! `domain::identity` — the rule the database's trigger applies to each new record — in
//! memory, in one pass, and the ids are written back in bulk. Runs under the migration lock.

use std::collections::HashMap;
use std::time::Instant;

use tokio_postgres::Client;

use super::copy::CopyWriter;
use crate::domain::identity::{Evidence, group};
use crate::error::Error;

fn failed(err: tokio_postgres::Error) -> Error {
    Error::db("computing company keys", &err)
}

/// What the backfill did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Backfill {
    /// Records given a company.
    pub records: usize,
    /// Companies they make.
    pub companies: usize,
    /// Companies held by more than one owner today: collisions that already happened.
    pub split: i64,
    pub seconds: u64,
}

/// Gives every record without a company its company. Returns `None` when none lacked one.
pub async fn backfill(client: &mut Client, lock_key: i64) -> Result<Option<Backfill>, Error> {
    let started = Instant::now();
    let tx = client.transaction().await.map_err(failed)?;
    tx.execute("select pg_advisory_xact_lock($1)", &[&lock_key])
        .await
        .map_err(failed)?;
    let missing: bool = tx
        .query_one(
            "select exists (select 1 from dibs.customers where company_id is null)
                 or exists (select 1 from dibs.leads where company_id is null)",
            &[],
        )
        .await
        .map_err(failed)?
        .get(0);
    if !missing {
        return Ok(None);
    }
    // Every record is evidence (one with a company keeps it and pulls the others in).
    let rows = tx
        .query(
            "select true, id, name_core, name_places, case when uscc_valid then uscc end, company_id,
                    company_pinned, name_branch
             from dibs.customers
             union all
             select false, id, name_core, name_places, case when uscc_valid then uscc end, company_id,
                    company_pinned, name_branch
             from dibs.leads",
            &[],
        )
        .await
        .map_err(failed)?;
    let mut keys: Vec<(bool, i64, Option<i64>)> = Vec::with_capacity(rows.len());
    let mut evidence: Vec<Evidence> = Vec::with_capacity(rows.len());
    for row in &rows {
        let company: Option<i64> = row.get(5);
        keys.push((row.get(0), row.get(1), company));
        evidence.push(Evidence {
            core: row.get(2),
            places: row.get(3),
            code: row.get(4),
            company,
            pinned: row.get(6),
            branch: row.get(7),
        });
    }
    drop(rows);
    let groups = group(&evidence);

    // A group keeps the company one of its records has already; the others get new ones.
    let mut company_of_group: HashMap<usize, i64> = HashMap::new();
    for (i, (_, _, company)) in keys.iter().enumerate() {
        if let Some(company) = company {
            company_of_group.entry(groups[i]).or_insert(*company);
        }
    }
    let base: i64 = tx
        .query_one("select coalesce(max(id), 0) from dibs.companies", &[])
        .await
        .map_err(failed)?
        .get(0);
    let mut next = base;
    let mut assignments: Vec<(&'static str, i64, i64)> = Vec::new();
    for (i, (is_customer, id, company)) in keys.iter().enumerate() {
        if company.is_some() {
            continue;
        }
        let company = *company_of_group.entry(groups[i]).or_insert_with(|| {
            next += 1;
            next
        });
        assignments.push((if *is_customer { "c" } else { "l" }, *id, company));
    }
    tx.execute(
        "insert into dibs.companies (id) select generate_series($1::bigint + 1, $2::bigint)",
        &[&base, &next],
    )
    .await
    .map_err(failed)?;
    tx.execute(
        "select setval(pg_get_serial_sequence('dibs.companies', 'id'), greatest($1::bigint, 1))",
        &[&next],
    )
    .await
    .map_err(failed)?;
    tx.batch_execute(
        "create temp table company_backfill (kind text, id bigint, company bigint) on commit drop",
    )
    .await
    .map_err(failed)?;
    let mut writer = CopyWriter::start(&tx, "company_backfill", &["kind", "id", "company"])
        .await
        .map_err(failed)?;
    for (kind, id, company) in &assignments {
        let (id, company) = (id.to_string(), company.to_string());
        writer
            .row(&[Some(kind), Some(&id), Some(&company)])
            .await
            .map_err(failed)?;
    }
    writer.finish().await.map_err(failed)?;
    // Every row gets a new version (company_id is indexed), so every index gets an entry.
    super::bulk::begin(&tx).await.map_err(failed)?;
    tx.batch_execute(
        "update dibs.customers c set company_id = b.company from company_backfill b
         where b.kind = 'c' and c.id = b.id;
         update dibs.leads l set company_id = b.company from company_backfill b
         where b.kind = 'l' and l.id = b.id",
    )
    .await
    .map_err(failed)?;
    super::bulk::end(&tx).await.map_err(failed)?;
    let split: i64 = tx
        .query_one(
            "select count(distinct company_id) from dibs.company_collisions()",
            &[],
        )
        .await
        .map_err(failed)?
        .get(0);
    tx.commit().await.map_err(failed)?;
    Ok(Some(Backfill {
        records: assignments.len(),
        companies: (next - base) as usize,
        split,
        seconds: started.elapsed().as_secs(),
    }))
}
