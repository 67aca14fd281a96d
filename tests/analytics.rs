//! Collision analytics, first slice: attempt-days, collisions, races and the rate, checked
//! against a small hand-made log whose figures are worked out by hand below — through the
//! function, through `dibs report collision-rate`, and under a rep's narrower scope.

mod common;

use std::process::Command;

use common::{as_person, leads, org};
use dibs::testkit::TestDatabase;

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

    // Everyone (an admin's scope): yesterday 3 attempt-days (rep 0/lead 1, rep 1/lead 1,
    // rep 1/lead 2), 1 collision, 1 race; today 2, 1, 0.
    assert_eq!(figures(&admin).await, vec![(-1, 3, 1, 1), (0, 2, 1, 0)]);

    // A rep sees only her own attempt-days.
    let rep = as_person(&db, &org.reps[0].1).await;
    assert_eq!(figures(&rep).await, vec![(-1, 1, 0, 0), (0, 1, 0, 0)]);

    // The command says the same, and the rate.
    // The database's days (its TimeZone), not this machine's.
    let row = admin
        .query_one("select current_date - 1, current_date", &[])
        .await
        .expect("dates");
    let (yesterday, today): (chrono::NaiveDate, chrono::NaiveDate) = (row.get(0), row.get(1));
    let output = Command::new(env!("CARGO_BIN_EXE_dibs"))
        .args([
            "--json",
            "report",
            "collision-rate",
            "--from",
            &yesterday.to_string(),
            "--to",
            &today.to_string(),
        ])
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
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let days: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
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
    assert_eq!(said, vec![(3, 1, 1), (2, 1, 0)]);

    // By rep over both days: rep 1 has 3 attempt-days (lead 1 yesterday and today, lead 2),
    // 2 collisions, 1 race; rep 0 has 2 attempt-days and none. Biggest first.
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
        vec![(names[1].clone(), 3, 2, 1), (names[0].clone(), 2, 0, 0)]
    );
    let unknown = admin
        .query(
            "select * from dibs.collision_breakdown(current_date, current_date, 'planet')",
            &[],
        )
        .await;
    assert!(unknown.is_err(), "an unknown breakdown is refused");
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
