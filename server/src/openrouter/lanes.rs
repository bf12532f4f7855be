//! Spreads upstream calls over several HTTP clients ("lanes"), so that no HTTP/2 connection is
//! asked for more concurrent streams than a server grants.
//!
//! Over HTTPS, OpenRouter and reqwest agree on HTTP/2, and one `reqwest::Client` then sends every
//! call to a host over a single connection. A server caps the streams open at once on one
//! connection (`SETTINGS_MAX_CONCURRENT_STREAMS`: hyper grants 200; RFC 9113 asks for at least
//! 100), and hyper's client queues calls past that cap instead of opening another connection: a
//! long answer would then wait for someone else's to end. Each lane is a client of its own (its
//! own connection), carrying at most [`PER_LANE`] calls; a new lane opens when all are full. Over
//! HTTP/1.1 every concurrent call has its own connection anyway, so lanes change nothing but
//! where idle connections wait.

use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc, RwLock,
};

/// Calls carried by one lane at once: RFC 9113's recommended minimum for a server's limit.
pub const PER_LANE: usize = 100;

/// Builds one lane's client.
type Build = dyn Fn() -> Result<reqwest::Client, String> + Send + Sync;

/// The lanes: clients built on demand, never more than needed at the busiest moment so far.
pub struct Lanes {
    lanes: RwLock<Vec<Arc<Lane>>>,
    /// The lane built at startup, also the first of `lanes`: where calls go over their limit
    /// if no other lane can be opened.
    first: Arc<Lane>,
    per_lane: usize,
    build: Box<Build>,
}

struct Lane {
    http: reqwest::Client,
    busy: AtomicUsize,
}

/// A place in a lane, held for as long as a call's response (body included) is read.
pub struct Ticket {
    lane: Arc<Lane>,
}

impl Ticket {
    /// The client to send the call with.
    pub fn http(&self) -> &reqwest::Client {
        &self.lane.http
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        self.lane.busy.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Lanes {
    /// Lanes of at most `per_lane` calls each; the first is built now, so that a client that
    /// cannot be built fails at startup.
    pub fn new(per_lane: usize, build: Box<Build>) -> Result<Self, String> {
        let first = Arc::new(Lane {
            http: build()?,
            busy: AtomicUsize::new(0),
        });
        Ok(Self {
            lanes: RwLock::new(vec![Arc::clone(&first)]),
            first,
            per_lane: per_lane.max(1),
            build,
        })
    }

    /// A place in the first lane with room, opening a new lane when none has any. If a new
    /// client cannot be built (it never failed once the first was), the least busy lane is
    /// used over its limit.
    pub fn take(&self) -> Ticket {
        if let Some(ticket) = self.room_in(&self.read()) {
            return ticket;
        }
        let mut lanes = self.lanes.write().unwrap_or_else(|p| p.into_inner());
        if let Some(ticket) = self.room_in(&lanes) {
            return ticket;
        }
        match (self.build)() {
            Ok(http) => {
                let lane = Arc::new(Lane {
                    http,
                    busy: AtomicUsize::new(1),
                });
                lanes.push(Arc::clone(&lane));
                tracing::debug!(lanes = lanes.len(), "opened an upstream lane");
                Ticket { lane }
            }
            Err(error) => {
                tracing::warn!(%error, "cannot open another upstream lane; overfilling one");
                let lane = lanes
                    .iter()
                    .min_by_key(|l| l.busy.load(Ordering::Acquire))
                    .map(Arc::clone)
                    .unwrap_or_else(|| Arc::clone(&self.first));
                lane.busy.fetch_add(1, Ordering::AcqRel);
                Ticket { lane }
            }
        }
    }

    /// How many lanes are open.
    pub fn count(&self) -> usize {
        self.read().len()
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Vec<Arc<Lane>>> {
        self.lanes.read().unwrap_or_else(|p| p.into_inner())
    }

    fn room_in(&self, lanes: &[Arc<Lane>]) -> Option<Ticket> {
        lanes.iter().find_map(|lane| {
            lane.busy
                .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                    (n < self.per_lane).then_some(n + 1)
                })
                .ok()
                .map(|_| Ticket {
                    lane: Arc::clone(lane),
                })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lanes(per_lane: usize) -> Lanes {
        Lanes::new(
            per_lane,
            Box::new(|| {
                reqwest::Client::builder()
                    .build()
                    .map_err(|e| e.to_string())
            }),
        )
        .expect("a client builds")
    }

    #[test]
    fn a_full_lane_opens_another_and_a_freed_place_is_reused() {
        let lanes = lanes(2);
        let a = lanes.take();
        let b = lanes.take();
        assert_eq!(lanes.count(), 1);
        assert!(Arc::ptr_eq(&a.lane, &b.lane));
        let c = lanes.take();
        assert_eq!(lanes.count(), 2, "the third call needs a second lane");
        assert!(!Arc::ptr_eq(&a.lane, &c.lane));
        drop(a);
        let d = lanes.take();
        assert!(
            Arc::ptr_eq(&b.lane, &d.lane),
            "the first lane has room again"
        );
        assert_eq!(lanes.count(), 2);
    }

    #[test]
    fn parallel_takes_never_put_more_than_the_limit_in_a_lane() {
        let lanes = Arc::new(lanes(3));
        let tickets: Vec<Ticket> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..32)
                .map(|_| {
                    let lanes = Arc::clone(&lanes);
                    s.spawn(move || lanes.take())
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("no panic"))
                .collect()
        });
        for lane in lanes.read().iter() {
            assert!(lane.busy.load(Ordering::Acquire) <= 3);
        }
        assert_eq!(lanes.count(), 11, "32 calls at 3 a lane need 11 lanes");
        drop(tickets);
        for lane in lanes.read().iter() {
            assert_eq!(
                lane.busy.load(Ordering::Acquire),
                0,
                "every place was given back"
            );
        }
    }
}
