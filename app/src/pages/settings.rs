//! `/settings`: the key, the key log, the spending limit, the default and fallback models and the sessions.

use leptos::prelude::*;

use crate::components::api_key_settings::ApiKeySettings;
use crate::components::key_health::KeyHealthBanner;
use crate::components::model_defaults::ModelDefaults;
use crate::components::session_list::SessionList;
use crate::components::spend_fallback_settings::FallbackSettings;
use crate::components::spend_limit_settings::SpendLimitSettings;

/// The settings page.
#[component]
pub fn SettingsPage() -> impl IntoView {
    view! {
        <h1>"Settings"</h1>
        <KeyHealthBanner/>
        <ApiKeySettings/>
        <SpendLimitSettings/>
        <ModelDefaults/>
        <FallbackSettings/>
        <SessionList/>
    }
}
