//! The HTML report (`dibs report --html FILE`): what the analytics tab shows — headline with
//! the period before, the 12-week trend, refusals by reason, contested companies — plus a
//! section per team with its people, and the definitions. One file, inline CSS and SVG, no
//! script and no link to fetch, so it opens the same from a mail attachment with no network.

use std::fmt::Write;

use super::svg::{bars, columns, escape};
use crate::db::api::analytics::{Dashboard, RepFigures, Summary};
use crate::domain::analytics::{change, rate, relative_change};
use crate::text::Lang;
use crate::text::analytics::{
    Word, definitions, hours, is_collision_reason, percent, points, reason_words, relative,
};

const STYLE: &str = "body{font-family:system-ui,'PingFang SC','Microsoft YaHei',sans-serif;\
margin:2em;color:#222;max-width:1000px}h1{font-size:1.6em}h2{font-size:1.2em;margin-top:2em;\
border-bottom:1px solid #ccc}table{border-collapse:collapse;margin:.5em 0}th,td{padding:.25em .6em;\
border-bottom:1px solid #eee;text-align:right}th:first-child,td:first-child{text-align:left}\
.good{color:#1e8449}.bad{color:#c0392b}.muted{color:#777}svg .title{font-weight:bold;font-size:13px}\
svg .label,svg .value{font-size:11px}";

/// Everything the report needs besides the dashboard.
pub struct ReportContext<'a> {
    pub lang: Lang,
    /// Who it was made for ("王芳 (manager)") and when, as shown in the header.
    pub scope: &'a str,
    pub generated: &'a str,
    pub counted: &'a str,
}

fn w(word: Word, lang: Lang) -> String {
    escape(word.render(lang))
}

fn row(cells: &[String]) -> String {
    format!(
        "<tr>{}</tr>",
        cells
            .iter()
            .map(|c| format!("<td>{c}</td>"))
            .collect::<String>()
    )
}

fn head(cells: &[String]) -> String {
    format!(
        "<tr>{}</tr>",
        cells
            .iter()
            .map(|c| format!("<th>{c}</th>"))
            .collect::<String>()
    )
}

fn headline(now: &Summary, before: &Summary, lang: Lang) -> String {
    let rate_change = change(now.tally().rate(), before.tally().rate());
    let class = match rate_change {
        Some(c) if c > 0.0005 => "bad",
        Some(c) if c < -0.0005 => "good",
        _ => "muted",
    };
    let count = |word: Word, n: i64, b: i64| {
        row(&[
            w(word, lang),
            n.to_string(),
            b.to_string(),
            relative(relative_change(n, b)),
        ])
    };
    // A rate now, before, and its change in points.
    let ratio = |word: Word, n: Option<f64>, b: Option<f64>| {
        row(&[w(word, lang), percent(n), percent(b), points(change(n, b))])
    };
    let mut out = String::from("<table>");
    out.push_str(&head(&[
        String::new(),
        w(Word::ThisPeriod, lang),
        w(Word::PreviousPeriod, lang),
        w(Word::Change, lang),
    ]));
    out.push_str(&count(Word::Attempts, now.attempts, before.attempts));
    out.push_str(&count(Word::Collisions, now.collisions, before.collisions));
    out.push_str(&format!(
        "<tr><td>{}</td><td><b>{}</b></td><td>{}</td><td class=\"{class}\">{}</td></tr>",
        w(Word::Rate, lang),
        percent(now.tally().rate()),
        percent(before.tally().rate()),
        points(rate_change)
    ));
    out.push_str(&count(Word::Races, now.races, before.races));
    out.push_str(&count(Word::Contested, now.contested, before.contested));
    out.push_str(&ratio(
        Word::RecycleRate,
        rate(now.recycled, now.taken),
        rate(before.recycled, before.taken),
    ));
    out.push_str(&count(Word::Blocked, now.blocked, before.blocked));
    out.push_str(&count(Word::Warned, now.warned, before.warned));
    out.push_str(&count(Word::Overridden, now.overridden, before.overridden));
    out.push_str(&count(
        Word::BadOverrides,
        now.bad_overrides,
        before.bad_overrides,
    ));
    out.push_str(&count(Word::Reclaimed, now.reclaimed, before.reclaimed));
    out.push_str(&count(Word::Shadow, now.shadow, before.shadow));
    out.push_str(&count(
        Word::ChannelConflicts,
        now.channel_conflicts,
        before.channel_conflicts,
    ));
    out.push_str(&ratio(
        Word::OverrideRate,
        rate(now.overridden, now.warned),
        rate(before.overridden, before.warned),
    ));
    out.push_str("</table>");
    out
}

fn people_table(people: &[&RepFigures], lang: Lang) -> String {
    let mut out = String::from("<table>");
    out.push_str(&head(&[
        w(Word::Person, lang),
        w(Word::Attempts, lang),
        w(Word::Collisions, lang),
        w(Word::Rate, lang),
        w(Word::Races, lang),
        w(Word::Taken, lang),
        w(Word::Recycled, lang),
        w(Word::LimitRefusals, lang),
        w(Word::Saturation, lang),
    ]));
    for p in people {
        let holding = match (p.held, p.holding_limit) {
            (Some(held), Some(limit)) => format!("{held}/{limit} ({})", percent(p.saturation())),
            _ => "–".into(),
        };
        out.push_str(&row(&[
            escape(&p.name),
            p.attempts.to_string(),
            p.collisions.to_string(),
            percent(p.tally().rate()),
            p.races.to_string(),
            p.taken.to_string(),
            p.recycled.to_string(),
            p.limit_refusals.to_string(),
            holding,
        ]));
    }
    out.push_str("</table>");
    out
}

/// The whole report as one HTML document.
pub fn render(d: &Dashboard, ctx: &ReportContext) -> String {
    let lang = ctx.lang;
    let mut out = String::new();
    let title = format!(
        "{} {} – {}",
        Word::ReportTitle.render(lang),
        d.period_from,
        d.period_to
    );
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"/><title>{}</title>\
         <style>{STYLE}</style></head><body>",
        if lang == Lang::Zh { "zh-CN" } else { "en" },
        escape(&title)
    );
    let before = d.period().previous();
    let _ = write!(
        out,
        "<h1>{}</h1><p class=\"muted\">{}: {} · {} {} – {} · {} {} · {}</p>",
        escape(&title),
        w(Word::Scope, lang),
        escape(ctx.scope),
        w(Word::VsBefore, lang),
        before.from,
        before.to,
        w(Word::Generated, lang),
        escape(ctx.generated),
        escape(ctx.counted),
    );
    out.push_str(&headline(&d.now, &d.before, lang));

    // The trend: a chart and its figures.
    let trend: Vec<(String, Option<f64>, String)> = d
        .trend
        .iter()
        .map(|(monday, t)| {
            (
                format!("W{}", monday.format("%V")),
                t.rate(),
                percent(t.rate()),
            )
        })
        .collect();
    let _ = write!(
        out,
        "<h2>{}</h2>{}",
        w(Word::TrendTitle, lang),
        columns(Word::TrendTitle.render(lang), &trend)
    );
    out.push_str("<table>");
    out.push_str(&head(&[
        w(Word::Week, lang),
        w(Word::Attempts, lang),
        w(Word::Collisions, lang),
        w(Word::Rate, lang),
        w(Word::Races, lang),
    ]));
    for (monday, t) in &d.trend {
        out.push_str(&row(&[
            format!("{} (W{})", monday, monday.format("%V")),
            t.attempts.to_string(),
            t.collisions.to_string(),
            percent(t.rate()),
            t.races.to_string(),
        ]));
    }
    out.push_str("</table>");

    // Refusals by reason.
    let reasons: Vec<(String, i64, bool)> = d
        .reasons
        .iter()
        .map(|r| {
            (
                reason_words(&r.reason, lang),
                r.refusals,
                is_collision_reason(&r.reason),
            )
        })
        .collect();
    let _ = write!(out, "<h2>{}</h2>", w(Word::Reasons, lang));
    if reasons.is_empty() {
        let _ = write!(out, "<p class=\"muted\">{}</p>", w(Word::NoRefusals, lang));
    } else {
        out.push_str(&bars(Word::Reasons.render(lang), &reasons));
    }

    // Contested companies.
    let _ = write!(out, "<h2>{}</h2>", w(Word::Contested, lang));
    if d.contested.is_empty() {
        let _ = write!(out, "<p class=\"muted\">{}</p>", w(Word::NoContested, lang));
    } else {
        out.push_str("<table>");
        out.push_str(&head(&[
            w(Word::Company, lang),
            w(Word::Collisions, lang),
            w(Word::People, lang),
        ]));
        for c in &d.contested {
            out.push_str(&row(&[
                escape(&c.name),
                c.collisions.to_string(),
                c.people.to_string(),
            ]));
        }
        out.push_str("</table>");
    }

    // First follow-up and conversion cohorts.
    let f = &d.followup;
    let _ = write!(
        out,
        "<h2>{}</h2><p>{} {} ({} {}, {} {}) · {} / {}</p>",
        escape(Word::FirstFollowUp.render(lang).trim_end_matches(':')),
        percent(rate(f.within_24h, f.taken)),
        w(Word::Within24h, lang),
        w(Word::HalfWithin, lang),
        escape(&hours(f.p50_hours, lang)),
        w(Word::NineInTenWithin, lang),
        escape(&hours(f.p90_hours, lang)),
        f.followed,
        f.taken,
    );
    let _ = write!(out, "<h2>{}</h2>", w(Word::Cohorts, lang));
    out.push_str("<table>");
    out.push_str(&head(&[
        w(Word::Week, lang),
        w(Word::Pool, lang),
        w(Word::Taken, lang),
        w(Word::Converted, lang),
        "%".into(),
    ]));
    for c in &d.cohorts {
        out.push_str(&row(&[
            c.week.to_string(),
            escape(&c.pool),
            c.taken.to_string(),
            c.converted.to_string(),
            percent(rate(c.converted, c.taken)),
        ]));
    }
    out.push_str("</table>");

    // Per team: its people.
    let mut teams: Vec<&str> = d.reps.iter().map(|r| r.team.as_str()).collect();
    teams.sort_unstable();
    teams.dedup();
    let _ = write!(out, "<h2>{}</h2>", w(Word::Teams, lang));
    if teams.is_empty() {
        let _ = write!(out, "<p class=\"muted\">{}</p>", w(Word::NoFigures, lang));
    }
    for team in teams {
        let people: Vec<&RepFigures> = d.reps.iter().filter(|r| r.team == team).collect();
        let attempts: i64 = people.iter().map(|p| p.attempts).sum();
        let collisions: i64 = people.iter().map(|p| p.collisions).sum();
        let _ = write!(
            out,
            "<h3>{} <span class=\"muted\">{} {} · {} {} · {} {}</span></h3>",
            escape(team),
            attempts,
            w(Word::Attempts, lang),
            collisions,
            w(Word::Collisions, lang),
            w(Word::Rate, lang),
            percent(rate(collisions, attempts))
        );
        out.push_str(&people_table(&people, lang));
    }

    // What the figures mean.
    let _ = write!(out, "<h2>{}</h2><dl>", w(Word::Definitions, lang));
    for (term, meaning) in definitions(lang) {
        let _ = write!(
            out,
            "<dt><b>{}</b></dt><dd>{}</dd>",
            escape(term),
            escape(meaning)
        );
    }
    out.push_str("</dl></body></html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::fixtures;

    fn report(lang: Lang) -> String {
        let mut dashboard = fixtures::analytics_dashboard();
        // A name someone typed to break the page.
        dashboard.contested[0].name = "<script>alert('x')</script> & Co".into();
        render(
            &dashboard,
            &ReportContext {
                lang,
                scope: "王芳",
                generated: "2026-12-01 09:00",
                counted: "counted 08:59",
            },
        )
    }

    #[test]
    fn the_report_needs_no_network_and_runs_nothing() {
        for lang in [Lang::En, Lang::Zh] {
            let html = report(lang);
            assert!(!html.contains("http"), "a URL to fetch");
            assert!(!html.contains("<script"), "a script");
            assert!(!html.contains("src="), "something to load");
            assert!(html.contains("&lt;script&gt;"), "typed names are escaped");
        }
    }

    #[test]
    fn every_svg_is_well_formed_and_every_section_is_there() {
        let html = report(Lang::Zh);
        let mut rest = html.as_str();
        let mut charts = 0;
        while let Some(start) = rest.find("<svg") {
            let end = rest[start..]
                .find("</svg>")
                .map(|e| start + e + 6)
                .unwrap_or(rest.len());
            roxmltree::Document::parse(&rest[start..end])
                .unwrap_or_else(|e| panic!("{e}: {}", &rest[start..end]));
            charts += 1;
            rest = &rest[end..];
        }
        assert_eq!(charts, 2, "the trend and the reasons");
        for words in [
            "撞单率",
            "拒绝原因",
            "被争抢客户",
            "华东一组",
            "华南大客户组",
            "口径说明",
            "欧阳娜娜",
        ] {
            assert!(html.contains(words), "{words} missing");
        }
    }
}
