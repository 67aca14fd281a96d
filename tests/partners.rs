//! Channel partners (渠道报备) against a real database with real login roles: what a partner
//! can see, the availability answer and its cap, first-come under a barrier, capacity and the
//! daily cap under concurrency, partner vs direct rep reviews, expiry, extension, cooldown,
//! and a channel manager's 代报备.

mod common;

use std::sync::Arc;

use common::{act, as_person, customers, org, person, roll_up, scalar};
use dibs::db::api::partners;
use dibs::domain::ownership::{Action, PartnerRegistration, Reason};
use dibs::testkit::TestDatabase;
use tokio::sync::Barrier;
use tokio_postgres::Client;

/// A partner organisation with its terms.
async fn partner(
    client: &Client,
    name: &str,
    capacity: i32,
    daily_cap: i32,
    manager: Option<i64>,
) -> i64 {
    client
        .query_one(
            "insert into dibs.partners (name, tier, capacity, daily_cap, channel_manager_id)
             values ($1, 'silver', $2, $3, $4) returning id",
            &[&name, &capacity, &daily_cap, &manager],
        )
        .await
        .expect("partner")
        .get(0)
}

/// A partner's person: a login in dibs_partner and a user of role partner.
async fn partner_person(
    client: &Client,
    db: &TestDatabase,
    tag: &str,
    partner: i64,
) -> (i64, String) {
    let login = format!("{}_{tag}", db.name);
    client
        .batch_execute(&format!(
            "do $$ begin
                 if not exists (select 1 from pg_roles where rolname = '{login}') then
                     create role \"{login}\" login in role dibs_partner;
                 end if;
             end $$"
        ))
        .await
        .expect("login role");
    let id: i64 = client
        .query_one(
            "insert into dibs.users (login_role, display_name, role, partner_id)
             values ($1, $2, 'partner', $3) returning id",
            &[&login, &format!("渠道{tag}"), &partner],
        )
        .await
        .expect("partner person")
        .get(0);
    (id, login)
}

fn register(name: &str) -> Action {
    Action::PartnerRegister(PartnerRegistration {
        name: name.to_string(),
        ..PartnerRegistration::default()
    })
}

async fn customer_named(client: &Client, pool: i64, name: &str) -> i64 {
    client
        .query_one(
            "insert into dibs.customers (name, pool_id) values ($1, $2) returning id",
            &[&name, &pool],
        )
        .await
        .expect("customer")
        .get(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_partner_sees_only_its_own_records_and_the_check_never_names_the_holder() {
    let db = TestDatabase::new().await;
    let org = org(&db, 2, 100).await;
    let admin = db.client().await;
    let ours = partner(&admin, "我方渠道", 50, 50, None).await;
    let theirs = partner(&admin, "他方渠道", 50, 50, None).await;
    let (me, my_login) = partner_person(&admin, &db, "p1", ours).await;
    let (_, their_login) = partner_person(&admin, &db, "p2", theirs).await;
    let me_client = as_person(&db, &my_login).await;
    let them = as_person(&db, &their_login).await;
    let rep = as_person(&db, &org.reps[0].1).await;

    // A direct rep holds one company, the other partner registers another, open ones exist.
    let held = customer_named(&admin, org.customer_pool, "直销在跟进科技有限公司").await;
    assert!(act(&rep, Action::ClaimCustomer(held)).await.ok);
    let theirs_outcome = act(&them, register("他方报备科技有限公司")).await;
    assert!(theirs_outcome.ok, "{theirs_outcome:?}");
    customers(&admin, org.customer_pool, 20).await;
    let mine = act(&me_client, register("我方报备科技有限公司")).await;
    assert!(mine.ok, "{mine:?}");
    assert!(
        act(
            &rep,
            Action::Followup {
                entity: dibs::domain::ownership::Entity::Customer,
                id: held,
                kind: "call".into(),
                note: Some("拜访".into())
            }
        )
        .await
        .ok
    );

    // Every table and view of the schema: refused, or only what is the partner's.
    let relations: Vec<String> = admin
        .query(
            "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
             where n.nspname = 'dibs' and c.relkind in ('r', 'v', 'm', 'p')",
            &[],
        )
        .await
        .expect("relations")
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut readable = Vec::new();
    for relation in &relations {
        if me_client
            .query(&format!("select * from dibs.{relation} limit 0"), &[])
            .await
            .is_ok()
        {
            readable.push(relation.clone());
        }
    }
    readable.sort();
    assert_eq!(
        readable,
        [
            "followups",
            "partner_tiers",
            "partners",
            "registrations",
            "schema_code",
            "schema_migrations",
            "user_scopes"
        ],
        "a partner reads no other table in full (customers: some columns, below)"
    );
    let visible_customers: Vec<i64> = me_client
        .query("select id from dibs.customers", &[])
        .await
        .expect("customers as partner")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        visible_customers,
        vec![mine.id],
        "only the customer it registered"
    );
    assert!(
        me_client
            .query("select phone from dibs.customers", &[])
            .await
            .is_err(),
        "no contact columns"
    );
    assert_eq!(
        scalar(&me_client, "select count(*) from dibs.registrations").await,
        1
    );
    assert_eq!(
        scalar(&me_client, "select count(*) from dibs.partners").await,
        1
    );
    assert_eq!(
        scalar(&me_client, "select count(*) from dibs.followups").await,
        0,
        "the rep's follow-up is not the partner's"
    );
    // Functions: exactly the partner's set, nothing that reads others' records.
    let mut callable: Vec<String> = admin
        .query(
            "select p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace
             where n.nspname = 'dibs' and has_function_privilege($1, p.oid, 'execute')
               and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')",
            &[&my_login],
        )
        .await
        .expect("functions")
        .iter()
        .map(|r| r.get(0))
        .collect();
    callable.sort();
    callable.dedup();
    assert_eq!(
        callable,
        [
            "caller_login",
            "log_followup",
            "my_figures",
            "my_id",
            "my_partner",
            "my_pools",
            "my_registrations",
            "my_role",
            "my_scope",
            "my_scope_users",
            "my_team_scope",
            "my_unmasked_users",
            "partner_register",
            "partner_register_customer",
            "registration_check",
            "sees_everything",
            "uscc_is_valid",
        ]
    );
    let own = partners::my_registrations(&me_client).await.expect("mine");
    assert_eq!(own.len(), 1);
    assert_eq!(own[0].customer_id, mine.id);

    // The availability answer: the same word for a rep's company and another partner's.
    let answer = |name: &'static str| {
        let client = &me_client;
        async move {
            partners::check(client, None, name, None, None)
                .await
                .expect("check")
        }
    };
    assert_eq!(answer("直销在跟进科技有限公司").await, "unavailable");
    assert_eq!(answer("他方报备科技有限公司").await, "unavailable");
    assert_eq!(answer("我方报备科技有限公司").await, "yours");
    assert_eq!(answer("从未出现过的新公司").await, "available");
    assert_eq!(answer("x").await, "invalid");
    // Registering a held company tells the partner it is held, never by whom.
    let refused = act(&me_client, register("直销在跟进科技有限公司")).await;
    assert!(!refused.ok);
    assert_eq!(refused.reason, Reason::CompanyHeld);
    assert_eq!(refused.other_user_id, None);
    assert_eq!(refused.other_user_name, None);
    let detail = refused.detail.clone().unwrap_or_default();
    for key in ["other", "other_since", "team", "record_id", "record_name"] {
        assert!(detail.get(key).is_none(), "{key} in {detail}");
    }
    let refused = act(&me_client, register("他方报备科技有限公司")).await;
    assert_eq!(refused.reason, Reason::ProtectedBy);
    assert_eq!(refused.other_user_name, None);

    // The daily number of checks stops enumeration: past it, over_cap, and every call audited.
    admin
        .execute(
            "update dibs.partners set check_cap = 8 where id = $1",
            &[&ours],
        )
        .await
        .expect("cap");
    let mut answers = Vec::new();
    for _ in 0..5 {
        answers.push(answer("直销在跟进科技有限公司").await);
    }
    assert_eq!(answers[..3], ["unavailable", "unavailable", "unavailable"]);
    assert_eq!(
        answers[3..],
        ["over_cap", "over_cap"],
        "5 answered earlier today + 3 = the cap of 8"
    );
    assert_eq!(
        scalar(
            &admin,
            &format!("select count(*) from dibs.partner_checks where user_id = {me}")
        )
        .await,
        10
    );
    // A direct rep may not call the partner check at all, nor a partner the rep's search.
    assert!(
        rep.query("select dibs.registration_check('x', null, null)", &[])
            .await
            .is_err()
    );
    assert!(
        me_client
            .query(
                "select * from dibs.dedup_candidates('直销在跟进', null, null, null, null, 5)",
                &[]
            )
            .await
            .is_err()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_partners_at_a_barrier_register_one_company_and_exactly_one_wins() {
    let db = TestDatabase::new().await;
    let org = org(&db, 1, 100).await;
    let admin = db.client().await;
    for round in 0..5 {
        let name = format!("抢报备公司{round}有限公司");
        customer_named(&admin, org.customer_pool, &name).await;
        let barrier = Arc::new(Barrier::new(8));
        let mut tasks = Vec::new();
        for index in 0..8 {
            let id = partner(&admin, &format!("渠道{round}-{index}"), 10, 10, None).await;
            let (_, login) = partner_person(&admin, &db, &format!("r{round}p{index}"), id).await;
            let client = as_person(&db, &login).await;
            let barrier = barrier.clone();
            let name = name.clone();
            tasks.push(tokio::spawn(async move {
                barrier.wait().await;
                act(&client, register(&name)).await
            }));
        }
        let mut winners = 0;
        for task in tasks {
            let outcome = task.await.expect("task");
            if outcome.ok {
                winners += 1;
            } else {
                assert_eq!(outcome.reason, Reason::ProtectedBy, "{outcome:?}");
                assert_eq!(outcome.other_user_name, None, "the loser is not told who");
            }
        }
        assert_eq!(winners, 1, "round {round}");
    }
    assert_eq!(
        scalar(
            &admin,
            "select count(*) from dibs.registrations where status = 'active'"
        )
        .await,
        5
    );
    assert_eq!(
        scalar(
            &admin,
            "select count(*) from dibs.customers where owner_id is not null"
        )
        .await,
        5,
        "one customer record per company, no duplicates created by the race"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn capacity_and_the_daily_cap_hold_under_concurrent_registrations() {
    let db = TestDatabase::new().await;
    let org = org(&db, 1, 100).await;
    let admin = db.client().await;
    // Capacity 3 (daily cap high): two people of one partner register 12 companies at once.
    let small = partner(&admin, "小容量渠道", 3, 100, None).await;
    // Daily cap 2 (capacity high).
    let capped = partner(&admin, "日上限渠道", 100, 2, None).await;
    for (id, tag, expect, reason) in [
        (small, "cap", 3, Reason::OverCapacity),
        (capped, "day", 2, Reason::DailyCap),
    ] {
        let mut people = Vec::new();
        for n in 0..2 {
            people.push(partner_person(&admin, &db, &format!("{tag}{n}"), id).await);
        }
        let barrier = Arc::new(Barrier::new(12));
        let mut tasks = Vec::new();
        for index in 0..12 {
            let name = format!("{tag}容量测试{index}有限公司");
            customer_named(&admin, org.customer_pool, &name).await;
            let client = as_person(&db, &people[index % 2].1).await;
            let barrier = barrier.clone();
            tasks.push(tokio::spawn(async move {
                barrier.wait().await;
                act(&client, register(&name)).await
            }));
        }
        let mut ok = 0;
        for task in tasks {
            let outcome = task.await.expect("task");
            if outcome.ok {
                ok += 1;
            } else {
                assert_eq!(outcome.reason, reason, "{outcome:?}");
            }
        }
        assert_eq!(ok, expect, "{tag}");
        assert_eq!(
            scalar(&admin, &format!("select count(*) from dibs.registrations where partner_id = {id} and status = 'active'")).await,
            expect
        );
    }
    let _ = org;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn partner_against_direct_goes_to_review_decided_by_a_neutral_manager_and_logged() {
    let db = TestDatabase::new().await;
    let org = org(&db, 2, 100).await;
    let admin = db.client().await;
    let channel_manager = person(&admin, &db, "cm", "渠道经理", "manager", None).await;
    let id = partner(&admin, "复核渠道", 10, 10, Some(channel_manager.0)).await;
    let (partner_user, login) = partner_person(&admin, &db, "pr", id).await;
    let partner_client = as_person(&db, &login).await;
    let rep = as_person(&db, &org.reps[0].1).await;
    let own_manager = as_person(&db, &org.manager.1).await;
    let neutral = person(&admin, &db, "nm", "中立经理", "manager", None).await;
    let neutral_client = as_person(&db, &neutral.1).await;

    // The rep took the company first (two records of it: a customer and a lead).
    let customer = customer_named(&admin, org.customer_pool, "复核标的科技有限公司").await;
    assert!(act(&rep, Action::ClaimCustomer(customer)).await.ok);
    let lead: i64 = admin
        .query_one(
            "insert into dibs.leads (pool_id, company_name) values ($1, '复核标的科技有限公司') returning id",
            &[&org.pool],
        )
        .await
        .expect("lead")
        .get(0);
    assert!(act(&rep, Action::ClaimLead(lead)).await.ok);

    let asked = act(
        &partner_client,
        Action::PartnerRegister(PartnerRegistration {
            name: "复核标的科技有限公司".into(),
            review: true,
            note: Some("我们去年就在跟".into()),
            ..PartnerRegistration::default()
        }),
    )
    .await;
    assert_eq!(asked.reason, Reason::ReviewRequested, "{asked:?}");
    let review = asked.detail_i64("review").expect("review id");

    // The tie-break: the direct side was first (days before; the same day would be a tie,
    // settled by follow-ups).
    admin
        .execute(
            "update dibs.partner_reviews set rival_since = now() - interval '5 days' where id = $1",
            &[&review],
        )
        .await
        .expect("earlier");
    let queue = partners::review_queue(&neutral_client, false)
        .await
        .expect("queue");
    assert_eq!(queue.len(), 1);
    assert_eq!(
        (queue[0].suggested.as_str(), queue[0].why.as_str()),
        ("direct", "first")
    );
    assert_eq!(queue[0].direct_rep.as_deref(), Some("销售0"));
    // The rep's own manager is not neutral.
    let refused = act(
        &own_manager,
        Action::DecideReview {
            review,
            approve: true,
            reason: "x".into(),
        },
    )
    .await;
    assert_eq!(refused.reason, Reason::NotPermitted);
    // A reason is required.
    let refused = act(
        &neutral_client,
        Action::DecideReview {
            review,
            approve: true,
            reason: " ".into(),
        },
    )
    .await;
    assert_eq!(refused.reason, Reason::InvalidArgument);

    // The neutral manager approves (evidence outside dibs, say): the partner wins.
    let decided = act(
        &neutral_client,
        Action::DecideReview {
            review,
            approve: true,
            reason: "渠道提供了去年的拜访记录".into(),
        },
    )
    .await;
    assert_eq!(decided.reason, Reason::ReviewApproved, "{decided:?}");
    assert_eq!(
        scalar(&admin, &format!("select count(*) from dibs.customers where id = {customer} and owner_id = {partner_user}")).await,
        1
    );
    assert_eq!(
        scalar(
            &admin,
            &format!("select count(*) from dibs.leads where id = {lead} and owner_id is null")
        )
        .await,
        1,
        "the rep's lead of the company went back too"
    );
    assert_eq!(
        scalar(&admin, &format!("select count(*) from dibs.ownership_log where reason = 'review_lost' and from_owner = {}", org.reps[0].0)).await,
        2
    );
    assert_eq!(
        scalar(&admin, &format!("select count(*) from dibs.ownership_log where reason = 'review_approved' and detail ->> 'review' = '{review}'")).await,
        1
    );
    assert_eq!(
        scalar(&admin, &format!("select count(*) from dibs.notices where entity_id = {customer} and kind in ('review_won', 'review_lost')")).await,
        2,
        "both sides are told"
    );
    // Deciding twice says who decided.
    let again = act(
        &neutral_client,
        Action::DecideReview {
            review,
            approve: false,
            reason: "再议".into(),
        },
    )
    .await;
    assert_eq!(again.reason, Reason::AlreadyDecided);
    // The rep now meets the partner's hold.
    let blocked = act(&rep, Action::ClaimLead(lead)).await;
    assert_eq!(blocked.reason, Reason::CompanyHeld, "{blocked:?}");

    // Both refusals were between the sides of the channel: the collision figures say so.
    roll_up(&admin).await;
    assert_eq!(
        scalar(
            &admin,
            "select channel_conflicts from dibs.analytics_summary(current_date - 1, current_date + 1)"
        )
        .await,
        2,
        "the partner refused for the rep's company, the rep refused for the partner's"
    );

    // A second conflict nobody decides within the SLA: the worker settles it by the tie-break.
    let other = customer_named(&admin, org.customer_pool, "超时复核科技有限公司").await;
    let rep2 = as_person(&db, &org.reps[1].1).await;
    assert!(act(&rep2, Action::ClaimCustomer(other)).await.ok);
    let asked = act(
        &partner_client,
        Action::PartnerRegister(PartnerRegistration {
            name: "超时复核科技有限公司".into(),
            review: true,
            ..PartnerRegistration::default()
        }),
    )
    .await;
    let late = asked.detail_i64("review").expect("review");
    admin
        .execute("update dibs.partner_reviews set requested_at = now() - interval '3 days', rival_since = now() - interval '2 days' where id = $1", &[&late])
        .await
        .expect("age it");
    // The partner "submitted" before the rep took it, and the rep never followed up.
    assert_eq!(
        scalar(&admin, "select dibs.settle_overdue_reviews(10)::bigint").await,
        1
    );
    assert_eq!(
        scalar(&admin, &format!("select count(*) from dibs.partner_reviews where id = {late} and state = 'approved' and reason = 'sla:first'")).await,
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn protection_extends_with_follow_ups_up_to_the_maximum_and_expiry_reopens_the_company() {
    let db = TestDatabase::new().await;
    let org = org(&db, 1, 100).await;
    let admin = db.client().await;
    let channel_manager = person(&admin, &db, "cm", "渠道经理", "manager", None).await;
    let first = partner(&admin, "先报渠道", 10, 10, Some(channel_manager.0)).await;
    let second = partner(&admin, "后报渠道", 10, 10, None).await;
    let (first_user, first_login) = partner_person(&admin, &db, "a", first).await;
    let (_, second_login) = partner_person(&admin, &db, "b", second).await;
    let a = as_person(&db, &first_login).await;
    let b = as_person(&db, &second_login).await;
    let rep = as_person(&db, &org.reps[0].1).await;

    let done = act(&a, register("到期测试科技有限公司")).await;
    assert!(done.ok, "{done:?}");
    let customer = done.id;
    // 45 days of protection (silver), at most 90: a follow-up near the end extends it.
    admin
        .execute(
            "update dibs.registrations set expires_at = now() + interval '1 day' where customer_id = $1",
            &[&customer],
        )
        .await
        .expect("near the end");
    let followed = act(
        &a,
        Action::Followup {
            entity: dibs::domain::ownership::Entity::Customer,
            id: customer,
            kind: "visit".into(),
            note: None,
        },
    )
    .await;
    assert!(followed.ok, "{followed:?}");
    assert_eq!(
        scalar(&admin, &format!("select round(extract(epoch from expires_at - now()) / 86400)::bigint from dibs.registrations where customer_id = {customer} and status = 'active'")).await,
        45
    );
    // Never past the maximum.
    admin
        .execute("update dibs.registrations set expires_at = now() + interval '1 day', max_until = now() + interval '10 days' where customer_id = $1", &[&customer])
        .await
        .expect("max");
    act(
        &a,
        Action::Followup {
            entity: dibs::domain::ownership::Entity::Customer,
            id: customer,
            kind: "call".into(),
            note: None,
        },
    )
    .await;
    assert_eq!(
        scalar(&admin, &format!("select count(*) from dibs.registrations where customer_id = {customer} and expires_at = max_until")).await,
        1
    );
    // Expiry: the worker's sweep ends it and the partner's hold with it.
    admin
        .execute("update dibs.registrations set starts_at = now() - interval '2 days', expires_at = now() - interval '1 minute' where customer_id = $1", &[&customer])
        .await
        .expect("expire");
    assert_eq!(
        scalar(&admin, "select dibs.expire_registrations(100)::bigint").await,
        1
    );
    assert_eq!(
        scalar(&admin, &format!("select count(*) from dibs.customers where id = {customer} and owner_id is null and protected_until is null")).await,
        1,
        "the company reopened"
    );
    // The first partner cannot re-register at once (cooldown); a rival who comes in the gap
    // wins, and the first partner then meets the rival's registration.
    let again = act(&a, register("到期测试科技有限公司")).await;
    assert_eq!(again.reason, Reason::Cooldown, "{again:?}");
    let rival = act(&b, register("到期测试科技有限公司")).await;
    assert!(rival.ok, "{rival:?}");
    admin
        .execute("update dibs.registrations set starts_at = now() - interval '60 days', ended_at = now() - interval '30 days', expires_at = now() - interval '30 days' where partner_id = $1 and status <> 'active'", &[&first])
        .await
        .expect("cooldown over");
    let again = act(&a, register("到期测试科技有限公司")).await;
    assert_eq!(again.reason, Reason::ProtectedBy, "{again:?}");
    // A direct rep meets the partner's registration too.
    let claimed = act(&rep, Action::ClaimCustomer(customer)).await;
    assert!(!claimed.ok);

    // 代报备: the channel manager registers for her partner; it belongs to the partner's person.
    let cm = as_person(&db, &channel_manager.1).await;
    let filed = act(
        &cm,
        Action::PartnerRegister(PartnerRegistration {
            name: "代报备测试科技有限公司".into(),
            partner: Some(first),
            ..PartnerRegistration::default()
        }),
    )
    .await;
    assert!(filed.ok, "{filed:?}");
    assert_eq!(filed.owner_id, Some(first_user));
    assert_eq!(
        scalar(&admin, &format!("select count(*) from dibs.registrations where customer_id = {} and registered_by = {} and partner_id = {first}", filed.id, channel_manager.0)).await,
        1
    );
    assert_eq!(
        partners::my_registrations(&a)
            .await
            .expect("mine")
            .iter()
            .filter(|r| r.customer_id == filed.id)
            .count(),
        1
    );
    // Another manager is not this partner's channel manager.
    let other_manager = as_person(&db, &org.manager.1).await;
    let refused = act(
        &other_manager,
        Action::PartnerRegister(PartnerRegistration {
            name: "代报备测试二科技有限公司".into(),
            partner: Some(first),
            ..PartnerRegistration::default()
        }),
    )
    .await;
    assert_eq!(refused.reason, Reason::NotPermitted);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_partner_signs_in_to_the_partner_view_and_the_channel_manager_sees_the_review() {
    let db = common::cluster::PrivateCluster::with_demo("partners").await;
    let screen = db.dibs(&[
        "--lang",
        "en",
        "open",
        "--user",
        "hx_liqiang",
        "--keys",
        "",
        "--size",
        "100x24",
    ]);
    let screen = common::cluster::text(&screen);
    assert!(screen.contains("1 My registrations"), "{screen}");
    assert!(
        screen.contains("registered by my partner 6/200"),
        "{screen}"
    );
    assert!(screen.contains("days left"), "{screen}");
    for other_tab in ["Lead pool", "Customers", "Collisions", "Reviews"] {
        assert!(
            !screen.contains(other_tab),
            "{other_tab} on a partner's screen:\n{screen}"
        );
    }
    // The partner's check of the company under review: unavailable, nobody named.
    let check = db.dibs_as(
        "lh_zhaomin",
        &[
            "--lang",
            "en",
            "partner",
            "check",
            "--name",
            "新星新能源（厦门）有限公司",
        ],
    );
    let answer = common::cluster::text(&check);
    assert!(answer.contains("unavailable"), "{answer}");
    assert!(!answer.contains("王芳"), "{answer}");
    assert_eq!(check.status.code(), Some(3));
    // A direct rep has no availability check; the channel manager's queue has the review.
    assert!(
        !db.dibs_as(
            "wangfang",
            &["partner", "check", "--name", "新星新能源（厦门）有限公司"]
        )
        .status
        .success()
    );
    let queue = common::cluster::text(&db.dibs_as("guojuan", &["--lang", "en", "review", "list"]));
    assert!(
        queue.contains("蓝海伟业") && queue.contains("王芳"),
        "{queue}"
    );
    let tabs = common::cluster::text(&db.dibs(&[
        "--lang", "en", "open", "--user", "guojuan", "--keys", "5", "--size", "100x24",
    ]));
    assert!(
        tabs.contains("5 Reviews") && tabs.contains("蓝海伟业"),
        "{tabs}"
    );
}
