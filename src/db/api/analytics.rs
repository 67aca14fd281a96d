//! Collision analytics (`sql/code/80_analytics.sql`): figures per day in the caller's scope.

use chrono::NaiveDate;
use serde::Serialize;
use tokio_postgres::GenericClient;

use crate::error::Error;

/// One day's attempt-days, collisions and races.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayFigures {
    pub day: NaiveDate,
    pub attempts: i64,
    pub collisions: i64,
    pub races: i64,
}

impl DayFigures {
    /// Collisions ÷ attempts; `None` on a day without attempts.
    pub fn rate(&self) -> Option<f64> {
        (self.attempts > 0).then(|| self.collisions as f64 / self.attempts as f64)
    }
}

pub async fn collision_figures<C: GenericClient>(
    client: &C,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<DayFigures>, Error> {
    Ok(client
        .query(
            "select day, attempts, collisions, races from dibs.collision_figures($1, $2)",
            &[&from, &to],
        )
        .await
        .map_err(Error::doing("reading the collision figures"))?
        .iter()
        .map(|r| DayFigures {
            day: r.get(0),
            attempts: r.get(1),
            collisions: r.get(2),
            races: r.get(3),
        })
        .collect())
}

/// Figures over a period by week, rep or team.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupFigures {
    pub label: String,
    pub attempts: i64,
    pub collisions: i64,
    pub races: i64,
}

/// How figures are grouped: `week`, `rep` or `team` (the database checks it too).
pub async fn collision_breakdown<C: GenericClient>(
    client: &C,
    from: NaiveDate,
    to: NaiveDate,
    by: &str,
) -> Result<Vec<GroupFigures>, Error> {
    Ok(client
        .query(
            "select label, attempts, collisions, races from dibs.collision_breakdown($1, $2, $3)",
            &[&from, &to, &by],
        )
        .await
        .map_err(Error::doing("reading the collision figures"))?
        .iter()
        .map(|r| GroupFigures {
            label: r.get(0),
            attempts: r.get(1),
            collisions: r.get(2),
            races: r.get(3),
        })
        .collect())
}
