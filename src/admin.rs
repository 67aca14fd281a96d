//! Client side of the database's administration functions (`dibs.user_*`, `transfer_all`,
//! `undo_transfer`, `reparent_customer`, …): one call shape, one answer, one way to say it.
//! The CLI and the app both use it; the database decides.

use serde::Serialize;
use tokio_postgres::GenericClient;

use crate::error::Error;
use crate::text::AdminText;

/// The answer of an administration function (`dibs.admin_result`).
#[derive(Debug, Clone, Serialize)]
pub struct AdminOutcome {
    pub ok: bool,
    pub reason: String,
    pub user_id: Option<i64>,
    pub detail: Option<serde_json::Value>,
}

impl AdminOutcome {
    /// The outcome in words, naming what was asked (`what`).
    pub fn words(&self, what: &str) -> AdminText {
        if self.ok {
            AdminText::AdminDone {
                what: what.to_string(),
                detail: self.detail.as_ref().map(|d| d.to_string()),
            }
        } else {
            AdminText::AdminRefused {
                what: what.to_string(),
                reason: self.reason.clone(),
            }
        }
    }
}

/// Runs one administration function call, e.g. `dibs.user_disable($1)`.
pub async fn call<C: GenericClient>(
    client: &C,
    function_call: &str,
    params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
) -> Result<AdminOutcome, Error> {
    let row = client
        .query_one(
            &format!("select (r).ok, (r).reason, (r).user_id, (r).detail from {function_call} r"),
            params,
        )
        .await
        .map_err(|e| Error::db("user administration", &e))?;
    Ok(AdminOutcome {
        ok: row.get(0),
        reason: row.get(1),
        user_id: row.get(2),
        detail: row.get(3),
    })
}
