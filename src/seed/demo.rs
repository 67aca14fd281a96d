//! `dibs seed --demo`: a realistic organisation with a few thousand customers and leads,
//! group companies, org charts, opportunities, registrations and deliberate near-duplicates.

use std::collections::HashMap;
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use tokio_postgres::{Client, Transaction};

use crate::db::copy::CopyWriter;
use crate::domain::names::{basic_form, core_form};
use crate::domain::uscc;
use crate::error::Error;
use crate::rng::SeededRng;
use crate::seed::generate::{self, Company};
use crate::seed::org::{Org, ensure_organisation};
use crate::seed::vocab::{self, INDUSTRIES, REGIONS, TITLES};
use crate::seed::{SeedReport, advance_sequences, seed_error};
use crate::text::SetupText;

const GROUPS: usize = 40;
const STANDALONE_CUSTOMERS: usize = 2200;
const NEAR_DUPLICATE_CUSTOMERS: usize = 50;
const LEADS: usize = 3000;

#[derive(Debug, Clone)]
struct CustomerRow {
    id: i64,
    name: String,
    uscc: Option<String>,
    phone: (String, String),
    email_domain: Option<String>,
    region: usize,
    industry: usize,
    parent_id: Option<i64>,
    owner_id: Option<i64>,
    team_id: Option<i64>,
    owned_since: Option<DateTime<Utc>>,
    last_followup_at: Option<DateTime<Utc>>,
    locked_by: Option<i64>,
    protected_until: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    company: Company,
}

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339()
}

fn days_ago(now: DateTime<Utc>, rng: &mut SeededRng, low: i64, high: i64) -> DateTime<Utc> {
    now - Duration::minutes(rng.range(low * 1440, high * 1440))
}

/// Seeds the demo data set. Refuses (without changing anything) a database that holds data.
pub async fn seed_demo(client: &mut Client, seed: u64) -> Result<SeedReport, Error> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let result = seed_demo_once(client, seed).await;
        if !(crate::seed::is_deadlock(&result) && attempt < 4) {
            return result;
        }
    }
}

async fn seed_demo_once(client: &mut Client, seed: u64) -> Result<SeedReport, Error> {
    let started = Instant::now();
    if !crate::seed::database_is_empty(client).await? {
        return Err(SetupText::SeedSkippedNotEmpty.into());
    }
    let tx = client.transaction().await.map_err(|e| seed_error(&e))?;
    tx.batch_execute("lock table dibs.customers, dibs.leads in exclusive mode")
        .await
        .map_err(|e| seed_error(&e))?;
    crate::seed::load_as_history(&tx).await?;
    let rng = SeededRng::new(seed);
    let org = ensure_organisation(&tx, &rng).await?;
    let now = Utc::now();
    let mut customers = build_customers(&mut rng.fork(2), &org, now);
    let registrations = build_registrations(&mut rng.fork(3), &mut customers, now);
    write_customers(&tx, &customers, &org).await?;
    write_contacts(&tx, &mut rng.fork(4), &customers, now).await?;
    write_opportunities(&tx, &mut rng.fork(5), &customers, now).await?;
    let leads = write_leads(&tx, &mut rng.fork(6), &org, &customers, now).await?;
    write_registrations(&tx, &registrations).await?;
    advance_sequences(&tx).await?;
    crate::seed::partners::write_demo_partners(&tx).await?;
    // Weeks of activity, so the collision dashboard has a trend to show.
    crate::seed::history::write_history(
        &tx,
        crate::seed::history::DEMO_WEEKS,
        i64::from(crate::seed::history::DEMO_WEEKS) * crate::seed::history::DEMO_ROWS_PER_WEEK,
        seed,
    )
    .await?;
    crate::seed::end_history(&tx).await?;
    tx.commit().await.map_err(|e| seed_error(&e))?;
    Ok(SeedReport {
        customers: customers.len() as u64,
        leads,
        seconds: started.elapsed().as_secs_f64(),
    })
}

fn owned_by(
    rng: &mut SeededRng,
    org: &Org,
    now: DateTime<Utc>,
    row: &mut CustomerRow,
    rep_id: i64,
) {
    let team = org.rep(rep_id).map(|r| r.team_id);
    let since = days_ago(now, rng, 5, 400);
    row.owner_id = Some(rep_id);
    row.team_id = team;
    row.owned_since = Some(since);
    let followed_up = since + Duration::minutes(rng.range(0, (now - since).num_minutes().max(1)));
    row.last_followup_at = if rng.chance(90) {
        Some(followed_up)
    } else {
        None
    };
}

fn new_customer(
    rng: &mut SeededRng,
    id: i64,
    company: Company,
    now: DateTime<Utc>,
    with_code: bool,
) -> CustomerRow {
    let uscc = with_code.then(|| uscc::synthesise(company.region().code, id as u64));
    let phone = generate::landline(rng, company.region);
    CustomerRow {
        id,
        name: company.name.clone(),
        uscc,
        phone,
        email_domain: Some(company.domain.clone()),
        region: company.region,
        industry: company.industry,
        parent_id: None,
        owner_id: None,
        team_id: None,
        owned_since: None,
        last_followup_at: None,
        locked_by: None,
        protected_until: None,
        created_at: days_ago(now, rng, 30, 900),
        company,
    }
}

fn build_customers(rng: &mut SeededRng, org: &Org, now: DateTime<Utc>) -> Vec<CustomerRow> {
    let mut rows: Vec<CustomerRow> = Vec::new();
    let mut next_id = 1i64;
    let rep_ids: Vec<i64> = org.reps.iter().map(|r| r.id).collect();

    // Group companies: HQ → subsidiaries in other cities → branches.
    for _ in 0..GROUPS {
        let trade = generate::trade_name(rng);
        let hq_region = rng.below(REGIONS.len());
        let hq_industry = rng.below(INDUSTRIES.len());
        let mut hq_company = generate::company(rng, hq_region, hq_industry, trade.clone());
        hq_company.name = format!("{}集团有限公司", trade.0);
        hq_company.name_en = format!("{} Group Co., Ltd.", trade.1);
        let mut hq = new_customer(rng, next_id, hq_company, now, true);
        next_id += 1;
        let hq_owner = *rng.pick(&rep_ids);
        owned_by(rng, org, now, &mut hq, hq_owner);
        let hq_team = hq.team_id;
        let hq_id = hq.id;
        rows.push(hq);
        for _ in 0..rng.range(2, 4) {
            let region = rng.below(REGIONS.len());
            let industry = if rng.chance(60) {
                hq_industry
            } else {
                rng.below(INDUSTRIES.len())
            };
            let mut company = generate::company(rng, region, industry, trade.clone());
            company.name = format!(
                "{}{}（{}）有限公司",
                trade.0, INDUSTRIES[industry].zh, REGIONS[region].zh
            );
            let mut subsidiary = new_customer(rng, next_id, company, now, true);
            next_id += 1;
            subsidiary.parent_id = Some(hq_id);
            // Most subsidiaries sit with the account team; some with another team (a
            // collision risk the tree shows) and some with nobody (a coverage gap).
            let teammates: Vec<i64> = org
                .reps
                .iter()
                .filter(|r| Some(r.team_id) == hq_team)
                .map(|r| r.id)
                .collect();
            match rng.below(10) {
                0..=5 if !teammates.is_empty() => {
                    let owner = *rng.pick(&teammates);
                    owned_by(rng, org, now, &mut subsidiary, owner)
                }
                6 | 7 => {
                    let owner = *rng.pick(&rep_ids);
                    owned_by(rng, org, now, &mut subsidiary, owner)
                }
                _ => {}
            }
            let subsidiary_id = subsidiary.id;
            let subsidiary_name = subsidiary.name.clone();
            let subsidiary_owner = subsidiary.owner_id;
            rows.push(subsidiary);
            for _ in 0..rng.range(0, 2) {
                let city = rng.below(REGIONS.len());
                let mut company = generate::company(rng, city, industry, trade.clone());
                company.name = format!("{subsidiary_name}{}分公司", REGIONS[city].zh);
                let mut branch = new_customer(rng, next_id, company, now, true);
                next_id += 1;
                branch.parent_id = Some(subsidiary_id);
                if let Some(owner) = subsidiary_owner {
                    owned_by(rng, org, now, &mut branch, owner);
                }
                rows.push(branch);
            }
        }
    }

    // Standalone companies: most with a credit code, most owned.
    for _ in 0..STANDALONE_CUSTOMERS {
        let company = generate::random_company(rng);
        let with_code = rng.chance(85);
        let mut row = new_customer(rng, next_id, company, now, with_code);
        next_id += 1;
        if rng.chance(60) {
            let owner = *rng.pick(&rep_ids);
            owned_by(rng, org, now, &mut row, owner);
        }
        if row.owner_id.is_some() && rng.chance(2) {
            row.locked_by = row.owner_id.and_then(|o| org.rep(o)).map(|r| r.manager_id);
        }
        rows.push(row);
    }

    // Near-duplicates already in the data, as CRMs without 查重 accumulate them. They carry
    // no credit code: with the same valid code the database would refuse them (I3).
    let originals: Vec<CustomerRow> = rows
        .iter()
        .filter(|r| r.parent_id.is_none())
        .cloned()
        .collect();
    for _ in 0..NEAR_DUPLICATE_CUSTOMERS {
        let original = rng.pick(&originals).clone();
        let (variant, _) = generate::near_duplicate(rng, &original.company);
        let mut row = new_customer(rng, next_id, original.company.clone(), now, false);
        next_id += 1;
        row.name = variant;
        if rng.chance(50) {
            row.phone = original.phone.clone();
        }
        if rng.chance(70) {
            let owner = *rng.pick(&rep_ids);
            owned_by(rng, org, now, &mut row, owner);
        }
        rows.push(row);
    }
    rows
}

struct RegistrationRow {
    customer_id: i64,
    registered_by: i64,
    partner: Option<&'static str>,
    status: &'static str,
    starts_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    max_until: DateTime<Utc>,
}

fn build_registrations(
    rng: &mut SeededRng,
    customers: &mut [CustomerRow],
    now: DateTime<Utc>,
) -> Vec<RegistrationRow> {
    let mut out = Vec::new();
    for row in customers.iter_mut().filter(|r| r.owner_id.is_some()) {
        if !rng.chance(8) {
            continue;
        }
        let Some(owner) = row.owner_id else { continue };
        let active = rng.chance(80);
        let starts_at = if active {
            days_ago(now, rng, 0, 25)
        } else {
            days_ago(now, rng, 120, 300)
        };
        let expires_at = starts_at + Duration::days(30);
        if active {
            row.protected_until = Some(expires_at);
        }
        out.push(RegistrationRow {
            customer_id: row.id,
            registered_by: owner,
            partner: rng.chance(30).then(|| *rng.pick(vocab::PARTNERS)),
            status: if active { "active" } else { "expired" },
            starts_at,
            expires_at,
            max_until: starts_at + Duration::days(90),
        });
    }
    out
}

async fn write_customers(
    tx: &Transaction<'_>,
    rows: &[CustomerRow],
    org: &Org,
) -> Result<(), Error> {
    let err = |e: tokio_postgres::Error| seed_error(&e);
    let pool_id = org.customer_pool().map(|p| p.id.to_string());
    let mut copy = CopyWriter::start(
        tx,
        "dibs.customers",
        &[
            "id",
            "name",
            "name_basic",
            "name_core",
            "uscc",
            "phone",
            "phone_e164",
            "email_domain",
            "website",
            "region",
            "industry",
            "source",
            "parent_id",
            "pool_id",
            "owner_id",
            "team_id",
            "owned_since",
            "last_followup_at",
            "locked",
            "locked_by",
            "protected_until",
            "created_at",
            "updated_at",
        ],
    )
    .await
    .map_err(err)?;
    for row in rows {
        let id = row.id.to_string();
        let parent = row.parent_id.map(|v| v.to_string());
        let owner = row.owner_id.map(|v| v.to_string());
        let team = row.team_id.map(|v| v.to_string());
        let locked_by = row.locked_by.map(|v| v.to_string());
        let website = row.email_domain.as_ref().map(|d| format!("www.{d}"));
        let created = ts(row.created_at);
        copy.row(&[
            Some(&id),
            Some(&row.name),
            Some(&basic_form(&row.name)),
            Some(&core_form(&row.name)),
            row.uscc.as_deref(),
            Some(&row.phone.0),
            Some(&row.phone.1),
            row.email_domain.as_deref(),
            website.as_deref(),
            Some(REGIONS[row.region].zh),
            Some(INDUSTRIES[row.industry].sector),
            Some("demo"),
            parent.as_deref(),
            pool_id.as_deref(),
            owner.as_deref(),
            team.as_deref(),
            row.owned_since.map(ts).as_deref(),
            row.last_followup_at.map(ts).as_deref(),
            Some(if row.locked_by.is_some() { "t" } else { "f" }),
            locked_by.as_deref(),
            row.protected_until.map(ts).as_deref(),
            Some(&created),
            Some(&created),
        ])
        .await
        .map_err(err)?;
    }
    copy.finish().await.map_err(err)?;
    // The initial owners are part of the record: one log row each, like every later change.
    tx.execute(
        "insert into dibs.ownership_log (at, entity, entity_id, action, outcome, reason, to_owner, pool_id, detail) \
         select owned_since, 'customer', id, 'assign', 'ok', 'seed', owner_id, pool_id, '{\"seed\": true}' \
         from dibs.customers where owner_id is not null",
        &[],
    )
    .await
    .map_err(err)?;
    Ok(())
}

async fn write_contacts(
    tx: &Transaction<'_>,
    rng: &mut SeededRng,
    customers: &[CustomerRow],
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let err = |e: tokio_postgres::Error| seed_error(&e);
    let mut copy = CopyWriter::start(
        tx,
        "dibs.contacts",
        &[
            "id",
            "customer_id",
            "name",
            "title",
            "department",
            "phone",
            "email",
            "reports_to",
            "is_key_person",
            "last_touched_by",
            "last_touched_at",
        ],
    )
    .await
    .map_err(err)?;
    let mut next_id = 1i64;
    for customer in customers
        .iter()
        .filter(|c| c.owner_id.is_some() && (c.parent_id.is_none() || c.id % 2 == 0))
    {
        if customer.id % 3 != 0 && customer.parent_id.is_none() && !customer.name.contains("集团")
        {
            continue;
        }
        // (id, level, department) of the people placed so far, for reporting lines.
        let mut placed: Vec<(i64, u8, &str)> = Vec::new();
        let count = rng.range(3, 9) as usize;
        let mut titles: Vec<&(u8, &str, &str)> = vec![&TITLES[0]];
        for _ in 1..count {
            titles.push(&TITLES[1 + rng.below(TITLES.len() - 1)]);
        }
        titles.sort_by_key(|t| t.0);
        for (level, title, department) in titles {
            let person = generate::person(rng);
            let boss = placed
                .iter()
                .rev()
                .find(|(_, l, d)| *l < *level && *d == *department)
                .or_else(|| placed.iter().find(|(_, l, _)| *l < *level))
                .map(|(id, _, _)| id.to_string());
            let (phone, _) = generate::mobile(rng);
            let email = format!("{}@{}", person.pinyin, customer.company.domain);
            let id = next_id.to_string();
            let customer_id = customer.id.to_string();
            let touched_by = (rng.chance(60))
                .then(|| customer.owner_id.map(|o| o.to_string()))
                .flatten();
            let touched_at = touched_by.as_ref().map(|_| ts(days_ago(now, rng, 0, 120)));
            copy.row(&[
                Some(&id),
                Some(&customer_id),
                Some(&person.name),
                Some(title),
                Some(department),
                Some(&phone),
                Some(&email),
                boss.as_deref(),
                Some(if *level <= 1 && rng.chance(60) {
                    "t"
                } else {
                    "f"
                }),
                touched_by.as_deref(),
                touched_at.as_deref(),
            ])
            .await
            .map_err(err)?;
            placed.push((next_id, *level, department));
            next_id += 1;
        }
    }
    copy.finish().await.map_err(err)?;
    Ok(())
}

async fn write_opportunities(
    tx: &Transaction<'_>,
    rng: &mut SeededRng,
    customers: &[CustomerRow],
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let err = |e: tokio_postgres::Error| seed_error(&e);
    let mut copy = CopyWriter::start(
        tx,
        "dibs.opportunities",
        &[
            "customer_id",
            "name",
            "amount",
            "stage_id",
            "owner_id",
            "team_id",
            "product_line",
            "expected_close",
            "lost_reason",
            "last_activity_at",
            "created_at",
        ],
    )
    .await
    .map_err(err)?;
    // Early stages are crowded, late ones thin, as on a real board.
    const STAGE_WEIGHTS: &[i16] = &[1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 6];
    for customer in customers.iter().filter(|c| c.owner_id.is_some()) {
        if !rng.chance(45) {
            continue;
        }
        for _ in 0..rng.range(1, 3) {
            let stage = *rng.pick(STAGE_WEIGHTS);
            let amount = format!("{}.00", rng.range(5, 500) * 10_000);
            let close = (now + Duration::days(rng.range(-60, 120)))
                .date_naive()
                .to_string();
            let activity = ts(days_ago(now, rng, 0, 45));
            let created = ts(days_ago(now, rng, 45, 300));
            let name = format!(
                "{} · {}",
                customer.company.trade_zh,
                rng.pick(vocab::OPPORTUNITY_TOPICS)
            );
            copy.row(&[
                Some(&customer.id.to_string()),
                Some(&name),
                Some(&amount),
                Some(&stage.to_string()),
                customer.owner_id.map(|o| o.to_string()).as_deref(),
                customer.team_id.map(|t| t.to_string()).as_deref(),
                Some(*rng.pick(vocab::PRODUCT_LINES)),
                Some(&close),
                (stage == 6).then_some(*rng.pick(&[
                    "价格过高",
                    "选择了竞品",
                    "预算取消",
                    "需求变更",
                ])),
                Some(&activity),
                Some(&created),
            ])
            .await
            .map_err(err)?;
        }
    }
    copy.finish().await.map_err(err)?;
    Ok(())
}

struct LeadPlan {
    company_name: String,
    company: Company,
    phone: (String, String),
}

async fn write_leads(
    tx: &Transaction<'_>,
    rng: &mut SeededRng,
    org: &Org,
    customers: &[CustomerRow],
    now: DateTime<Utc>,
) -> Result<u64, Error> {
    let err = |e: tokio_postgres::Error| seed_error(&e);
    let mut leads_copy = CopyWriter::start(
        tx,
        "dibs.leads",
        &[
            "id",
            "pool_id",
            "company_name",
            "name_basic",
            "name_core",
            "contact_name",
            "contact_title",
            "phone",
            "phone_e164",
            "email",
            "email_domain",
            "uscc",
            "region",
            "industry",
            "product_line",
            "source",
            "channel",
            "status",
            "owner_id",
            "owned_since",
            "last_followup_at",
            "customer_id",
            "converted_at",
            "created_at",
            "updated_at",
        ],
    )
    .await
    .map_err(err)?;
    let mut holdings: HashMap<(i64, i64), i32> = HashMap::new();
    let mut followups: Vec<(i64, i64, DateTime<Utc>, &'static str)> = Vec::new();
    let mut earlier: Vec<LeadPlan> = Vec::new();
    for index in 0..LEADS {
        let id = index as i64 + 1;
        let plan = match rng.below(100) {
            // A prospect who is already a customer: the classic collision.
            0..=9 => {
                let customer = rng.pick(customers);
                let (name, _) = generate::near_duplicate(rng, &customer.company);
                LeadPlan {
                    company_name: name,
                    company: customer.company.clone(),
                    phone: generate::mobile(rng),
                }
            }
            // The same company arriving twice from different sources.
            10..=14 if !earlier.is_empty() => {
                let twin = rng.pick(&earlier);
                LeadPlan {
                    company_name: twin.company_name.clone(),
                    company: twin.company.clone(),
                    phone: generate::mobile(rng),
                }
            }
            // Unrelated companies behind one shared switchboard or agent number.
            15..=19 => {
                let company = generate::random_company(rng);
                let written = *rng.pick(vocab::SHARED_PHONES);
                LeadPlan {
                    company_name: company.name.clone(),
                    company,
                    phone: (written.to_string(), generate::shared_phone_e164(written)),
                }
            }
            _ => {
                let company = generate::random_company(rng);
                let phone = if rng.chance(70) {
                    generate::mobile(rng)
                } else {
                    generate::landline(rng, company.region)
                };
                LeadPlan {
                    company_name: company.name.clone(),
                    company,
                    phone,
                }
            }
        };
        let Some(pool) =
            org.lead_pool_for(plan.company.industry().sector, plan.company.region().area)
        else {
            continue;
        };
        let contact = generate::person(rng);
        let (email, email_domain) = match rng.below(10) {
            0..=5 => (
                Some(format!("{}@{}", contact.pinyin, plan.company.domain)),
                Some(plan.company.domain.clone()),
            ),
            6..=8 => {
                let free = *rng.pick(vocab::FREE_MAIL);
                (
                    Some(format!("{}{}@{free}", contact.pinyin, rng.range(1, 999))),
                    Some(free.to_string()),
                )
            }
            _ => (None, None),
        };
        let created = days_ago(now, rng, 0, 200);
        let roll = rng.below(100);
        let mut status = "new";
        let mut owner: Option<i64> = None;
        let mut owned_since: Option<DateTime<Utc>> = None;
        let mut last_followup: Option<DateTime<Utc>> = None;
        if roll < 40 && !pool.members.is_empty() {
            let rep = *rng.pick(&pool.members);
            let held = holdings.entry((pool.id, rep)).or_insert(0);
            // Stay well inside the limit so the live demo has room to claim.
            if *held < pool.limit_of(rep) * 3 / 4 {
                *held += 1;
                status = "working";
                owner = Some(rep);
                let since =
                    created + Duration::minutes(rng.range(0, (now - created).num_minutes().max(1)));
                owned_since = Some(since);
                for _ in 0..rng.range(0, 4) {
                    let at =
                        since + Duration::minutes(rng.range(0, (now - since).num_minutes().max(1)));
                    followups.push((
                        id,
                        rep,
                        at,
                        *rng.pick(&["call", "visit", "message", "email"]),
                    ));
                    last_followup = last_followup.max(Some(at));
                }
            }
        } else if roll >= 97 {
            status = "disqualified";
        }
        let id_text = id.to_string();
        leads_copy
            .row(&[
                Some(&id_text),
                Some(&pool.id.to_string()),
                Some(&plan.company_name),
                Some(&basic_form(&plan.company_name)),
                Some(&core_form(&plan.company_name)),
                Some(&contact.name),
                Some(*rng.pick(&["采购经理", "IT经理", "总经理", "运营总监", "财务经理"])),
                Some(&plan.phone.0),
                Some(&plan.phone.1),
                email.as_deref(),
                email_domain.as_deref(),
                None,
                Some(plan.company.region().zh),
                Some(plan.company.industry().sector),
                Some(*rng.pick(vocab::PRODUCT_LINES)),
                Some(*rng.pick(vocab::LEAD_SOURCES)),
                Some(if rng.chance(80) { "direct" } else { "partner" }),
                Some(status),
                owner.map(|o| o.to_string()).as_deref(),
                owned_since.map(ts).as_deref(),
                last_followup.map(ts).as_deref(),
                None,
                None,
                Some(&ts(created)),
                Some(&ts(created)),
            ])
            .await
            .map_err(err)?;
        earlier.push(plan);
    }
    let written = leads_copy.finish().await.map_err(err)?;
    tx.execute(
        "insert into dibs.ownership_log (at, entity, entity_id, action, outcome, reason, to_owner, pool_id, detail) \
         select owned_since, 'lead', id, 'assign', 'ok', 'seed', owner_id, pool_id, '{\"seed\": true}' \
         from dibs.leads where owner_id is not null",
        &[],
    )
    .await
    .map_err(err)?;

    let mut copy = CopyWriter::start(
        tx,
        "dibs.followups",
        &["lead_id", "user_id", "kind", "note", "happened_at"],
    )
    .await
    .map_err(err)?;
    for (lead_id, user_id, at, kind) in followups {
        let note = match kind {
            "call" => "电话沟通需求，约下周演示",
            "visit" => "上门拜访，见到采购负责人",
            "message" => "微信发送产品资料",
            _ => "邮件发送报价单",
        };
        copy.row(&[
            Some(&lead_id.to_string()),
            Some(&user_id.to_string()),
            Some(kind),
            Some(note),
            Some(&ts(at)),
        ])
        .await
        .map_err(err)?;
    }
    copy.finish().await.map_err(err)?;
    Ok(written)
}

async fn write_registrations(tx: &Transaction<'_>, rows: &[RegistrationRow]) -> Result<(), Error> {
    let err = |e: tokio_postgres::Error| seed_error(&e);
    let mut copy = CopyWriter::start(
        tx,
        "dibs.registrations",
        &[
            "customer_id",
            "registered_by",
            "partner_name",
            "status",
            "starts_at",
            "expires_at",
            "max_until",
        ],
    )
    .await
    .map_err(err)?;
    for row in rows {
        copy.row(&[
            Some(&row.customer_id.to_string()),
            Some(&row.registered_by.to_string()),
            row.partner,
            Some(row.status),
            Some(&ts(row.starts_at)),
            Some(&ts(row.expires_at)),
            Some(&ts(row.max_until)),
        ])
        .await
        .map_err(err)?;
    }
    copy.finish().await.map_err(err)?;
    tx.execute(
        "insert into dibs.ownership_log (at, entity, entity_id, action, outcome, reason, actor_id, to_owner, detail) \
         select starts_at, 'customer', customer_id, 'register', 'ok', 'seed', registered_by, registered_by, \
                jsonb_build_object('seed', true, 'partner', partner_name) \
         from dibs.registrations",
        &[],
    )
    .await
    .map_err(err)?;
    Ok(())
}
