//! Collision analytics: the rollups the worker keeps are compared with the metrics worked
//! out by hand and by an independent query over the raw logs — through the functions,
//! through `dibs report`, under a rep's narrower scope, across two teams, and after the
//! worker is killed with `kill -9` in the middle of a catch-up.

mod common;

use std::process::Command;

use std::time::{Duration, Instant};

use common::cluster::Running;
use common::{as_person, leads, org, person, roll_up, scalar};
use dibs::testkit::TestDatabase;

/// The metrics' definitions as one query over the raw logs, written apart from the rollup:
/// per (local day, person) attempt-days, collisions and races.
const DEFINITION_PER_DAY: &str = "
    with tz as (select time_zone from dibs.settings),
    seen as (
        select (g.at at time zone (select time_zone from tz))::date as day,
               case when g.outcome = 'ok' then g.to_owner else g.actor_id end as user_id,
               coalesce('company:' || coalesce(ld.company_id, c.company_id), g.entity::text || ':' || g.entity_id) as subject,
               g.outcome = 'refused' and g.reason in ('already_owned_by', 'company_held', 'company_has_customer',
                                                       'protected_by', 'duplicate_blocked', 'duplicate_credit_code') as collided,
               g.outcome = 'refused' and g.reason in ('already_owned_by', 'company_held', 'company_has_customer', 'protected_by')
                 and (g.detail ->> 'other_since')::timestamptz > g.at - interval '10 minutes' as raced
        from dibs.ownership_log g
        left join dibs.leads ld on g.entity = 'lead' and ld.id = g.entity_id
        left join dibs.customers c on g.entity = 'customer' and c.id = g.entity_id
        where g.action in ('claim', 'register', 'convert', 'create')
        union all
        select (d.at at time zone (select time_zone from tz))::date, d.user_id,
               case when d.decision = 'blocked' then 'draft:' || lower(btrim(d.draft_name))
                    else coalesce('company:' || c.company_id, 'customer:' || d.created_id) end,
               true, false
        from dibs.dedup_decisions d left join dibs.customers c on c.id = d.created_id
        where d.decision in ('blocked', 'warned_overridden')
    ),
    days as (
        select day, user_id, subject, bool_or(collided) as collided, bool_or(coalesce(raced, false)) as raced
        from seen where user_id is not null group by 1, 2, 3
    )
    select day, user_id, count(*), count(*) filter (where collided), count(*) filter (where raced)
    from days group by 1, 2 order by 1, 2";

const ROLLUP_PER_DAY: &str = "
    select day, user_id, attempts::bigint, collisions::bigint, races::bigint
    from dibs.daily_figures where attempts > 0 order by 1, 2";

/// Refusal-days by reason, and records taken, recycled and released, from the raw log.
const DEFINITION_OTHERS: &str = "
    with tz as (select time_zone from dibs.settings)
    select 'refused ' || reason, count(*) from (
        select distinct (g.at at time zone (select time_zone from tz))::date, g.actor_id,
               coalesce('company:' || coalesce(ld.company_id, c.company_id), g.entity::text || ':' || g.entity_id), g.reason
        from dibs.ownership_log g
        left join dibs.leads ld on g.entity = 'lead' and ld.id = g.entity_id
        left join dibs.customers c on g.entity = 'customer' and c.id = g.entity_id
        where g.outcome = 'refused' and g.actor_id is not null
        union
        select (d.at at time zone (select time_zone from tz))::date, d.user_id, 'draft:' || lower(btrim(d.draft_name)),
               'duplicate_blocked'
        from dibs.dedup_decisions d where d.decision = 'blocked' and d.user_id is not null
    ) r(day, user_id, subject, reason) group by reason
    union all
    select 'taken', count(*) from dibs.ownership_log
    where outcome = 'ok' and to_owner is not null and to_owner is distinct from from_owner
      and action in ('claim', 'assign', 'auto_assign', 'transfer', 'convert', 'create')
    union all
    select 'recycled', count(*) from dibs.ownership_log where outcome = 'ok' and action = 'recycle' and from_owner is not null
    union all
    select 'released', count(*) from dibs.ownership_log where outcome = 'ok' and action = 'release' and from_owner is not null
    order by 1";

const ROLLUP_OTHERS: &str = "
    select 'refused ' || reason, sum(refusals)::bigint from dibs.daily_refusals group by reason
    union all
    select 'taken', coalesce(sum(taken), 0)::bigint from dibs.daily_figures
    union all
    select 'recycled', coalesce(sum(recycled), 0)::bigint from dibs.daily_figures
    union all
    select 'released', coalesce(sum(released), 0)::bigint from dibs.daily_figures
    order by 1";

type PerDay = Vec<(chrono::NaiveDate, i64, i64, i64, i64)>;

async fn per_day(client: &tokio_postgres::Client, sql: &str) -> PerDay {
    client
        .query(sql, &[])
        .await
        .unwrap_or_else(|e| panic!("{}", dibs::db::error_detail(&e)))
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)))
        .collect()
}

async fn others(client: &tokio_postgres::Client, sql: &str) -> Vec<(String, i64)> {
    client
        .query(sql, &[])
        .await
        .unwrap_or_else(|e| panic!("{}", dibs::db::error_detail(&e)))
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

/// The rollup equals the definition, for every day, person and reason.
async fn assert_rollup_matches_definition(client: &tokio_postgres::Client) {
    let defined = per_day(client, DEFINITION_PER_DAY).await;
    assert!(!defined.is_empty(), "the log has attempts");
    assert_eq!(per_day(client, ROLLUP_PER_DAY).await, defined);
    assert_eq!(
        others(client, ROLLUP_OTHERS).await,
        others(client, DEFINITION_OTHERS).await
    );
}

/// (day offset from today, attempts, collisions, races) as `collision_figures` returns them.
async fn figures(client: &tokio_postgres::Client) -> Vec<(i32, i64, i64, i64)> {
    client
        .query(
            "select (day - current_date)::int, attempts, collisions, races
             from dibs.collision_figures(current_date - 1, current_date)",
            &[],
        )
        .await
        .expect("figures")
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn attempt_days_collisions_and_races_match_a_hand_made_log() {
    let db = TestDatabase::new().await;
    let org = org(&db, 2, 5).await;
    let admin = db.client().await;
    let ids = leads(&admin, org.pool, 3).await;
    let distinct: i64 = admin
        .query_one(
            "select count(distinct company_id) from dibs.leads where id = any($1)",
            &[&ids],
        )
        .await
        .expect("companies")
        .get(0);
    assert_eq!(distinct, 3, "each lead its own company");
    let (rep0, rep1) = (org.reps[0].0, org.reps[1].0);
    let (l1, l2, l3) = (ids[0], ids[1], ids[2]);
    // Yesterday: rep 0 takes lead 1 at 09:00; rep 1 tries it twice five minutes later (one
    // attempt-day, a collision, a race) and takes lead 2. Today: rep 1 tries lead 1 again (a
    // collision, no race: the holder took it a day ago); rep 0 is refused lead 3 for her limit
    // (an attempt, no collision).
    admin
        .execute(
            "insert into dibs.ownership_log (entity, entity_id, action, outcome, reason, actor_id, from_owner, to_owner, pool_id, detail, at)
             values
             ('lead', $1, 'claim', 'ok', 'ok', $4, null, $4, $6, null, (current_date - 1) + time '09:00'),
             ('lead', $1, 'claim', 'refused', 'already_owned_by', $5, $4, null, $6,
              jsonb_build_object('other', $4, 'other_since', (current_date - 1) + time '09:00'), (current_date - 1) + time '09:05'),
             ('lead', $1, 'claim', 'refused', 'already_owned_by', $5, $4, null, $6,
              jsonb_build_object('other', $4, 'other_since', (current_date - 1) + time '09:00'), (current_date - 1) + time '09:06'),
             ('lead', $2, 'claim', 'ok', 'ok', $5, null, $5, $6, null, (current_date - 1) + time '10:00'),
             ('lead', $1, 'claim', 'refused', 'already_owned_by', $5, $4, null, $6,
              jsonb_build_object('other', $4, 'other_since', (current_date - 1) + time '09:00'), current_date + time '00:30'),
             ('lead', $3, 'claim', 'refused', 'over_limit', $4, null, null, $6, null, current_date + time '00:40')",
            &[&l1, &l2, &l3, &rep0, &rep1, &org.pool],
        )
        .await
        .expect("hand-made log");

    // Nothing shows before the worker has counted.
    assert_eq!(figures(&admin).await, vec![(-1, 0, 0, 0), (0, 0, 0, 0)]);
    roll_up(&admin).await;

    // Everyone (an admin's scope): yesterday 3 attempt-days (rep 0/lead 1, rep 1/lead 1,
    // rep 1/lead 2), 1 collision, 1 race; today 2, 1, 0.
    assert_eq!(figures(&admin).await, vec![(-1, 3, 1, 1), (0, 2, 1, 0)]);
    assert_rollup_matches_definition(&admin).await;
    // Counting again changes nothing.
    roll_up(&admin).await;
    assert_eq!(figures(&admin).await, vec![(-1, 3, 1, 1), (0, 2, 1, 0)]);

    // Duplicate-check decisions today: rep 0 is blocked twice on one drafted name (one
    // attempt-day, one collision) and saves one customer over a warning (a collision); a
    // warning she did not save over is counted as a warning, not an attempt.
    let saved = common::customers(&admin, org.customer_pool, 1).await[0];
    admin
        .execute(
            "insert into dibs.dedup_decisions (user_id, entity, created_id, draft_name, decision, candidates, at)
             values ($1, 'customer', null, '华为技术', 'blocked', '[]', current_date + time '01:00'),
                    ($1, 'customer', null, ' 华为技术 ', 'blocked', '[]', current_date + time '01:05'),
                    ($1, 'customer', $2, '某某科技', 'warned_overridden', '[]', current_date + time '01:10'),
                    ($1, 'customer', null, '别的公司', 'needs_override', '[]', current_date + time '01:15')",
            &[&rep0, &saved],
        )
        .await
        .expect("decisions");
    roll_up(&admin).await;
    assert_eq!(figures(&admin).await, vec![(-1, 3, 1, 1), (0, 4, 3, 0)]);
    assert_rollup_matches_definition(&admin).await;
    let decided: (i64, i64, i64) = admin
        .query_one(
            "select blocked, warned, overridden from dibs.analytics_summary(current_date, current_date)",
            &[],
        )
        .await
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .expect("summary");
    assert_eq!(decided, (2, 1, 1));

    // A rep sees only her own attempt-days.
    let rep = as_person(&db, &org.reps[0].1).await;
    assert_eq!(figures(&rep).await, vec![(-1, 1, 0, 0), (0, 3, 2, 0)]);

    // The command says the same, and the rate.
    // The database's days (its TimeZone), not this machine's.
    let row = admin
        .query_one("select current_date - 1, current_date", &[])
        .await
        .expect("dates");
    let (yesterday, today): (chrono::NaiveDate, chrono::NaiveDate) = (row.get(0), row.get(1));
    let (from, to) = (yesterday.to_string(), today.to_string());
    let dibs = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_dibs"))
            .args(["--lang", "en"])
            .args(args)
            .env("DATABASE_URL", db.url())
            .env("XDG_STATE_HOME", std::env::temp_dir())
            .env(
                "XDG_CONFIG_HOME",
                std::env::temp_dir().join("dibs-no-config"),
            )
            .output()
            .expect("report");
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        output.stdout
    };
    let output = dibs(&[
        "--json",
        "report",
        "collision-rate",
        "--from",
        &from,
        "--to",
        &to,
    ]);
    // Refusal-days by reason as CSV for Excel: a byte-order mark, then the rows. Rep 1 was
    // refused lead 1 yesterday and today (two refusal-days), rep 0 lead 3 for her limit and
    // the blocked name (twice on one day: one).
    let csv = dibs(&[
        "report", "refusals", "--from", &from, "--to", &to, "--format", "csv",
    ]);
    assert!(csv.starts_with(&[0xEF, 0xBB, 0xBF]), "BOM");
    let csv = String::from_utf8_lossy(&csv[3..]).to_string();
    for line in [
        "already_owned_by,someone holds it,2",
        "duplicate_blocked,duplicate blocked,1",
        "over_limit,holding limit,1",
    ] {
        assert!(csv.contains(line), "{line} not in\n{csv}");
    }
    // The summary as JSON beside the period before (empty).
    let summary: serde_json::Value = serde_json::from_slice(&dibs(&[
        "report", "summary", "--from", &from, "--to", &to, "--format", "json",
    ]))
    .expect("summary JSON");
    assert_eq!(summary["now"]["attempts"], 7);
    assert_eq!(summary["now"]["collisions"], 4);
    assert_eq!(summary["before"]["attempts"], 0);
    // The HTML report: one file, nothing to fetch.
    let page = std::env::temp_dir().join(format!("dibs-report-{}.html", db.name));
    dibs(&[
        "report",
        "--html",
        &page.display().to_string(),
        "--from",
        &from,
        "--to",
        &to,
    ]);
    let html = std::fs::read_to_string(&page).expect("report file");
    let _ = std::fs::remove_file(&page);
    assert!(!html.contains("http") && !html.contains("<script"));
    assert!(html.contains("57.1%"), "the rate of 4 in 7");
    let days: serde_json::Value = serde_json::from_slice(&output).expect("JSON");
    let said: Vec<(i64, i64, i64)> = days
        .as_array()
        .map(|days| {
            days.iter()
                .map(|d| {
                    (
                        d["attempts"].as_i64().unwrap_or(-1),
                        d["collisions"].as_i64().unwrap_or(-1),
                        d["races"].as_i64().unwrap_or(-1),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(said, vec![(3, 1, 1), (4, 3, 0)]);

    // By rep over both days: rep 0 has 4 attempt-days (lead 1, lead 3, the blocked name,
    // the saved customer) and 2 collisions; rep 1 has 3 (lead 1 yesterday and today, lead 2),
    // 2 collisions, 1 race. Biggest first.
    let names: Vec<String> = admin
        .query(
            "select display_name from dibs.users where id = any($1) order by id",
            &[&vec![rep0, rep1]],
        )
        .await
        .expect("names")
        .iter()
        .map(|r| r.get(0))
        .collect();
    let by_rep: Vec<(String, i64, i64, i64)> = admin
        .query(
            "select label, attempts, collisions, races
             from dibs.collision_breakdown(current_date - 1, current_date, 'rep')",
            &[],
        )
        .await
        .expect("by rep")
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect();
    assert_eq!(
        by_rep,
        vec![(names[0].clone(), 4, 2, 0), (names[1].clone(), 3, 2, 1)]
    );
    let unknown = admin
        .query(
            "select * from dibs.collision_breakdown(current_date, current_date, 'planet')",
            &[],
        )
        .await;
    assert!(unknown.is_err(), "an unknown breakdown is refused");

    // First follow-up and conversion: rep 1 follows lead 2 up five hours after taking it
    // (the "≤ 8 h" bucket), and converts it today; rep 0's follow-up of lead 2 is not hers.
    admin
        .execute(
            "insert into dibs.ownership_log (entity, entity_id, action, outcome, reason, actor_id, from_owner, to_owner, pool_id, at)
             values ('lead', $1, 'followup', 'ok', 'ok', $3, $3, null, $4, (current_date - 1) + time '15:00'),
                    ('lead', $1, 'followup', 'ok', 'ok', $2, $3, null, $4, (current_date - 1) + time '16:00'),
                    ('lead', $1, 'convert', 'ok', 'ok', $3, $3, $3, $4, current_date + time '00:50')",
            &[&l2, &rep0, &rep1, &org.pool],
        )
        .await
        .expect("follow-up and conversion");
    roll_up(&admin).await;
    let followed: (i64, i64, i64, Option<i32>, Option<i32>) = admin
        .query_one(
            "select taken, followed, within_24h, p50_hours, p90_hours
             from dibs.first_followup(current_date - 1, current_date - 1)",
            &[],
        )
        .await
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)))
        .expect("first follow-up");
    // Yesterday's takes: lead 1 by rep 0, lead 2 by rep 1; one followed up, within 8 hours.
    assert_eq!(followed, (2, 1, 1, Some(8), Some(8)));
    // Two people followed lead 2's company up in one week: a shadow collision (双跟进), which
    // rep 0 sees too (she is one of them).
    let shadow = "select shadow from dibs.analytics_summary(current_date - 1, current_date)";
    assert_eq!(scalar(&admin, shadow).await, 1);
    assert_eq!(scalar(&rep, shadow).await, 1);
    let cohort: (i64, i64) = admin
        .query_one(
            "select sum(taken)::bigint, sum(converted)::bigint
             from dibs.conversion_cohorts(current_date - 1, current_date)",
            &[],
        )
        .await
        .map(|r| (r.get(0), r.get(1)))
        .expect("cohorts");
    assert_eq!(
        cohort,
        (2, 1),
        "two leads taken, one converted within 90 days"
    );
    assert_rollup_matches_definition(&admin).await;

    // Lead 3 is recycled from rep 0 yesterday and claimed by rep 1 today: a re-claim. The
    // customer rep 0 saved over a warning is merged away today: a bad override.
    let keep = common::customers(&admin, org.customer_pool, 1).await[0];
    admin
        .execute(
            "insert into dibs.ownership_log (entity, entity_id, action, outcome, reason, actor_id, from_owner, to_owner, pool_id, at)
             values ('lead', $1, 'recycle', 'ok', 'idle', null, $2, null, $4, (current_date - 1) + time '11:00'),
                    ('lead', $1, 'claim', 'ok', 'ok', $3, null, $3, $4, current_date + time '00:20')",
            &[&l3, &rep0, &rep1, &org.pool],
        )
        .await
        .expect("recycle and re-claim");
    admin
        .execute(
            "insert into dibs.customer_merges (keep_id, drop_id, moved) values ($1, $2, '{}')",
            &[&keep, &saved],
        )
        .await
        .expect("merge");
    roll_up(&admin).await;
    let later: (i64, i64) = admin
        .query_one(
            "select reclaimed, bad_overrides from dibs.analytics_summary(current_date - 1, current_date)",
            &[],
        )
        .await
        .map(|r| (r.get(0), r.get(1)))
        .expect("summary");
    assert_eq!(later, (1, 1));
    assert_rollup_matches_definition(&admin).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refusal_records_when_the_holder_took_it() {
    let db = TestDatabase::new().await;
    let org = org(&db, 2, 5).await;
    let admin = db.client().await;
    let lead = leads(&admin, org.pool, 1).await[0];
    let first = as_person(&db, &org.reps[0].1).await;
    let second = as_person(&db, &org.reps[1].1).await;
    let claim = dibs::domain::ownership::Action::ClaimLead(lead);
    assert!(common::act(&first, claim.clone()).await.ok);
    assert!(!common::act(&second, claim).await.ok);
    roll_up(&admin).await;
    let recorded: bool = admin
        .query_one(
            "select (g.detail ->> 'other_since')::timestamptz = l.owned_since
             from dibs.ownership_log g join dibs.leads l on l.id = g.entity_id
             where g.entity = 'lead' and g.entity_id = $1 and g.outcome = 'refused'",
            &[&lead],
        )
        .await
        .expect("refusal")
        .get(0);
    assert!(recorded);
    // Yesterday's and today's figures count it as a race.
    let races: i64 = admin
        .query_one(
            "select sum(races)::bigint from dibs.collision_figures(current_date - 1, current_date)",
            &[],
        )
        .await
        .expect("figures")
        .get(0);
    assert_eq!(races, 1);
}

/// A rep reads only her own figures, a manager only her team's — through every function —
/// and nobody but the worker and the functions reads the rollup tables.
#[tokio::test(flavor = "multi_thread")]
async fn figures_are_cut_to_the_callers_scope() {
    let db = TestDatabase::new().await;
    let org = org(&db, 2, 5).await;
    let admin = db.client().await;
    let other_team: i64 = admin
        .query_one(
            "insert into dibs.teams (name, region) values ('别的组', '华南') returning id",
            &[],
        )
        .await
        .expect("team")
        .get(0);
    let stranger = person(&admin, &db, "stranger", "外组销售", "rep", Some(other_team)).await;
    let other_manager = person(&admin, &db, "omgr", "外组经理", "manager", Some(other_team)).await;
    let ids = leads(&admin, org.pool, 2).await;
    // Our rep 0 and the stranger each collide once today.
    admin
        .execute(
            "insert into dibs.ownership_log (entity, entity_id, action, outcome, reason, actor_id, to_owner, pool_id, at)
             values ('lead', $1, 'claim', 'refused', 'already_owned_by', $3, null, $5, now()),
                    ('lead', $2, 'claim', 'refused', 'already_owned_by', $4, null, $5, now()),
                    ('lead', $2, 'claim', 'ok', 'ok', $3, $3, $5, now())",
            &[&ids[0], &ids[1], &org.reps[0].0, &stranger.0, &org.pool],
        )
        .await
        .expect("log");
    roll_up(&admin).await;

    let total = "select coalesce(sum(attempts), 0)::bigint from dibs.collision_figures(current_date, current_date)";
    let contested = "select count(*) from dibs.contested_companies(current_date, current_date, 10)";
    let people = "select count(*) from dibs.rep_figures(current_date, current_date)";
    let reasons = "select coalesce(sum(refusals), 0)::bigint from dibs.refusal_reasons(current_date, current_date)";
    // Everyone: rep 0's two attempt-days on two companies, the stranger's one.
    assert_eq!(scalar(&admin, total).await, 3);
    let rep = as_person(&db, &org.reps[0].1).await;
    assert_eq!(scalar(&rep, total).await, 2);
    assert_eq!(scalar(&rep, people).await, 1, "a rep sees herself only");
    assert_eq!(scalar(&rep, reasons).await, 1);
    let manager = as_person(&db, &org.manager.1).await;
    assert_eq!(scalar(&manager, total).await, 2, "not the other team's");
    assert_eq!(scalar(&manager, contested).await, 1);
    let outsider = as_person(&db, &other_manager.1).await;
    assert_eq!(scalar(&outsider, total).await, 1);
    assert_eq!(scalar(&outsider, reasons).await, 1);

    // Narrowing to someone out of scope gives nothing, not her figures.
    let narrowed = outsider
        .query_one(
            "select attempts from dibs.analytics_summary(current_date, current_date, $1)",
            &[&org.reps[0].0],
        )
        .await
        .expect("summary")
        .get::<_, i64>(0);
    assert_eq!(narrowed, 0);
    let stranger_client = as_person(&db, &stranger.1).await;
    let peeked = stranger_client
        .query_one(
            "select count(*) from dibs.collision_breakdown(current_date, current_date, 'rep', $1)",
            &[&org.reps[0].0],
        )
        .await
        .expect("breakdown")
        .get::<_, i64>(0);
    assert_eq!(peeked, 0);

    // The rollup tables themselves are closed to every person.
    for table in [
        "daily_figures",
        "attempt_facts",
        "daily_refusals",
        "daily_decisions",
        "followup_facts",
        "shadow_people",
        "shadow_companies",
    ] {
        let read = rep.query(&format!("select * from dibs.{table}"), &[]).await;
        assert!(read.is_err(), "a rep read dibs.{table}");
    }
    // Only the worker's login folds the logs.
    assert!(
        rep.query("select dibs.roll_up_analytics(10)", &[])
            .await
            .is_err()
    );
}

/// The worker is killed with `kill -9` halfway through counting a large backlog while
/// another transaction, begun before, commits late: after a restart every row is counted
/// exactly once.
#[tokio::test(flavor = "multi_thread")]
async fn the_rollup_is_exact_after_the_worker_is_killed_mid_batch() {
    let db = TestDatabase::new().await;
    let org = org(&db, 6, 5).await;
    let admin = db.client().await;
    let ids = leads(&admin, org.pool, 400).await;
    let reps: Vec<i64> = org.reps.iter().map(|r| r.0).collect();
    // 150,000 log rows over three weeks: claims that succeed, refusals for holders (some
    // within minutes of the take: races), limits, recycles and releases.
    admin
        .execute(
            "insert into dibs.ownership_log (entity, entity_id, action, outcome, reason, actor_id, from_owner, to_owner, pool_id, detail, at)
             select 'lead', ($1::bigint[])[1 + g % 400],
                    (array['claim', 'claim', 'claim', 'recycle', 'release'])[1 + g % 5]::dibs.ownership_action,
                    case when g % 5 < 3 and g % 7 < 3 then 'refused' else 'ok' end::dibs.ownership_outcome,
                    case when g % 5 < 3 and g % 7 < 3 then (array['already_owned_by', 'company_held', 'over_limit'])[1 + g % 3] else 'ok' end,
                    ($2::bigint[])[1 + g % 6],
                    case when g % 5 >= 3 then ($2::bigint[])[1 + (g / 7) % 6] end,
                    case when g % 5 < 3 and g % 7 >= 3 then ($2::bigint[])[1 + g % 6] end,
                    $3,
                    jsonb_build_object('other_since', now() - make_interval(mins => g % 30) - make_interval(days => g % 21)),
                    now() - make_interval(days => g % 21)
             from generate_series(1, 150000) g",
            &[&ids, &reps, &org.pool],
        )
        .await
        .unwrap_or_else(|e| panic!("backlog: {}", dibs::db::error_detail(&e)));
    // A transaction begun now and committed after the restart: its rows must not be missed.
    let mut late = db.client().await;
    let late_tx = late.transaction().await.expect("late transaction");
    late_tx
        .execute(
            "insert into dibs.ownership_log (entity, entity_id, action, outcome, reason, actor_id, to_owner, pool_id, detail)
             values ('lead', $1, 'claim', 'refused', 'already_owned_by', $2, null, $3,
                     jsonb_build_object('other_since', now()))",
            &[&ids[0], &reps[0], &org.pool],
        )
        .await
        .expect("late row");

    let total = scalar(&admin, "select count(*) from dibs.ownership_log").await;
    let spawn = || {
        Running(
            std::process::Command::new(env!("CARGO_BIN_EXE_dibs"))
                .args(["worker", "--interval", "3600"])
                .env("DATABASE_URL", db.url())
                .env("XDG_STATE_HOME", std::env::temp_dir())
                .env(
                    "XDG_CONFIG_HOME",
                    std::env::temp_dir().join("dibs-no-config"),
                )
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("worker"),
        )
    };
    let counted = "select rows_counted from dibs.analytics_cursor";
    let mut worker = spawn();
    let started = Instant::now();
    loop {
        let so_far = scalar(&admin, counted).await;
        if so_far > 0 {
            assert!(so_far < total, "counted everything before the kill");
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the worker counts nothing"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // kill -9: no goodbye, the batch in flight rolls back.
    worker.0.kill().expect("kill");
    let _ = worker.0.wait();
    late_tx.commit().await.expect("late commit");
    let mut worker = spawn();
    let started = Instant::now();
    while scalar(&admin, "select rows_behind from dibs.analytics_lag()").await > 0 {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the worker did not catch up"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    worker.0.kill().expect("stop");
    let _ = worker.0.wait();
    // Whatever the worker's own pass logged since is counted too, then compared.
    roll_up(&admin).await;
    assert_rollup_matches_definition(&admin).await;
    let everything = scalar(
        &admin,
        "select (select count(*) from dibs.ownership_log) + (select count(*) from dibs.dedup_decisions)",
    )
    .await;
    assert_eq!(
        scalar(&admin, counted).await,
        everything,
        "every row read once, killed batch included"
    );
}
