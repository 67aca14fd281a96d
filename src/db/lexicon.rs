//! The database's copy of the name lexicons (`dibs.lex_*`), loaded from the data this binary
//! is built with (`domain::lexicon`), so that SQL and Rust take names apart alike. After the
//! migrations and code: when the data or the SQL that computes keys has changed since the
//! last load, the tables are reloaded and every stored name's keys are recomputed.

use tokio_postgres::{Client, GenericClient};

use super::migrate::{CODE, checksum};
use crate::domain::lexicon::{SOURCES, lexicon};
use crate::error::Error;

/// The code file whose functions compute the keys.
const KEYS_CODE: &str = "12_name_keys.sql";
/// Its record in `dibs.schema_code`.
const RECORD: &str = "lexicons";

/// What the stored keys depend on: the lexicon data and the SQL that uses it.
pub fn fingerprint() -> String {
    let mut all = String::new();
    for source in SOURCES {
        all.push_str(source);
    }
    for code in CODE.iter().filter(|c| c.name == KEYS_CODE) {
        all.push_str(code.sql);
    }
    checksum(&all)
}

pub async fn is_current<C: GenericClient>(client: &C) -> bool {
    client
        .query_opt(
            "select checksum from dibs.schema_code where name = $1",
            &[&RECORD],
        )
        .await
        .ok()
        .flatten()
        .map(|row| row.get::<_, String>(0))
        == Some(fingerprint())
}

fn failed(err: tokio_postgres::Error) -> Error {
    Error::db("loading the name lexicons", &err)
}

/// Reloads the lexicons and recomputes the stored keys when they are stale. Returns whether
/// it did. Runs under the migration lock, in one transaction.
pub async fn sync(client: &mut Client, lock_key: i64) -> Result<bool, Error> {
    let tx = client.transaction().await.map_err(failed)?;
    tx.execute("select pg_advisory_xact_lock($1)", &[&lock_key])
        .await
        .map_err(failed)?;
    if is_current(&tx).await {
        return Ok(false);
    }
    let lex = lexicon();
    let (mut written, mut ord, mut place_text, mut county_only) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (name, places) in &lex.places {
        for (index, place) in places.iter().enumerate() {
            written.push(name.as_str());
            ord.push(index as i32);
            place_text.push(format!(
                "{}/{}/{}",
                place.province,
                place.city.as_deref().unwrap_or(""),
                place.county.as_deref().unwrap_or("")
            ));
            county_only.push(lex.county_short.contains(name));
        }
    }
    let industries: Vec<&str> = lex.industries.iter().map(String::as_str).collect();
    let (characters, readings): (Vec<String>, Vec<String>) = lex
        .pinyin
        .iter()
        .map(|(c, r)| (c.to_string(), r.join(" ")))
        .unzip();
    let generic: Vec<&str> = lex.generic_en.iter().copied().collect();
    tx.batch_execute(
        "delete from dibs.lex_places;
         delete from dibs.lex_industries; delete from dibs.lex_pinyin; delete from dibs.lex_generic_en",
    )
    .await
    .map_err(failed)?;
    tx.execute(
        "insert into dibs.lex_places (written, ord, place, county_only)
         select * from unnest($1::text[], $2::int[], $3::text[], $4::bool[])",
        &[&written, &ord, &place_text, &county_only],
    )
    .await
    .map_err(failed)?;
    tx.execute(
        "insert into dibs.lex_industries (word) select unnest($1::text[])",
        &[&industries],
    )
    .await
    .map_err(failed)?;
    tx.execute(
        "insert into dibs.lex_pinyin select c, string_to_array(r, ' ') from unnest($1::text[], $2::text[]) u(c, r)",
        &[&characters, &readings],
    )
    .await
    .map_err(failed)?;
    tx.execute(
        "insert into dibs.lex_generic_en select unnest($1::text[])",
        &[&generic],
    )
    .await
    .map_err(failed)?;
    // The keys trigger recomputes whatever is written to the column.
    tx.batch_execute(
        "analyze dibs.lex_places, dibs.lex_industries, dibs.lex_pinyin, dibs.lex_generic_en;
         update dibs.customers set name_keys = '{}';
         update dibs.leads set name_keys = '{}'",
    )
    .await
    .map_err(failed)?;
    tx.execute(
        "insert into dibs.schema_code (name, checksum) values ($1, $2)
         on conflict (name) do update set checksum = excluded.checksum, applied_at = now()",
        &[&RECORD, &fingerprint()],
    )
    .await
    .map_err(failed)?;
    tx.commit().await.map_err(failed)?;
    Ok(true)
}
