//! `/settings`: the key, the key log and the sessions.

use leptos::prelude::*;

use crate::components::api_key_settings::ApiKeySettings;
use crate::components::key_health::KeyHealthBanner;
use crate::components::session_list::SessionList;

/// The settings page.
#[component]
pub fn SettingsPage() -> impl IntoView {
    view! {
        <h1>"Settings"</h1>
        <KeyHealthBanner/>
        <ApiKeySettings/>
        <SessionList/>
    }
}
