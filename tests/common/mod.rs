//! Helpers for tests that need people and pools: real login roles, real connections.

#![allow(dead_code)]

pub mod cluster;
pub mod terminal;

use dibs::db::api::ownership;
use dibs::domain::ownership::{Action, Outcome};
use dibs::testkit::TestDatabase;
use std::time::{Duration, Instant};

use tokio_postgres::Client;

pub struct Org {
    pub team: i64,
    pub pool: i64,
    pub customer_pool: i64,
    /// (user id, login) of each rep.
    pub reps: Vec<(i64, String)>,
    pub manager: (i64, String),
    pub admin: (i64, String),
}

/// Creates a login role (cluster-wide, so named after the test database) and its dibs user.
pub async fn person(
    client: &Client,
    db: &TestDatabase,
    tag: &str,
    name: &str,
    role: &str,
    team: Option<i64>,
) -> (i64, String) {
    let login = format!("{}_{tag}", db.name);
    client
        .batch_execute(&format!(
            "do $$ begin
                 if not exists (select 1 from pg_roles where rolname = '{login}') then
                     create role \"{login}\" login in role dibs_{role};
                 end if;
             end $$"
        ))
        .await
        .expect("login role");
    let id: i64 = client
        .query_one(
            "insert into dibs.users (login_role, display_name, role, team_id) values ($1, $2, $3::text::dibs.user_role, $4) returning id",
            &[&login, &name, &role, &team],
        )
        .await
        .expect("user")
        .get(0);
    (id, login)
}

/// A team, a lead pool and a customer pool with `reps` members, a manager and an admin.
pub async fn org(db: &TestDatabase, reps: usize, holding_limit: i32) -> Org {
    let client = db.client().await;
    let team: i64 = client
        .query_one(
            "insert into dibs.teams (name, region) values ('测试组', '华东') returning id",
            &[],
        )
        .await
        .expect("team")
        .get(0);
    let pool: i64 = client
        .query_one(
            "insert into dibs.pools (name, holding_limit, daily_claim_cap, cooldown) values ('测试线索池', $1, 100000, '0') returning id",
            &[&holding_limit],
        )
        .await
        .expect("pool")
        .get(0);
    let customer_pool: i64 = client
        .query_one(
            "insert into dibs.pools (name, kind, holding_limit, daily_claim_cap, cooldown) values ('测试公海', 'customer', $1, 100000, '0') returning id",
            &[&holding_limit],
        )
        .await
        .expect("customer pool")
        .get(0);
    let mut rep_list = Vec::new();
    for index in 0..reps {
        let rep = person(
            &client,
            db,
            &format!("rep{index}"),
            &format!("销售{index}"),
            "rep",
            Some(team),
        )
        .await;
        for p in [pool, customer_pool] {
            client
                .execute(
                    "insert into dibs.pool_members (pool_id, user_id) values ($1, $2)",
                    &[&p, &rep.0],
                )
                .await
                .expect("member");
        }
        rep_list.push(rep);
    }
    let manager = person(&client, db, "mgr", "经理", "manager", Some(team)).await;
    let admin = person(&client, db, "adm", "管理员", "admin", None).await;
    Org {
        team,
        pool,
        customer_pool,
        reps: rep_list,
        manager,
        admin,
    }
}

pub async fn leads(client: &Client, pool: i64, count: i64) -> Vec<i64> {
    client
        .query(
            // Every lead its own company: names never repeat across calls.
            "insert into dibs.leads (pool_id, company_name)
             select $1, '测试公司' || (g + coalesce((select max(id) from dibs.leads), 0))
             from generate_series(1, $2::bigint) g returning id",
            &[&pool, &count],
        )
        .await
        .unwrap_or_else(|e| panic!("leads: {}", dibs::db::error_detail(&e)))
        .iter()
        .map(|r| r.get(0))
        .collect()
}

pub async fn customers(client: &Client, pool: i64, count: i64) -> Vec<i64> {
    client
        .query(
            // Every customer its own company: names never repeat across calls.
            "insert into dibs.customers (name, pool_id)
             select '测试客户' || (g + coalesce((select max(id) from dibs.customers), 0)), $1
             from generate_series(1, $2::bigint) g returning id",
            &[&pool, &count],
        )
        .await
        .unwrap_or_else(|e| panic!("customers: {}", dibs::db::error_detail(&e)))
        .iter()
        .map(|r| r.get(0))
        .collect()
}

/// A connection as this person's own login role.
pub async fn as_person(db: &TestDatabase, login: &str) -> Client {
    dibs::db::connect(&db.config_as(login))
        .await
        .expect("connect as person")
}

pub async fn act(client: &Client, action: Action) -> Outcome {
    ownership::perform(client, &action, None)
        .await
        .expect("ownership call")
}

/// The dibs binary kept apart from the machine it runs on: no config file, its state under
/// the temp directory, a UTF-8 locale. Callers add `DATABASE_URL` and the arguments.
pub fn dibs_command() -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_dibs"));
    command
        .env("LANG", "C.UTF-8")
        .env("XDG_STATE_HOME", std::env::temp_dir())
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("dibs-no-config"),
        );
    command
}

pub async fn scalar(client: &Client, sql: &str) -> i64 {
    client
        .query_one(sql, &[])
        .await
        .unwrap_or_else(|e| panic!("{sql}: {}", dibs::db::error_detail(&e)))
        .get(0)
}

/// Brings the rollups up to date, as the worker does. Rows stay uncounted while any older
/// transaction in the cluster is still open (another test's, running beside this one): wait.
pub async fn roll_up(client: &tokio_postgres::Client) {
    let started = Instant::now();
    loop {
        let read: i32 = client
            .query_one("select dibs.roll_up_analytics(1000)", &[])
            .await
            .map(|r| r.get(0))
            .unwrap_or_else(|e| panic!("roll up: {}", dibs::db::error_detail(&e)));
        if read == 0 {
            if scalar(client, "select rows_behind from dibs.analytics_lag()").await == 0 {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "rows stay uncounted"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
