//! The connection an app or a command works through, shared by its tasks.

use std::sync::Arc;

use tokio_postgres::Client;

/// A connected session under the person's own login. Cheap to clone: every task of the app
/// holds one. (The connection behind it is the app's work connection; live events and the
/// latest-wins checks have their own.)
#[derive(Clone)]
pub struct Session {
    client: Arc<Client>,
}

impl Session {
    pub fn new(client: Client) -> Session {
        Session {
            client: Arc::new(client),
        }
    }

    pub fn client(&self) -> &Client {
        &self.client
    }
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Session")
    }
}
