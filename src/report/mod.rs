//! Reports to mail around, pure: a dashboard (`db::api::analytics::Dashboard`) rendered as
//! one self-contained HTML file — inline CSS and SVG charts, no script, nothing fetched.

pub mod html;
pub mod svg;
