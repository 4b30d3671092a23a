//! packetwalk-web: the Leptos client-side app that draws the cluster and replays a trace.
//!
//! For now a placeholder screen that fixes the frame the real UI drops into: the landmarks
//! (header, nav, main), the light and dark themes, the ready marker the end-to-end tests
//! wait for, and the rule that layout maths are plain functions tested natively while the
//! components only wrap them in signals.
//!
//! | item | holds |
//! |---|---|
//! | [`stop_x`] | layout maths: where the n-th stop of a walk sits on the drawing |
//! | [`App`] | the root component |
//! | [`mount`] | mounts [`App`] on `<body>` and marks the page ready (called by `main.rs`) |

use leptos::prelude::*;
use wasm_bindgen::JsValue;

/// Width of the drawing in SVG user units; the SVG scales to the screen by its viewBox.
pub const DRAWING_WIDTH: f64 = 640.0;
/// Height of the drawing in SVG user units.
pub const DRAWING_HEIGHT: f64 = 200.0;
/// Space left and right of the first and last stop.
pub const DRAWING_MARGIN: f64 = 80.0;

/// The horizontal centre of stop `index` when `count` stops are spread evenly across
/// `width`, leaving `margin` on either side. One stop sits in the middle.
///
/// ```
/// # use packetwalk_web::stop_x;
/// assert_eq!(stop_x(0, 3, 640.0, 80.0), 80.0);
/// assert_eq!(stop_x(1, 3, 640.0, 80.0), 320.0);
/// ```
pub fn stop_x(index: usize, count: usize, width: f64, margin: f64) -> f64 {
    if count <= 1 {
        return width / 2.0;
    }
    let span = width - 2.0 * margin;
    margin + span * index as f64 / (count - 1) as f64
}

/// The placeholder walk: where the packet stops, in order.
const STOPS: [&str; 3] = ["pod-a eth0", "cbr0", "pod-b eth0"];

/// A colour theme; the CSS keys off `data-theme` on `<html>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

impl Theme {
    /// The value of the `data-theme` attribute.
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// The other theme.
    pub fn toggled(self) -> Theme {
        match self {
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::Light,
        }
    }
}

/// The theme the operating system asks for, read once at start.
fn system_theme() -> Theme {
    let dark = window()
        .match_media("(prefers-color-scheme: dark)")
        .ok()
        .flatten()
        .is_some_and(|query| query.matches());
    if dark {
        Theme::Dark
    } else {
        Theme::Light
    }
}

/// The root component.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <div class="app" data-testid="app">
            <Header/>
            <Walk/>
        </div>
    }
}

/// The banner: the site's name and the theme toggle.
#[component]
fn Header() -> impl IntoView {
    let system = system_theme();
    // None follows the operating system; a click pins a theme on <html>.
    let chosen = RwSignal::new(None::<Theme>);
    let effective = move || chosen.get().unwrap_or(system);
    Effect::new(move |_| {
        if let (Some(theme), Some(root)) = (chosen.get(), document().document_element()) {
            let _ = root.set_attribute("data-theme", theme.as_str());
        }
    });
    let label = move || format!("Switch to {} theme", effective().toggled().as_str());
    view! {
        <header class="banner">
            <h1 class="title">"packetwalk"</h1>
            <p class="tagline">"One packet, hop by hop, through a Kubernetes cluster."</p>
            <button
                class="theme-toggle"
                data-testid="theme-toggle"
                aria-label=label
                on:click=move |_| chosen.set(Some(effective().toggled()))
            >
                {move || format!("{} theme", capitalised(effective().toggled().as_str()))}
            </button>
        </header>
    }
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The placeholder walk: three stops, a packet, and back/next controls.
#[component]
fn Walk() -> impl IntoView {
    let (step, set_step) = signal(0usize);
    let last = STOPS.len() - 1;
    let x = |i: usize| stop_x(i, STOPS.len(), DRAWING_WIDTH, DRAWING_MARGIN);
    let mid = DRAWING_HEIGHT / 2.0;
    let stops = STOPS
        .iter()
        .enumerate()
        .map(|(i, name)| {
            view! {
                <g class="stop" data-stop=i>
                    <rect x=x(i) - 60.0 y=mid - 28.0 width="120" height="56" rx="8"/>
                    <text x=x(i) y=mid + 5.0 text-anchor="middle">{*name}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <main class="stage">
            <h2 class="visually-hidden">"The cluster"</h2>
            <svg
                class="drawing"
                viewBox=format!("0 0 {DRAWING_WIDTH} {DRAWING_HEIGHT}")
                role="img"
                aria-label="A placeholder drawing: a packet between two pods and the bridge"
            >
                <line class="wire" x1=x(0) y1=mid x2=x(last) y2=mid/>
                {stops}
                <circle
                    class="packet"
                    data-testid="packet"
                    cx=move || x(step.get())
                    cy=mid - 44.0
                    r="10"
                />
            </svg>
            <nav class="controls" aria-label="Hop timeline">
                <button
                    aria-label="Back one hop"
                    disabled=move || step.get() == 0
                    on:click=move |_| set_step.update(|s| *s = s.saturating_sub(1))
                >
                    "Back"
                </button>
                <p class="status" aria-live="polite">
                    {move || format!("Hop {} of {}: {}", step.get() + 1, STOPS.len(), STOPS[step.get()])}
                </p>
                <button
                    aria-label="Next hop"
                    disabled=move || step.get() == last
                    on:click=move |_| set_step.update(|s| *s = (*s + 1).min(last))
                >
                    "Next"
                </button>
            </nav>
        </main>
    }
}

/// Mounts [`App`] on `<body>`, then, on the first animation frame after it, records
/// `window.__packetwalkReady = performance.now()` for the end-to-end timing.
pub fn mount() {
    console_error_panic_hook::set_once();
    mount_to_body(App);
    request_animation_frame(|| {
        let window = window();
        let now = window.performance().map(|p| p.now()).unwrap_or_default();
        let _ = js_sys::Reflect::set(&window, &JsValue::from_str("__packetwalkReady"), &now.into());
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stops_spread_from_margin_to_margin() {
        assert_eq!(stop_x(0, 3, 640.0, 80.0), 80.0);
        assert_eq!(stop_x(1, 3, 640.0, 80.0), 320.0);
        assert_eq!(stop_x(2, 3, 640.0, 80.0), 560.0);
    }

    #[test]
    fn a_single_stop_sits_in_the_middle() {
        assert_eq!(stop_x(0, 1, 640.0, 80.0), 320.0);
        assert_eq!(stop_x(0, 0, 640.0, 80.0), 320.0);
    }

    #[test]
    fn toggling_a_theme_twice_gives_it_back() {
        assert_eq!(Theme::Light.toggled(), Theme::Dark);
        assert_eq!(Theme::Dark.toggled().toggled(), Theme::Dark);
    }
}
