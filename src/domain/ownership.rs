//! Ownership as data: which entities there are, the reason codes the database answers with,
//! an outcome, and the calls a client can make. No I/O and no wording here: the database
//! decides (sql/code/30_ownership.sql), `db::api::ownership` carries the call, `text::ownership`
//! says it in words.

use chrono::{DateTime, Utc};
use serde::Serialize;

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
    /// Someone else holds another record of the same company (I7); under a warn rule a
    /// reason lets it pass.
    CompanyHeld,
    /// Converting a lead into a new customer where the company is a customer already.
    CompanyHasCustomer,
    /// Channel partners (sql/code/85_partners.sql): the company keeps this account itself
    /// (a locked, house account); the partner's capacity of registered companies is full;
    /// a review of a direct rep's hold was filed; the partner is disabled; the caller is no
    /// partner's person; a partner without people cannot be registered for; a review's
    /// decision (approved, rejected, or decided already).
    HouseAccount,
    OverCapacity,
    ReviewRequested,
    PartnerDisabled,
    NotAPartner,
    PartnerHasNoPeople,
    ReviewApproved,
    ReviewRejected,
    AlreadyDecided,
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
            "company_held" => Reason::CompanyHeld,
            "company_has_customer" => Reason::CompanyHasCustomer,
            "house_account" => Reason::HouseAccount,
            "over_capacity" => Reason::OverCapacity,
            "review_requested" => Reason::ReviewRequested,
            "partner_disabled" => Reason::PartnerDisabled,
            "not_a_partner" => Reason::NotAPartner,
            "partner_has_no_people" => Reason::PartnerHasNoPeople,
            "review_approved" => Reason::ReviewApproved,
            "review_rejected" => Reason::ReviewRejected,
            "already_decided" => Reason::AlreadyDecided,
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
            Reason::CompanyHeld => "company_held",
            Reason::CompanyHasCustomer => "company_has_customer",
            Reason::HouseAccount => "house_account",
            Reason::OverCapacity => "over_capacity",
            Reason::ReviewRequested => "review_requested",
            Reason::PartnerDisabled => "partner_disabled",
            Reason::NotAPartner => "not_a_partner",
            Reason::PartnerHasNoPeople => "partner_has_no_people",
            Reason::ReviewApproved => "review_approved",
            Reason::ReviewRejected => "review_rejected",
            Reason::AlreadyDecided => "already_decided",
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
    pub fn detail_i64(&self, key: &str) -> Option<i64> {
        self.detail.as_ref()?.get(key)?.as_i64()
    }

    pub fn detail_str(&self, key: &str) -> Option<String> {
        Some(self.detail.as_ref()?.get(key)?.as_str()?.to_string())
    }

    pub fn detail_time(&self, key: &str) -> Option<DateTime<Utc>> {
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
}

/// One call of the ownership API. `on_behalf_of` is the admin-only "act for" user id.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    ClaimLead(i64),
    /// A claim of a record whose company someone else holds, where the rule is 'warn': the
    /// reason is kept and logged.
    ClaimDespite {
        entity: Entity,
        id: i64,
        reason: String,
    },
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
    /// 渠道报备 of a company by what the partner knows of it (name, credit code, phone); a
    /// channel manager names the partner (代报备). `review`: ask for one if direct sales hold it.
    PartnerRegister(PartnerRegistration),
    /// 渠道报备 of a customer dibs has, by id.
    PartnerRegisterCustomer {
        customer: i64,
        partner: Option<i64>,
        note: Option<String>,
        review: bool,
    },
    /// A manager's decision on a partner's review, with the reason both sides are shown.
    DecideReview {
        review: i64,
        approve: bool,
        reason: String,
    },
}

/// What a partner registers a company by.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PartnerRegistration {
    pub name: String,
    pub code: Option<String>,
    pub phone: Option<String>,
    pub note: Option<String>,
    pub review: bool,
    pub partner: Option<i64>,
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

#[cfg(test)]
mod tests {
    use super::*;

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
            "company_held",
            "company_has_customer",
        ] {
            let reason = Reason::parse(code);
            assert!(!matches!(reason, Reason::Other(_)), "{code} is known");
            assert_eq!(reason.code(), code);
        }
        assert_eq!(Reason::parse("brand_new").code(), "brand_new");
    }
}
