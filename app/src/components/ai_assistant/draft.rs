//! What the user typed in the assistant, kept in this browser's local storage so that a prompt
//! written before the key was set up (or before a reload) is still there.

#[cfg(feature = "hydrate")]
const KEY: &str = "studio.assistant.draft";

/// The saved draft, if there is one.
pub(super) fn load() -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        storage()
            .and_then(|s| s.get_item(KEY).ok().flatten())
            .filter(|v| !v.is_empty())
    }
    #[cfg(not(feature = "hydrate"))]
    None
}

/// Saves `text` as the draft.
pub(super) fn keep(text: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(s) = storage() {
        let _ = s.set_item(KEY, text);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = text;
}

/// Removes the assistant's saved draft from this browser (at sign-out: the next person to sign
/// in here must not find it).
pub fn forget() {
    #[cfg(feature = "hydrate")]
    if let Some(s) = storage() {
        let _ = s.remove_item(KEY);
    }
}

#[cfg(feature = "hydrate")]
fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}
