//! The tabs, in the order they appear (and their number keys), and the flows that have no
//! pane of their own. Adding a tab is its folder and one line here.

pub mod analytics;
pub mod board;
pub mod customers;
pub mod partner;
pub mod pool;
pub mod repair;
pub mod reviews;

use super::tab::{Component, Tab};

pub fn all() -> Vec<Box<dyn Tab>> {
    vec![
        Box::new(pool::PoolTab::default()),
        Box::new(customers::CustomersTab::default()),
        Box::new(board::BoardTab::default()),
        Box::new(analytics::AnalyticsTab::default()),
    ]
}

/// The tabs of a person by role: a partner's person sees only their registrations (what else
/// there is, is not theirs); managers and admins also get the review queue (`:reviews`).
pub fn for_role(role: &str) -> Vec<Box<dyn Tab>> {
    match role {
        "partner" => vec![Box::new(partner::PartnerTab::default())],
        "manager" | "admin" => {
            let mut tabs = all();
            tabs.push(Box::new(reviews::ReviewsTab::default()));
            tabs
        }
        _ => all(),
    }
}

pub fn components() -> Vec<Box<dyn Component>> {
    vec![Box::new(repair::Repair::default())]
}
