//! The import's database work, in bulk: the file's valid rows staged in a temporary table
//! (COPY), candidates for all of them found by one statement per slice (the same probes as
//! the live check: exact name keys, any name key, credit code, phone, domain), and the rows to
//! keep inserted a slice at a time, each slice in its own transaction, so the database's
//! triggers and rules still see every row.

use tokio_postgres::{Client, GenericClient};

use crate::db::copy::CopyWriter;
use crate::domain::ownership::Entity;
use crate::domain::score::StoredKeys;
use crate::error::Error;

/// One row as staged: its line, what it holds, and its blocking keys (computed by the client
/// with the rules the database applies on insert, kept in step by a test).
#[derive(Debug, Clone, Default)]
pub struct StagedRow {
    pub line: i64,
    pub name: String,
    pub uscc: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub region: Option<String>,
    pub industry: Option<String>,
    pub contact_name: Option<String>,
    pub source: Option<String>,
    pub country: Option<String>,
    /// Other names of the company, stored as its aliases (customers only).
    pub aka: Vec<String>,
    pub keys: Vec<String>,
    pub exact: Vec<String>,
}

/// A stored record that may be the company of a staged line.
#[derive(Debug, Clone)]
pub struct ImportCandidate {
    pub line: i64,
    pub id: i64,
    pub keys: StoredKeys,
}

fn failed(err: tokio_postgres::Error) -> Error {
    Error::db("import", &err)
}

/// A PostgreSQL array literal of texts.
fn array_literal(items: &[String]) -> String {
    let mut out = String::from("{");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('"');
        for c in item.chars() {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('"');
    }
    out.push('}');
    out
}

/// Stages `rows` in the session's temporary table `import_rows` (replacing an earlier one).
pub async fn stage(client: &mut Client, rows: &[StagedRow]) -> Result<(), Error> {
    let tx = client.transaction().await.map_err(failed)?;
    tx.batch_execute(
        "drop table if exists pg_temp.import_rows;
         create temp table import_rows (
             line bigint primary key, name text not null, uscc text, phone text, email text,
             region text, industry text, contact_name text, source text, country text,
             phone_e164 text, email_domain text, keys text[], exact text[], aka text[])",
    )
    .await
    .map_err(failed)?;
    let columns = [
        "line",
        "name",
        "uscc",
        "phone",
        "email",
        "region",
        "industry",
        "contact_name",
        "source",
        "country",
        "keys",
        "exact",
        "aka",
    ];
    let mut copy = CopyWriter::start(&tx, "import_rows", &columns)
        .await
        .map_err(failed)?;
    for row in rows {
        let line = row.line.to_string();
        let (keys, exact, aka) = (
            array_literal(&row.keys),
            array_literal(&row.exact),
            array_literal(&row.aka),
        );
        copy.row(&[
            Some(&line),
            Some(&row.name),
            row.uscc.as_deref(),
            row.phone.as_deref(),
            row.email.as_deref(),
            row.region.as_deref(),
            row.industry.as_deref(),
            row.contact_name.as_deref(),
            row.source.as_deref(),
            row.country.as_deref(),
            Some(&keys),
            Some(&exact),
            Some(&aka),
        ])
        .await
        .map_err(failed)?;
    }
    copy.finish().await.map_err(failed)?;
    // Phones and domains in the database's own forms (as the stored rows have them).
    tx.batch_execute(
        "update import_rows set phone_e164 = dibs.phone_e164(phone), email_domain = dibs.company_domain(email);
         analyze import_rows",
    )
    .await
    .map_err(failed)?;
    tx.commit().await.map_err(failed)
}

const CUSTOMER_CANDIDATES: &str = "
    select i.line, c.id, c.name, c.uscc, c.uscc_valid, c.phone_e164, c.email_domain, c.country,
           coalesce((select array_agg(x.name order by x.id) from dibs.customer_aliases x
                     where x.customer_id = c.id), '{}')
    from import_rows i
    cross join lateral (
        (select c.id from dibs.customers c where c.name_keys && i.exact and c.status = 'active' limit 10)
        union
        (select c.id from dibs.customers c where c.name_keys && i.keys and c.status = 'active' limit 20)
        union
        (select a.customer_id from dibs.customer_aliases a
         join dibs.customers c on c.id = a.customer_id and c.status = 'active'
         where a.name_keys && i.keys limit 10)
        union
        (select c.id from dibs.customers c
         where i.uscc is not null and c.uscc = i.uscc and c.uscc_valid and c.status = 'active' limit 3)
        union
        (select c.id from dibs.customers c
         where i.phone_e164 is not null and c.phone_e164 = i.phone_e164 and c.status = 'active' limit 5)
        union
        (select c.id from dibs.customers c
         where i.email_domain is not null and c.email_domain = i.email_domain and c.status = 'active' limit 5)
    ) h
    join dibs.customers c on c.id = h.id
    where i.line between $1 and $2";

const LEAD_CANDIDATES: &str = "
    select i.line, l.id, l.company_name, l.uscc, l.uscc_valid, l.phone_e164, l.email_domain, l.country,
           '{}'::text[]
    from import_rows i
    cross join lateral (
        (select l.id from dibs.leads l
         where l.name_keys && i.exact and l.status in ('new', 'working') limit 10)
        union
        (select l.id from dibs.leads l
         where l.name_keys && i.keys and l.status in ('new', 'working') limit 20)
        union
        (select l.id from dibs.leads l
         where i.uscc is not null and l.uscc = i.uscc and l.uscc_valid and l.status in ('new', 'working') limit 3)
        union
        (select l.id from dibs.leads l
         where i.phone_e164 is not null and l.phone_e164 = i.phone_e164 and l.status in ('new', 'working') limit 5)
        union
        (select l.id from dibs.leads l
         where i.email_domain is not null and l.email_domain = i.email_domain and l.status in ('new', 'working') limit 5)
    ) h
    join dibs.leads l on l.id = h.id
    where i.line between $1 and $2";

/// Candidates for the staged lines `first..=last`.
pub async fn candidates(
    client: &mut Client,
    against: Entity,
    first: i64,
    last: i64,
) -> Result<Vec<ImportCandidate>, Error> {
    let statement = match against {
        Entity::Customer => CUSTOMER_CANDIDATES,
        Entity::Lead => LEAD_CANDIDATES,
    };
    // Every probe has its index, read by a bitmap scan; with many keys the planner would
    // guess a scan of the table, or of an index that only filters by status, cheap (see
    // dibs.dedup_candidates_unrestricted). Only for this statement: the insert triggers'
    // lookups are planned well as they are.
    let tx = client.transaction().await.map_err(failed)?;
    tx.batch_execute(
        "set local enable_seqscan = off; set local enable_indexscan = off; set local jit = off",
    )
    .await
    .map_err(failed)?;
    let rows = tx
        .query(statement, &[&first, &last])
        .await
        .map_err(failed)?;
    tx.commit().await.map_err(failed)?;
    Ok(rows
        .iter()
        .map(|r| ImportCandidate {
            line: r.get(0),
            id: r.get(1),
            keys: StoredKeys {
                name: r.get(2),
                uscc: r.get(3),
                uscc_valid: r.get(4),
                phone_e164: r.get(5),
                domain: r.get(6),
                country: r.get(7),
                aliases: r.get(8),
            },
        })
        .collect())
}

const INSERT_CUSTOMERS: &str = "
    insert into dibs.customers (name, uscc, phone, email, region, industry, source, pool_id, country)
    select name, uscc, phone, email, region, industry, coalesce(source, 'import'), $2, country
    from import_rows where line = any($1) order by line";

const INSERT_LEADS: &str = "
    insert into dibs.leads (pool_id, company_name, uscc, phone, email, region, industry, contact_name, source, country)
    select $2, name, uscc, phone, email, region, industry, contact_name, coalesce(source, 'import'), country
    from import_rows where line = any($1) order by line";

/// Inserts the staged `lines` into `entity`'s table (in `pool`). All or nothing: a refusal by
/// the database (a block rule, a code taken meanwhile) fails the whole call, and the caller
/// retries line by line to find which.
pub async fn insert(
    client: &mut Client,
    entity: Entity,
    pool: Option<i64>,
    lines: &[i64],
) -> Result<u64, tokio_postgres::Error> {
    let statement = match entity {
        Entity::Customer => INSERT_CUSTOMERS,
        Entity::Lead => INSERT_LEADS,
    };
    let tx = client.transaction().await?;
    let inserted = tx.execute(statement, &[&lines, &pool]).await?;
    if entity == Entity::Customer {
        tx.execute(INSERT_ALIASES, &[&lines]).await?;
    }
    tx.commit().await?;
    Ok(inserted)
}

/// The `aka` names of the lines just inserted, as aliases of their new customers (the newest
/// active customer of the line's name: the one this transaction inserted).
const INSERT_ALIASES: &str = "
    insert into dibs.customer_aliases (customer_id, name, kind, source)
    select c.id, a.name, 'alias', 'import'
    from import_rows i
    cross join lateral unnest(i.aka) a(name)
    cross join lateral (select c.id from dibs.customers c
                        where c.name_core = dibs.name_core(i.name) and c.name = i.name
                          and c.status = 'active' order by c.id desc limit 1) c
    where i.line = any($1) and btrim(a.name) <> '' and a.name <> i.name
    on conflict (customer_id, name) do nothing";

/// Drops the staged rows.
pub async fn unstage<C: GenericClient>(client: &C) -> Result<(), Error> {
    client
        .batch_execute("drop table if exists pg_temp.import_rows")
        .await
        .map_err(failed)
}

/// The pool rows are imported into: the customer pool, or the lead pool named `name`.
pub async fn pool_for<C: GenericClient>(
    client: &C,
    entity: Entity,
    name: Option<&str>,
) -> Result<Option<i64>, Error> {
    let row = match entity {
        Entity::Customer => client
            .query_opt(
                "select id from dibs.pools where kind = 'customer' order by id limit 1",
                &[],
            )
            .await
            .map_err(failed)?,
        Entity::Lead => client
            .query_opt(
                "select id from dibs.pools where name = $1 and kind = 'lead'",
                &[&name.unwrap_or("")],
            )
            .await
            .map_err(failed)?,
    };
    Ok(row.map(|r| r.get(0)))
}

/// One customer inserted on its own (the import before issue 12 did every row this way; the
/// benchmarks' baseline).
pub async fn insert_one_customer<C: GenericClient>(
    client: &C,
    name: &str,
    phone: Option<&str>,
) -> Result<(), Error> {
    client
        .execute(
            "insert into dibs.customers (name, phone, source, pool_id)
             values ($1, $2, 'import', (select id from dibs.pools where kind = 'customer' order by id limit 1))",
            &[&name, &phone],
        )
        .await
        .map_err(failed)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::array_literal;

    #[test]
    fn array_literals_quote_and_escape_every_element() {
        assert_eq!(
            array_literal(&["t:恒信".into(), "b:a\"b\\c".into(), "k:x,y".into()]),
            r#"{"t:恒信","b:a\"b\\c","k:x,y"}"#
        );
        assert_eq!(array_literal(&[]), "{}");
    }
}
