//! The demo organisation: teams per sales region, managers, ~30 reps with login roles,
//! and the pools they work in.

use std::collections::HashSet;

use tokio_postgres::Transaction;

use crate::error::Error;
use crate::rng::SeededRng;
use crate::seed::generate::person;
use crate::seed::seed_error;

/// The login `dibs demo` opens the app as.
pub const DEMO_REP_LOGIN: &str = "wangfang";
pub const DEMO_REP_NAME: &str = "王芳";
pub const REPS_PER_TEAM: usize = 5;

const TEAMS: &[(&str, &str)] = &[
    ("华东一组", "华东"),
    ("华东二组", "华东"),
    ("华南组", "华南"),
    ("华北组", "华北"),
    ("西南组", "西南"),
    ("华中组", "华中"),
];

pub struct PoolSpec {
    pub name: &'static str,
    pub kind: &'static str,
    pub sector: Option<&'static str>,
    pub area: Option<&'static str>,
    pub holding_limit: i32,
    pub daily_claim_cap: i32,
    pub cooldown_days: i32,
    pub idle_days: i32,
    pub unconverted_days: i32,
}

pub const POOLS: &[PoolSpec] = &[
    PoolSpec {
        name: "华东制造业线索池",
        kind: "lead",
        sector: Some("制造业"),
        area: Some("华东"),
        holding_limit: 40,
        daily_claim_cap: 15,
        cooldown_days: 7,
        idle_days: 14,
        unconverted_days: 60,
    },
    PoolSpec {
        name: "华南互联网线索池",
        kind: "lead",
        sector: Some("互联网"),
        area: Some("华南"),
        holding_limit: 30,
        daily_claim_cap: 10,
        cooldown_days: 3,
        idle_days: 7,
        unconverted_days: 30,
    },
    PoolSpec {
        name: "全国金融线索池",
        kind: "lead",
        sector: Some("金融"),
        area: None,
        holding_limit: 25,
        daily_claim_cap: 8,
        cooldown_days: 14,
        idle_days: 10,
        unconverted_days: 45,
    },
    PoolSpec {
        name: "通用线索池",
        kind: "lead",
        sector: None,
        area: None,
        holding_limit: 50,
        daily_claim_cap: 20,
        cooldown_days: 7,
        idle_days: 14,
        unconverted_days: 90,
    },
    PoolSpec {
        name: "公海客户池",
        kind: "customer",
        sector: None,
        area: None,
        holding_limit: 200,
        daily_claim_cap: 10,
        cooldown_days: 30,
        idle_days: 90,
        unconverted_days: 365,
    },
];

#[derive(Debug, Clone)]
pub struct Rep {
    pub id: i64,
    pub team_id: i64,
    pub manager_id: i64,
    pub area: String,
}

#[derive(Debug, Clone)]
pub struct Pool {
    pub id: i64,
    pub kind: String,
    pub sector: Option<String>,
    pub area: Option<String>,
    pub holding_limit: i32,
    pub members: Vec<i64>,
    /// Each member's effective limit: the personal override, else the pool's.
    pub member_limits: Vec<i32>,
}

impl Pool {
    pub fn limit_of(&self, user_id: i64) -> i32 {
        self.members
            .iter()
            .position(|m| *m == user_id)
            .map(|i| self.member_limits[i])
            .unwrap_or(self.holding_limit)
    }
}

#[derive(Debug, Clone)]
pub struct Org {
    pub reps: Vec<Rep>,
    pub pools: Vec<Pool>,
}

impl Org {
    pub fn rep(&self, id: i64) -> Option<&Rep> {
        self.reps.iter().find(|r| r.id == id)
    }

    pub fn customer_pool(&self) -> Option<&Pool> {
        self.pools.iter().find(|p| p.kind == "customer")
    }

    /// The lead pool for a company's sector and sales region; the general pool otherwise.
    pub fn lead_pool_for(&self, sector: &str, area: &str) -> Option<&Pool> {
        let lead_pools = || self.pools.iter().filter(|p| p.kind == "lead");
        fn sector_of(s: &str) -> &str {
            if s == "IT" { "互联网" } else { s }
        }
        lead_pools()
            .find(|p| {
                p.sector.as_deref() == Some(sector_of(sector))
                    && p.area.as_deref().is_none_or(|a| a == area)
            })
            .or_else(|| lead_pools().find(|p| p.sector.is_none()))
    }
}

/// Creates the login role of a person if the cluster lacks it. Roles are cluster-wide, so
/// several databases of one cluster (tests) may race here: a lost race is not an error.
pub(crate) async fn ensure_login_role(
    tx: &Transaction<'_>,
    login: &str,
    group: &str,
) -> Result<(), Error> {
    let login_lit = format!("'{}'", login.replace('\'', "''"));
    let group_lit = format!("'{}'", group.replace('\'', "''"));
    let (login, group) = (crate::db::quote_ident(login), crate::db::quote_ident(group));
    let sql = format!(
        "do $$ begin
             if not exists (select 1 from pg_roles where rolname = {login_lit}) then
                 begin
                     create role {login} login in role {group};
                 exception when duplicate_object or unique_violation then null;
                 end;
             end if;
             -- A role another database's seed created a moment ago may not be visible to this
             -- statement yet; that seed grants the same membership.
             begin
                 if not pg_has_role({login_lit}, {group_lit}, 'member') then
                     grant {group} to {login};
                 end if;
             exception when duplicate_object or unique_violation or undefined_object then null;
             end;
         end $$"
    );
    tx.batch_execute(&sql).await.map_err(|e| seed_error(&e))
}

/// Loads the organisation, creating the demo one first when there is none.
pub async fn ensure_organisation(tx: &Transaction<'_>, rng: &SeededRng) -> Result<Org, Error> {
    let has_users: bool = tx
        .query_one("select exists (select 1 from dibs.users)", &[])
        .await
        .map_err(|e| seed_error(&e))?
        .get(0);
    if !has_users {
        create_organisation(tx, &mut rng.fork(1)).await?;
    }
    load_organisation(tx).await
}

async fn create_organisation(tx: &Transaction<'_>, rng: &mut SeededRng) -> Result<(), Error> {
    let err = |e: tokio_postgres::Error| seed_error(&e);
    for (index, (name, area)) in TEAMS.iter().enumerate() {
        let id = index as i64 + 1;
        tx.execute(
            "insert into dibs.teams (id, name, region) overriding system value values ($1, $2, $3)",
            &[&id, name, area],
        )
        .await
        .map_err(err)?;
    }
    ensure_login_role(tx, "ops_admin", "dibs_admin").await?;
    tx.execute(
        "insert into dibs.users (id, login_role, display_name, role) overriding system value \
         values (1, 'ops_admin', '运维管理员', 'admin')",
        &[],
    )
    .await
    .map_err(err)?;

    let mut logins: HashSet<String> =
        HashSet::from(["ops_admin".to_string(), DEMO_REP_LOGIN.to_string()]);
    let mut unique_person = |rng: &mut SeededRng| loop {
        let candidate = person(rng);
        if logins.insert(candidate.pinyin.clone()) {
            return candidate;
        }
    };
    let mut next_id: i64 = 2;
    for team_index in 0..TEAMS.len() {
        let team_id = team_index as i64 + 1;
        let manager = unique_person(rng);
        ensure_login_role(tx, &manager.pinyin, "dibs_manager").await?;
        tx.execute(
            "insert into dibs.users (id, login_role, display_name, role, team_id) overriding system value \
             values ($1, $2, $3, 'manager', $4)",
            &[&next_id, &manager.pinyin, &manager.name, &team_id],
        )
        .await
        .map_err(err)?;
        next_id += 1;
    }
    for team_index in 0..TEAMS.len() {
        let team_id = team_index as i64 + 1;
        for slot in 0..REPS_PER_TEAM {
            let (login, name) = if team_index == 0 && slot == 0 {
                (DEMO_REP_LOGIN.to_string(), DEMO_REP_NAME.to_string())
            } else {
                let p = unique_person(rng);
                (p.pinyin, p.name)
            };
            ensure_login_role(tx, &login, "dibs_rep").await?;
            tx.execute(
                "insert into dibs.users (id, login_role, display_name, role, team_id) \
                 overriding system value values ($1, $2, $3, 'rep', $4)",
                &[&next_id, &login, &name, &team_id],
            )
            .await
            .map_err(err)?;
            next_id += 1;
        }
    }

    for (index, spec) in POOLS.iter().enumerate() {
        let id = index as i64 + 1;
        tx.execute(
            "insert into dibs.pools (id, name, kind, industry, region, holding_limit, daily_claim_cap, cooldown, \
                 recycle_after_idle, recycle_after_unconverted, mask_contacts) overriding system value \
             values ($1, $2, $3::text::dibs.pool_kind, $4, $5, $6, $7, make_interval(days => $8), \
                     make_interval(days => $9), make_interval(days => $10), $11)",
            &[
                &id,
                &spec.name,
                &spec.kind,
                &spec.sector,
                &spec.area,
                &spec.holding_limit,
                &spec.daily_claim_cap,
                &spec.cooldown_days,
                &spec.idle_days,
                &spec.unconverted_days,
                &(spec.kind == "lead"),
            ],
        )
        .await
        .map_err(err)?;
        // Regional pools take that region's reps; national pools take every rep.
        tx.execute(
            "insert into dibs.pool_members (pool_id, user_id) \
             select $1, u.id from dibs.users u join dibs.teams t on t.id = u.team_id \
             where u.role = 'rep' and ($2::text is null or t.region = $2)",
            &[&id, &spec.area],
        )
        .await
        .map_err(err)?;
    }
    // A few reps carry a personal limit in the lead pools: seniors more, new hires fewer.
    tx.execute(
        "update dibs.pool_members m set holding_limit = case when m.user_id % 11 = 0 then 60 else 10 end \
         from dibs.pools p where p.id = m.pool_id and p.kind = 'lead' and m.user_id % 11 in (0, 5)",
        &[],
    )
    .await
    .map_err(err)?;
    Ok(())
}

async fn load_organisation(tx: &Transaction<'_>) -> Result<Org, Error> {
    let err = |e: tokio_postgres::Error| seed_error(&e);
    let reps = tx
        .query(
            "select u.id, u.team_id, coalesce(m.id, u.id), t.region \
             from dibs.users u join dibs.teams t on t.id = u.team_id \
             left join lateral (select id from dibs.users where role = 'manager' and team_id = u.team_id \
                                order by id limit 1) m on true \
             where u.role = 'rep' and u.active order by u.id",
            &[],
        )
        .await
        .map_err(err)?
        .iter()
        .map(|r| Rep { id: r.get(0), team_id: r.get(1), manager_id: r.get(2), area: r.get(3) })
        .collect();
    let pools = tx
        .query(
            "select p.id, p.kind::text, p.industry, p.region, p.holding_limit, \
                    coalesce(array_agg(m.user_id order by m.user_id) filter (where m.user_id is not null), '{}'), \
                    coalesce(array_agg(coalesce(m.holding_limit, p.holding_limit) order by m.user_id) \
                             filter (where m.user_id is not null), '{}') \
             from dibs.pools p left join dibs.pool_members m on m.pool_id = p.id group by p.id order by p.id",
            &[],
        )
        .await
        .map_err(err)?
        .iter()
        .map(|r| Pool {
            id: r.get(0),
            kind: r.get(1),
            sector: r.get(2),
            area: r.get(3),
            holding_limit: r.get(4),
            members: r.get(5),
            member_limits: r.get(6),
        })
        .collect();
    Ok(Org { reps, pools })
}
