//! The stage board's data: every stage, the visible opportunities in scope, and the
//! version-checked move (`dibs.move_opportunity`).

use tokio_postgres::GenericClient;

use crate::error::Error;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Card {
    pub id: i64,
    pub name: String,
    pub customer: String,
    pub amount: f64,
    pub owner: String,
    pub version: i32,
    pub idle_days: i64,
}

/// A stage with its cards, named in both languages (the view picks one).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stage {
    pub id: i16,
    pub name_en: String,
    pub name_zh: String,
    pub closed: bool,
    pub won: bool,
    pub cards: Vec<Card>,
}

/// Whose opportunities the board shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Scope {
    #[default]
    Mine,
    Team,
    All,
}

/// What the board shows: whose cards, and a text every shown card matches (name, customer,
/// owner, product line, region or close date — "华东", "2026-12", "ERP").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BoardQuery {
    pub scope: Scope,
    pub filter: String,
}

/// Every stage with the opportunities in scope — open ones and those closed in the last 30
/// days — largest first.
pub async fn stages<C: GenericClient>(client: &C, query: &BoardQuery) -> Result<Vec<Stage>, Error> {
    let stages = client
        .query(
            "select id, name_en, name_zh, is_closed, is_won from dibs.opportunity_stages order by position",
            &[],
        )
        .await
        .map_err(Error::doing("reading the board"))?;
    let filter = match query.scope {
        Scope::Mine => "o.owner_id = (select dibs.my_id())",
        Scope::Team => "o.owner_id = any (dibs.my_scope_users())",
        Scope::All => "true",
    };
    let rows = client
        .query(
            &format!(
                "select o.id, o.name, c.name, o.amount::float8, coalesce(u.display_name, '-'), o.version,
                        (current_date - o.last_activity_at::date)::bigint, o.stage_id
                 from dibs.opportunities o join dibs.opportunity_stages s on s.id = o.stage_id
                 join dibs.customers c on c.id = o.customer_id
                 left join dibs.users u on u.id = o.owner_id
                 where {filter} and (not s.is_closed or o.updated_at > now() - interval '30 days')
                   and ($1 = '' or strpos(lower(concat_ws(' ', o.name, c.name, u.display_name, o.product_line,
                                                       c.region, to_char(o.expected_close, 'YYYY-MM-DD'))),
                                          lower($1)) > 0)
                 order by o.amount desc, o.id limit 20000"
            ),
            &[&query.filter],
        )
        .await
        .map_err(Error::doing("reading the board"))?;
    let mut stages: Vec<Stage> = stages
        .iter()
        .map(|s| Stage {
            id: s.get(0),
            name_en: s.get(1),
            name_zh: s.get(2),
            closed: s.get(3),
            won: s.get(4),
            cards: Vec::new(),
        })
        .collect();
    for r in rows {
        let stage: i16 = r.get(7);
        if let Some(column) = stages.iter_mut().find(|c| c.id == stage) {
            column.cards.push(Card {
                id: r.get(0),
                name: r.get(1),
                customer: r.get(2),
                amount: r.get(3),
                owner: r.get(4),
                version: r.get(5),
                idle_days: r.get(6),
            });
        }
    }
    Ok(stages)
}

/// What the database answered to a move.
#[derive(Debug, Clone, PartialEq)]
pub struct MoveAnswer {
    pub ok: bool,
    pub reason: String,
    pub by_name: Option<String>,
    pub seconds_ago: Option<i64>,
    /// The opportunity's version now (the next move must name it).
    pub version: Option<i32>,
}

pub async fn move_card<C: GenericClient>(
    client: &C,
    id: i64,
    stage: i16,
    version: i32,
    reason: Option<&str>,
) -> Result<MoveAnswer, Error> {
    let row = client
        .query_one(
            "select (r).ok, (r).reason, (r).by_name, extract(epoch from now() - (r).moved_at)::bigint,
                    (r).version
             from dibs.move_opportunity($1, $2, $3, $4) r",
            &[&id, &stage, &version, &reason],
        )
        .await
        .map_err(|e| Error::db("moving an opportunity", &e))?;
    Ok(MoveAnswer {
        ok: row.get(0),
        reason: row.get(1),
        by_name: row.get(2),
        seconds_ago: row.get(3),
        version: row.get(4),
    })
}
