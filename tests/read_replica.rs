//! A read replica with the real parts: a primary and a streaming standby of their own.
//!
//! Lists, search and reports may read from the replica (`read_url`); a rep must still never
//! see a list older than their own change or than the live event that made the app re-read,
//! and a replica that stops answering must not stop anyone working. The standby's replay is
//! paused (as a long query or a slow disk pauses it) to make it lag on purpose, then stopped
//! as a crash stops it.

mod common;

use std::time::{Duration, Instant};

use dibs::db::Session;
use dibs::db::api::me::{Figures, figures};
use dibs::db::api::ownership::perform;
use dibs::db::replica::{Replica, ReplicaState};
use dibs::domain::ownership::Action;
use dibs::local::{Durability, LocalCluster};
use dibs::tui::app::Msg;
use tokio::sync::mpsc;

/// Waits until `probe` holds, asking every 100 ms, for at most `within`.
async fn until<F, Fut>(within: Duration, mut probe: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if probe().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

/// Whether, within `within`, a read that may lag is answered by the replica itself (not
/// passed on to the primary) with figures that pass `check`.
async fn replica_answers(db: &Session, within: Duration, check: impl Fn(&Figures) -> bool) -> bool {
    let Some(replica) = db.replica() else {
        return false;
    };
    until(within, || async {
        let served = replica.reads().0;
        let read = dibs::db_read_lagging!(db, c => figures(c));
        read.is_ok_and(|f| check(&f)) && replica.reads().0 == served + 1
    })
    .await
}

/// Whether the replica's reported state passes `check` within `within`.
async fn replica_becomes(
    replica: &Replica,
    within: Duration,
    check: impl Fn(ReplicaState) -> bool,
) -> bool {
    let mut state = replica.state();
    tokio::time::timeout(within, state.wait_for(|now| check(*now)))
        .await
        .is_ok_and(|seen| seen.is_ok())
}

/// Whether the live-event loop asks the app to re-read (`Msg::Changed`) within 10 s.
async fn asks_to_reread(messages: &mut mpsc::Receiver<Msg>) -> bool {
    tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(msg) = messages.recv().await {
            if matches!(msg, Msg::Changed) {
                return true;
            }
        }
        false
    })
    .await
    .unwrap_or(false)
}

/// Has the standby replayed all the primary has written?
async fn caught_up(primary: &tokio_postgres::Client, standby: &tokio_postgres::Client) -> bool {
    let Ok(row) = primary
        .query_one("select pg_current_wal_flush_lsn()::text", &[])
        .await
    else {
        return false;
    };
    let written: String = row.get(0);
    standby
        .query_one(
            "select pg_last_wal_replay_lsn() >= $1::text::pg_lsn",
            &[&written],
        )
        .await
        .is_ok_and(|row| row.get::<_, bool>(0))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn lists_read_from_the_replica_never_older_than_what_the_rep_knows_and_go_to_the_primary_when_it_is_down()
 {
    let base = std::env::temp_dir().join(format!("dibs-replica-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    std::fs::create_dir_all(&base).expect("temp dir");
    let primary = LocalCluster::locate(base.join("primary"), 5442).expect("initdb");
    let standby = LocalCluster::locate(base.join("standby"), 5443).expect("initdb");
    let result = std::panic::AssertUnwindSafe(run(&primary, &standby));
    let outcome = futures_util::FutureExt::catch_unwind(result).await;
    let _ = primary.stop(true);
    let _ = standby.stop(true);
    let _ = std::fs::remove_dir_all(&base);
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

async fn run(primary: &LocalCluster, standby: &LocalCluster) {
    primary
        .ensure_running(Durability::Throwaway)
        .expect("primary");
    dibs::db::target::ensure_database(primary, "dibs")
        .await
        .expect("database");
    let mut admin = dibs::db::connect(&primary.pg_config("dibs"))
        .await
        .expect("admin");
    dibs::db::migrate(&mut admin).await.expect("migrate");
    let (_pool, _reps, first_lead) = dibs::bench::claims::setup_pool(&mut admin, 2, 20, 10, None)
        .await
        .expect("pool");
    {
        let (from, to) = (primary.clone(), standby.clone());
        tokio::task::spawn_blocking(move || to.start_as_standby_of(&from))
            .await
            .expect("join")
            .expect("standby");
    }
    let standby_admin = dibs::db::connect(&standby.pg_config("dibs"))
        .await
        .expect("standby admin");
    assert!(
        until(Duration::from_secs(20), || caught_up(
            &admin,
            &standby_admin
        ))
        .await,
        "the standby never caught up"
    );

    // Rep 0 works in an app whose reads that may lag go to the standby; rep 1 claims from
    // elsewhere (psql, another app) on the primary.
    let me = dibs::bench::claims::bench_login(0);
    let other = dibs::bench::claims::bench_login(1);
    let db = Session::open_reading_from(
        &primary.socket_config(primary.port, "dibs", &me),
        Some(standby.socket_config(standby.port, "dibs", &me)),
    )
    .await
    .expect("app session");
    let replica = db.replica().expect("a replica").clone();
    let rival = dibs::db::connect(&primary.socket_config(primary.port, "dibs", &other))
        .await
        .expect("other rep");

    // The app's fence starts where the primary stood when it opened; the replica reaches it
    // within moments (the primary's commits are asynchronous here).
    assert!(
        replica_answers(&db, Duration::from_secs(5), |f| f.holding == 0).await,
        "reads never went to the replica: {:?}",
        replica.reads()
    );
    let passed_on_before = replica.reads().1;

    // The replica stops replaying: from here on it shows the past.
    standby_admin
        .batch_execute("select pg_wal_replay_pause()")
        .await
        .expect("pause replay");

    // My own claim: the list I read next must show it, though the replica has not got it.
    let claimed =
        dibs::db_write!(&db, c => perform(c, &Action::ClaimLead(first_lead), None)).expect("claim");
    assert!(claimed.ok, "{claimed:?}");
    let stale: i64 = standby_admin
        .query_one(
            "select count(*) from dibs.leads where id = $1 and owner_id is not null",
            &[&first_lead],
        )
        .await
        .expect("replica row")
        .get(0);
    assert_eq!(
        stale, 0,
        "the replica already has the claim: this test would prove nothing"
    );
    let after_mine = dibs::db_read_lagging!(&db, c => figures(c)).expect("figures");
    assert_eq!(
        after_mine.holding, 1,
        "my own claim is missing from what I read next"
    );
    assert_eq!(
        replica.reads().1,
        passed_on_before + 1,
        "the read behind my claim should have gone to the primary"
    );

    // The replica's lag shows (over a second: replay is paused while the primary writes).
    assert!(
        replica_becomes(&replica, Duration::from_secs(10), |state| {
            matches!(state, ReplicaState::Answering { lag } if lag >= Duration::from_secs(1))
        })
        .await,
        "the lag was not reported: {:?}",
        *replica.state().borrow()
    );

    // The duplicate panel on a replica that has stopped: candidates come from the replica,
    // the draft is recorded — and another rep's draft read — on the primary (a replica takes
    // no write; who else is typing must be current).
    rival
        .execute(
            "select dibs.touch_draft('customer', '华东新材料科技集团')",
            &[],
        )
        .await
        .expect("the other rep's draft");
    let candidates = dibs::db::connect(&standby.socket_config(standby.port, "dibs", &me))
        .await
        .expect("replica connection");
    let drafts = dibs::db::connect(&primary.socket_config(primary.port, "dibs", &me))
        .await
        .expect("primary connection");
    let mut panel = dibs::dedup::check::LiveChecker::everywhere(candidates)
        .await
        .expect("checker on the replica")
        .with_drafts_on(drafts);
    let typed = dibs::domain::score::Draft {
        name: "华东新材料科技".into(),
        ..Default::default()
    };
    let checked = panel
        .submit(typed, 5)
        .await
        .expect("join")
        .expect("the duplicate panel on the replica");
    assert!(
        checked
            .in_flight
            .iter()
            .any(|d| d.draft == "华东新材料科技集团"),
        "the other rep typing the same company is not shown: {checked:?}"
    );

    // Another rep's claim, announced live: the re-read it causes must show it.
    let (tx, mut rx) = mpsc::channel(64);
    let listener = tokio::spawn(dibs::tui::runtime::listen::listen(
        primary.socket_config(primary.port, "dibs", &me),
        db.clone(),
        tx,
    ));
    // The listener is up once it asks for the first re-read.
    assert!(
        asks_to_reread(&mut rx).await,
        "the listener never connected"
    );
    let pool_before = dibs::db_read_lagging!(&db, c => figures(c))
        .expect("figures")
        .pool_leads;
    let theirs = rival
        .query_one(
            "select (dibs.claim_lead($1, null)).ok",
            &[&(first_lead + 1)],
        )
        .await
        .expect("rival claim");
    assert!(
        theirs.get::<_, bool>(0),
        "the other rep's claim was refused"
    );
    admin
        .batch_execute("select dibs.publish_events()")
        .await
        .expect("publish");
    assert!(
        asks_to_reread(&mut rx).await,
        "the other rep's claim was not announced"
    );
    let pool_after = dibs::db_read_lagging!(&db, c => figures(c))
        .expect("figures")
        .pool_leads;
    assert_eq!(
        pool_after,
        pool_before - 1,
        "the re-read after the event still shows the other rep's lead in the pool"
    );

    // Replay resumes: the replica catches up and answers reads again.
    standby_admin
        .batch_execute("select pg_wal_replay_resume()")
        .await
        .expect("resume replay");
    assert!(
        until(Duration::from_secs(20), || caught_up(
            &admin,
            &standby_admin
        ))
        .await,
        "the standby never caught up after resuming"
    );
    // (Within moments: the fence may stand at WAL the primary has inserted but, with its
    // asynchronous commits here, not yet flushed and sent.)
    assert!(
        replica_answers(&db, Duration::from_secs(5), |f| {
            (f.holding, f.pool_leads) == (1, pool_after)
        })
        .await,
        "a caught-up replica should answer with the current figures: {:?}",
        replica.reads()
    );

    // The replica crashes: reads go on, from the primary, and the app is told.
    drop(standby_admin);
    {
        let victim = standby.clone();
        tokio::task::spawn_blocking(move || victim.stop(true))
            .await
            .expect("join")
            .expect("stop standby");
    }
    let while_down =
        dibs::db_read_lagging!(&db, c => figures(c)).expect("a read while the replica is down");
    assert_eq!(while_down.holding, 1);
    assert!(
        replica_becomes(&replica, Duration::from_secs(5), |state| {
            state == ReplicaState::Down
        })
        .await,
        "the replica's absence was not noticed"
    );

    // It comes back: reads return to it by themselves.
    {
        let revived = standby.clone();
        tokio::task::spawn_blocking(move || revived.start())
            .await
            .expect("join")
            .expect("restart standby");
    }
    assert!(
        replica_becomes(&replica, Duration::from_secs(20), |state| {
            state != ReplicaState::Down
        })
        .await,
        "the replica's return was not noticed"
    );
    assert!(
        replica_answers(&db, Duration::from_secs(20), |_| true).await,
        "reads did not return to the replica"
    );
    listener.abort();

    // The real binary, configured the way a team would: `DIBS_READ_URL` beside
    // `DATABASE_URL`. It opens, reads its screens (from the replica: the replica counts the
    // app's session) and shows the rep's own figures.
    let standby_admin = dibs::db::connect(&standby.pg_config("dibs"))
        .await
        .expect("standby admin");
    let sessions = || async {
        standby_admin
            .query_one(
                "select sessions from pg_stat_database where datname = 'dibs'",
                &[],
            )
            .await
            .expect("standby sessions")
            .get::<_, i64>(0)
    };
    let before = sessions().await;
    let output = common::dibs_command()
        .args(["open", "--user", &me, "--keys", "1", "--size", "120x40"])
        .env("DATABASE_URL", primary.url("dibs"))
        .env("DIBS_READ_URL", standby.url("dibs"))
        .output()
        .expect("run dibs");
    let screen = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{screen}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        screen.contains("1/10"),
        "the rep's holding (1 of 10) is not shown: {screen}"
    );
    assert!(
        until(Duration::from_secs(5), || async {
            sessions().await > before
        })
        .await,
        "the app never connected to the replica"
    );
}
