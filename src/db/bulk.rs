//! Bulk writes (a backfill, a seed at scale): the GIN indexes of names normally take entries
//! one by one (fastupdate off, so the live check never scans a pending list); for a bulk write
//! their pending list is far faster, merged once at the end. Both steps run inside the bulk
//! write's transaction (ALTER INDEX is transactional), so a failure leaves them as they were.

use tokio_postgres::Transaction;

/// The GIN indexes of names (migration 8).
const GIN_INDEXES: [&str; 4] = [
    "dibs.customers_name_keys",
    "dibs.leads_name_keys",
    "dibs.customers_core_trgm",
    "dibs.leads_core_trgm",
];

fn fastupdate(on: bool) -> String {
    GIN_INDEXES
        .iter()
        .map(|index| format!("alter index {index} set (fastupdate = {on});"))
        .collect()
}

/// Before the bulk write.
pub async fn begin(tx: &Transaction<'_>) -> Result<(), tokio_postgres::Error> {
    tx.batch_execute(&fastupdate(true)).await
}

/// After it, before commit: merge the pending lists, back to entries one by one.
pub async fn end(tx: &Transaction<'_>) -> Result<(), tokio_postgres::Error> {
    for index in GIN_INDEXES {
        tx.execute(
            "select gin_clean_pending_list($1::text::regclass)",
            &[&index],
        )
        .await?;
    }
    tx.batch_execute(&fastupdate(false)).await
}
