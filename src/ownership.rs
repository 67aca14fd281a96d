//! Client side of the ownership engine: typed calls to the database functions in
//! `sql/0002_ownership.sql` and their outcomes. No rule is decided here — the database
//! decides; this module only carries the answer and puts it into words.

use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio_postgres::{Client, GenericClient, Row};

use crate::text::{Text, UserError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Entity {
    Lead,
    Customer,
}

impl Entity {
    pub fn as_sql(self) -> &'static str {
        match self {
            Entity::Lead => "lead",
            Entity::Customer => "customer",
        }
    }
}

/// Why an ownership call did or did not change anything (the database's reason codes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    Ok,
    AlreadyYours,
    AlreadyTheirs,
    AlreadyOwnedBy,
    OverLimit,
    Cooldown,
    DailyCap,
    ProtectedBy,
    Locked,
    NotMember,
    NotPermitted,
    NotOwner,
    NotFound,
    NotClaimable,
    Changed,
    UnknownUser,
    InvalidArgument,
    DuplicateCreditCode,
    /// A warn rule found a probable duplicate: saving needs a reason.
    NeedsOverride,
    /// A block rule (or the unique credit code) refused the new record.
    DuplicateBlocked,
    /// A code this client does not know yet (a newer server): shown as is.
    Other(String),
}

impl Reason {
    pub fn parse(code: &str) -> Reason {
        match code {
            "ok" => Reason::Ok,
            "already_yours" => Reason::AlreadyYours,
            "already_theirs" => Reason::AlreadyTheirs,
            "already_owned_by" => Reason::AlreadyOwnedBy,
            "over_limit" => Reason::OverLimit,
            "cooldown" => Reason::Cooldown,
            "daily_cap" => Reason::DailyCap,
            "protected_by" => Reason::ProtectedBy,
            "locked" => Reason::Locked,
            "not_member" => Reason::NotMember,
            "not_permitted" => Reason::NotPermitted,
            "not_owner" => Reason::NotOwner,
            "not_found" => Reason::NotFound,
            "not_claimable" => Reason::NotClaimable,
            "changed" => Reason::Changed,
            "unknown_user" => Reason::UnknownUser,
            "invalid_argument" => Reason::InvalidArgument,
            "duplicate_credit_code" => Reason::DuplicateCreditCode,
            "needs_override" => Reason::NeedsOverride,
            "duplicate_blocked" => Reason::DuplicateBlocked,
            other => Reason::Other(other.to_string()),
        }
    }

    pub fn code(&self) -> &str {
        match self {
            Reason::Ok => "ok",
            Reason::AlreadyYours => "already_yours",
            Reason::AlreadyTheirs => "already_theirs",
            Reason::AlreadyOwnedBy => "already_owned_by",
            Reason::OverLimit => "over_limit",
            Reason::Cooldown => "cooldown",
            Reason::DailyCap => "daily_cap",
            Reason::ProtectedBy => "protected_by",
            Reason::Locked => "locked",
            Reason::NotMember => "not_member",
            Reason::NotPermitted => "not_permitted",
            Reason::NotOwner => "not_owner",
            Reason::NotFound => "not_found",
            Reason::NotClaimable => "not_claimable",
            Reason::Changed => "changed",
            Reason::UnknownUser => "unknown_user",
            Reason::InvalidArgument => "invalid_argument",
            Reason::DuplicateCreditCode => "duplicate_credit_code",
            Reason::NeedsOverride => "needs_override",
            Reason::DuplicateBlocked => "duplicate_blocked",
            Reason::Other(code) => code,
        }
    }
}

/// The answer of one ownership call.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    pub ok: bool,
    pub reason: Reason,
    pub entity: Entity,
    pub id: i64,
    pub owner_id: Option<i64>,
    pub other_user_id: Option<i64>,
    pub other_user_name: Option<String>,
    pub other_since: Option<DateTime<Utc>>,
    pub detail: Option<serde_json::Value>,
}

impl Outcome {
    fn from_row(row: &Row) -> Outcome {
        let entity: String = row.get("entity_text");
        Outcome {
            ok: row.get("ok"),
            reason: Reason::parse(row.get::<_, &str>("reason")),
            entity: if entity == "customer" {
                Entity::Customer
            } else {
                Entity::Lead
            },
            id: row.get::<_, Option<i64>>("entity_id").unwrap_or_default(),
            owner_id: row.get("owner_id"),
            other_user_id: row.get("other_user_id"),
            other_user_name: row.get("other_user_name"),
            other_since: row.get("other_since"),
            detail: row.get("detail"),
        }
    }

    fn detail_i64(&self, key: &str) -> Option<i64> {
        self.detail.as_ref()?.get(key)?.as_i64()
    }

    fn detail_time(&self, key: &str) -> Option<DateTime<Utc>> {
        let text = self.detail.as_ref()?.get(key)?.as_str()?;
        DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|t| t.with_timezone(&Utc))
            .or_else(|| {
                // PostgreSQL's jsonb renders timestamptz as "2026-11-26T19:10:20.89+00:00".
                DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%:z")
                    .ok()
                    .map(|t| t.with_timezone(&Utc))
            })
    }

    /// The records a warn rule found ("华为技术有限公司 (李娜)"), for the override question.
    pub fn candidate_names(&self) -> Vec<String> {
        let Some(list) = self
            .detail
            .as_ref()
            .and_then(|d| d.get("candidates"))
            .and_then(|c| c.as_array())
        else {
            return Vec::new();
        };
        list.iter()
            .map(|c| {
                let name = c.get("name").and_then(|n| n.as_str()).unwrap_or("?");
                match c.get("owner").and_then(|o| o.as_str()) {
                    Some(owner) => format!("{name} ({owner})"),
                    None => name.to_string(),
                }
            })
            .collect()
    }

    /// The outcome in words for a sales-ops person, relative to `now`.
    pub fn words(&self, now: DateTime<Utc>) -> Text {
        let other = self.other_user_name.clone().unwrap_or_else(|| "?".into());
        let ago = self
            .other_since
            .map(|t| now.signed_duration_since(t).num_seconds().max(0));
        match &self.reason {
            Reason::Ok => Text::OwnershipDone {
                entity: self.entity,
                id: self.id,
            },
            Reason::AlreadyYours => Text::OwnershipAlreadyYours {
                entity: self.entity,
                id: self.id,
            },
            Reason::AlreadyTheirs => Text::OwnershipAlreadyTheirs {
                entity: self.entity,
                id: self.id,
            },
            Reason::AlreadyOwnedBy => Text::OwnershipTakenBy {
                who: other,
                seconds_ago: ago,
            },
            Reason::OverLimit => Text::OwnershipOverLimit {
                held: self.detail_i64("held").unwrap_or_default(),
                limit: self.detail_i64("limit").unwrap_or_default(),
            },
            Reason::Cooldown => Text::OwnershipCooldown {
                until: self.detail_time("until"),
            },
            Reason::DailyCap => Text::OwnershipDailyCap {
                cap: self.detail_i64("cap").unwrap_or_default(),
            },
            Reason::ProtectedBy => Text::OwnershipProtectedBy {
                who: other,
                until: self.detail_time("until"),
            },
            Reason::Locked => Text::OwnershipLocked,
            Reason::NotMember => Text::OwnershipNotMember,
            Reason::NotPermitted => Text::OwnershipNotPermitted,
            Reason::NotOwner => Text::OwnershipNotOwner {
                who: self.other_user_name.clone(),
            },
            Reason::NotFound => Text::OwnershipNotFound {
                entity: self.entity,
                id: self.id,
            },
            Reason::NotClaimable => Text::OwnershipNotClaimable,
            Reason::Changed => Text::OwnershipChanged,
            Reason::UnknownUser => Text::OwnershipUnknownUser,
            Reason::InvalidArgument => Text::OwnershipInvalidArgument,
            Reason::DuplicateCreditCode => Text::OwnershipDuplicateCode,
            Reason::NeedsOverride => Text::OwnershipNeedsOverride {
                candidates: self.candidate_names(),
            },
            Reason::DuplicateBlocked => Text::OwnershipDuplicateBlocked {
                rule: self
                    .detail
                    .as_ref()
                    .and_then(|d| d.get("rule"))
                    .and_then(|r| r.as_str())
                    .unwrap_or("?")
                    .to_string(),
                existing: self.detail_i64("existing"),
            },
            Reason::Other(code) => Text::OwnershipOther { code: code.clone() },
        }
    }
}

/// One call of the ownership API. `on_behalf_of` is the admin-only "act for" user id.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    ClaimLead(i64),
    ReleaseLead(i64),
    AssignLead {
        lead: i64,
        to: i64,
    },
    TransferLead {
        lead: i64,
        to: i64,
    },
    ClaimCustomer(i64),
    ReleaseCustomer(i64),
    TransferCustomer {
        customer: i64,
        to: i64,
    },
    RegisterCustomer {
        customer: i64,
        partner: Option<String>,
        note: Option<String>,
    },
    SetLocked {
        entity: Entity,
        id: i64,
        locked: bool,
    },
    Followup {
        entity: Entity,
        id: i64,
        kind: String,
        note: Option<String>,
    },
    ConvertLead {
        lead: i64,
        customer: Option<i64>,
    },
    /// Ownership only: DROP's holding goes, KEEP keeps or inherits the owner.
    MergeOwnership {
        keep: i64,
        drop: i64,
    },
    /// The whole record: contacts, opportunities, follow-ups, leads and children move too.
    MergeCustomers {
        keep: i64,
        drop: i64,
    },
    UnmergeCustomers {
        merge: i64,
    },
    /// A new customer, owned by its creator; warn rules need `override_reason`.
    CreateCustomer(NewCustomer),
}

/// What the new-customer form sends.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewCustomer {
    pub name: String,
    pub uscc: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub region: Option<String>,
    pub industry: Option<String>,
    pub parent: Option<i64>,
    pub override_reason: Option<String>,
}

const OUTCOME_COLUMNS: &str = "(o).ok, (o).reason, (o).entity::text as entity_text, (o).entity_id, (o).owner_id, \
     (o).other_user_id, (o).other_user_name, (o).other_since, (o).detail";

fn db_error(err: &tokio_postgres::Error) -> UserError {
    Text::DatabaseError {
        during: "ownership".into(),
        detail: crate::db::error_detail(err),
    }
    .into()
}

/// Runs one ownership function and returns its outcome. Refusals are outcomes, not errors;
/// errors are for a database that cannot be reached or a broken call.
pub async fn perform<C: GenericClient>(
    client: &C,
    action: &Action,
    on_behalf_of: Option<i64>,
) -> Result<Outcome, UserError> {
    let who = &on_behalf_of;
    let row = match action {
        Action::ClaimLead(id) => query(client, "dibs.claim_lead($1, $2)", &[id, who]).await,
        Action::ReleaseLead(id) => query(client, "dibs.release_lead($1, $2)", &[id, who]).await,
        Action::AssignLead { lead, to } => {
            query(client, "dibs.assign_lead($1, $2, $3)", &[lead, to, who]).await
        }
        Action::TransferLead { lead, to } => {
            query(client, "dibs.transfer_lead($1, $2, $3)", &[lead, to, who]).await
        }
        Action::ClaimCustomer(id) => query(client, "dibs.claim_customer($1, $2)", &[id, who]).await,
        Action::ReleaseCustomer(id) => {
            query(client, "dibs.release_customer($1, $2)", &[id, who]).await
        }
        Action::TransferCustomer { customer, to } => {
            query(
                client,
                "dibs.transfer_customer($1, $2, $3)",
                &[customer, to, who],
            )
            .await
        }
        Action::RegisterCustomer {
            customer,
            partner,
            note,
        } => {
            query(
                client,
                "dibs.register_customer($1, $2, $3, $4)",
                &[customer, partner, note, who],
            )
            .await
        }
        Action::SetLocked { entity, id, locked } => {
            let entity = entity.as_sql();
            query(
                client,
                "dibs.set_locked($1::text::dibs.entity_kind, $2, $3, $4)",
                &[&entity, id, locked, who],
            )
            .await
        }
        Action::Followup {
            entity,
            id,
            kind,
            note,
        } => {
            let entity = entity.as_sql();
            query(
                client,
                "dibs.log_followup($1::text::dibs.entity_kind, $2, $3, $4, null, $5)",
                &[&entity, id, kind, note, who],
            )
            .await
        }
        Action::ConvertLead { lead, customer } => {
            query(
                client,
                "dibs.convert_lead($1, $2, $3)",
                &[lead, customer, who],
            )
            .await
        }
        Action::MergeOwnership { keep, drop } => {
            query(
                client,
                "dibs.merge_customer_ownership($1, $2, $3)",
                &[keep, drop, who],
            )
            .await
        }
        Action::MergeCustomers { keep, drop } => {
            query(
                client,
                "dibs.merge_customers($1, $2, $3)",
                &[keep, drop, who],
            )
            .await
        }
        Action::UnmergeCustomers { merge } => {
            query(client, "dibs.unmerge_customers($1, $2)", &[merge, who]).await
        }
        Action::CreateCustomer(c) => {
            query(
                client,
                "dibs.create_customer($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                &[
                    &c.name,
                    &c.uscc,
                    &c.phone,
                    &c.email,
                    &c.region,
                    &c.industry,
                    &c.parent,
                    &c.override_reason,
                    who,
                ],
            )
            .await
        }
    }?;
    Ok(Outcome::from_row(&row))
}

async fn query<C: GenericClient>(
    client: &C,
    call: &str,
    params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
) -> Result<Row, UserError> {
    let sql = format!("select {OUTCOME_COLUMNS} from {call} o");
    client
        .query_one(sql.as_str(), params)
        .await
        .map_err(|e| db_error(&e))
}

/// A user id from a login name or a number, for `--to` and `--as`.
pub async fn resolve_user(client: &Client, login_or_id: &str) -> Result<i64, UserError> {
    if let Ok(id) = login_or_id.parse::<i64>() {
        return Ok(id);
    }
    client
        .query_opt(
            "select id from dibs.users where login_role = $1",
            &[&login_or_id],
        )
        .await
        .map_err(|e| db_error(&e))?
        .map(|r| r.get(0))
        .ok_or_else(|| {
            Text::NoSuchUser {
                login: login_or_id.to_string(),
            }
            .into()
        })
}

/// One row of the ownership log, for `dibs history`.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryEntry {
    pub at: DateTime<Utc>,
    pub action: String,
    pub outcome: String,
    pub reason: String,
    pub actor: Option<String>,
    pub from_owner: Option<String>,
    pub to_owner: Option<String>,
    pub login: String,
    pub detail: Option<serde_json::Value>,
}

/// Whose history: one record's, or everything one person did or was party to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryOf {
    Record(Entity, i64),
    Person(i64),
}

pub async fn history(
    client: &Client,
    of: HistoryOf,
    action: Option<&str>,
    limit: i64,
) -> Result<Vec<HistoryEntry>, UserError> {
    let (entity, id, person) = match of {
        HistoryOf::Record(entity, id) => (Some(entity.as_sql()), Some(id), None),
        HistoryOf::Person(user) => (None, None, Some(user)),
    };
    let rows = client
        .query(
            "select g.at, g.action::text, g.outcome::text, g.reason, a.display_name, f.display_name, t.display_name,
                    g.login::text, g.detail
             from dibs.ownership_log g
             left join dibs.users a on a.id = g.actor_id
             left join dibs.users f on f.id = g.from_owner
             left join dibs.users t on t.id = g.to_owner
             where ($1::text is null or (g.entity = $1::text::dibs.entity_kind and g.entity_id = $2))
               and ($3::bigint is null or $3 in (g.actor_id, g.from_owner, g.to_owner))
               and ($4::text is null or g.action::text = $4)
             order by g.at desc, g.id desc limit $5",
            &[&entity, &id, &person, &action, &limit],
        )
        .await
        .map_err(|e| db_error(&e))?;
    Ok(rows
        .iter()
        .map(|r| HistoryEntry {
            at: r.get(0),
            action: r.get(1),
            outcome: r.get(2),
            reason: r.get(3),
            actor: r.get(4),
            from_owner: r.get(5),
            to_owner: r.get(6),
            login: r.get(7),
            detail: r.get(8),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn outcome(reason: &str, detail: Option<serde_json::Value>) -> Outcome {
        Outcome {
            ok: false,
            reason: Reason::parse(reason),
            entity: Entity::Lead,
            id: 7,
            owner_id: Some(3),
            other_user_id: Some(3),
            other_user_name: Some("王芳".into()),
            other_since: Some(Utc::now() - Duration::seconds(2)),
            detail,
        }
    }

    #[test]
    fn every_known_code_round_trips() {
        for code in [
            "ok",
            "already_yours",
            "already_theirs",
            "already_owned_by",
            "over_limit",
            "cooldown",
            "daily_cap",
            "protected_by",
            "locked",
            "not_member",
            "not_permitted",
            "not_owner",
            "not_found",
            "not_claimable",
            "changed",
            "unknown_user",
            "invalid_argument",
            "duplicate_credit_code",
        ] {
            let reason = Reason::parse(code);
            assert!(!matches!(reason, Reason::Other(_)), "{code} is known");
            assert_eq!(reason.code(), code);
        }
        assert_eq!(Reason::parse("brand_new").code(), "brand_new");
    }

    #[test]
    fn a_lost_race_names_the_winner_and_when() {
        crate::text::set_lang(crate::text::Lang::En);
        let words = outcome("already_owned_by", None)
            .words(Utc::now())
            .to_string();
        assert!(
            words.contains("王芳") && words.contains("2 s ago"),
            "{words}"
        );
        let limit = outcome(
            "over_limit",
            Some(serde_json::json!({"held": 50, "limit": 50})),
        )
        .words(Utc::now());
        assert!(limit.to_string().contains("50/50"), "{limit}");
    }
}
