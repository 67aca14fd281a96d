//! Demo and scale seeds: realistic, consistent with the invariants, deterministic.

use dibs::seed::{DEFAULT_SEED, seed_demo, seed_scale};
use dibs::testkit::TestDatabase;
use tokio_postgres::Client;

async fn count(client: &Client, sql: &str) -> i64 {
    client
        .query_one(sql, &[])
        .await
        .unwrap_or_else(|e| panic!("{sql}: {}", dibs::db::error_detail(&e)))
        .get(0)
}

/// A digest of what a person would see, ignoring timestamps (they follow the clock).
async fn digest(client: &Client) -> String {
    client
        .query_one(
            "select md5(
                 (select string_agg(concat_ws('|', id, name, uscc, owner_id, parent_id, phone, locked), ',' order by id)
                    from dibs.customers) ||
                 (select string_agg(concat_ws('|', id, company_name, owner_id, pool_id, phone, email, status), ',' order by id)
                    from dibs.leads) ||
                 (select string_agg(concat_ws('|', id, customer_id, name, title, reports_to), ',' order by id)
                    from dibs.contacts) ||
                 (select string_agg(concat_ws('|', id, login_role, display_name, team_id), ',' order by id)
                    from dibs.users))",
            &[],
        )
        .await
        .expect("digest")
        .get(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_data_is_a_realistic_organisation() {
    let db = TestDatabase::new().await;
    let mut client = db.client().await;
    let report = seed_demo(&mut client, DEFAULT_SEED).await.expect("seed");
    assert!(
        report.customers >= 2000 && report.leads >= 2500,
        "{report:?}"
    );

    assert_eq!(
        count(
            &client,
            "select count(*) from dibs.users where role = 'rep'"
        )
        .await,
        30
    );
    assert!(count(&client, "select count(distinct region) from dibs.teams").await >= 4);
    assert!(
        count(
            &client,
            "select count(*) from dibs.pools where kind = 'lead'"
        )
        .await
            >= 3
    );
    // Group companies three levels deep: HQ → subsidiary → branch.
    let branches = count(
        &client,
        "select count(*) from dibs.customers b join dibs.customers s on s.id = b.parent_id \
         join dibs.customers h on h.id = s.parent_id where b.name like '%分公司'",
    )
    .await;
    assert!(branches >= 10, "{branches} branches");
    // Org charts: most contacts report to someone in the same company.
    let reporting = count(
        &client,
        "select count(*) from dibs.contacts c join dibs.contacts b on b.id = c.reports_to \
         where b.customer_id = c.customer_id",
    )
    .await;
    assert!(reporting >= 1000, "{reporting} reporting lines");
    assert_eq!(
        count(&client, "select count(*) from dibs.contacts c join dibs.contacts b on b.id = c.reports_to where b.customer_id <> c.customer_id").await,
        0,
        "nobody reports across companies"
    );
    assert!(
        count(
            &client,
            "select count(distinct stage_id) from dibs.opportunities"
        )
        .await
            >= 5
    );
    // English names exist beside Chinese ones.
    assert!(
        count(
            &client,
            "select count(*) from dibs.leads where company_name ~ '^[A-Z]'"
        )
        .await
            > 0
    );
    // Deliberate near-duplicates: customers sharing a core name, leads that are existing customers.
    let customer_pairs = count(
        &client,
        "select count(*) from dibs.customers a join dibs.customers b on a.name_core = b.name_core and a.id < b.id \
         where a.parent_id is null and b.parent_id is null",
    )
    .await;
    assert!(
        customer_pairs >= 20,
        "{customer_pairs} near-duplicate customer pairs"
    );
    let lead_collisions = count(
        &client,
        "select count(distinct l.id) from dibs.leads l join dibs.customers c on c.name_core = l.name_core",
    )
    .await;
    assert!(
        lead_collisions >= 100,
        "{lead_collisions} leads matching customers"
    );
    // Shared switchboard numbers across unrelated leads (hard negatives for phone matching).
    assert!(
        count(
            &client,
            "select count(*) from dibs.leads where phone_e164 = '+864008208820'"
        )
        .await
            >= 5
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_data_keeps_the_ownership_invariants() {
    let db = TestDatabase::new().await;
    let mut client = db.client().await;
    seed_demo(&mut client, DEFAULT_SEED).await.expect("seed");
    let over_limit = count(
        &client,
        "select count(*) from (
             select l.pool_id, l.owner_id, count(*) as held, max(coalesce(m.holding_limit, p.holding_limit)) as lim
             from dibs.leads l join dibs.pools p on p.id = l.pool_id
             left join dibs.pool_members m on m.pool_id = l.pool_id and m.user_id = l.owner_id
             where l.owner_id is not null and l.status in ('new', 'working')
             group by 1, 2) h where held > lim",
    )
    .await;
    assert_eq!(over_limit, 0, "no rep over a holding limit");
    let non_members = count(
        &client,
        "select count(*) from dibs.leads l where l.owner_id is not null and not exists \
         (select 1 from dibs.pool_members m where m.pool_id = l.pool_id and m.user_id = l.owner_id)",
    )
    .await;
    assert_eq!(
        non_members, 0,
        "leads are held only by members of their pool"
    );
    let unlogged = count(
        &client,
        "select (select count(*) from dibs.leads l where owner_id is not null and not exists \
                    (select 1 from dibs.ownership_log g where g.entity = 'lead' and g.entity_id = l.id and g.to_owner = l.owner_id)) + \
                (select count(*) from dibs.customers c where owner_id is not null and not exists \
                    (select 1 from dibs.ownership_log g where g.entity = 'customer' and g.entity_id = c.id and g.to_owner = c.owner_id))",
    )
    .await;
    assert_eq!(unlogged, 0, "every owner has its log row");
    let bad_followups = count(
        &client,
        "select count(*) from dibs.leads l where l.last_followup_at is distinct from \
         (select max(happened_at) from dibs.followups f where f.lead_id = l.id)",
    )
    .await;
    assert_eq!(bad_followups, 0, "last follow-up matches the follow-up log");
    let protected_without_registration = count(
        &client,
        "select count(*) from dibs.customers c where protected_until > now() and not exists \
         (select 1 from dibs.registrations r where r.customer_id = c.id and r.status = 'active')",
    )
    .await;
    assert_eq!(protected_without_registration, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_same_seed_gives_the_same_data_and_another_seed_does_not() {
    let (first, second, third) = (
        TestDatabase::new().await,
        TestDatabase::new().await,
        TestDatabase::new().await,
    );
    let (mut a, mut b, mut c) = (
        first.client().await,
        second.client().await,
        third.client().await,
    );
    let (ra, rb, rc) = tokio::join!(
        seed_demo(&mut a, 7),
        seed_demo(&mut b, 7),
        seed_demo(&mut c, 8)
    );
    ra.expect("seed a");
    rb.expect("seed b");
    rc.expect("seed c");
    assert_eq!(digest(&a).await, digest(&b).await);
    assert_ne!(digest(&a).await, digest(&c).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_seed_refuses_a_database_with_data() {
    let db = TestDatabase::new().await;
    let mut client = db.client().await;
    seed_demo(&mut client, 1).await.expect("first seed");
    let before = digest(&client).await;
    let err = seed_demo(&mut client, 1)
        .await
        .expect_err("second seed refused");
    assert!(err.to_string().contains("already holds data"), "{err}");
    assert_eq!(digest(&client).await, before, "nothing changed");
}

#[tokio::test(flavor = "multi_thread")]
async fn scale_seed_adds_rows_by_copy_after_existing_ones() {
    let db = TestDatabase::new().await;
    let mut client = db.client().await;
    let report = seed_scale(&mut client, 3, 5_000, 1_000)
        .await
        .expect("scale seed on an empty database");
    assert_eq!((report.customers, report.leads), (5_000, 1_000));
    seed_scale(&mut client, 3, 2_000, 0)
        .await
        .expect("second batch");
    assert_eq!(
        count(&client, "select count(*) from dibs.customers").await,
        7_000
    );
    let distinct_names = count(&client, "select count(distinct name) from dibs.customers").await;
    assert!(distinct_names > 5_000, "{distinct_names} distinct names");
    // Sequences moved past the explicit ids: an ordinary insert still works.
    let id: i64 = client
        .query_one(
            "insert into dibs.customers (name) values ('新客户有限公司') returning id",
            &[],
        )
        .await
        .expect("insert after seed")
        .get(0);
    assert_eq!(id, 7_001);
    assert!(
        count(
            &client,
            "select count(*) from dibs.customers where uscc_valid"
        )
        .await
            > 4_000
    );
    assert_eq!(
        count(
            &client,
            "select count(*) from dibs.customers where owner_id is not null"
        )
        .await,
        0
    );
}
