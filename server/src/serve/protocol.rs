//! Which protocol a client speaks, told from its first bytes without taking them from the
//! socket.
//!
//! hyper-util's automatic builder reads them instead and hands them back as a first read of 24
//! bytes, which made hyper grow every connection's read buffer from 8 to 16 KiB (40 MB for
//! 5,000 held streams). With `peek` the bytes stay in the socket, and hyper's first read takes
//! the whole request into its 8 KiB buffer.

use std::io;
use std::time::Duration;

use tokio::net::TcpStream;

/// HTTP/2's connection preface (RFC 9113, section 3.4): a client that opens with it speaks
/// HTTP/2 (prior knowledge); any other speaks HTTP/1.
const H2_PREFACE: &[u8; 24] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// A connection that has sent part of the HTTP/2 preface is looked at again after this, then
/// after twice as long each time, up to [`PREFACE_RECHECK_MAX`]: a client that sends `P` and
/// stops costs a handful of wake-ups before the header timeout closes it, not one every 10 ms.
const PREFACE_RECHECK: Duration = Duration::from_millis(10);
/// The longest wait between two looks at a partial preface.
const PREFACE_RECHECK_MAX: Duration = Duration::from_secs(1);

/// The protocol a client speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Protocol {
    Http1,
    Http2,
}

/// Tells the protocol from the client's first bytes, leaving them in the socket for hyper to
/// read into its own buffer; `None` when the client closed without sending any. A client that
/// stops partway through the HTTP/2 preface is looked at again after [`PREFACE_RECHECK`],
/// backing off: the caller bounds the wait.
pub(super) async fn protocol(stream: &TcpStream) -> io::Result<Option<Protocol>> {
    let mut first = [0u8; H2_PREFACE.len()];
    let mut recheck = PREFACE_RECHECK;
    loop {
        let n = stream.peek(&mut first).await?;
        if n == 0 {
            return Ok(None);
        }
        if first[..n] != H2_PREFACE[..n] {
            return Ok(Some(Protocol::Http1));
        }
        if n == H2_PREFACE.len() {
            return Ok(Some(Protocol::Http2));
        }
        tokio::time::sleep(recheck).await;
        recheck = (recheck * 2).min(PREFACE_RECHECK_MAX);
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::AsyncWriteExt;
    use tokio::net::TcpListener;

    use super::*;

    /// What `protocol` tells of a client that sends `pieces`, a pause between each, then
    /// closes its writing side.
    async fn told(pieces: &[&[u8]]) -> Option<Protocol> {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (server, _) = listener.accept().await.unwrap();
        let pieces: Vec<Vec<u8>> = pieces.iter().map(|p| p.to_vec()).collect();
        let sending = tokio::spawn(async move {
            for piece in pieces {
                client.write_all(&piece).await.unwrap();
                tokio::time::sleep(Duration::from_millis(30)).await;
            }
            client.shutdown().await.unwrap();
            client
        });
        let told = protocol(&server).await.unwrap();
        let _client = sending.await.unwrap();
        told
    }

    #[tokio::test]
    async fn the_first_bytes_tell_the_protocol_and_stay_in_the_socket() {
        assert_eq!(told(&[b"GET / HTTP/1.1\r\n"]).await, Some(Protocol::Http1));
        // `POST` shares its first letter with the preface.
        assert_eq!(
            told(&[b"P", b"OST / HTTP/1.1\r\n"]).await,
            Some(Protocol::Http1)
        );
        assert_eq!(told(&[&H2_PREFACE[..]]).await, Some(Protocol::Http2));
        assert_eq!(
            told(&[&H2_PREFACE[..3], &H2_PREFACE[3..]]).await,
            Some(Protocol::Http2)
        );
        assert_eq!(told(&[]).await, None, "closed without a byte");

        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (server, _) = listener.accept().await.unwrap();
        client.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
        assert_eq!(protocol(&server).await.unwrap(), Some(Protocol::Http1));
        let mut kept = [0u8; 16];
        assert_eq!(
            server.peek(&mut kept).await.unwrap(),
            16,
            "nothing was consumed"
        );
        assert_eq!(&kept, b"GET / HTTP/1.1\r\n");
    }
}
