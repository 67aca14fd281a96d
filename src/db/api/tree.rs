//! The customer tree (MCR): a group's entities one level at a time, with who covers each
//! (`dibs.customer_children`, `customer_node`, `customer_path` — they show the whole account,
//! the same facts the duplicate check shares, even where the caller may not open an entity).

use tokio_postgres::{GenericClient, Row};

use crate::error::Error;

/// One entity of the tree, as the database describes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Node {
    pub id: i64,
    pub name: String,
    pub owner: Option<String>,
    pub team_id: Option<i64>,
    pub team: Option<String>,
    pub open_opportunities: i64,
    pub children: i64,
}

fn node(r: &Row) -> Node {
    Node {
        id: r.get(0),
        name: r.get(1),
        owner: r.get(2),
        team_id: r.get(3),
        team: r.get(4),
        open_opportunities: r.get(5),
        children: r.get(6),
    }
}

/// One level of a tree, at most 2,000 entities.
pub async fn children<C: GenericClient>(client: &C, parent: i64) -> Result<Vec<Node>, Error> {
    let rows = client
        .query(
            "select id, name, owner_name, owner_team, team_name, open_opportunities, children
             from dibs.customer_children($1, 2000)",
            &[&parent],
        )
        .await
        .map_err(Error::doing("reading the group tree"))?;
    Ok(rows.iter().map(node).collect())
}

pub async fn node_of<C: GenericClient>(client: &C, id: i64) -> Result<Node, Error> {
    let row = client
        .query_one(
            "select id, name, owner_name, owner_team, team_name, open_opportunities, children
             from dibs.customer_node($1)",
            &[&id],
        )
        .await
        .map_err(Error::doing("reading the group tree"))?;
    Ok(node(&row))
}

/// The way from the group (first) down to the customer (last).
pub async fn path<C: GenericClient>(client: &C, customer: i64) -> Result<Vec<i64>, Error> {
    Ok(client
        .query_one("select dibs.customer_path($1)", &[&customer])
        .await
        .map_err(Error::doing("reading the group tree"))?
        .get::<_, Option<Vec<i64>>>(0)
        .unwrap_or_default())
}

/// A customer's group, ready to show: the root, and each level down to the customer opened
/// (parent id → its children), so the customer is on screen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Around {
    pub root: Node,
    pub levels: Vec<(i64, Vec<Node>)>,
    pub focus: i64,
}

pub async fn around<C: GenericClient>(client: &C, customer: i64) -> Result<Around, Error> {
    // The whole way down, even where row-level security would hide an entity on it.
    let path = path(client, customer).await?;
    let root = path.first().copied().unwrap_or(customer);
    let mut levels = vec![(root, children(client, root).await?)];
    for &id in path.iter().skip(1) {
        if id == customer {
            break;
        }
        levels.push((id, children(client, id).await?));
    }
    Ok(Around {
        root: node_of(client, root).await?,
        levels,
        focus: customer,
    })
}
