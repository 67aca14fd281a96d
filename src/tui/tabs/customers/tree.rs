//! The customer tree (MCR), pure: a key account as group → subsidiaries → branches,
//! loaded one level at a time, with who covers each entity. An entity owned by another team
//! than the group's account team is a collision risk; an unowned one is a gap.
use crate::db::api::tree::{Around, Node};

/// How an entity is covered, judged against the group's account team.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coverage {
    /// Owned by the account team.
    Covered,
    /// Owned by someone of another team: two teams may be chasing one account.
    OtherTeam,
    /// Nobody owns it.
    Gap,
}

/// A node as shown: its depth and whether its children are on screen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Row {
    pub node: Node,
    pub depth: usize,
    pub expanded: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tree {
    /// The team owning the group (the root): coverage is judged against it.
    pub account_team: Option<i64>,
    /// The customer the tree was opened from (selected on arrival).
    pub focus: i64,
    pub rows: Vec<Row>,
    pub cursor: usize,
}

impl Tree {
    /// A tree with its root and the root's children.
    pub fn new(root: Node, children: Vec<Node>, focus: i64) -> Tree {
        let mut tree = Tree {
            account_team: root.team_id,
            focus,
            rows: vec![Row {
                node: root,
                depth: 0,
                expanded: false,
            }],
            cursor: 0,
        };
        tree.insert_children(0, children);
        if let Some(at) = tree.rows.iter().position(|r| r.node.id == focus) {
            tree.cursor = at;
        }
        tree
    }

    /// A tree as the database read it around a customer: the root, its children, and each
    /// level down to the customer opened.
    pub fn around(around: Around) -> Tree {
        let mut levels = around.levels.into_iter();
        let first = levels.next().map(|(_, kids)| kids).unwrap_or_default();
        let mut tree = Tree::new(around.root, first, around.focus);
        for (parent, children) in levels {
            if let Some(at) = tree.row_of(parent) {
                tree.insert_children(at, children);
            }
        }
        if let Some(at) = tree.rows.iter().position(|r| r.node.id == around.focus) {
            tree.cursor = at;
        }
        tree
    }

    pub fn coverage(&self, node: &Node) -> Coverage {
        match (&node.owner, node.team_id, self.account_team) {
            (None, _, _) => Coverage::Gap,
            (Some(_), Some(team), Some(account)) if team != account => Coverage::OtherTeam,
            _ => Coverage::Covered,
        }
    }

    pub fn selected(&self) -> Option<&Row> {
        self.rows.get(self.cursor)
    }

    /// Shows `children` under the row at `at` (the answer to an expand).
    pub fn insert_children(&mut self, at: usize, children: Vec<Node>) {
        let Some(parent) = self.rows.get_mut(at) else {
            return;
        };
        parent.expanded = true;
        let depth = parent.depth + 1;
        let rows = children.into_iter().map(|node| Row {
            node,
            depth,
            expanded: false,
        });
        self.rows.splice(at + 1..at + 1, rows);
    }

    /// Where the children of `parent` go, if that row is still on screen and closed.
    pub fn row_of(&self, parent: i64) -> Option<usize> {
        self.rows
            .iter()
            .position(|r| r.node.id == parent && !r.expanded)
    }

    /// Hides everything below the row at `at`.
    pub fn collapse(&mut self, at: usize) {
        let Some(row) = self.rows.get_mut(at) else {
            return;
        };
        row.expanded = false;
        let depth = row.depth;
        let end = self.rows[at + 1..]
            .iter()
            .position(|r| r.depth <= depth)
            .map(|p| at + 1 + p)
            .unwrap_or(self.rows.len());
        self.rows.drain(at + 1..end);
        self.cursor = self.cursor.min(self.rows.len().saturating_sub(1));
    }

    /// Counts of what the tree shows: entities, gaps, other teams' entities.
    pub fn summary(&self) -> (usize, usize, usize) {
        let gaps = self
            .rows
            .iter()
            .filter(|r| self.coverage(&r.node) == Coverage::Gap)
            .count();
        let risks = self
            .rows
            .iter()
            .filter(|r| self.coverage(&r.node) == Coverage::OtherTeam)
            .count();
        (self.rows.len(), gaps, risks)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: i64, owner: Option<&str>, team: Option<i64>, children: i64) -> Node {
        Node {
            id,
            name: format!("实体{id}"),
            owner: owner.map(str::to_string),
            team_id: team,
            team: team.map(|t| format!("组{t}")),
            open_opportunities: 0,
            children,
        }
    }

    #[test]
    fn coverage_is_judged_against_the_group_team_and_levels_load_lazily() {
        let root = node(1, Some("王芳"), Some(10), 2);
        let mut tree = Tree::new(
            root,
            vec![
                node(2, Some("李娜"), Some(10), 1),
                node(3, Some("张伟"), Some(20), 0),
            ],
            3,
        );
        assert_eq!(tree.cursor, 2, "opened on the customer asked for");
        assert_eq!(tree.coverage(&tree.rows[1].node), Coverage::Covered);
        assert_eq!(tree.coverage(&tree.rows[2].node), Coverage::OtherTeam);
        let at = tree.row_of(2).unwrap_or(usize::MAX);
        tree.insert_children(at, vec![node(4, None, None, 0)]);
        assert_eq!(
            tree.rows.iter().map(|r| r.node.id).collect::<Vec<_>>(),
            vec![1, 2, 4, 3]
        );
        assert_eq!(tree.rows[2].depth, 2);
        assert_eq!(tree.coverage(&tree.rows[2].node), Coverage::Gap);
        assert_eq!(tree.summary(), (4, 1, 1));
        assert_eq!(tree.row_of(2), None, "an open row takes no second copy");
        tree.collapse(1);
        assert_eq!(
            tree.rows.iter().map(|r| r.node.id).collect::<Vec<_>>(),
            vec![1, 2, 3]
        );
    }
}
