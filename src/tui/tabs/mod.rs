//! The tabs, in the order they appear (and their number keys), and the flows that have no
//! pane of their own. Adding a tab is its folder and one line here.

pub mod analytics;
pub mod board;
pub mod customers;
pub mod pool;
pub mod repair;

use super::tab::{Component, Tab};

pub fn all() -> Vec<Box<dyn Tab>> {
    vec![
        Box::new(pool::PoolTab::default()),
        Box::new(customers::CustomersTab::default()),
        Box::new(board::BoardTab::default()),
        Box::new(analytics::AnalyticsTab::default()),
    ]
}

pub fn components() -> Vec<Box<dyn Component>> {
    vec![Box::new(repair::Repair::default())]
}
