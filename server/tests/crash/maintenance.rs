//! Runs of `studio rotate-key` and `studio rewrap` during a round, one after another from each
//! driver (two drivers run at once, so two rotations can overlap); about half of them are
//! killed with SIGKILL at a random moment, and any still running when the round ends is killed.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use rand::Rng as _;

use crate::studio::{kill, Setup};

/// What the drivers did.
#[derive(Debug, Default, Clone)]
pub struct Maintenance {
    pub rotations: u64,
    pub rotations_killed: u64,
    pub rewraps: u64,
    pub rewraps_killed: u64,
    /// Runs that ended by themselves, every one successfully (a failure fails the round).
    pub completed: u64,
}

impl Maintenance {
    pub fn add(&mut self, other: &Maintenance) {
        self.rotations += other.rotations;
        self.rotations_killed += other.rotations_killed;
        self.rewraps += other.rewraps;
        self.rewraps_killed += other.rewraps_killed;
        self.completed += other.completed;
    }
}

async fn stopped(stop: &AtomicBool) {
    while !stop.load(Ordering::Relaxed) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Runs maintenance commands until `stop` is set.
pub async fn drive(setup: Setup, stop: Arc<AtomicBool>) -> Maintenance {
    let mut done = Maintenance::default();
    loop {
        let (pause, rotating, killing, after) = {
            let mut rng = rand::thread_rng();
            (
                rng.gen_range(0..300),
                rng.gen_bool(0.25),
                rng.gen_bool(0.5),
                rng.gen_range(0..200),
            )
        };
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(pause)) => {}
            _ = stopped(&stop) => return done,
        }
        let command = if rotating { "rotate-key" } else { "rewrap" };
        let mut child = setup.maintenance(command);
        if rotating {
            done.rotations += 1;
        } else {
            done.rewraps += 1;
        }
        let deadline = if killing {
            Duration::from_millis(after)
        } else {
            Duration::from_secs(60)
        };
        let killed = tokio::select! {
            status = child.wait() => {
                let status = status.expect("the command is reaped");
                assert!(
                    status.success(),
                    "studio {command} failed with {status}:\n{}",
                    setup.log_tail()
                );
                done.completed += 1;
                false
            }
            _ = tokio::time::sleep(deadline) => true,
            _ = stopped(&stop) => true,
        };
        if killed {
            kill(&mut child).await;
            if rotating {
                done.rotations_killed += 1;
            } else {
                done.rewraps_killed += 1;
            }
        }
    }
}
