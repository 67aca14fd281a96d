//! The stage board and the customer tree, enforced by the database: version-checked stage
//! moves (racing sessions: exactly one wins, the others learn who), lost needs a reason,
//! nobody moves others' cards; re-parenting can never close a cycle, even when two admins
//! race; a tree level shows owners and coverage.

mod common;

use std::sync::Arc;

use common::{as_person, org};
use dibs::testkit::TestDatabase;
use tokio::sync::Barrier;
use tokio_postgres::Client;

async fn opportunity(owner: &Client, customer: i64, user: i64) -> i64 {
    owner
        .query_one(
            "insert into dibs.opportunities (customer_id, name, amount, stage_id, owner_id)
             values ($1, '华东智能工厂二期', 1200000, 1, $2) returning id",
            &[&customer, &user],
        )
        .await
        .expect("opportunity")
        .get(0)
}

async fn mv(
    client: &Client,
    opp: i64,
    stage: i16,
    version: i32,
    reason: Option<&str>,
) -> (bool, String, Option<String>) {
    let row = client
        .query_one(
            "select (r).ok, (r).reason, (r).by_name from dibs.move_opportunity($1, $2, $3, $4) r",
            &[&opp, &stage, &version, &reason],
        )
        .await
        .expect("move");
    (row.get(0), row.get(1), row.get(2))
}

#[tokio::test(flavor = "multi_thread")]
async fn stage_moves_are_version_checked_and_racing_sessions_get_one_winner() {
    let db = TestDatabase::new().await;
    let org = org(&db, 2, 10).await;
    let owner = db.client().await;
    let customer = common::customers(&owner, org.customer_pool, 1).await[0];
    let (rep_id, rep) = org.reps[0].clone();
    let opp = opportunity(&owner, customer, rep_id).await;
    let rep_client = as_person(&db, &rep).await;
    let manager = as_person(&db, &org.manager.1).await;

    // The manager moves it first; the rep, still holding version 1, is told who and is refused.
    assert_eq!(
        mv(&manager, opp, 2, 1, None).await,
        (true, "ok".into(), None)
    );
    let (ok, reason, by) = mv(&rep_client, opp, 3, 1, None).await;
    assert_eq!(
        (ok, reason.as_str(), by.as_deref()),
        (false, "changed", Some("经理"))
    );
    let stage: i16 = owner
        .query_one(
            "select stage_id from dibs.opportunities where id = $1",
            &[&opp],
        )
        .await
        .expect("stage")
        .get(0);
    assert_eq!(stage, 2, "the refused move changed nothing");

    // Lost needs a reason; another rep may not move it at all.
    assert_eq!(mv(&rep_client, opp, 6, 2, None).await.1, "reason_required");
    let other = as_person(&db, &org.reps[1].1).await;
    assert_eq!(mv(&other, opp, 3, 2, None).await.1, "not_permitted");

    // Eight sessions (the owner's and the manager's) race with the same version: one wins.
    let barrier = Arc::new(Barrier::new(8));
    let mut tasks = Vec::new();
    for i in 0..8 {
        let login = if i % 2 == 0 {
            rep.clone()
        } else {
            org.manager.1.clone()
        };
        let client = as_person(&db, &login).await;
        let barrier = barrier.clone();
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            mv(&client, opp, 3 + (i % 2) as i16, 2, None).await.0
        }));
    }
    let mut winners = 0;
    for task in tasks {
        if task.await.expect("task") {
            winners += 1;
        }
    }
    assert_eq!(winners, 1);
    let (version, moves, refusals): (i32, i64, i64) = {
        let row = owner
            .query_one(
                "select o.version,
                        (select count(*) from dibs.opportunity_log where opportunity_id = o.id and outcome = 'ok'),
                        (select count(*) from dibs.opportunity_log where opportunity_id = o.id and reason = 'changed')
                 from dibs.opportunities o where o.id = $1",
                &[&opp],
            )
            .await
            .expect("state");
        (row.get(0), row.get(1), row.get(2))
    };
    assert_eq!((version, moves), (3, 2), "two moves in all, each logged");
    assert_eq!(refusals, 1 + 7, "every lost race is on record");
    let lost = mv(&rep_client, opp, 6, 3, Some("预算冻结")).await;
    assert!(
        lost.0 || lost.1 == "not_permitted" || lost.1 == "changed",
        "{lost:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn re_parenting_never_makes_a_cycle_even_when_admins_race() {
    let db = TestDatabase::new().await;
    let org = org(&db, 1, 10).await;
    let owner = db.client().await;
    let ids = common::customers(&owner, org.customer_pool, 4).await;
    let (group, subsidiary, branch, other) = (ids[0], ids[1], ids[2], ids[3]);
    let admin = as_person(&db, &org.admin.1).await;
    let call = |child: i64, parent: Option<i64>| {
        let admin = &admin;
        async move {
            let row = admin
                .query_one(
                    "select (r).ok, (r).reason from dibs.reparent_customer($1, $2) r",
                    &[&child, &parent],
                )
                .await
                .expect("reparent");
            (row.get::<_, bool>(0), row.get::<_, String>(1))
        }
    };
    assert_eq!(call(subsidiary, Some(group)).await, (true, "ok".into()));
    assert_eq!(call(branch, Some(subsidiary)).await, (true, "ok".into()));
    assert_eq!(call(group, Some(branch)).await, (false, "cycle".into()));
    assert_eq!(call(group, Some(group)).await, (false, "cycle".into()));
    let rep = as_person(&db, &org.reps[0].1).await;
    let row = rep
        .query_one(
            "select (r).reason from dibs.reparent_customer($1, null) r",
            &[&branch],
        )
        .await
        .expect("call");
    assert_eq!(row.get::<_, String>(0), "not_permitted");

    // Two admins at once: `other` under `group` and `group` under `other` — one must lose.
    for _ in 0..10 {
        owner
            .execute(
                "update dibs.customers set parent_id = null where id = any($1)",
                &[&vec![group, other]],
            )
            .await
            .expect("reset");
        let barrier = Arc::new(Barrier::new(2));
        let mut tasks = Vec::new();
        for (child, parent) in [(other, group), (group, other)] {
            let client = as_person(&db, &org.admin.1).await;
            let barrier = barrier.clone();
            tasks.push(tokio::spawn(async move {
                barrier.wait().await;
                client
                    .query_one(
                        "select (r).ok from dibs.reparent_customer($1, $2) r",
                        &[&child, &parent],
                    )
                    .await
                    .expect("reparent")
                    .get::<_, bool>(0)
            }));
        }
        let mut ok = 0;
        for task in tasks {
            if task.await.expect("task") {
                ok += 1;
            }
        }
        assert_eq!(ok, 1, "exactly one of two crossing re-parentings");
        let cycles: i64 = owner
            .query_one(
                "with recursive walk(start, id, depth) as (
                     select id, parent_id, 1 from dibs.customers where parent_id is not null
                     union all
                     select w.start, c.parent_id, w.depth + 1 from walk w join dibs.customers c on c.id = w.id
                     where c.parent_id is not null and w.depth < 20)
                 select count(*) from walk where id = start",
                &[],
            )
            .await
            .expect("cycle check")
            .get(0);
        assert_eq!(cycles, 0);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tree_level_shows_owners_teams_and_open_opportunities() {
    let db = TestDatabase::new().await;
    let org = org(&db, 1, 10).await;
    let owner = db.client().await;
    let ids = common::customers(&owner, org.customer_pool, 3).await;
    owner
        .execute(
            "update dibs.customers set parent_id = $1 where id = any($2)",
            &[&ids[0], &vec![ids[1], ids[2]]],
        )
        .await
        .expect("tree");
    owner
        .execute(
            "update dibs.customers set owner_id = $1, owned_since = now(), team_id = $2 where id = $3",
            &[&org.reps[0].0, &org.team, &ids[1]],
        )
        .await
        .expect("owner");
    opportunity(&owner, ids[1], org.reps[0].0).await;
    let rep = as_person(&db, &org.reps[0].1).await;
    let rows = rep
        .query(
            "select id, owner_name, team_name, open_opportunities from dibs.customer_children($1)",
            &[&ids[0]],
        )
        .await
        .expect("children");
    assert_eq!(rows.len(), 2);
    let owned = rows
        .iter()
        .find(|r| r.get::<_, i64>(0) == ids[1])
        .expect("child");
    assert_eq!(owned.get::<_, Option<String>>(1).as_deref(), Some("销售0"));
    assert_eq!(owned.get::<_, i64>(3), 1);
    let gap = rows
        .iter()
        .find(|r| r.get::<_, i64>(0) == ids[2])
        .expect("child");
    assert_eq!(
        gap.get::<_, Option<String>>(1),
        None,
        "an unowned entity is a gap"
    );
    let root: i64 = rep
        .query_one("select dibs.customer_root($1)", &[&ids[2]])
        .await
        .expect("root")
        .get(0);
    assert_eq!(root, ids[0]);
}

#[tokio::test(flavor = "multi_thread")]
async fn transfer_all_respects_the_receivers_limit_previews_it_and_can_be_undone() {
    let db = TestDatabase::new().await;
    // Limit 5 per rep in the lead pool.
    let org = org(&db, 2, 5).await;
    let owner = db.client().await;
    let (leaver, heir) = (org.reps[0].clone(), org.reps[1].clone());
    let leaver_client = as_person(&db, &leaver.1).await;
    let heir_client = as_person(&db, &heir.1).await;
    let leads = common::leads(&owner, org.pool, 8).await;
    for lead in &leads[..4] {
        assert!(
            common::act(
                &leaver_client,
                dibs::domain::ownership::Action::ClaimLead(*lead)
            )
            .await
            .ok
        );
    }
    for lead in &leads[4..7] {
        assert!(
            common::act(
                &heir_client,
                dibs::domain::ownership::Action::ClaimLead(*lead)
            )
            .await
            .ok
        );
    }
    let manager = as_person(&db, &org.manager.1).await;
    // The heir holds 3 of 5: of the leaver's 4, 2 fit and 2 would break the limit.
    let preview = manager
        .query(
            "select id, fits from dibs.transfer_all_preview($1, $2) where entity = 'lead' order by id",
            &[&leaver.0, &heir.0],
        )
        .await
        .expect("preview");
    let fits: Vec<bool> = preview.iter().map(|r| r.get(1)).collect();
    assert_eq!(fits, vec![true, true, false, false]);
    let row = manager
        .query_one(
            "select (r).ok, (r).detail from dibs.transfer_all($1, $2, '离职交接') r",
            &[&leaver.0, &heir.0],
        )
        .await
        .expect("transfer all");
    assert!(row.get::<_, bool>(0));
    let detail: serde_json::Value = row.get(1);
    assert_eq!(
        (detail["moved"].as_i64(), detail["kept"].as_i64()),
        (Some(2), Some(2))
    );
    let held = |login: i64| {
        let owner = &owner;
        async move {
            common::scalar(
                owner,
                &format!("select count(*) from dibs.leads where owner_id = {login} and status in ('new', 'working')"),
            )
            .await
        }
    };
    assert_eq!(
        held(heir.0).await,
        5,
        "the heir is exactly at the limit, not past it"
    );
    assert_eq!(
        held(leaver.0).await,
        2,
        "what did not fit stays where it was"
    );
    let logged = common::scalar(
        &owner,
        "select count(*) from dibs.ownership_log where action = 'transfer' and detail ->> 'reason' = '离职交接'",
    )
    .await;
    assert_eq!(
        logged, 4,
        "every move and every refusal is logged with the reason"
    );

    // A rep may not do this; the undo puts back what moved.
    let refused = heir_client
        .query_one(
            "select (r).reason from dibs.transfer_all($1, $2, 'x') r",
            &[&leaver.0, &heir.0],
        )
        .await
        .expect("call");
    assert_eq!(refused.get::<_, String>(0), "not_permitted");
    let batch = detail["batch"].as_i64().expect("batch");
    let undone = manager
        .query_one(
            "select (r).ok, (r).detail from dibs.undo_transfer($1, '交接有误') r",
            &[&batch],
        )
        .await
        .expect("undo");
    assert!(undone.get::<_, bool>(0));
    assert_eq!(held(leaver.0).await, 4);
    assert_eq!(held(heir.0).await, 3);
}
