//! Channel partners as plain data: a partner's line in the list, a partner's own
//! registration, a review with both sides' evidence (read by db::api::partners, worded by
//! text::partners, drawn by the app).

use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartnerLine {
    pub id: i64,
    pub name: String,
    pub tier: String,
    pub active: bool,
    pub channel_manager: Option<String>,
    pub people: i64,
    pub registered: i64,
    pub capacity: i32,
    pub today: i64,
    pub daily_cap: i32,
    pub protection_days: i32,
    pub max_days: i32,
    pub pending_reviews: i64,
}

/// One line of a partner's own list: a registration, or a review it asked for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MyRegistration {
    pub registration_id: Option<i64>,
    pub review_id: Option<i64>,
    pub customer_id: i64,
    pub company: String,
    pub status: String,
    pub registered_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub max_until: Option<DateTime<Utc>>,
    pub days_left: Option<i32>,
    pub last_followup_at: Option<DateTime<Utc>>,
    pub review_state: Option<String>,
    pub review_reason: Option<String>,
    pub registered_by: Option<String>,
}

/// A review with both sides' evidence and the tie-break's suggestion.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewLine {
    pub id: i64,
    pub customer_id: i64,
    pub company: String,
    pub partner: String,
    pub requested_by: Option<String>,
    pub requested_at: DateTime<Utc>,
    pub direct_rep: Option<String>,
    pub direct_team: Option<String>,
    pub direct_since: Option<DateTime<Utc>>,
    pub partner_followups: i64,
    pub direct_followups: i64,
    pub suggested: String,
    pub why: String,
    pub state: String,
    pub reviewer: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub reason: Option<String>,
    pub overdue: bool,
    pub note: Option<String>,
}
