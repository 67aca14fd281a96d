//! The new-customer form, pure: its fields, what is wrong with each as typed (checked here
//! so the person sees it at once and nothing invalid is sent), and what a save sends.

use crate::domain::ownership::NewCustomer;
use crate::domain::score::{Draft, LiveResult};
use crate::domain::{phone, uscc};
use crate::text::{DedupText, Label, Text};
use crate::tui::cmd::Note;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Name,
    Phone,
    Email,
    Code,
    Region,
    Industry,
    Parent,
}

pub const FIELDS: [Field; 7] = [
    Field::Name,
    Field::Phone,
    Field::Email,
    Field::Code,
    Field::Region,
    Field::Industry,
    Field::Parent,
];

impl Field {
    pub fn label(self) -> Label {
        match self {
            Field::Name => Label::FieldName,
            Field::Phone => Label::FieldPhone,
            Field::Email => Label::FieldEmail,
            Field::Code => Label::FieldCode,
            Field::Region => Label::FieldRegion,
            Field::Industry => Label::FieldIndustry,
            Field::Parent => Label::FieldParent,
        }
    }

    /// Fields the duplicate check looks at: editing them re-runs it.
    pub fn keys_duplicates(self) -> bool {
        matches!(
            self,
            Field::Name | Field::Phone | Field::Email | Field::Code
        )
    }

    pub const fn max_chars(self) -> usize {
        match self {
            Field::Name => 200,
            Field::Phone => 40,
            Field::Email => 200,
            Field::Code => 18,
            Field::Region | Field::Industry => 50,
            Field::Parent => 19,
        }
    }
}

/// The form. Closing it keeps what was typed (nothing is lost to an Esc); only a successful
/// save clears it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Form {
    pub open: bool,
    pub values: [String; 7],
    pub focus: usize,
    /// Version of the draft; results for older versions are dropped.
    pub seq: u64,
    pub panel: Option<LiveResult>,
    pub checking: bool,
    /// The override reason being typed, once the database asked for one.
    pub reason: Option<String>,
    /// Why the last save did not happen.
    pub notice: Option<Note>,
    pub saving: bool,
}

impl Form {
    pub fn value(&self, field: Field) -> &str {
        let index = FIELDS.iter().position(|f| *f == field).unwrap_or(0);
        self.values[index].trim()
    }

    pub fn focused(&self) -> Field {
        FIELDS[self.focus]
    }

    fn optional(&self, field: Field) -> Option<String> {
        Some(self.value(field).to_string()).filter(|v| !v.is_empty())
    }

    pub fn draft(&self) -> Draft {
        Draft {
            name: self.value(Field::Name).to_string(),
            uscc: self.optional(Field::Code),
            phone: self.optional(Field::Phone),
            email: self.optional(Field::Email),
            country: None,
        }
    }

    /// What is wrong with a field as typed.
    pub fn problem(&self, field: Field) -> Option<DedupText> {
        let value = self.value(field);
        if value.is_empty() {
            return None;
        }
        match field {
            Field::Code => uscc::validate(value)
                .err()
                .map(|problem| DedupText::CodeProblem { problem }),
            Field::Phone => phone::normalize(value)
                .err()
                .map(|problem| DedupText::PhoneProblem { problem }),
            Field::Parent => value
                .parse::<i64>()
                .is_err()
                .then_some(DedupText::ParentNotANumber),
            _ => None,
        }
    }

    /// What a save sends, or the first problem in the way (the field named).
    pub fn to_new_customer(&self) -> Result<NewCustomer, Note> {
        if self.value(Field::Name).is_empty() {
            return Err(Note::Said(Text::from(DedupText::FieldMissing {
                field: Field::Name.label(),
            })));
        }
        if let Some((field, problem)) = FIELDS
            .iter()
            .find_map(|f| self.problem(*f).map(|p| (*f, p)))
        {
            return Err(Note::Said(Text::from(DedupText::FieldProblem {
                field: field.label(),
                problem: Box::new(problem),
            })));
        }
        Ok(NewCustomer {
            name: self.value(Field::Name).to_string(),
            uscc: self.optional(Field::Code),
            phone: self.optional(Field::Phone),
            email: self.optional(Field::Email),
            region: self.optional(Field::Region),
            industry: self.optional(Field::Industry),
            parent: self.optional(Field::Parent).and_then(|p| p.parse().ok()),
            override_reason: self
                .reason
                .clone()
                .map(|r| r.trim().to_string())
                .filter(|r| !r.is_empty()),
        })
    }
}
