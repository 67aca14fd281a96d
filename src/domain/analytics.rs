//! The analytics' pure parts: the period a dashboard shows and its predecessor, folding days
//! into ISO weeks for the trend, rates and their change. No database: the figures come from
//! `db::api::analytics`.

use chrono::{Datelike, Days, NaiveDate};

/// How long a dashboard period is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Span {
    /// One ISO week, Monday to Sunday.
    Week,
    /// Four ISO weeks: the default, long enough that the current week's first days do not
    /// leave the screen empty.
    #[default]
    FourWeeks,
    /// Thirteen ISO weeks (a quarter of a year).
    Quarter,
}

impl Span {
    pub fn weeks(self) -> u64 {
        match self {
            Span::Week => 1,
            Span::FourWeeks => 4,
            Span::Quarter => 13,
        }
    }

    /// The next span, for the key that cycles them.
    pub fn next(self) -> Span {
        match self {
            Span::Week => Span::FourWeeks,
            Span::FourWeeks => Span::Quarter,
            Span::Quarter => Span::Week,
        }
    }
}

/// A run of whole ISO weeks ending on a Sunday: [from, to], both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// The Monday of the ISO week holding `day`.
pub fn week_start(day: NaiveDate) -> NaiveDate {
    day - Days::new(u64::from(day.weekday().num_days_from_monday()))
}

impl Period {
    /// The `span` of weeks that ends with the week holding `today` (the current week counts,
    /// though it has not ended: a manager reads this week's figures as they come in).
    pub fn ending(today: NaiveDate, span: Span) -> Period {
        let to = week_start(today) + Days::new(6);
        let from = to - Days::new(span.weeks() * 7 - 1);
        Period { from, to }
    }

    pub fn days(&self) -> u64 {
        (self.to - self.from).num_days().max(0) as u64 + 1
    }

    /// The period of the same length just before this one.
    pub fn previous(&self) -> Period {
        self.shifted(-1)
    }

    /// This period moved by `steps` of its own length (negative: back in time).
    pub fn shifted(&self, steps: i64) -> Period {
        let length = self.days();
        let by = Days::new(length * steps.unsigned_abs());
        if steps < 0 {
            Period {
                from: self.from - by,
                to: self.to - by,
            }
        } else {
            Period {
                from: self.from + by,
                to: self.to + by,
            }
        }
    }

    /// The `weeks` ISO weeks ending with this period's last week (the trend's window).
    pub fn trend_window(&self, weeks: u64) -> Period {
        let to = self.to;
        Period {
            from: week_start(to) - Days::new((weeks.max(1) - 1) * 7),
            to,
        }
    }
}

/// Attempts and collisions over some stretch of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Tally {
    pub attempts: i64,
    pub collisions: i64,
    pub races: i64,
}

impl Tally {
    /// Collisions ÷ attempts; `None` without attempts (no rate, rather than a made-up 0 %).
    pub fn rate(&self) -> Option<f64> {
        rate(self.collisions, self.attempts)
    }
}

/// `part ÷ whole`, `None` when `whole` is not positive.
pub fn rate(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// Per-day tallies folded into the ISO weeks of `window`, every week present (empty weeks
/// are zero), oldest first, each labelled by its Monday.
pub fn weekly(window: Period, days: &[(NaiveDate, Tally)]) -> Vec<(NaiveDate, Tally)> {
    let mut weeks: Vec<(NaiveDate, Tally)> = Vec::new();
    let mut monday = week_start(window.from);
    while monday <= window.to {
        weeks.push((monday, Tally::default()));
        monday = monday + Days::new(7);
    }
    for (day, tally) in days {
        if *day < window.from || *day > window.to {
            continue;
        }
        let start = week_start(*day);
        if let Some((_, week)) = weeks.iter_mut().find(|(m, _)| *m == start) {
            week.attempts += tally.attempts;
            week.collisions += tally.collisions;
            week.races += tally.races;
        }
    }
    weeks
}

/// The change from `before` to `now` in percentage points of a rate, or as a share of a
/// count; `None` when either side has nothing to compare.
pub fn change(now: Option<f64>, before: Option<f64>) -> Option<f64> {
    Some(now? - before?)
}

/// A count's change relative to before (+0.25 = a quarter more); `None` from zero.
pub fn relative_change(now: i64, before: i64) -> Option<f64> {
    (before > 0).then(|| (now - before) as f64 / before as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn a_period_is_whole_iso_weeks_ending_with_todays() {
        // 2026-12-01 is a Tuesday.
        let week = Period::ending(day(2026, 12, 1), Span::Week);
        assert_eq!((week.from, week.to), (day(2026, 11, 30), day(2026, 12, 6)));
        let four = Period::ending(day(2026, 12, 1), Span::FourWeeks);
        assert_eq!((four.from, four.to), (day(2026, 11, 9), day(2026, 12, 6)));
        assert_eq!(four.days(), 28);
        assert_eq!(Period::ending(day(2026, 12, 1), Span::Quarter).days(), 91);
        // Sunday belongs to the week that began on Monday.
        assert_eq!(Period::ending(day(2026, 12, 6), Span::Week), week);
    }

    #[test]
    fn previous_and_shifted_periods_keep_their_length() {
        let four = Period::ending(day(2026, 12, 1), Span::FourWeeks);
        let before = four.previous();
        assert_eq!(
            (before.from, before.to),
            (day(2026, 10, 12), day(2026, 11, 8))
        );
        assert_eq!(four.shifted(-1).shifted(1), four);
        assert_eq!(before.days(), four.days());
    }

    #[test]
    fn weeks_without_attempts_are_in_the_trend_as_zero() {
        let window = Period::ending(day(2026, 12, 1), Span::Week).trend_window(3);
        assert_eq!(window.from, day(2026, 11, 16));
        let days = [
            (
                day(2026, 11, 17),
                Tally {
                    attempts: 4,
                    collisions: 1,
                    races: 0,
                },
            ),
            (
                day(2026, 11, 22),
                Tally {
                    attempts: 6,
                    collisions: 2,
                    races: 1,
                },
            ),
            (
                day(2026, 12, 1),
                Tally {
                    attempts: 5,
                    collisions: 0,
                    races: 0,
                },
            ),
            // Outside the window: ignored.
            (
                day(2026, 11, 1),
                Tally {
                    attempts: 99,
                    collisions: 99,
                    races: 0,
                },
            ),
        ];
        let weeks = weekly(window, &days);
        assert_eq!(
            weeks
                .iter()
                .map(|(m, t)| (m.day(), t.attempts, t.collisions, t.races))
                .collect::<Vec<_>>(),
            vec![(16, 10, 3, 1), (23, 0, 0, 0), (30, 5, 0, 0)]
        );
        assert_eq!(weeks[1].1.rate(), None, "no attempts, no rate");
        assert_eq!(weeks[0].1.rate(), Some(0.3));
    }

    #[test]
    fn changes_need_both_sides() {
        assert_eq!(
            change(Some(0.2), Some(0.3)).map(|c| (c * 100.0).round()),
            Some(-10.0)
        );
        assert_eq!(change(Some(0.2), None), None);
        assert_eq!(relative_change(15, 10), Some(0.5));
        assert_eq!(relative_change(3, 0), None);
    }
}
