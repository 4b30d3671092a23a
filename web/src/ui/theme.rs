//! Light and dark: the system's choice until the learner picks one, which is remembered.
//! The CSS keys off `data-theme` on `<html>`; without it, it follows the system.

use super::erase::text;
use leptos::prelude::*;

const KEY: &str = "packetwalk-theme";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

impl Theme {
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
    pub fn toggled(self) -> Theme {
        match self {
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::Light,
        }
    }
    pub fn parse(s: &str) -> Option<Theme> {
        match s {
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            _ => None,
        }
    }
}

fn system() -> Theme {
    let dark = window()
        .match_media("(prefers-color-scheme: dark)")
        .ok()
        .flatten()
        .is_some_and(|q| q.matches());
    if dark {
        Theme::Dark
    } else {
        Theme::Light
    }
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

#[component]
pub fn ThemeToggle() -> impl IntoView {
    let saved = storage()
        .and_then(|s| s.get_item(KEY).ok().flatten())
        .and_then(|s| Theme::parse(&s));
    let chosen = RwSignal::new(saved);
    let effective = move || chosen.get().unwrap_or_else(system);
    // The outside world: the attribute on <html> and local storage.
    Effect::new(move |_| {
        if let (Some(theme), Some(root)) = (chosen.get(), document().document_element()) {
            let _ = root.set_attribute("data-theme", theme.as_str());
            if let Some(s) = storage() {
                let _ = s.set_item(KEY, theme.as_str());
            }
        }
    });
    let label = text(move || format!("Switch to {} theme", effective().toggled().as_str()));
    view! {
        <button class="theme-toggle" data-testid="theme-toggle" aria-label=label title=label on:click=super::erase::on_click(move |_| chosen.set(Some(effective().toggled())))>
            <span class=text(move || format!("theme-icon {}", effective().as_str())) aria-hidden="true"></span>
        </button>
    }
}
