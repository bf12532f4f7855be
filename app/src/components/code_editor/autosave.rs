//! Saving the code as it is edited: a save starts a moment after the last edit (or at once when
//! asked), one at a time so an older copy never lands after a newer one, and again when edits
//! came in while one was on its way. [`Autosave`] is that bookkeeping, free of timers and
//! requests so it can be tested; [`use_autosave`] drives it in the page.

use std::time::Duration;

use leptos::prelude::*;

use crate::error::AppError;

/// How long after the last edit a save starts.
pub const QUIET: Duration = Duration::from_millis(700);

/// Edits counted against saves.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Autosave {
    /// The number of edits so far (the code's revision).
    rev: u64,
    /// The revision the database holds.
    saved: u64,
    /// The revision of the save on its way, if one is.
    sending: Option<u64>,
    /// Whether the last save failed.
    failed: bool,
}

/// What the page says about saving.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveStatus {
    /// Everything is in the database.
    Saved,
    /// Edits wait for the next save.
    Unsaved,
    /// A save is on its way.
    Saving,
    /// The last save failed; the edits are kept here.
    Failed,
}

impl SaveStatus {
    /// The words shown.
    pub fn words(self) -> &'static str {
        match self {
            Self::Saved => "Saved",
            Self::Unsaved => "Unsaved changes",
            Self::Saving => "Saving…",
            Self::Failed => "Not saved",
        }
    }
}

impl Autosave {
    /// The code changed.
    pub fn edited(&mut self) {
        self.rev += 1;
    }

    /// Starts a save when there is something to save and none is on its way: the revision that
    /// save carries.
    pub fn start(&mut self) -> Option<u64> {
        if self.sending.is_some() || self.rev == self.saved {
            return None;
        }
        self.sending = Some(self.rev);
        Some(self.rev)
    }

    /// The save of `rev` ended; whether another should start at once (edits came in meanwhile).
    pub fn finished(&mut self, rev: u64, ok: bool) -> bool {
        self.sending = None;
        self.failed = !ok;
        if ok {
            self.saved = self.saved.max(rev);
        }
        ok && self.rev != self.saved
    }

    /// Where things stand.
    pub fn status(&self) -> SaveStatus {
        if self.sending.is_some() {
            SaveStatus::Saving
        } else if self.rev == self.saved {
            SaveStatus::Saved
        } else if self.failed {
            SaveStatus::Failed
        } else {
            SaveStatus::Unsaved
        }
    }
}

/// The page's saver: [`Saver::edited`] after each edit, [`Saver::now`] for "Save".
#[derive(Clone, Copy)]
pub struct Saver {
    state: RwSignal<Autosave>,
    error: RwSignal<Option<AppError>>,
    id: StoredValue<String>,
    code: RwSignal<String>,
}

/// A saver for workspace `id`'s `code`.
pub fn use_autosave(id: String, code: RwSignal<String>) -> Saver {
    let saver = Saver {
        state: RwSignal::new(Autosave::default()),
        error: RwSignal::new(None),
        id: StoredValue::new(id),
        code,
    };
    // Leaving the page (another page of the studio, or closing the tab) saves what is left.
    on_cleanup(move || saver.now());
    #[cfg(feature = "hydrate")]
    {
        let hidden =
            leptos::prelude::window_event_listener(leptos::ev::pagehide, move |_| saver.now());
        on_cleanup(move || hidden.remove());
    }
    saver
}

impl Saver {
    /// The code was edited: a save follows when the edits pause.
    pub fn edited(self) {
        let Some(rev) = self.state.try_update(|s| {
            s.edited();
            s.rev
        }) else {
            return;
        };
        set_timeout(
            move || {
                if self.state.try_with_untracked(|s| s.rev) == Some(rev) {
                    self.now();
                }
            },
            QUIET,
        );
    }

    /// Saves now, unless a save is on its way (its end starts the next).
    pub fn now(self) {
        let Some(Some(rev)) = self.state.try_update(Autosave::start) else {
            return;
        };
        let (Some(id), Some(code)) = (self.id.try_get_value(), self.code.try_get_untracked())
        else {
            return;
        };
        leptos::task::spawn_local(async move {
            let result = crate::workspaces::save_workspace_code(id, code).await;
            let ok = result.is_ok();
            self.error.try_set(result.err());
            if self.state.try_update(|s| s.finished(rev, ok)) == Some(true) {
                self.now();
            }
        });
    }

    /// Where saving stands.
    pub fn status(self) -> SaveStatus {
        self.state.with(Autosave::status)
    }

    /// Why the last save failed, while it is the last word.
    pub fn error(self) -> Signal<Option<AppError>> {
        self.error.into()
    }
}

#[cfg(test)]
mod tests {
    use super::{Autosave, SaveStatus};

    #[test]
    fn an_edit_is_saved_once_and_then_the_code_reads_saved() {
        let mut a = Autosave::default();
        assert_eq!(a.status(), SaveStatus::Saved);
        assert_eq!(a.start(), None, "nothing to save");
        a.edited();
        assert_eq!(a.status(), SaveStatus::Unsaved);
        assert_eq!(a.start(), Some(1));
        assert_eq!(a.status(), SaveStatus::Saving);
        assert!(!a.finished(1, true));
        assert_eq!(a.status(), SaveStatus::Saved);
    }

    #[test]
    fn edits_during_a_save_wait_for_it_and_are_saved_next() {
        let mut a = Autosave::default();
        a.edited();
        assert_eq!(a.start(), Some(1));
        a.edited();
        a.edited();
        assert_eq!(a.start(), None, "one save at a time");
        assert!(a.finished(1, true), "the later edits still need saving");
        assert_eq!(a.status(), SaveStatus::Unsaved);
        assert_eq!(a.start(), Some(3));
        assert!(!a.finished(3, true));
        assert_eq!(a.status(), SaveStatus::Saved);
    }

    #[test]
    fn a_failed_save_says_so_and_the_next_edit_tries_again() {
        let mut a = Autosave::default();
        a.edited();
        let rev = a.start().unwrap_or_default();
        assert!(
            !a.finished(rev, false),
            "no retry loop against a failing server"
        );
        assert_eq!(a.status(), SaveStatus::Failed);
        a.edited();
        assert_eq!(a.start(), Some(2));
        assert!(!a.finished(2, true));
        assert_eq!(a.status(), SaveStatus::Saved);
    }
}
