//! The components. Each takes what it draws from context (`state`) and returns a view;
//! the maths they show lives in `layout`, `deep_link` and `playback`.
//!
//! | file | holds |
//! |---|---|
//! | `mod.rs` | [`App`]: the banner and the page the route asks for |
//! | [`state`] | contexts: the lessons, the route, the player |
//! | [`home`] | the lesson list |
//! | [`lesson`] | one lesson: drawing, controls, narration, inspector, transcript |
//! | [`drawing`] | the cluster as SVG, the path so far, the packet |
//! | [`controls`] | back, play, next, restart, speed, the hop timeline |
//! | [`challenge`] | find the break: the engine's card in the workbench, a guess revealed |
//! | [`workbench`] | Break it (switches) and Edit (the lesson's TOML), run by the engine |
//! | [`engine`] | the engine's worker: started after the first frame, asked, answered |
//! | [`narration`] | the hop's story and the engine's explanation |
//! | [`predict`] | predict, then reveal: the walk stops before decisive hops and asks |
//! | [`inspector`] | packet headers, the decision, the namespace's tables |
//! | [`transcript`] | the whole lesson as text |
//! | [`theme`] | light and dark |
//! | [`erase`] | type-erased signals and handlers, so the WASM stays small |

pub mod challenge;
pub mod controls;
pub mod drawing;
pub mod engine;
pub mod erase;
pub mod home;
pub mod inspector;
pub mod lesson;
pub mod narration;
pub mod predict;
pub mod state;
pub mod theme;
pub mod transcript;
pub mod workbench;

use crate::deep_link::resolve;
use leptos::prelude::*;
use state::{current_route, page_of, Page, RouteCtx, SiteCtx};
use std::sync::Arc;

/// The root: the banner, then the lesson list or a lesson.
#[component]
pub fn App() -> impl IntoView {
    let body = match crate::embedded_site::site() {
        Err(e) => view! { <main class="page"><p class="notice error" role="alert">{e}</p></main> }
            .into_any(),
        Ok(site) => {
            let site = Arc::new(site);
            let route = RwSignal::new(current_route());
            // The URL is the route's source of truth: typing, back and forward all land here.
            let _ = window_event_listener(leptos::ev::hashchange, move |_| {
                let now = current_route();
                if route.get_untracked() != now {
                    route.set(now);
                }
            });
            provide_context(SiteCtx(site.clone()));
            provide_context(RouteCtx(route));
            provide_context(engine::Engine::new());
            let view = Memo::new(move |_| resolve(&route.get(), &site));
            let page = Memo::new(move |_| page_of(&view.get()));
            (move || match page.get() {
                Page::Home(notice) => view! { <home::Home notice=notice/> }.into_any(),
                Page::Lesson(index) => {
                    view! { <lesson::LessonPage index=index view=view/> }.into_any()
                }
                Page::Broken(index) => view! { <lesson::Broken index=index/> }.into_any(),
            })
            .into_any()
        }
    };
    view! {
        <div class="app" data-testid="app">
            <header class="banner">
                <a class="brand" href="#/">
                    <span class="logo" aria-hidden="true"></span>
                    "packetwalk"
                </a>
                <p class="tagline">"One packet, hop by hop, through a Kubernetes cluster"</p>
                <theme::ThemeToggle/>
            </header>
            {body}
        </div>
    }
}
