//! The demo's channel partners (渠道报备): three partners of three tiers with their people,
//! registrations at different points of their protection (one expired), follow-ups by the
//! partners, and one partner-vs-direct review waiting for a manager — so `dibs open --user
//! hx_liqiang` shows the partner view and `dibs review list` (as guojuan) the review queue.

use tokio_postgres::Transaction;

use super::org::ensure_login_role;
use super::seed_error;
use crate::error::Error;

/// A demo partner: name, tier, its channel manager's login (or none), its people as
/// (login, name).
type DemoPartner = (
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static [(&'static str, &'static str)],
);

const PARTNERS: &[DemoPartner] = &[
    (
        "华信智联渠道",
        "gold",
        Some("guojuan"),
        &[("hx_liqiang", "李强"), ("hx_chenjing", "陈静")],
    ),
    (
        "蓝海伟业",
        "silver",
        Some("guojuan"),
        &[("lh_zhaomin", "赵敏")],
    ),
    ("启程科技", "registered", None, &[("qc_sunlei", "孙磊")]),
];

/// How many companies each partner holds registered in the demo.
const REGISTERED: [i64; 3] = [6, 3, 1];

pub async fn write_demo_partners(tx: &Transaction<'_>) -> Result<(), Error> {
    let err = |e: tokio_postgres::Error| seed_error(&e);
    for (index, (name, tier, manager, people)) in PARTNERS.iter().enumerate() {
        let partner: i64 = tx
            .query_one(
                "insert into dibs.partners (name, tier, channel_manager_id)
                 values ($1, $2, (select id from dibs.users where login_role = $3)) returning id",
                &[name, tier, manager],
            )
            .await
            .map_err(err)?
            .get(0);
        for (login, display) in people.iter() {
            ensure_login_role(tx, login, "dibs_partner").await?;
            tx.execute(
                "insert into dibs.users (login_role, display_name, role, partner_id)
                 values ($1, $2, 'partner', $3)",
                &[login, display, &partner],
            )
            .await
            .map_err(err)?;
        }
        // Open companies nobody holds (no record of the company owned): registered by the
        // partner's people in turn, started 1–40 days ago, with the tier's terms.
        tx.execute(
            "with picked as (
                 select c.id, row_number() over (order by c.id) as n
                 from dibs.customers c
                 where c.owner_id is null and c.status = 'active' and not c.locked
                   and not exists (select 1 from dibs.company_records(c.company_id) r where r.owner_id is not null)
                   and not exists (select 1 from dibs.registrations g where g.customer_id = c.id)
                 order by c.id offset $3 limit $2
             ), people as (
                 select u.id, row_number() over (order by u.id) - 1 as k, count(*) over () as m
                 from dibs.users u where u.partner_id = $1
             ), terms as (select * from dibs.partner_terms($1)), rows as (
                 select p.id as customer_id, u.id as owner_id,
                        now() - make_interval(days => (p.n * 7 % 40 + 1)::int) as starts_at
                 from picked p join people u on u.k = (p.n - 1) % u.m
             ), registered as (
                 insert into dibs.registrations (customer_id, registered_by, partner_id, partner_name, status,
                                                 starts_at, expires_at, max_until, created_at)
                 select r.customer_id, r.owner_id, $1, (select name from dibs.partners where id = $1), 'active',
                        r.starts_at, r.starts_at + t.protection, r.starts_at + t.max_protection, r.starts_at
                 from rows r, terms t
                 returning customer_id, registered_by, starts_at, expires_at
             )
             update dibs.customers c
             set owner_id = g.registered_by, owned_since = g.starts_at, team_id = null, protected_until = g.expires_at
             from registered g where c.id = g.customer_id",
            &[&partner, &REGISTERED[index], &(index as i64 * 40)],
        )
        .await
        .map_err(err)?;
    }
    // Follow-ups by the partners on what they registered; one registration of the gold
    // partner ran out last week (the company reopened); one review waits for a manager.
    tx.batch_execute(
        "insert into dibs.ownership_log (at, entity, entity_id, action, outcome, reason, actor_id, to_owner, pool_id,
                                         detail)
         select g.starts_at, 'customer', g.customer_id, 'register', 'ok', 'ok', g.registered_by, g.registered_by,
                c.pool_id, jsonb_build_object('partner', g.partner_id, 'until', g.expires_at)
         from dibs.registrations g join dibs.customers c on c.id = g.customer_id where g.partner_id is not null;
         insert into dibs.followups (customer_id, user_id, kind, note, happened_at)
         select g.customer_id, g.registered_by, 'visit', '渠道拜访，客户有采购计划', g.starts_at + interval '3 days'
         from dibs.registrations g where g.partner_id is not null and g.starts_at < now() - interval '3 days';
         update dibs.customers c set last_followup_at = f.at
         from (select customer_id, max(happened_at) as at from dibs.followups f
               join dibs.users u on u.id = f.user_id where u.partner_id is not null group by 1) f
         where c.id = f.customer_id;
         with one as (
             select c.id from dibs.customers c
             where c.owner_id is null and c.status = 'active' and not c.locked
               and not exists (select 1 from dibs.registrations g where g.customer_id = c.id)
             order by c.id desc limit 1
         )
         insert into dibs.registrations (customer_id, registered_by, partner_id, partner_name, status, starts_at,
                                         expires_at, max_until, created_at, ended_at)
         select one.id, u.id, u.partner_id, p.name, 'expired', now() - interval '100 days',
                now() - interval '10 days', now() - interval '10 days', now() - interval '100 days',
                now() - interval '10 days'
         from one, dibs.users u join dibs.partners p on p.id = u.partner_id where u.login_role = 'hx_liqiang';
         with held as (
             select c.id, c.company_id, c.owner_id, c.owned_since from dibs.customers c
             join dibs.users u on u.id = c.owner_id
             where u.login_role = 'wangfang' and c.status = 'active'
             order by c.id limit 1
         )
         insert into dibs.partner_reviews (customer_id, company_id, partner_id, requested_by, requested_at,
                                           rival_id, rival_since, note)
         select held.id, held.company_id, u.partner_id, u.id, now() - interval '5 hours', held.owner_id,
                held.owned_since, '我方三个月前已与客户采购部接洽，有会议纪要'
         from held, dibs.users u where u.login_role = 'lh_zhaomin';",
    )
    .await
    .map_err(err)
}
