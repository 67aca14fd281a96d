//! Channel partners (`sql/code/85_partners.sql`): administration, the availability check, a
//! partner's own registrations and the review queue. Registering and deciding reviews are
//! ownership actions (`ownership::perform`); the database decides every rule.

use tokio_postgres::GenericClient;

use super::admin::{AdminOutcome, call};
use crate::domain::partners::{MyRegistration, PartnerLine, ReviewLine};
use crate::error::Error;
use crate::text::SetupText;

fn db(doing: &'static str) -> impl Fn(tokio_postgres::Error) -> Error {
    Error::doing(doing)
}

pub async fn add<C: GenericClient>(
    client: &C,
    name: &str,
    tier: &str,
    credit_code: Option<&str>,
    channel_manager: Option<i64>,
) -> Result<AdminOutcome, Error> {
    call(
        client,
        "dibs.partner_add($1, $2, $3, $4)",
        &[&name, &tier, &credit_code, &channel_manager],
    )
    .await
}

pub async fn set_tier<C: GenericClient>(
    client: &C,
    partner: i64,
    tier: &str,
) -> Result<AdminOutcome, Error> {
    call(client, "dibs.partner_set_tier($1, $2)", &[&partner, &tier]).await
}

pub async fn disable<C: GenericClient>(client: &C, partner: i64) -> Result<AdminOutcome, Error> {
    call(client, "dibs.partner_disable($1)", &[&partner]).await
}

/// A partner's person: login and dibs user of role `partner`; only a SCRAM verifier of a
/// password reaches the server.
pub async fn person_add<C: GenericClient>(
    client: &C,
    login: &str,
    name: &str,
    partner: i64,
    verifier: Option<String>,
    email: Option<&str>,
) -> Result<AdminOutcome, Error> {
    call(
        client,
        "dibs.partner_person_add($1, $2, $3, $4, $5)",
        &[&login, &name, &partner, &verifier, &email],
    )
    .await
}

/// A partner's id from its id or exact name.
pub async fn resolve<C: GenericClient>(client: &C, id_or_name: &str) -> Result<i64, Error> {
    if let Ok(id) = id_or_name.trim().parse::<i64>() {
        return Ok(id);
    }
    client
        .query_opt(
            "select id from dibs.partners where name = $1",
            &[&id_or_name.trim()],
        )
        .await
        .map_err(db("partners"))?
        .map(|r| r.get(0))
        .ok_or_else(|| {
            SetupText::NoSuchPartner {
                name: id_or_name.to_string(),
            }
            .into()
        })
}

pub async fn list<C: GenericClient>(client: &C) -> Result<Vec<PartnerLine>, Error> {
    let rows = client
        .query("select * from dibs.partner_list()", &[])
        .await
        .map_err(db("partners"))?;
    Ok(rows
        .iter()
        .map(|r| PartnerLine {
            id: r.get("id"),
            name: r.get("name"),
            tier: r.get("tier"),
            active: r.get("active"),
            channel_manager: r.get("channel_manager"),
            people: r.get("people"),
            registered: r.get("registered"),
            capacity: r.get("capacity"),
            today: r.get("today"),
            daily_cap: r.get("daily_cap"),
            protection_days: r.get("protection_days"),
            max_days: r.get("max_days"),
            pending_reviews: r.get("pending_reviews"),
        })
        .collect())
}

/// The availability answer: `available`, `unavailable`, `invalid`, `yours` or `over_cap`.
/// A partner's person checks for their own partner; a channel manager names the partner.
pub async fn check<C: GenericClient>(
    client: &C,
    partner: Option<i64>,
    name: &str,
    code: Option<&str>,
    phone: Option<&str>,
) -> Result<String, Error> {
    let row = match partner {
        None => {
            client
                .query_one(
                    "select dibs.registration_check($1, $2, $3)",
                    &[&name, &code, &phone],
                )
                .await
        }
        Some(partner) => {
            client
                .query_one(
                    "select dibs.partner_check_for($1, $2, $3, $4)",
                    &[&partner, &name, &code, &phone],
                )
                .await
        }
    }
    .map_err(db("the availability check"))?;
    Ok(row.get(0))
}

pub async fn my_registrations<C: GenericClient>(client: &C) -> Result<Vec<MyRegistration>, Error> {
    let rows = client
        .query("select * from dibs.my_registrations()", &[])
        .await
        .map_err(db("your registrations"))?;
    Ok(rows
        .iter()
        .map(|r| MyRegistration {
            registration_id: r.get("registration_id"),
            review_id: r.get("review_id"),
            customer_id: r.get("customer_id"),
            company: r.get("company"),
            status: r.get("status"),
            registered_at: r.get("registered_at"),
            expires_at: r.get("expires_at"),
            max_until: r.get("max_until"),
            days_left: r.get("days_left"),
            last_followup_at: r.get("last_followup_at"),
            review_state: r.get("review_state"),
            review_reason: r.get("review_reason"),
            registered_by: r.get("registered_by"),
        })
        .collect())
}

/// Pending reviews the caller may decide (`all`: decided ones too).
pub async fn review_queue<C: GenericClient>(
    client: &C,
    all: bool,
) -> Result<Vec<ReviewLine>, Error> {
    let rows = client
        .query("select * from dibs.review_queue($1)", &[&all])
        .await
        .map_err(db("the review queue"))?;
    Ok(rows
        .iter()
        .map(|r| ReviewLine {
            id: r.get("id"),
            customer_id: r.get("customer_id"),
            company: r.get("company"),
            partner: r.get("partner"),
            requested_by: r.get("requested_by"),
            requested_at: r.get("requested_at"),
            direct_rep: r.get("direct_rep"),
            direct_team: r.get("direct_team"),
            direct_since: r.get("direct_since"),
            partner_followups: r.get("partner_followups"),
            direct_followups: r.get("direct_followups"),
            suggested: r.get("suggested"),
            why: r.get("why"),
            state: r.get("state"),
            reviewer: r.get("reviewer"),
            decided_at: r.get("decided_at"),
            reason: r.get("reason"),
            overdue: r.get("overdue"),
            note: r.get("note"),
        })
        .collect())
}
