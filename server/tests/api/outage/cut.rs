//! The two ways a test takes the database away from a running server, and gives it back.
//!
//! - **PostgreSQL**: the shared cluster is never stopped (other tests use it). The app reaches
//!   its database through a TCP proxy in the test; cutting it drops every proxied connection
//!   and closes each new one as soon as it is accepted, which is what the app sees when the
//!   database server goes away (connections reset, connects fail). Restoring it lets
//!   connections through again. Stalling it keeps every connection open but forwards
//!   nothing, as when packets to the database are lost: no error ever comes, only silence.
//! - **SQLite**: there is no server to stop, and as root a `chmod` does not stop reads.
//!   Replacing the file would not reach connections that have it open. In WAL mode readers
//!   never wait for a writer, so what a running SQLite deployment really meets is a writer
//!   that cannot get the database's one write lock (a stuck maintenance job or a backup that
//!   writes): another connection takes it (`BEGIN IMMEDIATE`) and holds it. Every write then
//!   waits the busy timeout and fails; reads go on. Restoring rolls that transaction back.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use sea_orm::sqlx::{self, Connection as _};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::AbortHandle;

/// A TCP proxy that can be cut (connections dropped, new ones refused), stalled (connections
/// kept open but nothing forwarded, as when packets to the database are lost) and restored.
pub struct Proxy {
    pub addr: SocketAddr,
    state: Arc<Mutex<ProxyState>>,
    stalled: watch::Sender<bool>,
    accept: AbortHandle,
}

struct ProxyState {
    open: bool,
    connections: Vec<AbortHandle>,
}

/// Copies `from` to `to`, holding the bytes while the proxy is stalled.
async fn forward(
    mut from: OwnedReadHalf,
    mut to: OwnedWriteHalf,
    mut stalled: watch::Receiver<bool>,
) {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        while *stalled.borrow_and_update() {
            if stalled.changed().await.is_err() {
                return;
            }
        }
        if to.write_all(&buf[..n]).await.is_err() {
            return;
        }
    }
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
        let (stalled, _) = watch::channel(false);
        let shared = state.clone();
        let stall = stalled.clone();
        let accept = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let mut state = shared.lock().unwrap();
                if !state.open {
                    // Refused: closed at once, before a byte is read.
                    drop(client);
                    continue;
                }
                let stall = stall.clone();
                let task = tokio::spawn(async move {
                    let Ok(server) = TcpStream::connect(upstream).await else {
                        return;
                    };
                    let (client_read, client_write) = client.into_split();
                    let (server_read, server_write) = server.into_split();
                    tokio::join!(
                        forward(client_read, server_write, stall.subscribe()),
                        forward(server_read, client_write, stall.subscribe()),
                    );
                });
                state.connections.push(task.abort_handle());
            }
        })
        .abort_handle();
        Proxy {
            addr,
            state,
            stalled,
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

    /// Keeps every connection, and accepts new ones, but forwards nothing.
    pub fn stall(&self) {
        self.stalled.send_replace(true);
    }

    /// Lets connections through again.
    pub fn restore(&self) {
        self.state.lock().unwrap().open = true;
        self.stalled.send_replace(false);
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
