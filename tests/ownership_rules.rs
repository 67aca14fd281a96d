//! Each pool rule, protection, the sweeps, auto-assignment, live events and the
//! privileges that make the functions the only way to change ownership.

mod common;

use std::time::Duration;

use common::{act, as_person, customers, leads, org, scalar};
use dibs::domain::ownership::{Action, Entity, Reason};
use dibs::testkit::TestDatabase;
use tokio_postgres::error::SqlState;

#[tokio::test(flavor = "multi_thread")]
async fn recycled_leads_cool_down_for_their_previous_owner_only() {
    let db = TestDatabase::new().await;
    let org = org(&db, 2, 10).await;
    let admin = db.client().await;
    admin
        .execute(
            "update dibs.pools set cooldown = '1 day', recycle_after_idle = '1 day' where id = $1",
            &[&org.pool],
        )
        .await
        .expect("rules");
    let lead = leads(&admin, org.pool, 1).await[0];
    let (ann, bob) = (
        as_person(&db, &org.reps[0].1).await,
        as_person(&db, &org.reps[1].1).await,
    );
    assert!(act(&ann, Action::ClaimLead(lead)).await.ok);
    // Two days without a follow-up.
    admin
        .execute(
            "update dibs.leads set owned_since = now() - interval '2 days' where id = $1",
            &[&lead],
        )
        .await
        .expect("age");
    let recycled: i32 = admin
        .query_one("select dibs.recycle_leads(100)", &[])
        .await
        .expect("sweep")
        .get(0);
    assert_eq!(recycled, 1);
    assert_eq!(
        scalar(&admin, "select count(*) from dibs.ownership_log where action = 'recycle' and reason = 'idle' and outcome = 'ok'").await,
        1
    );
    let again = act(&ann, Action::ClaimLead(lead)).await;
    assert_eq!(again.reason, Reason::Cooldown, "{again:?}");
    assert!(
        dibs::text::OwnershipText::of(&again, chrono::Utc::now())
            .to_string()
            .contains("again after")
    );
    assert!(
        act(&bob, Action::ClaimLead(lead)).await.ok,
        "another rep may claim at once"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_follow_up_resets_the_recycle_clock_and_locked_leads_are_never_recycled() {
    let db = TestDatabase::new().await;
    let org = org(&db, 1, 10).await;
    let admin = db.client().await;
    admin
        .execute(
            "update dibs.pools set recycle_after_idle = '1 day' where id = $1",
            &[&org.pool],
        )
        .await
        .expect("rules");
    let ids = leads(&admin, org.pool, 3).await;
    let rep = as_person(&db, &org.reps[0].1).await;
    let manager = as_person(&db, &org.manager.1).await;
    for lead in &ids {
        assert!(act(&rep, Action::ClaimLead(*lead)).await.ok);
    }
    admin
        .execute(
            "update dibs.leads set owned_since = now() - interval '2 days'",
            &[],
        )
        .await
        .expect("age");
    let followed = act(
        &rep,
        Action::Followup {
            entity: Entity::Lead,
            id: ids[0],
            kind: "call".into(),
            note: Some("约了演示".into()),
        },
    )
    .await;
    assert!(followed.ok, "{followed:?}");
    assert!(
        act(
            &manager,
            Action::SetLocked {
                entity: Entity::Lead,
                id: ids[1],
                locked: true
            }
        )
        .await
        .ok
    );
    let recycled: i32 = admin
        .query_one("select dibs.recycle_leads(100)", &[])
        .await
        .expect("sweep")
        .get(0);
    assert_eq!(recycled, 1, "only the idle, unlocked lead goes back");
    let owner_of = |id: i64| {
        let admin = &admin;
        async move {
            admin
                .query_one("select owner_id from dibs.leads where id = $1", &[&id])
                .await
                .expect("owner")
                .get::<_, Option<i64>>(0)
        }
    };
    assert_eq!(owner_of(ids[0]).await, Some(org.reps[0].0));
    assert_eq!(owner_of(ids[1]).await, Some(org.reps[0].0));
    assert_eq!(owner_of(ids[2]).await, None);
    // A bad follow-up kind is refused in words, nothing written.
    let bad = act(
        &rep,
        Action::Followup {
            entity: Entity::Lead,
            id: ids[0],
            kind: "smoke-signal".into(),
            note: None,
        },
    )
    .await;
    assert_eq!(bad.reason, Reason::InvalidArgument);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_daily_claim_cap_holds() {
    let db = TestDatabase::new().await;
    let org = org(&db, 1, 100).await;
    let admin = db.client().await;
    admin
        .execute(
            "update dibs.pools set daily_claim_cap = 3 where id = $1",
            &[&org.pool],
        )
        .await
        .expect("cap");
    let ids = leads(&admin, org.pool, 5).await;
    let rep = as_person(&db, &org.reps[0].1).await;
    let mut reasons = Vec::new();
    for lead in ids {
        reasons.push(act(&rep, Action::ClaimLead(lead)).await.reason);
    }
    assert_eq!(
        reasons,
        vec![
            Reason::Ok,
            Reason::Ok,
            Reason::Ok,
            Reason::DailyCap,
            Reason::DailyCap
        ]
    );
}

/// The worker deletes claim counters of past days (they decide nothing, and the counter table
/// is stored sparsely) and keeps today's, so the daily cap still holds after a pass.
#[tokio::test(flavor = "multi_thread")]
async fn the_worker_purges_past_claim_counters_and_the_cap_still_holds() {
    let db = TestDatabase::new().await;
    let org = org(&db, 1, 100).await;
    let admin = db.client().await;
    admin
        .execute(
            "update dibs.pools set daily_claim_cap = 2 where id = $1",
            &[&org.pool],
        )
        .await
        .expect("cap");
    let ids = leads(&admin, org.pool, 3).await;
    let rep = as_person(&db, &org.reps[0].1).await;
    for lead in &ids[..2] {
        assert_eq!(act(&rep, Action::ClaimLead(*lead)).await.reason, Reason::Ok);
    }
    let rep_id = org.reps[0].0;
    admin
        .execute(
            "insert into dibs.daily_claims (user_id, pool_id, day, claims)
             values ($1, $2, current_date - 10, 7), ($1, $2, current_date - 1, 4)",
            &[&rep_id, &org.pool],
        )
        .await
        .expect("old counters");
    let pass = dibs::worker::run_pass(&admin).await.expect("pass");
    assert_eq!(
        pass.counters_purged, 1,
        "only the counter ten days old goes"
    );
    let kept: Vec<i32> = admin
        .query(
            "select (current_date - day)::int from dibs.daily_claims where user_id = $1 order by day",
            &[&rep_id],
        )
        .await
        .expect("counters")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(kept, vec![1, 0], "yesterday's and today's counters stay");
    assert_eq!(
        act(&rep, Action::ClaimLead(ids[2])).await.reason,
        Reason::DailyCap
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn registration_protects_until_it_expires_and_activity_extends_it_up_to_the_maximum() {
    let db = TestDatabase::new().await;
    let org = org(&db, 2, 10).await;
    let admin = db.client().await;
    let customer = customers(&admin, org.customer_pool, 1).await[0];
    let (ann, bob) = (
        as_person(&db, &org.reps[0].1).await,
        as_person(&db, &org.reps[1].1).await,
    );
    let registered = act(
        &ann,
        Action::RegisterCustomer {
            customer,
            partner: Some("上海云启".into()),
            note: None,
        },
    )
    .await;
    assert!(registered.ok, "{registered:?}");
    let refused = act(
        &bob,
        Action::RegisterCustomer {
            customer,
            partner: None,
            note: None,
        },
    )
    .await;
    assert_eq!(refused.reason, Reason::ProtectedBy);
    assert_eq!(refused.other_user_id, Some(org.reps[0].0));
    // The registration nearly ends; Ann follows up: the end moves, but not past the maximum.
    admin
        .execute(
            "update dibs.registrations set expires_at = now() + interval '1 hour', max_until = now() + interval '10 days' where customer_id = $1",
            &[&customer],
        )
        .await
        .expect("nearly expired");
    assert!(
        act(
            &ann,
            Action::Followup {
                entity: Entity::Customer,
                id: customer,
                kind: "visit".into(),
                note: None
            }
        )
        .await
        .ok
    );
    let days_left: f64 = admin
        .query_one(
            "select (extract(epoch from expires_at - now()) / 86400)::float8 from dibs.registrations where customer_id = $1 and status = 'active'",
            &[&customer],
        )
        .await
        .expect("expiry")
        .get(0);
    assert!(
        (9.9..=10.0).contains(&days_left),
        "extended to the maximum, not the full period: {days_left}"
    );
    // Expiry: the worker ends it and the protection with it.
    admin
        .execute("update dibs.registrations set starts_at = now() - interval '31 days', expires_at = now() - interval '1 second' where customer_id = $1", &[&customer])
        .await
        .expect("expire");
    let expired: i32 = admin
        .query_one("select dibs.expire_registrations(100)", &[])
        .await
        .expect("sweep")
        .get(0);
    assert_eq!(expired, 1);
    assert_eq!(
        scalar(
            &admin,
            "select count(*) from dibs.customers where protected_until is not null"
        )
        .await,
        0
    );
    // Ann still owns it (registration ended, ownership did not); Bob can now register only if she lets go.
    assert_eq!(
        act(&bob, Action::ClaimCustomer(customer)).await.reason,
        Reason::AlreadyOwnedBy
    );
    assert!(act(&ann, Action::ReleaseCustomer(customer)).await.ok);
    assert!(
        act(
            &bob,
            Action::RegisterCustomer {
                customer,
                partner: None,
                note: None
            }
        )
        .await
        .ok
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn protected_customers_are_not_recycled() {
    let db = TestDatabase::new().await;
    let org = org(&db, 1, 10).await;
    let admin = db.client().await;
    admin
        .execute(
            "update dibs.pools set recycle_after_idle = '1 day' where id = $1",
            &[&org.customer_pool],
        )
        .await
        .expect("rule");
    let ids = customers(&admin, org.customer_pool, 2).await;
    let rep = as_person(&db, &org.reps[0].1).await;
    assert!(
        act(
            &rep,
            Action::RegisterCustomer {
                customer: ids[0],
                partner: None,
                note: None
            }
        )
        .await
        .ok
    );
    assert!(act(&rep, Action::ClaimCustomer(ids[1])).await.ok);
    admin
        .execute(
            "update dibs.customers set owned_since = now() - interval '5 days'",
            &[],
        )
        .await
        .expect("age");
    let recycled: i32 = admin
        .query_one("select dibs.recycle_customers(100)", &[])
        .await
        .expect("sweep")
        .get(0);
    assert_eq!(
        recycled, 1,
        "only the unprotected customer goes back to the pool"
    );
    assert_eq!(
        scalar(
            &admin,
            &format!(
                "select count(*) from dibs.customers where id = {} and owner_id is not null",
                ids[0]
            )
        )
        .await,
        1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn converting_a_lead_creates_or_links_a_customer_but_never_takes_someone_elses() {
    let db = TestDatabase::new().await;
    let org = org(&db, 2, 10).await;
    let admin = db.client().await;
    let ids = leads(&admin, org.pool, 2).await;
    let theirs = customers(&admin, org.customer_pool, 1).await[0];
    let (ann, bob) = (
        as_person(&db, &org.reps[0].1).await,
        as_person(&db, &org.reps[1].1).await,
    );
    assert!(act(&bob, Action::ClaimCustomer(theirs)).await.ok);
    for lead in &ids {
        assert!(act(&ann, Action::ClaimLead(*lead)).await.ok);
    }
    let created = act(
        &ann,
        Action::ConvertLead {
            lead: ids[0],
            customer: None,
        },
    )
    .await;
    assert!(created.ok, "{created:?}");
    let customer_id = created
        .detail
        .as_ref()
        .and_then(|d| d.get("customer"))
        .and_then(|v| v.as_i64())
        .expect("customer id");
    assert_eq!(
        scalar(
            &admin,
            &format!(
                "select count(*) from dibs.customers where id = {customer_id} and owner_id = {}",
                org.reps[0].0
            )
        )
        .await,
        1
    );
    let collision = act(
        &ann,
        Action::ConvertLead {
            lead: ids[1],
            customer: Some(theirs),
        },
    )
    .await;
    assert_eq!(
        collision.reason,
        Reason::AlreadyOwnedBy,
        "converting into Bob's customer is a collision"
    );
    assert_eq!(
        scalar(
            &admin,
            &format!(
                "select count(*) from dibs.leads where id = {} and status = 'working'",
                ids[1]
            )
        )
        .await,
        1
    );
    // Merge: Bob's customer absorbs Ann's new one (a manager does it); Bob keeps his.
    let manager = as_person(&db, &org.manager.1).await;
    let merged = act(
        &manager,
        Action::MergeOwnership {
            keep: theirs,
            drop: customer_id,
        },
    )
    .await;
    assert!(merged.ok, "{merged:?}");
    assert_eq!(scalar(&admin, &format!("select count(*) from dibs.customers where id = {customer_id} and status = 'merged' and owner_id is null")).await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn auto_assignment_follows_rules_strategies_and_limits() {
    let db = TestDatabase::new().await;
    let org = org(&db, 3, 2).await;
    let admin = db.client().await;
    admin
        .execute(
            "insert into dibs.assignment_rules (pool_id, position, name, regions, strategy) values
                 ($1, 1, '华东 round robin', '{华东}', 'round_robin'),
                 ($1, 2, '华南 to rep 0 only', '{华南}', 'least_loaded')",
            &[&org.pool],
        )
        .await
        .expect("rules");
    admin
        .execute("update dibs.assignment_rules set target_users = array[$2::bigint] where pool_id = $1 and position = 2", &[&org.pool, &org.reps[0].0])
        .await
        .expect("target");
    admin
        .execute(
            "insert into dibs.leads (pool_id, company_name, region) select $1, '华东公司' || g, '华东' from generate_series(1, 8) g",
            &[&org.pool],
        )
        .await
        .expect("east leads");
    admin
        .execute("insert into dibs.leads (pool_id, company_name, region) values ($1, '西北公司', '西北')", &[&org.pool])
        .await
        .expect("unmatched lead");
    let assigned: i32 = admin
        .query_one("select dibs.auto_assign(100)", &[])
        .await
        .expect("assign")
        .get(0);
    assert_eq!(assigned, 6, "3 reps × limit 2; the rest stay in the pool");
    let owners: Vec<i64> = admin
        .query(
            "select owner_id from dibs.leads where owner_id is not null order by id",
            &[],
        )
        .await
        .expect("owners")
        .iter()
        .map(|r| r.get(0))
        .collect();
    let reps: Vec<i64> = org.reps.iter().map(|r| r.0).collect();
    assert_eq!(
        owners,
        vec![reps[0], reps[1], reps[2], reps[0], reps[1], reps[2]],
        "round robin"
    );
    assert_eq!(
        scalar(
            &admin,
            "select count(*) from dibs.leads where assign_note = 'nobody_eligible'"
        )
        .await,
        2
    );
    assert_eq!(
        scalar(
            &admin,
            "select count(*) from dibs.leads where assign_note = 'no_rule'"
        )
        .await,
        1
    );
    assert_eq!(
        scalar(&admin, "select count(*) from dibs.ownership_log where action = 'auto_assign' and outcome = 'refused' and reason = 'nobody_eligible'").await,
        2
    );
    // The preview says what a pass would do without doing it.
    admin
        .execute(
            "update dibs.leads set assign_attempted_at = null where owner_id is null",
            &[],
        )
        .await
        .expect("reset");
    let preview = dibs::worker::preview(&admin, 10).await.expect("preview");
    assert!(preview.assign.iter().any(|a| a.note == "nobody_eligible"));
    assert!(preview.assign.iter().any(|a| a.note == "no_rule"));
    assert_eq!(
        scalar(
            &admin,
            "select count(*) from dibs.leads where assign_attempted_at is null and owner_id is null"
        )
        .await,
        3
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rep_cannot_get_around_the_functions() {
    let db = TestDatabase::new().await;
    let org = org(&db, 2, 10).await;
    let admin = db.client().await;
    let lead = leads(&admin, org.pool, 1).await[0];
    let rep = as_person(&db, &org.reps[0].1).await;
    for sql in [
        format!(
            "update dibs.leads set owner_id = {}, owned_since = now() where id = {lead}",
            org.reps[0].0
        ),
        format!(
            "insert into dibs.ownership_log (entity, entity_id, action, outcome) values ('lead', {lead}, 'claim', 'ok')"
        ),
        "update dibs.pools set holding_limit = 1000".to_string(),
        "delete from dibs.ownership_log".to_string(),
        "select dibs.recycle_leads(10)".to_string(),
        "select dibs.auto_assign(10)".to_string(),
        format!(
            "select dibs.log_ownership('lead', {lead}, 'claim', true, 'ok', null, null, null, null, null)"
        ),
        format!("select dibs.lock_rep({})", org.reps[1].0),
    ] {
        let err = rep.batch_execute(&sql).await.expect_err(&sql);
        assert_eq!(
            err.code(),
            Some(&SqlState::INSUFFICIENT_PRIVILEGE),
            "{sql}: {}",
            dibs::db::error_detail(&err)
        );
    }
    // Acting for another rep is for admins only, and is refused (and logged) for a rep.
    let outcome =
        dibs::db::api::ownership::perform(&rep, &Action::ClaimLead(lead), Some(org.reps[1].0))
            .await
            .expect("call");
    assert_eq!(outcome.reason, Reason::NotPermitted);
    assert_eq!(
        scalar(
            &admin,
            "select count(*) from dibs.leads where owner_id is not null"
        )
        .await,
        0
    );
    assert_eq!(
        scalar(
            &admin,
            "select count(*) from dibs.ownership_log where reason = 'not_permitted'"
        )
        .await,
        1
    );
    // A rep cannot assign; the manager can, within the team.
    assert_eq!(
        act(
            &rep,
            Action::AssignLead {
                lead,
                to: org.reps[1].0
            }
        )
        .await
        .reason,
        Reason::NotPermitted
    );
    let manager = as_person(&db, &org.manager.1).await;
    assert!(
        act(
            &manager,
            Action::AssignLead {
                lead,
                to: org.reps[1].0
            }
        )
        .await
        .ok
    );
    // An admin may act for a rep; the log names the admin as actor and the rep as owner.
    let admin_person = as_person(&db, &org.admin.1).await;
    let lead2 = leads(&admin, org.pool, 1).await[0];
    let acted = dibs::db::api::ownership::perform(
        &admin_person,
        &Action::ClaimLead(lead2),
        Some(org.reps[0].0),
    )
    .await
    .expect("call");
    assert!(acted.ok, "{acted:?}");
    assert_eq!(
        scalar(&admin, &format!("select count(*) from dibs.ownership_log where entity_id = {lead2} and actor_id = {} and to_owner = {}", org.admin.0, org.reps[0].0)).await,
        1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_text_arguments_change_nothing() {
    let db = TestDatabase::new().await;
    let org = org(&db, 1, 10).await;
    let admin = db.client().await;
    let customer = customers(&admin, org.customer_pool, 1).await[0];
    let rep = as_person(&db, &org.reps[0].1).await;
    let long = "长".repeat(5_000);
    for partner in ["'); drop table dibs.leads; --", "\u{0}", long.as_str()] {
        let outcome = dibs::db::api::ownership::perform(
            &rep,
            &Action::RegisterCustomer {
                customer,
                partner: Some(partner.to_string()),
                note: None,
            },
            None,
        )
        .await;
        match outcome {
            Ok(o) => assert!(
                o.ok || o.reason == Reason::InvalidArgument || o.reason == Reason::AlreadyYours,
                "{o:?}"
            ),
            Err(err) => assert!(
                err.to_string().contains("0x00") || err.to_string().contains("invalid"),
                "{err}"
            ),
        }
    }
    assert!(
        scalar(&admin, "select count(*) from dibs.leads").await >= 0,
        "leads table still there"
    );
    assert_eq!(
        scalar(
            &admin,
            "select count(*) from dibs.registrations where length(partner_name) > 200"
        )
        .await,
        0
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn live_events_reach_a_listener_within_a_second() {
    let db = TestDatabase::new().await;
    let org = org(&db, 1, 10).await;
    let admin = db.client().await;
    let lead = leads(&admin, org.pool, 1).await[0];
    // The dedicated, non-pooled listening connection the app uses.
    let mut subscription = dibs::db::listen::subscribe(&db.config, "dibs_events")
        .await
        .expect("listen");
    let notifier = tokio::spawn(dibs::worker::notifier_loop(
        db.config.clone(),
        Duration::from_millis(200),
        None,
    ));
    let rep = as_person(&db, &org.reps[0].1).await;
    let started = std::time::Instant::now();
    assert!(act(&rep, Action::ClaimLead(lead)).await.ok);
    let payload = tokio::time::timeout(Duration::from_secs(1), async {
        loop {
            let payload = subscription
                .payloads
                .recv()
                .await
                .expect("notification stream");
            if payload.contains(&format!("[\"l\",{lead},\"claim\"")) {
                return payload;
            }
        }
    })
    .await
    .expect("the claim arrived within a second");
    assert!(started.elapsed() < Duration::from_secs(1));
    assert!(
        !payload.contains("测试公司"),
        "payloads carry ids only: {payload}"
    );
    notifier.abort();
}

/// Events wait for older transactions of their own database only: a long transaction in
/// another database of the same server (a big seed, an import) no longer holds back everyone's
/// live events, while one here still does, so a late commit is never skipped.
#[tokio::test(flavor = "multi_thread")]
async fn live_events_wait_for_older_transactions_here_not_in_other_databases() {
    let db = TestDatabase::new().await;
    let elsewhere = TestDatabase::new().await;
    let org = org(&db, 2, 10).await;
    let admin = db.client().await;
    let ids = leads(&admin, org.pool, 3).await;
    dibs::worker::publish_events(&admin).await.expect("publish");

    // A transaction that holds a transaction id, open in another database for the whole test.
    let mut other = elsewhere.client().await;
    let long = other.transaction().await.expect("begin elsewhere");
    long.query_one("select pg_current_xact_id()::text", &[])
        .await
        .expect("an xid elsewhere");

    let rep = as_person(&db, &org.reps[0].1).await;
    assert!(act(&rep, Action::ClaimLead(ids[0])).await.ok);
    assert_eq!(
        dibs::worker::publish_events(&admin).await.expect("publish"),
        1,
        "the claim is published while another database's transaction runs"
    );

    // An older transaction here holds back what committed after it, until it ends. (It
    // claims for the second rep: a rep's own claims queue on the rep's lock.)
    let mut acting = db.client().await;
    let older = acting.transaction().await.expect("begin here");
    let claimed: bool = older
        .query_one(
            "select (dibs.claim_lead($1, $2)).ok",
            &[&ids[1], &org.reps[1].0],
        )
        .await
        .expect("claim inside a transaction")
        .get(0);
    assert!(claimed);
    assert!(act(&rep, Action::ClaimLead(ids[2])).await.ok);
    assert_eq!(
        dibs::worker::publish_events(&admin).await.expect("publish"),
        0,
        "a later commit waits for the older transaction of this database"
    );
    older.commit().await.expect("commit here");
    assert_eq!(
        dibs::worker::publish_events(&admin).await.expect("publish"),
        2,
        "both claims are published once the older one committed, none skipped"
    );
    long.rollback().await.expect("end elsewhere");
}

#[tokio::test(flavor = "multi_thread")]
async fn only_one_worker_leads() {
    let db = TestDatabase::new().await;
    let first = db.client().await;
    let second = db.client().await;
    assert!(dibs::worker::try_lead(&first).await.expect("first"));
    assert!(!dibs::worker::try_lead(&second).await.expect("second"));
    drop(first);
    // The leader's session ends: leadership passes on (the server releases the lock).
    let mut led = false;
    for _ in 0..50 {
        if dibs::worker::try_lead(&second).await.expect("retry") {
            led = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(led, "the second worker takes over");
}

#[tokio::test(flavor = "multi_thread")]
async fn reminders_go_to_owners_before_recycling() {
    let db = TestDatabase::new().await;
    let org = org(&db, 1, 10).await;
    let admin = db.client().await;
    admin
        .execute("update dibs.pools set recycle_after_idle = '3 days', remind_before = '1 day' where id = $1", &[&org.pool])
        .await
        .expect("rules");
    let ids = leads(&admin, org.pool, 2).await;
    let rep = as_person(&db, &org.reps[0].1).await;
    for lead in &ids {
        assert!(act(&rep, Action::ClaimLead(*lead)).await.ok);
    }
    admin
        .execute(
            "update dibs.leads set owned_since = now() - interval '2 days 12 hours' where id = $1",
            &[&ids[0]],
        )
        .await
        .expect("age");
    let pass = dibs::worker::run_pass(&admin).await.expect("pass");
    assert_eq!(pass.reminders, 1);
    assert_eq!(pass.leads_recycled, 0);
    let again = dibs::worker::run_pass(&admin).await.expect("second pass");
    assert_eq!(again.reminders, 0, "one reminder per lead and due time");
}

/// Leads and customers go through one implementation of claim, release and transfer: the same
/// situation gets the same answer and the same log rows, whichever the entity.
#[tokio::test(flavor = "multi_thread")]
async fn leads_and_customers_answer_alike() {
    let db = TestDatabase::new().await;
    let org = org(&db, 3, 1).await;
    let admin = db.client().await;
    let reps = [
        as_person(&db, &org.reps[0].1).await,
        as_person(&db, &org.reps[1].1).await,
        as_person(&db, &org.reps[2].1).await,
    ];
    let boss = as_person(&db, &org.admin.1).await;
    let mut answers = Vec::new();
    for entity in [Entity::Lead, Entity::Customer] {
        let ids = match entity {
            Entity::Lead => leads(&admin, org.pool, 4).await,
            Entity::Customer => customers(&admin, org.customer_pool, 4).await,
        };
        let pool = match entity {
            Entity::Lead => org.pool,
            Entity::Customer => org.customer_pool,
        };
        let claim = |id| match entity {
            Entity::Lead => Action::ClaimLead(id),
            Entity::Customer => Action::ClaimCustomer(id),
        };
        let release = |id| match entity {
            Entity::Lead => Action::ReleaseLead(id),
            Entity::Customer => Action::ReleaseCustomer(id),
        };
        let transfer = |id, to| match entity {
            Entity::Lead => Action::TransferLead { lead: id, to },
            Entity::Customer => Action::TransferCustomer { customer: id, to },
        };
        // rep 2 leaves the pool.
        admin
            .execute(
                "delete from dibs.pool_members where pool_id = $1 and user_id = $2",
                &[&pool, &org.reps[2].0],
            )
            .await
            .expect("leave");
        let lock = act(
            &boss,
            Action::SetLocked {
                entity,
                id: ids[2],
                locked: true,
            },
        )
        .await;
        let mut said = vec![
            act(&reps[0], claim(ids[0])).await,
            act(&reps[0], claim(ids[0])).await,
            act(&reps[0], claim(ids[1])).await,
            act(&reps[1], claim(ids[0])).await,
            act(&reps[1], release(ids[0])).await,
            act(&reps[1], claim(ids[2])).await,
            act(&reps[2], claim(ids[3])).await,
            act(&reps[0], transfer(ids[0], org.reps[2].0)).await,
            act(&reps[0], transfer(ids[0], org.reps[1].0)).await,
            act(&reps[1], release(ids[0])).await,
        ];
        said.insert(0, lock);
        let reasons: Vec<String> = said.iter().map(|o| o.reason.code().to_string()).collect();
        let entity_sql = entity.as_sql();
        let log: Vec<String> = admin
            .query(
                "select action::text || ':' || outcome::text || ':' || reason from dibs.ownership_log
                 where entity = $1::text::dibs.entity_kind order by id",
                &[&entity_sql],
            )
            .await
            .expect("log")
            .iter()
            .map(|r| r.get(0))
            .collect();
        answers.push((reasons, log));
    }
    assert_eq!(
        answers[0].0,
        [
            "ok",
            "ok",
            "already_yours",
            "over_limit",
            "already_owned_by",
            "not_owner",
            "locked",
            "not_member",
            "not_member",
            "ok",
            "ok"
        ]
    );
    assert_eq!(answers[0], answers[1], "leads and customers answer alike");
}

/// A rep releases a lead a manager had locked: it must not be stuck (claimable by nobody,
/// unlockable by nobody) — the pool's manager unlocks it, then a rep may claim it.
#[tokio::test(flavor = "multi_thread")]
async fn a_released_locked_lead_is_unlocked_by_its_pools_manager() {
    let db = TestDatabase::new().await;
    let org = org(&db, 2, 5).await;
    let admin = db.client().await;
    let rep = as_person(&db, &org.reps[0].1).await;
    let other = as_person(&db, &org.reps[1].1).await;
    let manager = as_person(&db, &org.manager.1).await;
    let lead = leads(&admin, org.pool, 1).await[0];
    assert!(act(&rep, Action::ClaimLead(lead)).await.ok);
    let locked = Action::SetLocked {
        entity: Entity::Lead,
        id: lead,
        locked: true,
    };
    assert!(act(&manager, locked).await.ok);
    assert!(act(&rep, Action::ReleaseLead(lead)).await.ok);
    let refused = act(&other, Action::ClaimLead(lead)).await;
    assert_eq!(refused.reason.code(), "locked");
    // A rep may not unlock it; the pool's manager may.
    let unlock = Action::SetLocked {
        entity: Entity::Lead,
        id: lead,
        locked: false,
    };
    assert_eq!(
        act(&other, unlock.clone()).await.reason.code(),
        "not_permitted"
    );
    assert!(act(&manager, unlock).await.ok);
    assert!(act(&other, Action::ClaimLead(lead)).await.ok);
}

/// What `synchronous_commit` the transaction open on `client` will commit with.
async fn commit_setting(client: &tokio_postgres::Client) -> String {
    client
        .query_one("show synchronous_commit", &[])
        .await
        .expect("show")
        .get(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refusal_alone_commits_without_waiting_for_the_disk_and_nothing_else_does() {
    let db = TestDatabase::new().await;
    let org = org(&db, 2, 1).await;
    let admin = db.client().await;
    let ids = leads(&admin, org.pool, 2).await;
    let (ann, bob) = (
        as_person(&db, &org.reps[0].1).await,
        as_person(&db, &org.reps[1].1).await,
    );
    assert!(act(&ann, Action::ClaimLead(ids[0])).await.ok);
    // Test clusters run without durability; Bob's session asks for its own kind, which is
    // what must come back.
    bob.batch_execute("set synchronous_commit = local")
        .await
        .expect("set");

    // A transaction that only refuses: lightly committed, and the refusal is still logged.
    bob.batch_execute("begin").await.expect("begin");
    let refused = act(&bob, Action::ClaimLead(ids[0])).await;
    assert_eq!(refused.reason, Reason::AlreadyOwnedBy, "{refused:?}");
    assert_eq!(commit_setting(&bob).await, "off");
    bob.batch_execute("commit").await.expect("commit");
    assert_eq!(
        commit_setting(&bob).await,
        "local",
        "only for that transaction"
    );
    assert_eq!(
        scalar(
            &admin,
            "select count(*) from dibs.ownership_log where outcome = 'refused' and reason = 'already_owned_by'"
        )
        .await,
        1
    );

    // A refusal, then a claim in the same transaction: the claim commits durably.
    bob.batch_execute("begin").await.expect("begin");
    assert!(!act(&bob, Action::ClaimLead(ids[0])).await.ok);
    assert_eq!(commit_setting(&bob).await, "off");
    assert!(act(&bob, Action::ClaimLead(ids[1])).await.ok);
    assert_eq!(commit_setting(&bob).await, "local");
    bob.batch_execute("commit").await.expect("commit");

    // A write first, then a refusal: the transaction stays durable.
    bob.batch_execute("begin").await.expect("begin");
    assert!(act(&bob, Action::ReleaseLead(ids[1])).await.ok);
    assert!(!act(&bob, Action::ClaimLead(ids[0])).await.ok);
    assert_eq!(commit_setting(&bob).await, "local");
    bob.batch_execute("commit").await.expect("commit");

    // Every table but the ownership log puts durability back when written.
    assert_eq!(
        scalar(
            &admin,
            "select count(*) from pg_class c
             where c.relnamespace = 'dibs'::regnamespace and c.relkind in ('r', 'p')
               and c.oid <> 'dibs.ownership_log'::regclass
               and not exists (select 1 from pg_trigger g
                               where g.tgrelid = c.oid and g.tgname = 'zz_keep_commit_durable')"
        )
        .await,
        0
    );
}
