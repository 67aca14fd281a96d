//! Security: real login roles of every kind try, by raw SQL and through the CLI, to read
//! what they may not, change what they may not, act as someone else and inject SQL. Each
//! attempt must be refused (or masked) and nothing may change. The table of attempts and
//! outcomes is printed (`cargo test --test security -- --nocapture`).

mod common;

use std::process::Command;

use common::{as_person, org, person};
use dibs::testkit::TestDatabase;
use tokio_postgres::Client;

/// What an attempt came to: an error (denied), rows, or a function's refusal.
async fn attempt(client: &Client, sql: &str) -> Result<Vec<Vec<Option<String>>>, String> {
    client
        .simple_query(sql)
        .await
        .map(|messages| {
            messages
                .iter()
                .filter_map(|m| match m {
                    tokio_postgres::SimpleQueryMessage::Row(row) => Some(
                        (0..row.len())
                            .map(|i| row.get(i).map(str::to_string))
                            .collect(),
                    ),
                    _ => None,
                })
                .collect()
        })
        .map_err(|e| dibs::db::error_detail(&e))
}

/// A digest of everything an attack could try to change.
async fn state(owner: &Client) -> String {
    owner
        .query_one(
            "select string_agg(x, '|' order by x) from (
                 select 'l' || id || ':' || coalesce(owner_id::text, '-') || ':' || status || ':' || coalesce(phone, '') as x from dibs.leads
                 union all select 'c' || id || ':' || coalesce(owner_id::text, '-') || ':' || name || ':' || coalesce(phone, '') from dibs.customers
                 union all select 'u' || id || ':' || login_role || ':' || role || ':' || active || ':' || coalesce(team_id::text, '-') from dibs.users
                 union all select 'r' || id || ':' || enabled || ':' || threshold || ':' || action from dibs.dedup_rules
                 union all select 'g' || count(*) from dibs.ownership_log where outcome = 'ok'
                 union all select 'p' || pool_id || ':' || user_id || ':' || coalesce(holding_limit::text, '-') from dibs.pool_members
                 union all select 'role' || rolname || rolcanlogin from pg_roles where rolname in (select login_role from dibs.users) or rolname like '%sneaky%'
             ) s",
            &[],
        )
        .await
        .expect("state digest")
        .get(0)
}

struct Table(Vec<(String, String, String)>);

impl Table {
    fn record(&mut self, who: &str, what: &str, outcome: &str) {
        self.0.push((who.into(), what.into(), outcome.into()));
    }

    fn print(&self) {
        println!("| who | attempt | outcome |\n|---|---|---|");
        for (who, what, outcome) in &self.0 {
            println!("| {who} | {what} | {outcome} |");
        }
    }
}

fn denied(result: &Result<Vec<Vec<Option<String>>>, String>) -> String {
    match result {
        Err(e) => format!("refused: {}", e.lines().next().unwrap_or("")),
        Ok(rows) => panic!("expected a refusal, got {rows:?}"),
    }
}

/// The refusal reason of a function returning (ok, reason, …) as its first columns.
fn refused_with(result: &Result<Vec<Vec<Option<String>>>, String>, reason: &str) -> String {
    match result {
        Ok(rows) if rows.len() == 1 && rows[0][0].as_deref() == Some("f") => {
            assert_eq!(rows[0][1].as_deref(), Some(reason), "{rows:?}");
            format!("refused: {reason}")
        }
        other => panic!("expected refusal {reason}, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_attempt_past_the_rules_is_refused_and_changes_nothing() {
    let db = TestDatabase::new().await;
    let org = org(&db, 2, 10).await;
    let owner = db.client().await;
    // A second team with its own rep, manager and customer; a viewer.
    let other_team: i64 = owner
        .query_one(
            "insert into dibs.teams (name, region) values ('华南组', '华南') returning id",
            &[],
        )
        .await
        .expect("team")
        .get(0);
    let stranger = person(&owner, &db, "stranger", "外组销售", "rep", Some(other_team)).await;
    let other_manager = person(&owner, &db, "mgr2", "外组经理", "manager", Some(other_team)).await;
    let viewer = person(&owner, &db, "viewer", "看板", "viewer", None).await;
    let (rep_id, rep) = org.reps[0].clone();
    let lead: i64 = owner
        .query_one(
            "insert into dibs.leads (pool_id, company_name, contact_name, phone, email)
             values ($1, '深圳华创精密有限公司', '王伟', '13812345678', 'wangwei@huachuang.com') returning id",
            &[&org.pool],
        )
        .await
        .expect("lead")
        .get(0);
    let stranger_customer: i64 = owner
        .query_one(
            "insert into dibs.customers (name, phone, email, owner_id, owned_since, team_id, pool_id)
             values ('广州永盛电气有限公司', '020-8765 4321', 'sales@yongsheng.cn', $1, now(), $2, $3) returning id",
            &[&stranger.0, &other_team, &org.customer_pool],
        )
        .await
        .expect("customer")
        .get(0);
    owner
        .execute(
            "insert into dibs.contacts (customer_id, name, phone, email) values ($1, '陈静', '13900001111', 'chen@yongsheng.cn')",
            &[&stranger_customer],
        )
        .await
        .expect("contact");
    let rep_client = as_person(&db, &rep).await;
    let viewer_client = as_person(&db, &viewer.1).await;
    let manager_client = as_person(&db, &org.manager.1).await;
    let other_manager_client = as_person(&db, &other_manager.1).await;
    let admin_client = as_person(&db, &org.admin.1).await;
    let before = state(&owner).await;
    let mut table = Table(Vec::new());

    // Reading what may not be read.
    let r = attempt(&rep_client, "select phone, email from dibs.leads").await;
    table.record("rep", "read leads.phone/email directly", &denied(&r));
    let r = attempt(&rep_client, "select phone_e164 from dibs.customers").await;
    table.record("rep", "read customers.phone_e164 directly", &denied(&r));
    let r = attempt(&rep_client, "select * from dibs.contacts").await;
    table.record("rep", "select * from contacts", &denied(&r));
    let r = attempt(
        &rep_client,
        &format!("select phone, email from dibs.lead_contacts where id = {lead}"),
    )
    .await
    .expect("the view is readable");
    assert_eq!(
        r,
        vec![vec![
            Some("138****5678".into()),
            Some("w***@huachuang.com".into())
        ]]
    );
    table.record(
        "rep",
        "pool lead's contact through the view, unclaimed",
        "masked: 138****5678, w***@huachuang.com",
    );
    let r = attempt(
        &rep_client,
        &format!("select name from dibs.customers where id = {stranger_customer}"),
    )
    .await
    .expect("select runs");
    assert!(r.is_empty(), "{r:?}");
    table.record(
        "rep",
        "another team's customer from the table",
        "no rows (row-level security)",
    );
    for view in ["customer_contacts", "contact_details"] {
        let column = if view == "customer_contacts" {
            "id"
        } else {
            "customer_id"
        };
        let r = attempt(
            &rep_client,
            &format!("select phone from dibs.{view} where {column} = {stranger_customer}"),
        )
        .await
        .expect("view readable");
        assert!(r.is_empty(), "{view}: {r:?}");
        table.record(
            "rep",
            &format!("another team's customer through {view}"),
            "no rows",
        );
    }
    let r = attempt(
        &rep_client,
        "select name, owner_name, phone_e164, email_domain from dibs.dedup_candidates('广州永盛电气有限公司')",
    )
    .await
    .expect("duplicate check");
    assert_eq!(
        r,
        vec![vec![
            Some("广州永盛电气有限公司".into()),
            Some("外组销售".into()),
            None,
            None
        ]]
    );
    table.record(
        "rep",
        "another team's customer through the duplicate check",
        "name, owner, team, status only; phone/domain withheld",
    );
    let r = attempt(
        &rep_client,
        "select phone_e164 from dibs.dedup_candidates('永盛电气', null, '020-87654321')",
    )
    .await
    .expect("duplicate check");
    assert!(
        r.iter()
            .all(|row| row[0].as_deref() == Some("+862087654321"))
    );
    table.record(
        "rep",
        "duplicate check with the phone typed",
        "says the typed phone matches, nothing more",
    );
    let r = attempt(
        &rep_client,
        "select * from dibs.dedup_candidates_unrestricted('永盛')",
    )
    .await;
    table.record("rep", "the unrestricted candidate function", &denied(&r));
    let r = attempt(
        &rep_client,
        &format!(
            "select count(*) from dibs.ownership_log where from_owner = {} or to_owner = {}",
            stranger.0, stranger.0
        ),
    )
    .await
    .expect("log readable");
    assert_eq!(r, vec![vec![Some("0".into())]]);
    table.record("rep", "another team's ownership history", "no rows");
    let r = attempt(
        &other_manager_client,
        &format!("select count(*) from dibs.leads where id = {lead}"),
    )
    .await
    .expect("select");
    assert_eq!(r, vec![vec![Some("0".into())]]);
    table.record("manager", "a lead of a pool and team not theirs", "no rows");
    let r = attempt(
        &other_manager_client,
        &format!("select phone from dibs.contact_details where customer_id = {stranger_customer}"),
    )
    .await
    .expect("view");
    assert_eq!(r, vec![vec![Some("13900001111".into())]]);
    table.record(
        "manager",
        "contacts of their own team's customer",
        "unmasked (allowed)",
    );
    let r = attempt(
        &viewer_client,
        &format!("select phone from dibs.contact_details where customer_id = {stranger_customer}"),
    )
    .await
    .expect("view");
    assert_eq!(r, vec![vec![Some("139****1111".into())]]);
    table.record("viewer", "any customer's contacts", "masked: 139****1111");

    // Changing what may not be changed.
    for (who, client) in [("rep", &rep_client), ("admin", &admin_client)] {
        let r = attempt(
            client,
            &format!("update dibs.leads set owner_id = {rep_id} where id = {lead}"),
        )
        .await;
        table.record(who, "UPDATE leads.owner_id", &denied(&r));
        let r = attempt(
            client,
            &format!("insert into dibs.ownership_log (entity, entity_id, action, outcome) values ('lead', {lead}, 'claim', 'ok')"),
        )
        .await;
        table.record(who, "INSERT a log row", &denied(&r));
        let r = attempt(client, "update dibs.dedup_rules set enabled = false").await;
        table.record(who, "UPDATE duplicate rules directly", &denied(&r));
        let r = attempt(
            client,
            &format!("delete from dibs.users where id = {rep_id}"),
        )
        .await;
        table.record(who, "DELETE a user", &denied(&r));
    }
    let r = attempt(&rep_client, "create table public.stash (x text)").await;
    table.record("rep", "CREATE TABLE in schema public", &denied(&r));
    let r = attempt(&rep_client, "create table dibs.stash (x text)").await;
    table.record("rep", "CREATE TABLE in schema dibs", &denied(&r));
    let r = attempt(&rep_client, "set role dibs_admin").await;
    table.record("rep", "SET ROLE dibs_admin", &denied(&r));
    let r = attempt(&viewer_client, &format!("select dibs.claim_lead({lead})")).await;
    table.record("viewer", "claim a lead", &denied(&r));

    // Acting as someone else, administration as a rep.
    let r = attempt(
        &rep_client,
        &format!(
            "select (o).ok, (o).reason from dibs.claim_lead({lead}, {}) o",
            org.reps[1].0
        ),
    )
    .await;
    table.record(
        "rep",
        "claim for another rep (p_for)",
        &refused_with(&r, "not_permitted"),
    );
    let r = attempt(
        &rep_client,
        "select (r).ok, (r).reason from dibs.user_add('sneaky', '偷偷', 'admin', null) r",
    )
    .await;
    table.record(
        "rep",
        "add an admin user",
        &refused_with(&r, "not_permitted"),
    );
    let r = attempt(
        &manager_client,
        &format!("select (r).ok, (r).reason from dibs.user_set_role({rep_id}, 'admin') r"),
    )
    .await;
    table.record(
        "manager",
        "promote a rep to admin",
        &refused_with(&r, "not_permitted"),
    );
    let r = attempt(
        &rep_client,
        &format!(
            "select (r).ok, (r).reason from dibs.user_disable({}) r",
            org.admin.0
        ),
    )
    .await;
    table.record(
        "rep",
        "disable the admin",
        &refused_with(&r, "not_permitted"),
    );
    let r = attempt(
        &rep_client,
        &format!(
            "select (r).ok, (r).reason from dibs.user_set_limit({rep_id}, {}, 100000) r",
            org.pool
        ),
    )
    .await;
    table.record(
        "rep",
        "raise their own holding limit",
        &refused_with(&r, "not_permitted"),
    );
    let r = attempt(
        &other_manager_client,
        &format!(
            "select (r).ok, (r).reason from dibs.user_set_limit({rep_id}, {}, 99) r",
            org.pool
        ),
    )
    .await;
    table.record(
        "manager",
        "set the limit of another team's rep",
        &refused_with(&r, "not_permitted"),
    );
    let r = attempt(
        &rep_client,
        "select (r).ok, (r).reason from dibs.set_dedup_rule(1, false, null, null, null) r",
    )
    .await;
    table.record(
        "rep",
        "switch off a duplicate rule",
        &refused_with(&r, "not_permitted"),
    );

    // Injection through every text argument: stored or refused as data, never run.
    let nasty = [
        "x'); drop table dibs.leads; --",
        "a\"; grant dibs_admin to public; --",
        "王芳'; update dibs.users set role = 'admin' --",
        "\u{202e}evil\u{0}",
    ];
    for text in nasty {
        let literal = text.replace('\'', "''").replace('\u{0}', "");
        let r = attempt(
            &admin_client,
            &format!("select (r).ok, (r).reason from dibs.user_add('{literal}', '{literal}', 'rep', null) r"),
        )
        .await;
        table.record(
            "admin",
            &format!("user_add with login {:?}", text.replace('\u{0}', "\\0")),
            &refused_with(&r, "invalid_argument"),
        );
        let r = attempt(
            &rep_client,
            &format!("select count(*) from dibs.dedup_candidates('{literal}', '{literal}', '{literal}', '{literal}')"),
        )
        .await
        .expect("a harmless query");
        table.record(
            "rep",
            &format!("duplicate check with {:?}", text.replace('\u{0}', "\\0")),
            &format!(
                "treated as text ({} rows)",
                r[0][0].clone().unwrap_or_default()
            ),
        );
    }
    let long = "长".repeat(100_000);
    let r = attempt(
        &rep_client,
        &format!("select (o).ok, (o).reason from dibs.create_customer('{long}') o"),
    )
    .await;
    table.record(
        "rep",
        "create a customer with a 100,000-character name",
        &refused_with(&r, "invalid_argument"),
    );
    let r = attempt(
        &rep_client,
        &format!("select count(*) from dibs.dedup_candidates('{long}')"),
    )
    .await;
    table.record(
        "rep",
        "duplicate check with 100,000 characters",
        &denied(&r),
    );

    // Through the CLI, as a rep.
    let cli = |args: &[&str]| {
        common::dibs_command()
            .args(args)
            .env("DATABASE_URL", db.url_as(&rep))
            .output()
            .expect("run dibs")
    };
    let output = cli(&[
        "user",
        "add",
        "sneaky2",
        "--name",
        "偷偷",
        "--role",
        "admin",
        "--no-password",
    ]);
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    table.record(
        "rep (CLI)",
        "dibs user add … --role admin",
        &format!("exit {:?}: {}", output.status.code(), text.trim()),
    );

    // Nothing changed, and the refusals are on record without what was refused.
    let after = state(&owner).await;
    let changed: Vec<&str> = after
        .split('|')
        .filter(|x| !before.split('|').any(|b| b == *x))
        .collect();
    assert!(
        changed.is_empty(),
        "an attempt changed something: {changed:?}"
    );
    let audited: i64 = owner
        .query_one(
            "select count(*) from dibs.audit_log where outcome = 'refused' and reason = 'not_permitted' and detail is null",
            &[],
        )
        .await
        .expect("audit")
        .get(0);
    assert!(
        audited >= 6,
        "refused administration is audited ({audited})"
    );
    let visible_to_rep = attempt(
        &rep_client,
        "select count(*) from dibs.audit_log where login <> session_user",
    )
    .await
    .expect("audit readable");
    assert_eq!(visible_to_rep, vec![vec![Some("0".into())]]);
    table.record("rep", "read others' audit entries", "no rows");
    // Every SECURITY DEFINER function pins its search_path (no schema of the caller's can
    // shadow what it calls), and nothing in the schema is executable by PUBLIC.
    let unpinned: Vec<String> = owner
        .query(
            "select p.oid::regprocedure::text from pg_proc p
             where p.pronamespace = 'dibs'::regnamespace and p.prosecdef
               and not coalesce(array_to_string(p.proconfig, ',') like '%search_path=%', false)",
            &[],
        )
        .await
        .expect("catalog")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(unpinned.is_empty(), "{unpinned:?}");
    let public: Vec<String> = owner
        .query(
            "select p.oid::regprocedure::text from pg_proc p
             where p.pronamespace = 'dibs'::regnamespace and has_function_privilege('public', p.oid, 'execute')
               and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')",
            &[],
        )
        .await
        .expect("catalog")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(public.is_empty(), "executable by PUBLIC: {public:?}");
    table.record(
        "catalog",
        "SECURITY DEFINER functions without a pinned search_path; functions open to PUBLIC",
        "none",
    );
    table.print();
}

#[tokio::test(flavor = "multi_thread")]
async fn admins_add_disable_and_change_people_through_the_cli() {
    let db = TestDatabase::new().await;
    let org = org(&db, 1, 5).await;
    let owner = db.client().await;
    let run = |args: &[&str], as_login: Option<&str>| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_dibs"));
        command
            .args(args)
            .env("DATABASE_URL", db.url_as(as_login.unwrap_or("postgres")))
            .env("LANG", "C.UTF-8")
            .env("XDG_STATE_HOME", std::env::temp_dir())
            .env(
                "XDG_CONFIG_HOME",
                std::env::temp_dir().join("dibs-no-config"),
            );
        command.output().expect("run dibs")
    };
    let login = format!("{}_newrep", db.name);
    let added = run(
        &[
            "user",
            "add",
            &login,
            "--name",
            "新同事",
            "--role",
            "rep",
            "--team",
            "测试组",
        ],
        Some(&org.admin.1),
    );
    let text = String::from_utf8_lossy(&added.stdout).into_owned();
    assert_eq!(
        added.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let password = text
        .lines()
        .find_map(|l| l.split("hand it over safely): ").nth(1))
        .expect("the generated password is printed once")
        .to_string();
    assert_eq!(password.len(), 20);
    // The server holds a SCRAM verifier, never the password.
    let stored: String = owner
        .query_one(
            "select rolpassword from pg_authid where rolname = $1",
            &[&login],
        )
        .await
        .expect("role")
        .get(0);
    assert!(stored.starts_with("SCRAM-SHA-256$") && !stored.contains(&password));
    let id: i64 = owner
        .query_one(
            "select id from dibs.users where login_role = $1 and role = 'rep'",
            &[&login],
        )
        .await
        .expect("user row")
        .get(0);

    // Holdings return to the pool on disable, after a preview.
    owner
        .execute(
            "insert into dibs.pool_members (pool_id, user_id) values ($1, $2)",
            &[&org.pool, &id],
        )
        .await
        .expect("member");
    let new_rep = as_person(&db, &login).await;
    let lead = common::leads(&owner, org.pool, 1).await[0];
    let claimed = common::act(&new_rep, dibs::domain::ownership::Action::ClaimLead(lead)).await;
    assert!(claimed.ok);
    let preview = run(&["user", "disable", &login], Some(&org.admin.1));
    let preview_text = String::from_utf8_lossy(&preview.stdout).into_owned();
    assert!(preview_text.contains("returns 1 lead(s)"), "{preview_text}");
    assert!(preview_text.contains("--yes"), "{preview_text}");
    assert_eq!(
        common::scalar(
            &owner,
            &format!("select count(*) from dibs.leads where owner_id = {id}")
        )
        .await,
        1,
        "a preview changes nothing"
    );
    let done = run(&["user", "disable", &login, "--yes"], Some(&org.admin.1));
    assert_eq!(
        done.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&done.stdout)
    );
    assert_eq!(
        common::scalar(
            &owner,
            &format!("select count(*) from dibs.leads where owner_id = {id}")
        )
        .await,
        0
    );
    assert_eq!(
        common::scalar(
            &owner,
            &format!("select count(*) from dibs.ownership_log where entity_id = {lead} and reason = 'user_disabled'")
        )
        .await,
        1
    );
    let can_login: bool = owner
        .query_one(
            "select rolcanlogin from pg_roles where rolname = $1",
            &[&login],
        )
        .await
        .expect("role")
        .get(0);
    assert!(!can_login, "a disabled person cannot log in");
    assert!(dibs::db::connect(&db.config_as(&login)).await.is_err());

    // The person's history shows the release on disable; re-parenting into a cycle is refused.
    let history = run(
        &["history", "person", &login, "--action", "release"],
        Some(&org.admin.1),
    );
    let history_text = String::from_utf8_lossy(&history.stdout).into_owned();
    assert!(history_text.contains("user_disabled"), "{history_text}");
    let customers = common::customers(&owner, org.customer_pool, 2).await;
    let (a, b) = (customers[0].to_string(), customers[1].to_string());
    let ok = run(
        &["customer", "reparent", &b, "--parent", &a],
        Some(&org.admin.1),
    );
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    let cycle = run(
        &["customer", "reparent", &a, "--parent", &b],
        Some(&org.admin.1),
    );
    assert_eq!(cycle.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&cycle.stdout).contains("cycle"));

    // Role and limit changes; a rep trying the same is refused with exit 3.
    let rep = org.reps[0].1.clone();
    let promoted = run(&["user", "set-role", &rep, "manager"], Some(&org.admin.1));
    assert_eq!(promoted.status.code(), Some(0));
    let member_of_manager: bool = owner
        .query_one("select pg_has_role($1, 'dibs_manager', 'member') and not pg_has_role($1, 'dibs_rep', 'member')", &[&rep])
        .await
        .expect("membership")
        .get(0);
    assert!(member_of_manager);
    let limit = run(
        &["user", "set-limit", &rep, "测试线索池", "7"],
        Some(&org.admin.1),
    );
    assert_eq!(limit.status.code(), Some(0));
    let refused = run(
        &["user", "set-role", &org.admin.1, "rep"],
        Some(&org.reps[0].1),
    );
    // reps[0] is a manager now: still not allowed to change roles.
    assert_eq!(
        refused.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&refused.stdout)
    );
    assert!(String::from_utf8_lossy(&refused.stdout).contains("not allowed"));
}
