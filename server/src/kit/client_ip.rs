//! The client's IP: the socket peer, unless the peer is a configured trusted proxy, in which
//! case the right-most address in `X-Forwarded-For` that is not itself a trusted proxy.

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use http::Extensions;
use http::HeaderMap;

/// Works out the client IP of a request.
pub fn client_ip(extensions: &Extensions, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    let peer = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::from([127, 0, 0, 1]));
    if !trusted.contains(&peer) {
        return peer;
    }
    let forwarded = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|s| s.trim().parse::<IpAddr>().ok())
        .collect::<Vec<_>>();
    forwarded
        .into_iter()
        .rev()
        .find(|ip| !trusted.contains(ip))
        .unwrap_or(peer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ext(peer: [u8; 4]) -> Extensions {
        let mut e = Extensions::new();
        e.insert(ConnectInfo(SocketAddr::from((peer, 1234))));
        e
    }

    fn xff(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", v.parse().expect("valid header"));
        h
    }

    #[test]
    fn forwarded_for_from_an_untrusted_peer_is_ignored() {
        let ip = client_ip(&ext([203, 0, 113, 9]), &xff("1.2.3.4"), &[]);
        assert_eq!(ip, IpAddr::from([203, 0, 113, 9]));
    }

    #[test]
    fn forwarded_for_from_a_trusted_proxy_gives_the_client() {
        let proxy = IpAddr::from([10, 0, 0, 2]);
        let ip = client_ip(&ext([10, 0, 0, 2]), &xff("6.6.6.6, 1.2.3.4"), &[proxy]);
        assert_eq!(
            ip,
            IpAddr::from([1, 2, 3, 4]),
            "the right-most untrusted entry wins"
        );
    }
}
