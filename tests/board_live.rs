//! The stage board end to end in a real terminal: a move made by a second client shows on
//! the first screen live, and a move against a card someone changed meanwhile is refused
//! with the reason on screen and nothing overwritten.

mod common;

use std::process::Command;
use std::time::Duration;

use common::terminal::Session;
use dibs::testkit::TestDatabase;

const MINE: &str = "o.owner_id = (select id from dibs.users where login_role = 'wangfang')
                    and (not s.is_closed or o.updated_at > now() - interval '30 days')";

async fn count(client: &tokio_postgres::Client, stage: i16) -> i64 {
    client
        .query_one(
            &format!(
                "select count(*) from dibs.opportunities o join dibs.opportunity_stages s on s.id = o.stage_id
                 where {MINE} and o.stage_id = $1"
            ),
            &[&stage],
        )
        .await
        .expect("count")
        .get(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_move_by_another_client_shows_live_and_a_stale_move_is_refused() {
    let db = TestDatabase::new().await;
    let seeded = Command::new(env!("CARGO_BIN_EXE_dibs"))
        .args(["seed", "--demo"])
        .env("DATABASE_URL", db.url())
        .env("XDG_STATE_HOME", std::env::temp_dir())
        .output()
        .expect("seed");
    assert!(seeded.status.success());
    let owner = db.client().await;
    let command = format!(
        "env DATABASE_URL='{}' LANG=C.UTF-8 XDG_STATE_HOME=/tmp {} demo; sleep 60",
        db.url(),
        env!("CARGO_BIN_EXE_dibs")
    );
    let terminal = Session::start(
        &format!("dibs-board-{}", std::process::id()),
        120,
        30,
        &command,
    );
    terminal.wait_for(" live ", Duration::from_secs(60));
    terminal.keys("3");
    let (needs, proposal) = (count(&owner, 2).await, count(&owner, 3).await);
    terminal.wait_for(&format!("Needs {needs}"), Duration::from_secs(20));

    // A second client (an admin's session) moves one of her "Needs" cards to "Proposal".
    let row = owner
        .query_one(
            &format!(
                "select o.id, o.version from dibs.opportunities o join dibs.opportunity_stages s on s.id = o.stage_id
                 where {MINE} and o.stage_id = 2 order by o.id limit 1"
            ),
            &[],
        )
        .await
        .expect("a card in Needs");
    let (id, version): (i64, i32) = (row.get(0), row.get(1));
    let moved: bool = owner
        .query_one(
            "select (r).ok from dibs.move_opportunity($1, 3::smallint, $2) r",
            &[&id, &version],
        )
        .await
        .expect("move")
        .get(0);
    assert!(moved);
    terminal.wait_for(&format!("Needs {}", needs - 1), Duration::from_secs(10));
    terminal.wait_for(
        &format!("Proposal {}", proposal + 1),
        Duration::from_secs(10),
    );

    // Someone changes her top "Qualify" card without any notice reaching her screen; her
    // move is then made against a stale version and must be refused, not overwrite.
    owner
        .execute(
            &format!(
                "update dibs.opportunities set version = version + 1 where id = (
                     select o.id from dibs.opportunities o join dibs.opportunity_stages s on s.id = o.stage_id
                     where {MINE} and o.stage_id = 1 order by o.amount desc, o.id limit 1)"
            ),
            &[],
        )
        .await
        .expect("change behind her back");
    let qualify = count(&owner, 1).await;
    terminal.keys("]");
    let screen = terminal.wait_for("nothing was overwritten", Duration::from_secs(10));
    assert!(!screen.contains("Moved."), "{screen}");
    terminal.wait_for(&format!("Qualify {qualify}"), Duration::from_secs(10));
    assert_eq!(
        count(&owner, 1).await,
        qualify,
        "the refused move changed nothing"
    );
}
