//! Collision analytics (`sql/code/80_analytics.sql`): the rollups the worker keeps, read
//! through functions that cut them to the caller's scope (a rep her own figures, a manager
//! her teams', an administrator everyone's), optionally narrowed to one person.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use tokio_postgres::GenericClient;

use crate::domain::analytics::{Period, Tally, weekly};
use crate::error::Error;

fn reading(error: tokio_postgres::Error) -> Error {
    Error::doing("reading the collision figures")(error)
}

/// One day's attempt-days, collisions and races.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayFigures {
    pub day: NaiveDate,
    pub attempts: i64,
    pub collisions: i64,
    pub races: i64,
}

impl DayFigures {
    pub fn tally(&self) -> Tally {
        Tally {
            attempts: self.attempts,
            collisions: self.collisions,
            races: self.races,
        }
    }

    /// Collisions ÷ attempts; `None` on a day without attempts.
    pub fn rate(&self) -> Option<f64> {
        self.tally().rate()
    }
}

pub async fn collision_figures<C: GenericClient>(
    client: &C,
    from: NaiveDate,
    to: NaiveDate,
    user: Option<i64>,
) -> Result<Vec<DayFigures>, Error> {
    Ok(client
        .query(
            "select day, attempts, collisions, races from dibs.collision_figures($1, $2, $3)",
            &[&from, &to, &user],
        )
        .await
        .map_err(reading)?
        .iter()
        .map(|r| DayFigures {
            day: r.get(0),
            attempts: r.get(1),
            collisions: r.get(2),
            races: r.get(3),
        })
        .collect())
}

/// Figures over a period by day, week, rep or team.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupFigures {
    pub label: String,
    pub attempts: i64,
    pub collisions: i64,
    pub races: i64,
}

/// How figures are grouped: `day`, `week`, `rep` or `team` (the database checks it too).
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
        .map_err(reading)?
        .iter()
        .map(|r| GroupFigures {
            label: r.get(0),
            attempts: r.get(1),
            collisions: r.get(2),
            races: r.get(3),
        })
        .collect())
}

/// The headline figures of a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Summary {
    pub attempts: i64,
    pub collisions: i64,
    pub races: i64,
    pub taken: i64,
    pub recycled: i64,
    pub released: i64,
    pub refusals: i64,
    pub blocked: i64,
    pub warned: i64,
    pub overridden: i64,
    pub contested: i64,
    /// Taken by someone else within 7 days of being recycled (回收后被他人领取).
    pub reclaimed: i64,
    /// Saved over a duplicate warning, then merged away: the warning was right.
    pub bad_overrides: i64,
    /// Companies followed up by two or more people in one ISO week of the period (双跟进).
    pub shadow: i64,
    /// Collisions between a channel partner's person and a direct one (渠道撞单), attempt-days.
    pub channel_conflicts: i64,
}

impl Summary {
    pub fn tally(&self) -> Tally {
        Tally {
            attempts: self.attempts,
            collisions: self.collisions,
            races: self.races,
        }
    }
}

pub async fn summary<C: GenericClient>(
    client: &C,
    period: Period,
    user: Option<i64>,
) -> Result<Summary, Error> {
    let r = client
        .query_one(
            "select attempts, collisions, races, taken, recycled, released, refusals, blocked,
                    warned, overridden, contested, reclaimed, bad_overrides, shadow, channel_conflicts
             from dibs.analytics_summary($1, $2, $3)",
            &[&period.from, &period.to, &user],
        )
        .await
        .map_err(reading)?;
    Ok(Summary {
        attempts: r.get(0),
        collisions: r.get(1),
        races: r.get(2),
        taken: r.get(3),
        recycled: r.get(4),
        released: r.get(5),
        refusals: r.get(6),
        blocked: r.get(7),
        warned: r.get(8),
        overridden: r.get(9),
        contested: r.get(10),
        reclaimed: r.get(11),
        bad_overrides: r.get(12),
        shadow: r.get(13),
        channel_conflicts: r.get(14),
    })
}

/// Refusal-days for one reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReasonCount {
    pub reason: String,
    pub refusals: i64,
}

pub async fn refusal_reasons<C: GenericClient>(
    client: &C,
    period: Period,
    user: Option<i64>,
) -> Result<Vec<ReasonCount>, Error> {
    Ok(client
        .query(
            "select reason, refusals from dibs.refusal_reasons($1, $2, $3)",
            &[&period.from, &period.to, &user],
        )
        .await
        .map_err(reading)?
        .iter()
        .map(|r| ReasonCount {
            reason: r.get(0),
            refusals: r.get(1),
        })
        .collect())
}

/// One person's figures over a period, and how full her fullest pool is now.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RepFigures {
    pub user_id: i64,
    pub name: String,
    pub team: String,
    pub attempts: i64,
    pub collisions: i64,
    pub races: i64,
    pub taken: i64,
    pub recycled: i64,
    /// Refusals for her holding limit, daily cap or cooldown.
    pub limit_refusals: i64,
    pub held: Option<i32>,
    pub holding_limit: Option<i32>,
}

impl RepFigures {
    /// Held ÷ holding limit of her fullest pool (保有量饱和度), when she is in a pool.
    pub fn saturation(&self) -> Option<f64> {
        let (held, limit) = (self.held?, self.holding_limit?);
        Some(if limit > 0 {
            f64::from(held) / f64::from(limit)
        } else {
            1.0
        })
    }

    pub fn tally(&self) -> Tally {
        Tally {
            attempts: self.attempts,
            collisions: self.collisions,
            races: self.races,
        }
    }
}

pub async fn rep_figures<C: GenericClient>(
    client: &C,
    period: Period,
) -> Result<Vec<RepFigures>, Error> {
    Ok(client
        .query(
            "select user_id, name, team, attempts, collisions, races, taken, recycled,
                    limit_refusals, held, holding_limit
             from dibs.rep_figures($1, $2)",
            &[&period.from, &period.to],
        )
        .await
        .map_err(reading)?
        .iter()
        .map(|r| RepFigures {
            user_id: r.get(0),
            name: r.get(1),
            team: r.get(2),
            attempts: r.get(3),
            collisions: r.get(4),
            races: r.get(5),
            taken: r.get(6),
            recycled: r.get(7),
            limit_refusals: r.get(8),
            held: r.get(9),
            holding_limit: r.get(10),
        })
        .collect())
}

/// A company collided on in the period (被争抢客户).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contested {
    pub company_id: i64,
    pub name: String,
    /// Collision-days on it by people in scope.
    pub collisions: i64,
    /// People who collided on it in the period, in all (whoever's scope).
    pub people: i64,
}

pub async fn contested_companies<C: GenericClient>(
    client: &C,
    period: Period,
    limit: i32,
    user: Option<i64>,
) -> Result<Vec<Contested>, Error> {
    Ok(client
        .query(
            "select company_id, name, collisions, people
             from dibs.contested_companies($1, $2, $3, $4)",
            &[&period.from, &period.to, &limit, &user],
        )
        .await
        .map_err(reading)?
        .iter()
        .map(|r| Contested {
            company_id: r.get(0),
            name: r.get(1),
            collisions: r.get(2),
            people: r.get(3),
        })
        .collect())
}

/// First follow-up time (首次跟进时长) of the takes of a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct FollowUpFigures {
    pub taken: i64,
    /// Takes the taker followed up (before letting the record go).
    pub followed: i64,
    pub within_24h: i64,
    /// Half / nine in ten of the followed-up takes were followed up within this many hours
    /// (a bucket's bound: 1, 4, 8, 24, 48, 72, 168, 336; none when later or none followed).
    pub p50_hours: Option<i32>,
    pub p90_hours: Option<i32>,
}

pub async fn first_followup<C: GenericClient>(
    client: &C,
    period: Period,
    user: Option<i64>,
) -> Result<FollowUpFigures, Error> {
    let r = client
        .query_one(
            "select taken, followed, within_24h, p50_hours, p90_hours from dibs.first_followup($1, $2, $3)",
            &[&period.from, &period.to, &user],
        )
        .await
        .map_err(reading)?;
    Ok(FollowUpFigures {
        taken: r.get(0),
        followed: r.get(1),
        within_24h: r.get(2),
        p50_hours: r.get(3),
        p90_hours: r.get(4),
    })
}

/// Leads taken in one week from one pool, and how many were converted within 90 days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cohort {
    pub week: NaiveDate,
    pub pool: String,
    pub taken: i64,
    pub converted: i64,
}

pub async fn conversion_cohorts<C: GenericClient>(
    client: &C,
    period: Period,
    user: Option<i64>,
) -> Result<Vec<Cohort>, Error> {
    Ok(client
        .query(
            "select week, pool, taken, converted from dibs.conversion_cohorts($1, $2, $3)",
            &[&period.from, &period.to, &user],
        )
        .await
        .map_err(reading)?
        .iter()
        .map(|r| Cohort {
            week: r.get(0),
            pool: r.get(1),
            taken: r.get(2),
            converted: r.get(3),
        })
        .collect())
}

/// How current the rollups are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Lag {
    /// When the worker last counted (never: `None`).
    pub counted_at: Option<DateTime<Utc>>,
    /// Log rows and decisions committed but not counted yet.
    pub rows_behind: i64,
}

pub async fn lag<C: GenericClient>(client: &C) -> Result<Lag, Error> {
    let r = client
        .query_one(
            "select updated_at, rows_behind from dibs.analytics_lag()",
            &[],
        )
        .await
        .map_err(reading)?;
    Ok(Lag {
        counted_at: r.get(0),
        rows_behind: r.get(1),
    })
}

/// Weeks in the trend chart.
pub const TREND_WEEKS: u64 = 12;
/// Companies in the top-contested list.
pub const TOP_CONTESTED: i32 = 10;

/// Everything the analytics tab and the HTML report show for one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dashboard {
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    /// Narrowed to this person (a drill-down), else the caller's whole scope.
    pub person: Option<i64>,
    pub now: Summary,
    pub before: Summary,
    /// Monday of each of the last [`TREND_WEEKS`] weeks and its figures, oldest first.
    pub trend: Vec<(NaiveDate, Tally)>,
    pub reasons: Vec<ReasonCount>,
    pub reps: Vec<RepFigures>,
    pub contested: Vec<Contested>,
    pub followup: FollowUpFigures,
    pub cohorts: Vec<Cohort>,
    pub lag: Lag,
}

impl Dashboard {
    pub fn period(&self) -> Period {
        Period {
            from: self.period_from,
            to: self.period_to,
        }
    }

    /// Leads of the period's cohorts converted within 90 days, over those taken (so far).
    pub fn conversion(&self) -> (i64, i64) {
        self.cohorts
            .iter()
            .fold((0, 0), |(c, t), k| (c + k.converted, t + k.taken))
    }
}

/// Reads a dashboard: the period, the one before it, the trend, reasons, people, companies.
pub async fn dashboard<C: GenericClient>(
    client: &C,
    period: Period,
    person: Option<i64>,
) -> Result<Dashboard, Error> {
    let window = period.trend_window(TREND_WEEKS);
    let days: Vec<_> = collision_figures(client, window.from, window.to, person)
        .await?
        .iter()
        .map(|d| (d.day, d.tally()))
        .collect();
    let mut reps = rep_figures(client, period).await?;
    if let Some(person) = person {
        reps.retain(|r| r.user_id == person);
    }
    Ok(Dashboard {
        period_from: period.from,
        period_to: period.to,
        person,
        now: summary(client, period, person).await?,
        before: summary(client, period.previous(), person).await?,
        trend: weekly(window, &days),
        reasons: refusal_reasons(client, period, person).await?,
        reps,
        contested: contested_companies(client, period, TOP_CONTESTED, person).await?,
        followup: first_followup(client, period, person).await?,
        cohorts: conversion_cohorts(client, period, person).await?,
        lag: lag(client).await?,
    })
}

/// Whose scope the figures are: the signed-in person and her role ("王芳 (manager)"), or the
/// login when it has no person.
pub async fn signed_in_as<C: GenericClient>(client: &C) -> Result<String, Error> {
    Ok(client
        .query_one(
            "select coalesce((select display_name || ' (' || role || ')' from dibs.users
                              where login_role = dibs.caller_login()), dibs.caller_login()::text)",
            &[],
        )
        .await
        .map_err(reading)?
        .get(0))
}
