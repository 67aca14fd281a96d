//! Beyond one server, with the real parts the tests start themselves.
//!
//! PgBouncer in transaction mode beside the test cluster: many reps' sessions share a handful
//! of server connections, which the pooler hands from one to another between transactions.
//! What would break there — the driver's named prepared statements, session settings, LISTEN —
//! must not: every unit of work runs in one transaction, the timeouts are `set local`, and an
//! app that cannot LISTEN asks for events instead.
//!
//! Failover: a primary and a synchronous standby, the primary killed, the standby promoted.

mod common;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use dibs::db::Session;
use dibs::db::pooling::{PoolMode, Pooling};
use dibs::domain::ownership::Action;
use dibs::testkit::{self, TestDatabase};
use dibs::tui::app::{Link, Msg};
use tokio::sync::mpsc;

/// The tests of this binary run one at a time: the failover test's two clusters and the pooler
/// tests' hundred apps would otherwise starve each other's logins on two cores (PgBouncer looks
/// every login up through the same few server connections).
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Every test of this binary runs its apps as a transaction-pooled process with no direct
/// URL (the set-up a team gets from `DIBS_POOL_MODE=transaction` without `DIBS_LISTEN_URL`).
fn transaction_pooled() {
    dibs::db::pooling::install(Pooling {
        mode: PoolMode::Transaction,
        direct: None,
        read: None,
        gateway: None,
    });
}

/// The cap on server connections the test pooler runs with (one pooler per test process):
/// four for thirty reps or a hundred apps, so sessions change server connections all the time.
const SERVER_CONNECTIONS: u32 = 4;

/// What the server may show beyond the pooler's cap: each login has its own pool, so when one
/// needs a connection PgBouncer closes an idle one of another login — and for a moment the
/// closed backend is still exiting while the new one starts. Two logins can do that within
/// the same moment (a clean CI run saw 6 with a cap of 4), so two may be exiting at once;
/// what the test guards against is a pooler that does not cap at all (thirty reps, thirty
/// backends).
const EXITING_AFTER_EVICTION: i64 = 2;

/// Server connections the apps hold on the test database right now: the reps' logins (the
/// test's own admin connections and PgBouncer's login look-ups run as the owner).
async fn server_connections(admin: &tokio_postgres::Client, database: &str) -> i64 {
    admin
        .query_one(
            "select count(*) from pg_stat_activity
             where datname = $1 and backend_type = 'client backend'
               and usename <> current_user",
            &[&database],
        )
        .await
        .expect("pg_stat_activity")
        .get(0)
}

/// Samples the server connections every 50 ms until told to stop; answers the most seen.
fn watch_connections(
    admin: tokio_postgres::Client,
    database: String,
) -> (
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<i64>,
) {
    let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
    let handle = tokio::spawn(async move {
        let mut most = 0;
        loop {
            most = most.max(server_connections(&admin, &database).await);
            tokio::select! {
                _ = &mut stopped => return most,
                _ = tokio::time::sleep(Duration::from_millis(50)) => {}
            }
        }
    });
    (stop, handle)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_reps_on_four_server_connections_claim_and_read_without_a_session_error() {
    let _alone = ONE_AT_A_TIME.lock().await;
    transaction_pooled();
    let db = TestDatabase::new().await;
    // Four server connections for thirty reps: the pooler moves every rep from one server
    // connection to another all the time, which is what breaks named statements.
    testkit::pooler_with(SERVER_CONNECTIONS);
    let org = common::org(&db, 30, 3).await;
    let admin = db.client().await;
    let leads = common::leads(&admin, org.pool, 40).await;
    let (stop, most) = watch_connections(db.client().await, db.name.clone());

    // The apps are open before the race starts (people open dibs before nine).
    let mut sessions = Vec::new();
    for (_, login) in &org.reps {
        let config = db.pooled_config_as(login);
        sessions.push(
            Session::open(&config)
                .await
                .expect("a session through PgBouncer"),
        );
    }
    let mut reps = Vec::new();
    for (index, session) in sessions.into_iter().enumerate() {
        let leads = leads.clone();
        reps.push(tokio::spawn(async move {
            let mut errors = Vec::new();
            let mut held: Vec<i64> = Vec::new();
            for round in 0..12 {
                let lead = leads[(index * 7 + round * 11) % leads.len()];
                let claimed = dibs::db_write!(&session, c =>
                    dibs::db::api::ownership::perform(c, &Action::ClaimLead(lead), None));
                match claimed {
                    Ok(outcome) if outcome.ok => held.push(lead),
                    Ok(_) => {}
                    Err(error) => errors.push(format!("claim: {error}")),
                }
                let page = dibs::db_read!(&session, c => dibs::db::api::pool::first_pool(c, 20));
                match page {
                    Ok(page) if page.rows.iter().filter(|r| r.mine).count() != held.len() => {
                        errors.push(format!(
                            "the list shows {} of mine, I hold {}",
                            page.rows.iter().filter(|r| r.mine).count(),
                            held.len()
                        ));
                    }
                    Ok(_) => {}
                    Err(error) => errors.push(format!("list: {error}")),
                }
                if round % 3 == 2
                    && let Some(lead) = held.pop()
                {
                    let released = dibs::db_write!(&session, c =>
                        dibs::db::api::ownership::perform(c, &Action::ReleaseLead(lead), None));
                    match released {
                        Ok(outcome) if outcome.ok => {}
                        Ok(outcome) => errors.push(format!("release refused: {outcome:?}")),
                        Err(error) => errors.push(format!("release: {error}")),
                    }
                }
            }
            (held, errors)
        }));
    }
    let mut all_held = HashSet::new();
    for rep in reps {
        let (held, errors) = rep.await.expect("rep task");
        assert!(errors.is_empty(), "through PgBouncer: {errors:#?}");
        for lead in held {
            assert!(all_held.insert(lead), "lead {lead} held by two reps");
        }
    }
    let _ = stop.send(());
    let most = most.await.expect("watcher");
    assert!(
        (1..=i64::from(SERVER_CONNECTIONS) + EXITING_AFTER_EVICTION).contains(&most),
        "thirty reps used {most} server connections; PgBouncer allows {SERVER_CONNECTIONS}"
    );
    assert!(!all_held.is_empty(), "nobody won a claim");
    let violations = dibs::bench::claims::check_invariants(&admin, org.pool)
        .await
        .expect("invariants");
    assert_eq!(violations.total(), 0, "{violations:?}");
}

/// One open app as the runtime runs it: its work pool, its live-check lanes (idle until
/// someone types) and its event follower, which asks through the pooler.
struct OpenApp {
    session: Session,
    messages: mpsc::Receiver<Msg>,
    _runtime: dibs::tui::runtime::Runtime,
    _follower: tokio::task::JoinHandle<()>,
}

impl OpenApp {
    async fn open(config: tokio_postgres::Config) -> OpenApp {
        let session = Session::open(&config).await.expect("app session");
        let (tx, messages) = mpsc::channel(64);
        let runtime = dibs::tui::runtime::Runtime::start(&config, session.clone(), tx.clone())
            .without_terminal();
        let follower = tokio::spawn(dibs::tui::runtime::listen::listen(
            config,
            session.clone(),
            tx,
        ));
        OpenApp {
            session,
            messages,
            _runtime: runtime,
            _follower: follower,
        }
    }

    /// Waits until the app hears that something changed (events live first).
    async fn hears_a_change(&mut self, within: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + within;
        while let Ok(Some(msg)) = tokio::time::timeout_at(deadline, self.messages.recv()).await {
            if matches!(msg, Msg::Changed) {
                return true;
            }
        }
        false
    }

    async fn is_live(&mut self, within: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + within;
        while let Ok(Some(msg)) = tokio::time::timeout_at(deadline, self.messages.recv()).await {
            if matches!(msg, Msg::Link(Link::Events, true)) {
                return true;
            }
        }
        false
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_open_apps_share_the_poolers_connections_and_still_see_claims_live() {
    let _alone = ONE_AT_A_TIME.lock().await;
    transaction_pooled();
    let db = TestDatabase::new().await;
    let pooler_cap = i64::from(SERVER_CONNECTIONS);
    testkit::pooler_with(SERVER_CONNECTIONS);
    let org = common::org(&db, 10, 50).await;
    let admin = db.client().await;
    let leads = common::leads(&admin, org.pool, 5).await;

    let (stop, most) = watch_connections(db.client().await, db.name.clone());
    let mut apps = Vec::new();
    for index in 0..100 {
        let (_, login) = &org.reps[index % org.reps.len()];
        apps.push(OpenApp::open(db.pooled_config_as(login)).await);
    }
    for (index, app) in apps.iter_mut().enumerate() {
        assert!(
            app.is_live(Duration::from_secs(10)).await,
            "app {index} never followed events"
        );
    }
    // Let the first round of re-reads pass, then one rep claims and the notifier publishes.
    tokio::time::sleep(Duration::from_millis(700)).await;
    for app in apps.iter_mut() {
        while app.messages.try_recv().is_ok() {}
    }
    let started = Instant::now();
    let claimed = dibs::db_write!(&apps[0].session, c =>
        dibs::db::api::ownership::perform(c, &Action::ClaimLead(leads[0]), None))
    .expect("claim through PgBouncer");
    assert!(claimed.ok, "{claimed:?}");
    dibs::worker::publish_events(&admin)
        .await
        .expect("publish events");
    for (index, app) in apps.iter_mut().enumerate() {
        assert!(
            app.hears_a_change(Duration::from_secs(3)).await,
            "app {index} did not see the claim within 3 s"
        );
    }
    let seen_by_all = started.elapsed();
    let _ = stop.send(());
    let most = most.await.expect("watcher");
    println!(
        "100 open apps through PgBouncer: at most {most} server connections; \
         every app saw a claim within {:.2} s",
        seen_by_all.as_secs_f64()
    );
    assert!(
        most <= pooler_cap + EXITING_AFTER_EVICTION,
        "100 apps used {most} server connections through a pooler capped at {pooler_cap}"
    );
}

/// The 抢单 burst's fix (migration 13): thirty reps race for ten leads through PgBouncer on
/// ONE shared gateway login, each transaction carrying the ticket its rep signed in for on
/// their own login. Every lead ends with one owner, nobody over the limit, and the database
/// knew each person: the winner is the rep whose ticket claimed, the log names their login,
/// never the shared one. And the gateway gives nothing to whoever holds no valid ticket.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_reps_race_through_one_gateway_login_and_the_database_knows_each_of_them() {
    let _alone = ONE_AT_A_TIME.lock().await;
    transaction_pooled();
    let db = TestDatabase::new().await;
    testkit::pooler_with(SERVER_CONNECTIONS);
    let holding_limit = 2;
    let org = common::org(&db, 30, holding_limit).await;
    let admin = db.client().await;
    let leads = common::leads(&admin, org.pool, 10).await;
    let gateway = format!("{}_gateway", db.name);
    admin
        .batch_execute(&format!(
            "do $$ begin if not exists (select 1 from pg_roles where rolname = '{gateway}') then
                 create role \"{gateway}\" login in role dibs_gateway; end if; end $$"
        ))
        .await
        .expect("gateway login");

    // Before the bell: each rep signs in on their own login (through the pooler too).
    let mut tickets = Vec::new();
    for (_, login) in &org.reps {
        let own = dibs::db::connect(&db.pooled_config_as(login))
            .await
            .expect("own login");
        let row = own
            .query_typed("select dibs.issue_ticket()", &[])
            .await
            .expect("sign in");
        tickets.push(row[0].get::<_, String>(0));
    }
    let mut racers = Vec::new();
    for (index, ticket) in tickets.iter().enumerate() {
        let client = dibs::db::connect(&db.pooled_config_as(&gateway))
            .await
            .expect("gateway through PgBouncer");
        let (ticket, leads, me) = (ticket.clone(), leads.clone(), org.reps[index].0);
        racers.push(tokio::spawn(async move {
            let mut won = Vec::new();
            for round in 0..leads.len() {
                let lead = leads[(index * 3 + round) % leads.len()];
                let outcome = dibs::db::pooling::unit_as(
                    &client,
                    Some(&ticket),
                    dibs::db::api::ownership::perform(&client, &Action::ClaimLead(lead), None),
                )
                .await
                .unwrap_or_else(|e| panic!("claim through the gateway: {e}"));
                if outcome.ok {
                    assert_eq!(
                        outcome.owner_id,
                        Some(me),
                        "a win must be the ticket's rep's"
                    );
                    won.push(lead);
                }
            }
            (me, won)
        }));
    }
    let mut winners = std::collections::HashMap::new();
    for racer in racers {
        let (me, won) = racer.await.expect("racer");
        assert!(
            won.len() <= holding_limit as usize,
            "rep {me} holds {}",
            won.len()
        );
        for lead in won {
            assert!(winners.insert(lead, me).is_none(), "lead {lead} won twice");
        }
    }
    assert_eq!(winners.len(), leads.len(), "every lead has its owner");
    for (lead, owner) in &winners {
        let held: Option<i64> = admin
            .query_one("select owner_id from dibs.leads where id = $1", &[lead])
            .await
            .expect("lead")
            .get(0);
        assert_eq!(held, Some(*owner), "lead {lead}");
    }
    let logged_as_someone_else = common::scalar(
        &admin,
        &format!(
            "select count(*) from dibs.ownership_log g left join dibs.users u on u.id = g.actor_id
             where g.pool_id = {} and u.login_role is distinct from g.login",
            org.pool
        ),
    )
    .await;
    assert_eq!(
        logged_as_someone_else, 0,
        "the log names the person, not the gateway"
    );
    let attempts = common::scalar(
        &admin,
        &format!(
            "select count(*) from dibs.ownership_log where pool_id = {}",
            org.pool
        ),
    )
    .await;
    assert_eq!(attempts, 300, "every attempt, won or refused, is logged");

    // The app itself on the gateway: it signs in on the rep's own login, then its claims and
    // lists go through the shared login as that rep (the list's "mine" is the rep's).
    let (rep_id, rep_login) = org.reps[7].clone();
    let app = Session::open_through_gateway(
        &db.pooled_config_as(&rep_login),
        db.pooled_config_as(&gateway),
        None,
    )
    .await
    .expect("an app through the gateway");
    let fresh = common::leads(&admin, org.pool, 1).await[0];
    let held_before = winners.values().filter(|&&owner| owner == rep_id).count();
    let claimed = dibs::db_write!(&app, c =>
        dibs::db::api::ownership::perform(c, &Action::ClaimLead(fresh), None))
    .expect("the app's claim through the gateway");
    if held_before < holding_limit as usize {
        assert!(claimed.ok, "{claimed:?}");
        assert_eq!(claimed.owner_id, Some(rep_id));
    } else {
        assert_eq!(claimed.reason, dibs::domain::ownership::Reason::OverLimit);
    }
    let mut held: Vec<i64> = admin
        .query("select id from dibs.leads where owner_id = $1", &[&rep_id])
        .await
        .expect("held")
        .iter()
        .map(|r| r.get(0))
        .collect();
    held.sort();
    let page = dibs::db_read!(&app, c => dibs::db::api::pool::first_pool(c, 50))
        .expect("the app's list through the gateway");
    let mut mine: Vec<i64> = page.rows.iter().filter(|r| r.mine).map(|r| r.id).collect();
    mine.sort();
    assert!(
        !held.is_empty(),
        "rep 7 holds leads after the race and the app's claim"
    );
    assert_eq!(
        mine, held,
        "the app's list shows exactly the rep's own leads as theirs"
    );

    // No valid ticket, nothing: the gateway alone is nobody.
    let anyone = dibs::db::connect(&db.pooled_config_as(&gateway))
        .await
        .expect("gateway");
    let spare = common::leads(&admin, org.pool, 1).await[0];
    let bare = dibs::db::pooling::unit_as(
        &anyone,
        None,
        dibs::db::api::ownership::perform(&anyone, &Action::ClaimLead(spare), None),
    )
    .await
    .expect("a claim without a ticket is answered");
    assert!(
        !bare.ok,
        "the gateway login itself claims nothing: {bare:?}"
    );
    let seen =
        dibs::db::pooling::unit_as(&anyone, None, dibs::db::api::pool::first_pool(&anyone, 20))
            .await;
    assert!(
        seen.map(|page| page.rows.is_empty()).unwrap_or(true),
        "the gateway login itself sees no lead"
    );
    let forged = "0".repeat(64);
    let refused = dibs::db::pooling::unit_as(
        &anyone,
        Some(&forged),
        dibs::db::api::ownership::perform(&anyone, &Action::ClaimLead(spare), None),
    )
    .await
    .expect_err("a forged ticket is refused");
    assert!(refused.to_string().contains("ticket"), "{refused}");
    // A ticket works only on the gateway: on a rep's own login it is refused, not obeyed.
    let other_rep = common::as_person(&db, &org.reps[1].1).await;
    let borrowed = dibs::db::pooling::unit_as(
        &other_rep,
        Some(&tickets[0]),
        dibs::db::api::ownership::perform(&other_rep, &Action::ClaimLead(spare), None),
    )
    .await;
    assert!(borrowed.is_err(), "a ticket on an own login: {borrowed:?}");
    // Only reps ride the gateway: a manager's grants differ, so a manager gets no ticket.
    let manager = common::as_person(&db, &org.manager.1).await;
    let denied = manager.query_one("select dibs.issue_ticket()", &[]).await;
    assert!(denied.is_err(), "a manager got a gateway ticket");
    // Deactivating a rep ends their ticket at once.
    admin
        .execute(
            "update dibs.users set active = false where id = $1",
            &[&org.reps[0].0],
        )
        .await
        .expect("deactivate");
    let after = dibs::db::pooling::unit_as(
        &anyone,
        Some(&tickets[0]),
        dibs::db::api::ownership::perform(&anyone, &Action::ClaimLead(spare), None),
    )
    .await;
    assert!(
        after.is_err(),
        "a deactivated rep's ticket still worked: {after:?}"
    );
    // And a working ticket still claims for its own rep.
    let still = dibs::db::pooling::unit_as(
        &anyone,
        Some(&tickets[5]),
        dibs::db::api::ownership::perform(&anyone, &Action::ClaimLead(spare), None),
    )
    .await
    .expect("claim");
    assert!(
        still.ok || still.reason == dibs::domain::ownership::Reason::OverLimit,
        "{still:?}"
    );
}

/// PgBouncer crashes under an open app (SIGKILL: every connection cut mid-flight) and is
/// started again: the app says it is not live, a read meanwhile fails promptly with words
/// instead of hanging, and once the pooler is back the app is live again by itself and its
/// next claim goes through.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_open_app_heals_by_itself_when_pgbouncer_is_killed_and_started_again() {
    let _alone = ONE_AT_A_TIME.lock().await;
    transaction_pooled();
    let db = TestDatabase::new().await;
    let pooler = testkit::pooler_with(SERVER_CONNECTIONS);
    let org = common::org(&db, 2, 5).await;
    let admin = db.client().await;
    let leads = common::leads(&admin, org.pool, 3).await;
    let mut app = OpenApp::open(db.pooled_config_as(&org.reps[0].1)).await;
    assert!(
        app.is_live(Duration::from_secs(10)).await,
        "the app never followed events"
    );

    pooler.crash();
    let noticed = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(msg) = app.messages.recv().await {
            if matches!(msg, Msg::Link(_, false)) {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(
        noticed,
        Ok(true),
        "the app still claims to be live with PgBouncer gone"
    );
    let asked = Instant::now();
    let read = dibs::db_read!(&app.session, c => dibs::db::api::me::figures(c));
    let error = read.expect_err("a read through a dead pooler cannot succeed");
    assert!(
        asked.elapsed() < Duration::from_secs(15),
        "the read waited {:?}",
        asked.elapsed()
    );
    assert!(error.is_connection_lost(), "{error}");

    {
        let pooler = pooler.clone();
        tokio::task::spawn_blocking(move || pooler.start(SERVER_CONNECTIONS))
            .await
            .expect("join")
            .expect("PgBouncer started again");
    }
    assert!(
        app.is_live(Duration::from_secs(15)).await,
        "the app did not come back live after PgBouncer restarted"
    );
    let claimed = dibs::db_write!(&app.session, c =>
        dibs::db::api::ownership::perform(c, &Action::ClaimLead(leads[0]), None))
    .expect("a claim once PgBouncer is back");
    assert!(claimed.ok, "{claimed:?}");
}

/// Failover with the real parts: a primary and a synchronous standby of their own, reps
/// claiming through a two-host URL (`target_session_attrs=read-write`), the primary stopped
/// as a crash stops it, the standby promoted. Every claim a rep was told went through is on
/// the new primary; the reps, a worker and a listener on the same URL find it by themselves.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_killed_primary_fails_over_to_its_synchronous_standby_losing_no_acknowledged_claim() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let report = dibs::bench::failover::failover(dibs::bench::failover::FailoverOptions {
        reps: 8,
        leads: 3_000,
        seconds: 2.0,
        promote_after: 0.5,
        patroni: false,
    })
    .await
    .expect("failover run");
    println!("{}", report.text());
    assert!(
        report.claims_per_second_before > 0.0,
        "no claims before the kill"
    );
    assert!(
        report.claims_per_second_after > 0.0,
        "no claims after the promotion: the reps did not find the new primary"
    );
    assert_eq!(
        report.lost_claims, 0,
        "acknowledged claims lost: {report:?}"
    );
    assert_eq!(report.invariant_violations, 0, "{report:?}");
    assert!(
        report.worker_leads_on_new_primary,
        "the worker did not take the leader lock on the new primary"
    );
    assert!(
        report.events_after_promotion > 0,
        "no live event was heard after the promotion"
    );
    assert!(
        report.app_live_again,
        "an open app's live link did not come back after the promotion"
    );
    assert!(
        report.app_works_on_new_primary,
        "an open app could not read and claim on the new primary"
    );
    assert!(
        report.kill_to_first_claim_seconds < 10.0,
        "{:.1} s from the kill to a claim on the new primary",
        report.kill_to_first_claim_seconds
    );
}
