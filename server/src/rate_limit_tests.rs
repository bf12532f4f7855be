//! Tests of the in-flight limits.

use std::sync::Arc;

use super::*;

#[test]
fn the_eleventh_action_within_the_window_is_refused_with_retry_after() {
    let l = Limiter::new("tries", 10, 60);
    for i in 0..10 {
        assert!(l.try_acquire("ip:10.0.0.1", 1000 + i).is_ok());
    }
    let err = l.try_acquire("ip:10.0.0.1", 1010).expect_err("refused");
    assert_eq!(err.status, 429);
    assert_eq!(err.body.retry_after, Some(50));
    assert!(
        l.try_acquire("ip:10.0.0.1", 1060).is_ok(),
        "the window slides"
    );
    assert!(
        l.try_acquire("ip:10.0.0.2", 1010).is_ok(),
        "other keys are apart"
    );
}

#[test]
fn a_refunded_slot_is_free_again() {
    let l = Limiter::new("tries", 2, 60);
    let a = l.try_acquire("k", 5).expect("first");
    let _b = l.try_acquire("k", 5).expect("second");
    assert!(l.try_acquire("k", 5).is_err());
    l.refund(a);
    assert!(l.try_acquire("k", 5).is_ok());
}

#[test]
fn a_parallel_burst_gets_exactly_max_slots() {
    let l = Arc::new(Limiter::new("tries", 10, 60));
    let handles: Vec<_> = (0..64)
        .map(|_| {
            let l = l.clone();
            std::thread::spawn(move || l.try_acquire("k", 100).is_ok())
        })
        .collect();
    let granted = handles
        .into_iter()
        .map(|h| h.join().unwrap_or(false))
        .filter(|ok| *ok)
        .count();
    assert_eq!(granted, 10);
}

#[tokio::test]
async fn counted_work_keeps_its_slots_unless_the_server_failed() {
    let user = Limiter::new("tries", 2, 60);
    let addr = Limiter::new("tries", 3, 60);
    let ip: IpAddr = [10, 0, 0, 1].into();
    let refused: Result<(), AppError> = Err(AppError::new(422, "No", "No."));
    let failed: Result<(), AppError> = Err(AppError::unavailable());
    assert!(counted(&user, &addr, "u", ip, 5, async { failed.clone() })
        .await
        .is_err());
    assert!(counted(&user, &addr, "u", ip, 5, async { refused.clone() })
        .await
        .is_err());
    assert!(counted(&user, &addr, "u", ip, 5, async { Ok(()) })
        .await
        .is_ok());
    let over = counted(&user, &addr, "u", ip, 5, async { Ok(()) }).await;
    assert_eq!(
        over.map_err(|e| e.status),
        Err(429),
        "the 5xx was refunded, the rest kept"
    );
    assert!(counted(&user, &addr, "v", ip, 5, async { Ok(()) })
        .await
        .is_ok());
    let over = counted(&user, &addr, "w", ip, 5, async { Ok(()) }).await;
    assert_eq!(over.map_err(|e| e.status), Err(429), "the address is full");
    assert!(
        user.try_acquire(&user_key("w"), 5).is_ok(),
        "the user slot taken before the address refused was handed back"
    );
}

#[test]
fn ipv6_clients_are_counted_per_slash_64() {
    let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().expect("ip");
    let b: IpAddr = "2001:db8:1:2:ffff:ffff:ffff:ffff".parse().expect("ip");
    let c: IpAddr = "2001:db8:1:3::1".parse().expect("ip");
    assert_eq!(ip_key(a), ip_key(b));
    assert_ne!(ip_key(a), ip_key(c));
    let mapped: IpAddr = "::ffff:192.0.2.7".parse().expect("ip");
    assert_eq!(ip_key(mapped), "ip:192.0.2.7");
}

#[test]
fn a_full_table_drops_expired_keys_before_refusing_new_ones() {
    let l = Limiter::new("tries", 1, 60);
    {
        let mut map = l.entries.lock().unwrap_or_else(PoisonError::into_inner);
        for i in 0..MAX_KEYS {
            map.insert(format!("old{i}"), VecDeque::from([0]));
        }
    }
    assert!(
        l.try_acquire("new", 1000).is_ok(),
        "expired keys were dropped"
    );
    let len = l
        .entries
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .len();
    assert_eq!(len, 1);
}
