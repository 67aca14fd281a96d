//! `dibs seed --customers N --leads M`: data at scale for benchmarks, loaded by COPY.
//!
//! Customers land unowned in the customer pool (公海) and leads unowned in their pools,
//! so no holding limit is touched; names, codes and phones are as varied as the demo's.

use std::time::Instant;

use chrono::{Duration, Utc};
use tokio_postgres::Client;

use crate::db::copy::CopyWriter;
use crate::domain::names::{basic_form, core_form};
use crate::domain::uscc;
use crate::error::Error;
use crate::rng::SeededRng;
use crate::seed::generate;
use crate::seed::org::ensure_organisation;
use crate::seed::{SeedReport, advance_sequences, seed_error};

/// Credit-code serials of scaled rows start here, far from the demo's.
const SCALE_SERIAL_BASE: u64 = 10_000_000;

const CUSTOMER_COLUMNS: &[&str] = &[
    "id",
    "name",
    "name_basic",
    "name_core",
    "uscc",
    "phone",
    "phone_e164",
    "email_domain",
    "region",
    "industry",
    "source",
    "pool_id",
    "created_at",
    "updated_at",
];

const LEAD_COLUMNS: &[&str] = &[
    "id",
    "pool_id",
    "company_name",
    "name_basic",
    "name_core",
    "contact_name",
    "phone",
    "phone_e164",
    "region",
    "industry",
    "source",
    "channel",
    "created_at",
    "updated_at",
];

/// When to refresh the planner's statistics during a big load. The insert triggers' lookups
/// (credit code, duplicate rules) are planned once and cached; planned against an empty
/// table they scan it, which makes a load quadratic. Refreshing early and then now and
/// then keeps them on their indexes.
fn refresh_statistics_at(offset: i64) -> bool {
    offset == 1_000 || offset == 20_000 || (offset > 0 && offset % 200_000 == 0)
}

/// Rows per COPY statement. PostgreSQL keeps each row a BEFORE trigger returns in the
/// statement's memory until the statement ends (measured: ~13 KB a customer row, 8.5 GB
/// by row 650,000 of one COPY), so a big load is cut into statements of this size.
const ROWS_PER_COPY: i64 = 20_000;

pub async fn seed_scale(
    client: &mut Client,
    seed: u64,
    customers: u64,
    leads: u64,
) -> Result<SeedReport, Error> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let result = seed_scale_once(client, seed, customers, leads).await;
        if !(crate::seed::is_deadlock(&result) && attempt < 4) {
            return result;
        }
    }
}

async fn seed_scale_once(
    client: &mut Client,
    seed: u64,
    customers: u64,
    leads: u64,
) -> Result<SeedReport, Error> {
    let started = Instant::now();
    let err = |e: tokio_postgres::Error| seed_error(&e);
    let tx = client.transaction().await.map_err(err)?;
    tx.batch_execute("lock table dibs.customers, dibs.leads in exclusive mode")
        .await
        .map_err(err)?;
    crate::seed::load_as_history(&tx).await?;
    let base_rng = SeededRng::new(seed);
    let org = ensure_organisation(&tx, &base_rng).await?;
    let first_customer: i64 = tx
        .query_one("select coalesce(max(id), 0) + 1 from dibs.customers", &[])
        .await
        .map_err(err)?
        .get(0);
    let first_lead: i64 = tx
        .query_one("select coalesce(max(id), 0) + 1 from dibs.leads", &[])
        .await
        .map_err(err)?
        .get(0);
    // Each batch gets its own stream, so a second run adds different companies.
    let mut rng = base_rng.fork(1_000 + first_customer as u64 + first_lead as u64);
    let now = Utc::now();
    let pool_id = org.customer_pool().map(|p| p.id.to_string());

    let mut copy = CopyWriter::start(&tx, "dibs.customers", CUSTOMER_COLUMNS)
        .await
        .map_err(err)?;
    for offset in 0..customers as i64 {
        let analyze = refresh_statistics_at(offset);
        if analyze || (offset > 0 && offset % ROWS_PER_COPY == 0) {
            copy.finish().await.map_err(err)?;
            if analyze {
                tx.batch_execute("analyze dibs.customers")
                    .await
                    .map_err(err)?;
            }
            copy = CopyWriter::start(&tx, "dibs.customers", CUSTOMER_COLUMNS)
                .await
                .map_err(err)?;
        }
        let id = first_customer + offset;
        let company = generate::random_company(&mut rng);
        let code = rng
            .chance(70)
            .then(|| uscc::synthesise(company.region().code, SCALE_SERIAL_BASE + id as u64));
        let phone = generate::landline(&mut rng, company.region);
        let created = (now - Duration::minutes(rng.range(0, 1_500 * 1_440))).to_rfc3339();
        copy.row(&[
            Some(&id.to_string()),
            Some(&company.name),
            Some(&basic_form(&company.name)),
            Some(&core_form(&company.name)),
            code.as_deref(),
            Some(&phone.0),
            Some(&phone.1),
            Some(&company.domain),
            Some(company.region().zh),
            Some(company.industry().sector),
            Some("import"),
            pool_id.as_deref(),
            Some(&created),
            Some(&created),
        ])
        .await
        .map_err(err)?;
    }
    copy.finish().await.map_err(err)?;

    let mut copy = CopyWriter::start(&tx, "dibs.leads", LEAD_COLUMNS)
        .await
        .map_err(err)?;
    let mut leads_written = 0;
    for offset in 0..leads as i64 {
        if offset > 0 && offset % ROWS_PER_COPY == 0 {
            leads_written += copy.finish().await.map_err(err)?;
            copy = CopyWriter::start(&tx, "dibs.leads", LEAD_COLUMNS)
                .await
                .map_err(err)?;
        }
        let company = generate::random_company(&mut rng);
        let Some(pool) = org.lead_pool_for(company.industry().sector, company.region().area) else {
            continue;
        };
        let contact = generate::person(&mut rng);
        let phone = generate::mobile(&mut rng);
        let created = (now - Duration::minutes(rng.range(0, 365 * 1_440))).to_rfc3339();
        copy.row(&[
            Some(&(first_lead + offset).to_string()),
            Some(&pool.id.to_string()),
            Some(&company.name),
            Some(&basic_form(&company.name)),
            Some(&core_form(&company.name)),
            Some(&contact.name),
            Some(&phone.0),
            Some(&phone.1),
            Some(company.region().zh),
            Some(company.industry().sector),
            Some(*rng.pick(crate::seed::vocab::LEAD_SOURCES)),
            Some("direct"),
            Some(&created),
            Some(&created),
        ])
        .await
        .map_err(err)?;
    }
    leads_written += copy.finish().await.map_err(err)?;
    advance_sequences(&tx).await?;
    crate::seed::end_history(&tx).await?;
    tx.commit().await.map_err(err)?;
    Ok(SeedReport {
        customers,
        leads: leads_written,
        seconds: started.elapsed().as_secs_f64(),
    })
}
