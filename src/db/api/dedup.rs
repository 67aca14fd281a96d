//! The duplicate check's reads: the rules' weights, candidates from `dibs.dedup_candidates`
//! (indexes and visibility live there) and in-flight drafts. Scoring is pure
//! (`domain::score`); `dedup::check` puts the two together.

use tokio_postgres::GenericClient;

use crate::domain::ownership::Entity;
use crate::domain::score::{InFlight, StoredKeys, Weights};
use crate::error::Error;

/// Which evidence the enabled rules for `entity` checked against `against` allow: an admin
/// may switch the phone or e-mail-domain rule off (or give it no weight). The name's weights
/// and thresholds are the fitted model's (`domain::model`).
pub async fn load_weights<C: GenericClient>(
    client: &C,
    entity: Entity,
    against: Entity,
) -> Result<Weights, Error> {
    let rows = client
        .query(
            "select match_kind::text, threshold::float8, weight::float8 from dibs.dedup_rules
             where enabled and entity = $1::text::dibs.entity_kind and against = $2::text::dibs.entity_kind",
            &[&entity.as_sql(), &against.as_sql()],
        )
        .await
        .map_err(Error::doing("duplicate check"))?;
    let mut weights = Weights {
        phone: false,
        domain: false,
        ..Weights::default()
    };
    for row in rows {
        let (kind, weight): (String, f64) = (row.get(0), row.get(2));
        match kind.as_str() {
            "phone" => weights.phone = weight > 0.0,
            "email_domain" => weights.domain = weight > 0.0,
            _ => {}
        }
    }
    Ok(weights)
}

/// A stored record that may be the same company, with what the caller may see of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub id: i64,
    pub keys: StoredKeys,
    pub owner: Option<String>,
    pub team: Option<String>,
    pub status: String,
}

/// Up to 50 candidates for a draft among `against` records.
pub async fn candidates<C: GenericClient>(
    client: &C,
    name: &str,
    uscc: Option<&str>,
    phone: Option<&str>,
    email: Option<&str>,
    against: Entity,
) -> Result<Vec<Candidate>, Error> {
    let rows = client
        .query(
            "select entity, id, name, name_core, uscc, uscc_valid, phone_e164, email_domain, owner_name, team_name, status, country, aliases
             from dibs.dedup_candidates($1, $2, $3, $4, $5, 50)",
            &[&name, &uscc, &phone, &email, &against.as_sql()],
        )
        .await
        .map_err(Error::doing("duplicate check"))?;
    Ok(rows
        .iter()
        .map(|row| Candidate {
            id: row.get(1),
            keys: StoredKeys {
                name: row.get(2),
                uscc: row.get(4),
                uscc_valid: row.get(5),
                phone_e164: row.get(6),
                domain: row.get(7),
                country: row.get(11),
                aliases: row.get(12),
            },
            owner: row.get(8),
            team: row.get(9),
            status: row.get(10),
        })
        .collect())
}

/// Records the caller's draft and returns others' similar drafts of the last two minutes.
pub async fn touch_draft<C: GenericClient>(
    client: &C,
    entity: Entity,
    name: &str,
) -> Result<Vec<InFlight>, Error> {
    let rows = client
        .query(
            "select user_name, team_name, draft_name, seconds_ago from dibs.touch_draft($1, $2)",
            &[&entity.as_sql(), &name],
        )
        .await
        .map_err(Error::doing("duplicate check"))?;
    Ok(rows
        .iter()
        .map(|r| InFlight {
            user: r.get(0),
            team: r.get(1),
            draft: r.get(2),
            seconds_ago: r.get(3),
        })
        .collect())
}

/// Withdraws the caller's draft (the form was closed or saved).
pub async fn clear_draft<C: GenericClient>(client: &C, entity: Entity) -> Result<(), Error> {
    client
        .execute("select dibs.clear_draft($1)", &[&entity.as_sql()])
        .await
        .map_err(Error::doing("duplicate check"))?;
    Ok(())
}

/// Prepares a session for `legacy_candidates` (the old function set this threshold itself).
pub async fn legacy_session<C: GenericClient>(client: &C) -> Result<(), Error> {
    client
        .batch_execute("set pg_trgm.similarity_threshold = 0.5")
        .await
        .map_err(Error::doing("duplicate check"))
}

/// The candidate probes of the duplicate check before blocking keys (commit 3411b38): code,
/// phone, domain, core prefix and core trigrams, on active customers. For the benchmarks'
/// same-run baseline only (`bench::legacy`); reads as the table owner.
/// Returns (id, name, valid credit code, phone, domain).
pub async fn legacy_candidates<C: GenericClient>(
    client: &C,
    name: &str,
    valid_code: Option<&str>,
    phone_e164: Option<&str>,
    domain: Option<&str>,
) -> Result<Vec<LegacyCandidate>, Error> {
    let core = crate::domain::names::core_form(name);
    let rows = client
        .query(
            "with hits as (
                 (select c.id from dibs.customers c
                  where $2::text is not null and c.uscc = $2 and c.status = 'active' limit 5)
                 union all
                 (select c.id from dibs.customers c
                  where $3::text is not null and c.phone_e164 = $3 and c.status = 'active' limit 20)
                 union all
                 (select c.id from dibs.customers c
                  where $4::text is not null and c.email_domain = $4 and c.status = 'active' limit 20)
                 union all
                 (select c.id from dibs.customers c
                  where length($1) between 1 and 6 and c.name_core like replace(replace($1, '%', ''), '_', '') || '%'
                    and c.status = 'active'
                  order by length(c.name_core) limit 50)
                 union all
                 (select c.id from dibs.customers c
                  where length($1) >= 3 and c.name_core operator(dibs.%) $1 and c.status = 'active'
                  order by c.name_core operator(dibs.<->) $1 limit 50))
             select c.id, c.name, case when c.uscc_valid then c.uscc end, c.phone_e164, c.email_domain
             from (select distinct id from hits) h join dibs.customers c on c.id = h.id",
            &[&core, &valid_code, &phone_e164, &domain],
        )
        .await
        .map_err(Error::doing("duplicate check"))?;
    Ok(rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)))
        .collect())
}

/// (id, name, valid credit code, phone, domain)
pub type LegacyCandidate = (i64, String, Option<String>, Option<String>, Option<String>);

/// How many customers are active (benchmarks report it).
pub async fn active_customers<C: GenericClient>(client: &C) -> Result<i64, Error> {
    Ok(client
        .query_one(
            "select count(*) from dibs.customers where status = 'active'",
            &[],
        )
        .await
        .map_err(Error::doing("bench"))?
        .get(0))
}

/// Up to `n` names of stored customers, picked by a seeded random walk over ids (the same
/// sample for the same data), for benchmarks.
pub async fn sample_customer_names<C: GenericClient>(
    client: &C,
    n: usize,
    seed: u64,
) -> Result<Vec<String>, Error> {
    let max_id: i64 = client
        .query_one("select coalesce(max(id), 0) from dibs.customers", &[])
        .await
        .map_err(Error::doing("bench"))?
        .get(0);
    if max_id == 0 || n == 0 {
        return Ok(Vec::new());
    }
    let mut rng = crate::rng::SeededRng::new(seed);
    let ids: Vec<i64> = (0..n * 2).map(|_| rng.range(1, max_id)).collect();
    let rows = client
        .query(
            "select c.name from unnest($1::bigint[]) with ordinality u(id, o)
             join dibs.customers c on c.id = u.id order by u.o limit $2",
            &[&ids, &(n as i64)],
        )
        .await
        .map_err(Error::doing("bench"))?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}
