//! Customers as the app reads them: "my customers", and one customer seen whole (the 360°
//! view: facts, the people and their reporting lines, opportunities, follow-ups, history).
//! Read under the caller's own login: row-level security decides what comes back.

use chrono::{DateTime, NaiveDate, Utc};
use tokio_postgres::GenericClient;

use super::history::{HistoryEntry, HistoryOf, history};
use crate::domain::ownership::Entity;
use crate::domain::score::Match;
use crate::error::Error;
use crate::text::TuiText;

/// The customers I own, by name: what the customers tab shows before anything is typed.
pub async fn mine<C: GenericClient>(client: &C) -> Result<Vec<Match>, Error> {
    let rows = client
        .query(
            "select c.id, c.name, u.display_name, t.name, c.status::text
             from dibs.customers c join dibs.users u on u.id = c.owner_id
             left join dibs.teams t on t.id = c.team_id
             where u.login_role = dibs.caller_login() and c.status = 'active' order by c.name limit 500",
            &[],
        )
        .await
        .map_err(Error::doing("reading customers"))?;
    Ok(rows
        .iter()
        .map(|r| Match {
            entity: Entity::Customer,
            id: r.get(0),
            name: r.get(1),
            owner: r.get(2),
            team: r.get(3),
            status: r.get(4),
            score: 1.0,
            duplicate: false,
            why: Vec::new(),
        })
        .collect())
}

/// A person at a customer, for the org chart (组织架构图).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Person {
    pub id: i64,
    pub name: String,
    pub title: String,
    pub department: String,
    pub reports_to: Option<i64>,
    pub key_person: bool,
    pub last_touched_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OpportunityLine {
    pub name: String,
    pub stage_en: String,
    pub stage_zh: String,
    pub amount: f64,
    pub owner: Option<String>,
    pub expected_close: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowupLine {
    pub at: DateTime<Utc>,
    pub kind: String,
    pub by: String,
    pub note: String,
}

/// One customer seen whole. Contact details come masked unless the caller may see them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CustomerDetail {
    pub id: i64,
    pub name: String,
    pub status: String,
    pub locked: bool,
    pub owner: Option<String>,
    pub team: Option<String>,
    pub uscc: Option<String>,
    pub region: Option<String>,
    pub industry: Option<String>,
    pub parent: Option<(i64, String)>,
    pub phone: Option<String>,
    pub last_followup: Option<DateTime<Utc>>,
    pub contacts: Vec<Person>,
    pub opportunities: Vec<OpportunityLine>,
    pub followups: Vec<FollowupLine>,
    pub history: Vec<HistoryEntry>,
    /// The company's other live records (leads and customers), with owner and last touch.
    pub same_company: Vec<CompanyRecord>,
}

/// Another record of the same company, as the 360° view lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyRecord {
    pub entity: Entity,
    pub id: i64,
    pub name: String,
    pub owner: Option<String>,
    pub last_touch: Option<DateTime<Utc>>,
}

pub async fn detail<C: GenericClient>(client: &C, id: i64) -> Result<CustomerDetail, Error> {
    let head = client
        .query_opt(
            "select c.name, u.display_name, t.name, c.status::text, c.locked, c.uscc, c.region, c.industry,
                    p.id, p.name, cc.phone, c.last_followup_at
             from dibs.customers c left join dibs.users u on u.id = c.owner_id
             left join dibs.teams t on t.id = c.team_id left join dibs.customers p on p.id = c.parent_id
             left join dibs.customer_contacts cc on cc.id = c.id
             where c.id = $1",
            &[&id],
        )
        .await
        .map_err(Error::doing("reading customers"))?
        .ok_or(TuiText::NotVisible { id })?;
    let contacts = client
        .query(
            "select c.id, c.name, coalesce(c.title, ''), coalesce(c.department, ''), c.reports_to,
                    c.is_key_person, u.display_name
             from dibs.contact_details c left join dibs.users u on u.id = c.last_touched_by
             where c.customer_id = $1 order by c.is_key_person desc, c.name limit 500",
            &[&id],
        )
        .await
        .map_err(Error::doing("reading customers"))?;
    let opportunities = client
        .query(
            "select o.name, s.name_en, s.name_zh, o.amount::float8, u.display_name, o.expected_close
             from dibs.opportunities o join dibs.opportunity_stages s on s.id = o.stage_id
             left join dibs.users u on u.id = o.owner_id
             where o.customer_id = $1 order by s.position, o.id limit 50",
            &[&id],
        )
        .await
        .map_err(Error::doing("reading customers"))?;
    let followups = client
        .query(
            "select f.happened_at, f.kind::text, u.display_name, coalesce(left(f.note, 120), '')
             from dibs.followups f join dibs.users u on u.id = f.user_id
             where f.customer_id = $1 order by f.happened_at desc limit 20",
            &[&id],
        )
        .await
        .map_err(Error::doing("reading customers"))?;
    let history = history(client, HistoryOf::Record(Entity::Customer, id), None, 20).await?;
    let same_company = client
        .query(
            "select entity::text, id, name, owner_name, last_touch from dibs.same_company('customer', $1)",
            &[&id],
        )
        .await
        .map_err(Error::doing("reading customers"))?
        .iter()
        .map(|r| CompanyRecord {
            entity: if r.get::<_, &str>(0) == "lead" {
                Entity::Lead
            } else {
                Entity::Customer
            },
            id: r.get(1),
            name: r.get(2),
            owner: r.get(3),
            last_touch: r.get(4),
        })
        .collect();
    let parent: Option<i64> = head.get(8);
    Ok(CustomerDetail {
        id,
        name: head.get(0),
        owner: head.get(1),
        team: head.get(2),
        status: head.get(3),
        locked: head.get(4),
        uscc: head.get(5),
        region: head.get(6),
        industry: head.get(7),
        parent: parent.map(|p| (p, head.get(9))),
        phone: head.get(10),
        last_followup: head.get(11),
        contacts: contacts
            .iter()
            .map(|r| Person {
                id: r.get(0),
                name: r.get(1),
                title: r.get(2),
                department: r.get(3),
                reports_to: r.get(4),
                key_person: r.get(5),
                last_touched_by: r.get(6),
            })
            .collect(),
        opportunities: opportunities
            .iter()
            .map(|r| OpportunityLine {
                name: r.get(0),
                stage_en: r.get(1),
                stage_zh: r.get(2),
                amount: r.get(3),
                owner: r.get(4),
                expected_close: r.get(5),
            })
            .collect(),
        followups: followups
            .iter()
            .map(|r| FollowupLine {
                at: r.get(0),
                kind: r.get(1),
                by: r.get(2),
                note: r.get(3),
            })
            .collect(),
        history,
        same_company,
    })
}

/// A person's ownership history (what they did or were party to), for the history pane.
pub async fn person_history<C: GenericClient>(
    client: &C,
    login: &str,
) -> Result<Vec<HistoryEntry>, Error> {
    let user = super::ownership::resolve_user(client, login).await?;
    history(client, HistoryOf::Person(user), None, 200).await
}
