//! I1/I2 under real races: many connections, same rep in several sessions, admins and the
//! auto-assigner at once. Checked by SQL over the final state and the log, not by counters.

mod common;

use common::{act, as_person, leads, org, scalar};
use dibs::domain::ownership::{Action, Reason};
use dibs::testkit::TestDatabase;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_reps_never_share_a_lead_and_every_claim_is_logged() {
    let db = TestDatabase::new().await;
    let org = org(&db, 16, 1_000).await;
    let admin = db.client().await;
    let lead_ids = leads(&admin, org.pool, 40).await;

    let mut tasks = Vec::new();
    for (index, (_, login)) in org.reps.iter().enumerate() {
        let client = as_person(&db, login).await;
        let mut order = lead_ids.clone();
        let shift = index * 3 % order.len();
        order.rotate_left(shift);
        tasks.push(tokio::spawn(async move {
            let mut won = 0;
            for lead in order {
                let outcome = act(&client, Action::ClaimLead(lead)).await;
                if outcome.ok {
                    won += 1;
                } else {
                    assert_eq!(outcome.reason, Reason::AlreadyOwnedBy, "{outcome:?}");
                    assert!(
                        outcome.other_user_name.is_some(),
                        "the loser is told who won"
                    );
                }
            }
            won
        }));
    }
    let mut total_won = 0;
    for task in tasks {
        total_won += task.await.expect("rep task");
    }
    assert_eq!(total_won, 40, "each lead won exactly once");
    assert_eq!(
        scalar(
            &admin,
            "select count(*) from dibs.leads where owner_id is not null"
        )
        .await,
        40
    );
    assert_eq!(
        scalar(&admin, "select count(*) from (select entity_id from dibs.ownership_log where action = 'claim' and outcome = 'ok' group by 1 having count(*) > 1) d").await,
        0,
        "no lead has two successful claims"
    );
    assert_eq!(
        scalar(&admin, "select count(*) from dibs.ownership_log where action = 'claim' and outcome = 'refused' and reason = 'already_owned_by'").await,
        16 * 40 - 40,
        "every lost race is logged with its reason"
    );
    let violations = dibs::bench::check_invariants(&admin, org.pool)
        .await
        .expect("check");
    assert_eq!(violations.total(), 0, "{violations:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_rep_in_many_sessions_cannot_pass_the_holding_limit() {
    // Sixteen sessions of the same rep claim at the same instant (a barrier), round after
    // round; the limit is 5, so each round exactly 5 claims may win.
    const SESSIONS: usize = 16;
    let db = TestDatabase::new().await;
    let org = org(&db, 1, 5).await;
    let admin = db.client().await;
    let lead_ids = leads(&admin, org.pool, (SESSIONS * 25) as i64).await;
    let login = org.reps[0].1.clone();
    let mut sessions = Vec::new();
    for _ in 0..SESSIONS {
        sessions.push(std::sync::Arc::new(as_person(&db, &login).await));
    }
    let mut over_limit = 0;
    for (round, batch) in lead_ids.chunks(SESSIONS).enumerate() {
        let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(SESSIONS));
        let mut tasks = Vec::new();
        for (client, lead) in sessions.iter().zip(batch.iter().copied()) {
            let (client, barrier) = (client.clone(), barrier.clone());
            tasks.push(tokio::spawn(async move {
                barrier.wait().await;
                act(&client, Action::ClaimLead(lead)).await
            }));
        }
        let mut won = Vec::new();
        for task in tasks {
            let outcome = task.await.expect("session");
            if outcome.ok {
                won.push(outcome.id);
            } else {
                assert_eq!(outcome.reason, Reason::OverLimit, "{outcome:?}");
                over_limit += 1;
            }
        }
        let held = scalar(
            &admin,
            "select count(*) from dibs.leads where owner_id is not null",
        )
        .await;
        assert_eq!(held, 5, "round {round}: the rep holds {held}");
        assert_eq!(won.len(), 5, "round {round}");
        for lead in won {
            assert!(act(&sessions[0], Action::ReleaseLead(lead)).await.ok);
        }
    }
    assert_eq!(over_limit, 25 * (SESSIONS - 5));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reps_admins_and_the_auto_assigner_racing_keep_every_invariant() {
    let db = TestDatabase::new().await;
    let org = org(&db, 6, 10).await;
    let admin_client = db.client().await;
    admin_client
        .execute(
            "insert into dibs.assignment_rules (pool_id, name, strategy) values ($1, '全部', 'least_loaded')",
            &[&org.pool],
        )
        .await
        .expect("rule");
    let lead_ids = leads(&admin_client, org.pool, 300).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(3);
    let mut tasks = Vec::new();

    // Each rep in two sessions, claiming and releasing.
    for (rep_index, (_, login)) in org.reps.iter().enumerate() {
        for session in 0..2 {
            let client = as_person(&db, login).await;
            let ids = lead_ids.clone();
            tasks.push(tokio::spawn(async move {
                let mut rng = dibs::rng::SeededRng::new((rep_index * 10 + session) as u64);
                let mut held: Vec<i64> = Vec::new();
                while std::time::Instant::now() < deadline {
                    if held.is_empty() || rng.chance(60) {
                        let lead = *rng.pick(&ids);
                        if act(&client, Action::ClaimLead(lead)).await.ok {
                            held.push(lead);
                        }
                    } else {
                        let lead = held.swap_remove(rng.below(held.len()));
                        act(&client, Action::ReleaseLead(lead)).await;
                    }
                }
            }));
        }
    }
    // The manager reassigning leads around the team.
    {
        let client = as_person(&db, &org.manager.1).await;
        let ids = lead_ids.clone();
        let reps: Vec<i64> = org.reps.iter().map(|r| r.0).collect();
        tasks.push(tokio::spawn(async move {
            let mut rng = dibs::rng::SeededRng::new(99);
            while std::time::Instant::now() < deadline {
                let lead = *rng.pick(&ids);
                let to = *rng.pick(&reps);
                act(&client, Action::AssignLead { lead, to }).await;
            }
        }));
    }
    // The worker: auto-assigning what comes back to the pool.
    {
        let client = db.client().await;
        tasks.push(tokio::spawn(async move {
            while std::time::Instant::now() < deadline {
                client
                    .execute(
                        "update dibs.leads set assign_attempted_at = null where owner_id is null",
                        &[],
                    )
                    .await
                    .expect("reset");
                client
                    .query_one("select dibs.auto_assign(50)", &[])
                    .await
                    .expect("auto assign");
            }
        }));
    }
    for task in tasks {
        task.await.expect("task");
    }
    let violations = dibs::bench::check_invariants(&admin_client, org.pool)
        .await
        .expect("check");
    assert_eq!(violations.total(), 0, "{violations:?}");
    let most: i64 = scalar(
        &admin_client,
        "select coalesce(max(c), 0) from (select count(*) as c from dibs.leads where owner_id is not null group by owner_id) h",
    )
    .await;
    assert!(most <= 10, "a rep holds {most} > 10");
    let changes = scalar(
        &admin_client,
        "select count(*) from dibs.ownership_log where outcome = 'ok'",
    )
    .await;
    assert!(changes > 100, "the race really ran ({changes} changes)");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_registrations_of_one_customer_protect_exactly_one_rep() {
    let db = TestDatabase::new().await;
    let org = org(&db, 8, 100).await;
    let admin = db.client().await;
    let customer = common::customers(&admin, org.customer_pool, 1).await[0];
    let mut tasks = Vec::new();
    for (_, login) in &org.reps {
        let client = as_person(&db, login).await;
        tasks.push(tokio::spawn(async move {
            act(
                &client,
                Action::RegisterCustomer {
                    customer,
                    partner: None,
                    note: None,
                },
            )
            .await
        }));
    }
    let mut winners = 0;
    for task in tasks {
        let outcome = task.await.expect("task");
        if outcome.ok {
            winners += 1;
        } else {
            assert!(
                matches!(outcome.reason, Reason::ProtectedBy | Reason::AlreadyOwnedBy),
                "{outcome:?}"
            );
        }
    }
    assert_eq!(winners, 1);
    assert_eq!(
        scalar(
            &admin,
            "select count(*) from dibs.registrations where status = 'active'"
        )
        .await,
        1
    );
    assert_eq!(
        scalar(&admin, "select count(*) from dibs.customers c join dibs.registrations r on r.customer_id = c.id and r.status = 'active' where c.owner_id = r.registered_by and c.protected_until = r.expires_at").await,
        1,
        "the registrant owns the customer and it is protected until the registration ends"
    );
}

/// A rep claims, in one window, a lead their other window is releasing. The first window read
/// the lead as theirs before the release committed; its answer must not be logged as "still
/// theirs" after the release (the log would name an owner the lead no longer has). It waits for
/// the release and answers that the lead changed, and the release stays the log's last word.
#[tokio::test(flavor = "multi_thread")]
async fn already_yours_read_before_a_release_commits_is_answered_as_changed() {
    let db = TestDatabase::new().await;
    let org = org(&db, 1, 10).await;
    let admin = db.client().await;
    let lead = leads(&admin, org.pool, 1).await[0];
    let (first, second) = (
        as_person(&db, &org.reps[0].1).await,
        as_person(&db, &org.reps[0].1).await,
    );
    assert_eq!(
        act(&first, Action::ClaimLead(lead)).await.reason,
        Reason::Ok
    );

    // The second window releases inside a transaction it has not committed yet.
    second.batch_execute("begin").await.expect("begin");
    let released: bool = second
        .query_one("select (dibs.release_lead($1)).ok", &[&lead])
        .await
        .expect("release")
        .get(0);
    assert!(released);
    let claim = tokio::spawn(async move { act(&first, Action::ClaimLead(lead)).await });
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(!claim.is_finished(), "the claim waits for the release");
    second.batch_execute("commit").await.expect("commit");
    let answer = claim.await.expect("claim");
    assert_eq!(answer.reason, Reason::Changed, "{answer:?}");

    let last_owner: Option<i64> = admin
        .query_one(
            "select to_owner from dibs.ownership_log
             where entity = 'lead' and entity_id = $1 and outcome = 'ok' order by id desc limit 1",
            &[&lead],
        )
        .await
        .expect("log")
        .get(0);
    assert_eq!(last_owner, None, "the release is the last change logged");
    let held = scalar(
        &admin,
        &format!("select count(*) from dibs.leads where id = {lead} and owner_id is not null"),
    )
    .await;
    assert_eq!(held, 0, "nobody owns the lead");
}
