//! The two ways a test takes the database away from a running server, and gives it back.
//!
//! - **PostgreSQL**: the shared cluster is never stopped (other tests use it). The app reaches
//!   its database through a TCP proxy in the test; cutting it drops every proxied connection
//!   and closes each new one as soon as it is accepted, which is what the app sees when the
//!   database server goes away (connections reset, connects fail). Restoring it lets
//!   connections through again.
//! - **SQLite**: there is no server to stop, and as root a `chmod` does not stop reads.
//!   Replacing the file would not reach connections that have it open. In WAL mode readers
//!   never wait for a writer, so what a running SQLite deployment really meets is a writer
//!   that cannot get the database's one write lock (a stuck maintenance job or a backup that
//!   writes): another connection takes it (`BEGIN IMMEDIATE`) and holds it. Every write then
//!   waits the busy timeout and fails; reads go on. Restoring rolls that transaction back.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use sea_orm::sqlx::{self, Connection as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::AbortHandle;

/// A TCP proxy that can be cut and restored.
pub struct Proxy {
    pub addr: SocketAddr,
    state: Arc<Mutex<ProxyState>>,
    accept: AbortHandle,
}

struct ProxyState {
    open: bool,
    connections: Vec<AbortHandle>,
}

impl Proxy {
    /// Listens on 127.0.0.1 and forwards every connection to `upstream`.
    pub async fn start(upstream: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(ProxyState {
            open: true,
            connections: Vec::new(),
        }));
        let shared = state.clone();
        let accept = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let mut state = shared.lock().unwrap();
                if !state.open {
                    // Refused: closed at once, before a byte is read.
                    drop(client);
                    continue;
                }
                let task = tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                state.connections.push(task.abort_handle());
            }
        })
        .abort_handle();
        Proxy {
            addr,
            state,
            accept,
        }
    }

    /// Drops every connection and refuses new ones.
    pub fn cut(&self) {
        let mut state = self.state.lock().unwrap();
        state.open = false;
        for connection in state.connections.drain(..) {
            connection.abort();
        }
    }

    /// Lets connections through again.
    pub fn restore(&self) {
        self.state.lock().unwrap().open = true;
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.cut();
        self.accept.abort();
    }
}

/// Another connection to a SQLite file, which can take and hold its write lock.
pub struct WriteLock {
    conn: sqlx::SqliteConnection,
    held: bool,
}

impl WriteLock {
    /// Opens `database_url` (`sqlite://...`).
    pub async fn open(database_url: &str) -> WriteLock {
        let conn = sqlx::SqliteConnection::connect(database_url).await.unwrap();
        WriteLock { conn, held: false }
    }

    /// Takes the write lock and keeps it until [`WriteLock::release`].
    pub async fn take(&mut self) {
        sqlx::query("BEGIN IMMEDIATE")
            .execute(&mut self.conn)
            .await
            .unwrap();
        self.held = true;
    }

    /// Rolls the holding transaction back; writers may proceed.
    pub async fn release(&mut self) {
        if self.held {
            sqlx::query("ROLLBACK")
                .execute(&mut self.conn)
                .await
                .unwrap();
            self.held = false;
        }
    }
}
