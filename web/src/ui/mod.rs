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
use crate::deep_link::Route;
use crate::model::{LessonEntry, Site};
use leptos::prelude::*;
use state::{current_route, page_of, Page, RouteCtx, SiteCtx};
use std::sync::Arc;

/// Fetch every lesson file not fetched yet, one after another.
fn prefetch(site: RwSignal<Arc<Site>>) {
    leptos::task::spawn_local(async move {
        let pending: Vec<usize> = site.with_untracked(|s| {
            (s.lessons.iter().enumerate())
                .filter(|(_, l)| l.pending())
                .map(|(i, _)| i)
                .collect()
        });
        for index in pending {
            fetch_into_site(site, index, false).await;
        }
    });
}

/// Fetch lesson `index`'s file into the list; the page re-resolves when it lands (a file
/// that cannot be read makes the lesson show its error).
fn load(site: RwSignal<Arc<Site>>, index: usize) {
    leptos::task::spawn_local(fetch_into_site(site, index, true));
}

/// A failure is kept (the lesson shows it) only when the learner opened the lesson; a
/// prefetch that failed leaves it to be fetched again when opened.
async fn fetch_into_site(site: RwSignal<Arc<Site>>, index: usize, opened: bool) {
    let Some(mut entry) = site.with_untracked(|s| s.lessons.get(index).cloned()) else {
        return;
    };
    if !entry.pending() {
        return;
    }
    match fetched_into(&mut entry).await {
        Err(e) if opened => entry.body = Err(e),
        Err(_) => return,
        Ok(()) => {}
    }
    site.update(|s| {
        if let Some(l) = Arc::make_mut(s)
            .lessons
            .get_mut(index)
            .filter(|l| l.pending())
        {
            *l = entry;
        }
    });
}

/// The lesson list (`embedded_site`), with the lesson the URL opens already fetched when
/// there is one: `mount` waits for its file before the first frame, so a deep link paints
/// the lesson itself, not a "loading" notice.
pub async fn site_at_start() -> Result<Site, String> {
    let mut site = crate::embedded_site::site()?;
    if let Route::Lesson { id, .. } = current_route() {
        if let Some(l) = site.lessons.iter_mut().find(|l| l.id == id && l.pending()) {
            if let Err(e) = fetched_into(l).await {
                l.body = Err(e);
            }
        }
    }
    Ok(site)
}

/// Fetch a lesson's file into its entry of the list.
async fn fetched_into(l: &mut LessonEntry) -> Result<(), String> {
    *l = crate::lesson_files::fetch(&l.id).await?;
    Ok(())
}

/// The root: the banner, then the lesson list or a lesson.
#[component]
pub fn App(site: Result<Site, String>) -> impl IntoView {
    let body = match site {
        Err(e) => view! { <main class="page"><p class="notice error" role="alert">{e}</p></main> }
            .into_any(),
        Ok(site) => {
            let site = RwSignal::new(Arc::new(site));
            let route = RwSignal::new(current_route());
            // The URL is the route's source of truth: typing, back and forward all land here.
            let _ = window_event_listener(leptos::ev::hashchange, move |_| {
                let now = current_route();
                if route.get_untracked() != now {
                    route.set(now);
                }
            });
            provide_context(SiteCtx(site));
            provide_context(RouteCtx(route));
            provide_context(engine::Engine::new());
            let view = Memo::new(move |_| resolve(&route.get(), &site.get()));
            // The other lessons' files, once the browser is idle after the first frame:
            // opening one from the list then needs no round trip.
            Effect::new(move |_| request_idle_callback(move || prefetch(site)));
            let page = Memo::new(move |_| page_of(&view.get()));
            (move || match page.get() {
                Page::Home(notice) => view! { <home::Home notice=notice/> }.into_any(),
                Page::Lesson(index) => {
                    view! { <lesson::LessonPage index=index view=view/> }.into_any()
                }
                Page::Broken(index) => view! { <lesson::Broken index=index/> }.into_any(),
                Page::Loading(index) => {
                    load(site, index);
                    view! { <main class="page" id="main"><p class="notice" role="status" data-testid="loading">"Loading the lesson…"</p></main> }.into_any()
                }
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
