//! Drawing the partner's view: the registrations table (company, status with days of
//! protection left, registered, last follow-up), or the registration form beside (stacked on
//! 80 columns) its availability answer. Widths are display widths; the cursor sits at the caret.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState, Wrap};

use super::{FIELDS, PartnerTab, RegistrationForm};
use crate::domain::partners::MyRegistration;
use crate::text::{Label, Lang, PartnerText, TuiText};
use crate::tui::chrome::widgets::{FormField, fit, form_lines, place_caret};
use crate::tui::keymap::Action;
use crate::tui::tab::Ctx;

/// A registration's state in words: protected with days left, a review's state, expired.
pub fn status_words(row: &MyRegistration, lang: Lang) -> String {
    TuiText::RegistrationStatus {
        status: row.status.clone(),
        days_left: row.days_left,
        review: row.review_state.clone(),
        reason: row.review_reason.clone(),
    }
    .render(lang)
}

pub(super) fn render(tab: &PartnerTab, ctx: &Ctx, frame: &mut Frame, area: Rect) {
    if tab.form.open {
        form(ctx, &tab.form, frame, area);
        return;
    }
    let theme = ctx.theme;
    let Some(rows) = &tab.rows else {
        frame.render_widget(Paragraph::new(" …").block(theme.block()), area);
        return;
    };
    let block = theme
        .block()
        .title(format!(" {} {} ", ctx.label(Label::TabPartner), rows.len()));
    if rows.is_empty() {
        frame.render_widget(
            Paragraph::new(format!(" {}", ctx.label(Label::NoRegistrations))).block(block),
            area,
        );
        return;
    }
    // Status and dates take what they need; the company gets the rest.
    let status_width = if area.width >= 100 { 32 } else { 24 };
    let company_width = (area.width as usize)
        .saturating_sub(2 + 6 + status_width + 10 + 10 + 4)
        .max(8);
    let header = Row::new(vec![
        Cell::from("#"),
        Cell::from(ctx.label(Label::ColCompany)),
        Cell::from(ctx.label(Label::Status)),
        Cell::from(ctx.label(Label::ColRegistered)),
        Cell::from(ctx.label(Label::LastFollowup)),
    ])
    .style(theme.bold());
    let body = rows.iter().map(|r| {
        let style = match (r.status.as_str(), r.review_state.as_deref()) {
            (_, Some("pending")) => theme.warn(),
            (_, Some(_)) | ("expired" | "cancelled", _) => theme.dim(),
            _ if r.days_left.is_some_and(|d| d <= 7) => theme.warn(),
            _ => Style::default(),
        };
        Row::new(vec![
            Cell::from(r.customer_id.to_string()),
            Cell::from(fit(&r.company, company_width)),
            Cell::from(fit(&status_words(r, ctx.lang), status_width)),
            Cell::from(r.registered_at.format("%Y-%m-%d").to_string()),
            Cell::from(
                r.last_followup_at
                    .map(|t| t.format("%Y-%m-%d").to_string())
                    .unwrap_or_else(|| ctx.label(Label::Never).to_string()),
            ),
        ])
        .style(style)
    });
    let table = Table::new(
        body,
        [
            Constraint::Length(6),
            Constraint::Length(company_width as u16),
            Constraint::Length(status_width as u16),
            Constraint::Length(10),
            Constraint::Length(10),
        ],
    )
    .header(header)
    .block(block)
    .row_highlight_style(theme.selected());
    let mut state = TableState::default().with_selected(Some(tab.selected));
    frame.render_stateful_widget(table, area, &mut state);
}

fn form(ctx: &Ctx, form: &RegistrationForm, frame: &mut Frame, area: Rect) {
    let theme = ctx.theme;
    let [form_area, answer_area] = if area.width >= 110 {
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(area)
    } else {
        Layout::vertical([Constraint::Length(9), Constraint::Min(4)]).areas(area)
    };
    let fields: Vec<FormField> = FIELDS
        .iter()
        .enumerate()
        .map(|(index, field)| FormField {
            label: ctx.label(field.label()),
            value: &form.values[index],
            problem: form.problem(*field).map(|_| {
                TuiText::PartnerFieldInvalid {
                    field: field.label(),
                }
                .render(ctx.lang)
            }),
        })
        .collect();
    let (mut lines, caret) = form_lines(theme, &fields, Some(form.focus));
    if let Some(notice) = &form.notice {
        lines.push(Line::styled(
            format!(" {}", notice.render(ctx.lang)),
            theme.danger(),
        ));
    }
    let mut actions = vec![Action::NextField, Action::Save];
    if form.review_possible {
        actions.push(Action::AskReview);
    }
    actions.push(Action::Back);
    lines.push(Line::styled(
        format!(
            " {} · {}",
            ctx.keymap.hints(&actions, ctx.lang),
            ctx.label(Label::InputKept)
        ),
        theme.dim(),
    ));
    let saving = if form.saving { " …" } else { "" };
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            theme
                .block()
                .title(format!(" {}{saving} ", ctx.label(Label::NewRegistration))),
        ),
        form_area,
    );
    place_caret(frame, form_area, caret);
    let (text, style) = match (&form.answer, form.checking) {
        (_, true) => (ctx.label(Label::Checking).to_string(), theme.dim()),
        (Some(answer), false) => {
            let style = match answer.as_str() {
                "available" | "yours" => theme.accent(),
                "unavailable" | "over_cap" => theme.danger(),
                _ => theme.warn(),
            };
            (PartnerText::Answer(answer.clone()).render(ctx.lang), style)
        }
        (None, false) => (ctx.label(Label::CheckHint).to_string(), theme.dim()),
    };
    let mut answer_lines = vec![Line::styled(format!(" {text}"), style.patch(theme.bold()))];
    if form.review_possible {
        answer_lines.push(Line::styled(
            format!(" {}", ctx.label(Label::AskReviewHint)),
            theme.warn(),
        ));
    }
    answer_lines.push(Line::styled(
        format!(" {}", ctx.label(Label::CheckPrivacy)),
        theme.dim(),
    ));
    frame.render_widget(
        Paragraph::new(answer_lines)
            .wrap(Wrap { trim: false })
            .block(
                theme
                    .block()
                    .title(format!(" {} ", ctx.label(Label::Availability))),
            ),
        answer_area,
    );
}
