//! One lesson: its head (title, intro), the workbench (Break it, Edit), the stage (drawing,
//! controls, narration) and the inspector, or the transcript.

use super::engine::{Answer, Ask, Engine, Source};
use super::erase::{flag, on_click, text};
use super::state::{Gate, Held, Lesson, Player, RouteCtx, SiteCtx, Written};
use super::{controls, drawing, inspector, narration, predict, transcript, workbench};
use crate::deep_link::{Live, Route, View};
use crate::markup::el;
use crate::model::LessonEntry;
use crate::playback;
use leptos::prelude::*;
use std::sync::Arc;
use std::time::Duration;
use wasm_bindgen::JsCast;

/// A lesson page: its head and workbench stay put while the stage below is rebuilt for
/// each walk the engine answers (the learner's switches and edits).
#[component]
pub fn LessonPage(index: usize, view: Memo<View>) -> impl IntoView {
    let SiteCtx(site) = expect_context::<SiteCtx>();
    let site = site.get_untracked();
    let RouteCtx(route) = expect_context::<RouteCtx>();
    let engine = expect_context::<Engine>();
    let embedded = &site.lessons[index];
    let id = embedded.id.clone();
    let live = Memo::new(move |_| match route.get() {
        Route::Lesson { live, .. } => live,
        Route::Home => Live::default(),
    });
    // The walk on the stage: the embedded one, or the engine's newest answer to what the
    // URL asks. An answer that failed (a mistake in an edit) leaves the last walk there.
    let held = StoredValue::new(Held::Site(site.clone(), index));
    // The engine's answer for the lesson as written: the table texts the embedded data
    // leaves out (`digest::embedded_site`).
    let written = RwSignal::new(None::<Arc<Answer>>);
    provide_context(Written(written));
    // Predict mode outlives the stage: a switch re-runs the walk, the mode stays on.
    let gate = Gate::new();
    let generation = RwSignal::new(0u32);
    {
        let (site, id) = (site.clone(), id.clone());
        Effect::new(move |_| {
            let live = live.get();
            if written.with_untracked(Option::is_none) {
                let a = engine.answer.with(|a| {
                    a.clone().filter(|a| {
                        workbench::answers(a, &id, &Live::default()) && a.entry.is_some()
                    })
                });
                if a.is_some() {
                    written.set(a);
                }
            }
            let next = if live.is_empty() {
                Some(Held::Site(site.clone(), index))
            } else {
                engine.answer.with(|a| {
                    a.as_ref()
                        .filter(|a| workbench::answers(a, &id, &live) && a.entry.is_some())
                        .map(|a| Held::Live(a.clone()))
                })
            };
            if let Some(next) = next.filter(|n| !held.with_value(|h| h.same(n))) {
                held.set_value(next);
                generation.update(|g| *g += 1);
            }
        });
    }
    let head = head_html(index, embedded);
    document().set_title(&format!("{} · packetwalk", embedded.title));
    let transcript = RwSignal::new(false);
    view! {
        <main class="page lesson" id="main" data-testid="lesson" data-lesson=embedded.id.clone()>
            <div class="lesson-head">
                <div class="lesson-title" inner_html=head></div>
                <div class="lesson-tools">
                    <button
                        class="button"
                        data-testid="transcript-toggle"
                        aria-pressed=text(move || transcript.get().to_string())
                        on:click=on_click(move |_| transcript.update(|t| *t = !*t))
                    >
                        {text(move || if transcript.get() { "Back to the animation" } else { "Read as text" }.to_string())}
                    </button>
                </div>
            </div>
            <workbench::Workbench lesson=id.clone() live=live gate=gate/>
            {move || {
                let _ = generation.get();
                let lesson = Lesson::new(held.get_value(), index);
                view! { <Stage lesson=lesson view=view transcript=transcript gate=gate written=Written(written)/> }
            }}
        </main>
    }
}

/// The stage (drawing, controls, narration, inspector) or the transcript, for one walk.
/// Owns the player and the two outside-world effects that drive it: the keyboard and the
/// playback timer.
#[component]
fn Stage(
    lesson: Lesson,
    view: Memo<View>,
    transcript: RwSignal<bool>,
    gate: Gate,
    written: Written,
) -> impl IntoView {
    let RouteCtx(route) = expect_context::<RouteCtx>();
    let engine = expect_context::<Engine>();
    let walk = Memo::new(move |_| match view.get() {
        View::Lesson { walk, .. } => walk,
        _ => 0,
    });
    let stored = StoredValue::new(lesson.clone());
    let len = Memo::new(move |_| {
        stored.with_value(|l| {
            l.body()
                .walks
                .get(walk.get())
                .map(|w| w.hops.len())
                .unwrap_or(0)
        })
    });
    // A changed walk can be shorter than the hop the URL names: the last hop, then.
    let step = Memo::new(move |_| match view.get() {
        View::Lesson { step, .. } => step.min(len.get().saturating_sub(1)),
        _ => 0,
    });
    let player = Player {
        lesson: stored,
        walk,
        step,
        len,
        playing: RwSignal::new(false),
        speed: RwSignal::new(1),
        transcript,
        route,
        gate,
    };
    provide_context(player);

    // The keyboard: ←/→ step, space plays or pauses, Home/End jump; not in form fields.
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        // The shell's input keeps every key (arrows recall, space is a space).
        if let Some(line) = inspector::shell::key(&ev) {
            if let Some(line) = line {
                let live = player.live();
                let ask = Ask {
                    lesson: player.lesson.with_value(|l| l.entry().id.clone()),
                    settings: live.settings,
                    source: live.edit.map(Source::Packed).unwrap_or(Source::Embedded),
                };
                engine.shell(&ask, line);
            }
            return;
        }
        let Some(m) = playback::key_move(&ev.key()) else {
            return;
        };
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        let target = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
        let tag = target.as_ref().map(|e| e.tag_name()).unwrap_or_default();
        let pans = target.is_some_and(|e| e.class_list().contains("drawing-frame"));
        if playback::key_belongs_to(&tag, &ev.key(), pans) || player.transcript.get_untracked() {
            return;
        }
        ev.prevent_default();
        match playback::apply(m, player.step.get_untracked(), player.len.get_untracked()) {
            Some(s) => {
                player.playing.set(false);
                player.go(s);
            }
            None => player.playing.update(|p| *p = !*p),
        }
    });
    on_cleanup(move || keys.remove());

    // The playback timer: while playing, one hop per tick.
    Effect::new(move |_| {
        if !player.playing.get() {
            return;
        }
        let _ = player.step.get();
        let ms = playback::SPEEDS[player.speed.get().min(playback::SPEEDS.len() - 1)].1;
        if let Ok(h) = set_timeout_with_handle(
            move || player.advance(),
            Duration::from_millis(u64::from(ms)),
        ) {
            on_cleanup(move || h.clear());
        }
    });

    view! {
        <div class="workspace" hidden=flag(move || player.transcript.get())>
            <section class="stage" aria-label="The cluster and the packet">
                <drawing::Drawing/>
                <controls::Controls/>
            </section>
            <div class="side">
                <predict::Predict written=written/>
                <narration::Narration/>
                <inspector::Inspector/>
            </div>
        </div>
        <transcript::Transcript/>
    }
}

/// The lesson's title, summary, and its intro (also shown at the first hop) with the
/// articles it follows.
pub fn head_html(index: usize, entry: &LessonEntry) -> String {
    format!(
        "<p class=\"crumbs\"><a href=\"#/\">Lessons</a> / <span>{:02}</span></p>{}{}<details class=\"about\"><summary>About this lesson</summary><div class=\"prose\">{}</div>{}</details>",
        index + 1,
        el("h1", "", &entry.title),
        el("p", "summary", &entry.summary),
        crate::render::story::prose(&entry.intro),
        el("p", "follows", &format!("Follows: {}", entry.follows.join(" · ")))
    )
}

/// A lesson whose file or run failed: what went wrong, and the way back.
#[component]
pub fn Broken(index: usize) -> impl IntoView {
    let SiteCtx(site) = expect_context::<SiteCtx>();
    let site = site.get_untracked();
    let entry = &site.lessons[index];
    let error = entry.body.as_ref().err().cloned().unwrap_or_default();
    view! {
        <main class="page" id="main">
            <h1>{entry.title.clone()}</h1>
            <p class="notice error" role="alert" data-testid="notice">"This lesson cannot be shown: " <code>{error}</code></p>
            <p><a href="#/">"Back to the lessons"</a></p>
        </main>
    }
}
