//! What the components share, through context: the lessons, the route (the URL is its
//! source of truth), and the player of the open lesson. Signals only wrap the pure
//! functions of `deep_link`, `playback` and `layout`.

use crate::deep_link::{self, Live, Route, View};
use crate::layout::{self, Layout};
use crate::model::{Hop, LessonBody, LessonEntry, Site};
use leptos::prelude::*;
use std::sync::Arc;

/// Every lesson: the embedded list, with the hops of each lesson fetched so far.
#[derive(Clone, Copy)]
pub struct SiteCtx(pub RwSignal<Arc<Site>>);

/// The route the URL asks for.
#[derive(Clone, Copy)]
pub struct RouteCtx(pub RwSignal<Route>);

/// Which page: the lesson list or one lesson. Changes only when the lesson does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Page {
    Home(Option<String>),
    Lesson(usize),
    Broken(usize),
    Loading(usize),
}

pub fn page_of(view: &View) -> Page {
    match view {
        View::Home { notice } => Page::Home(notice.clone()),
        View::Lesson { index, .. } => Page::Lesson(*index),
        View::Broken { index } => Page::Broken(*index),
        View::Loading { index } => Page::Loading(*index),
    }
}

/// The engine's answer for the open lesson as written: it carries the table texts that the
/// embedded data leaves out.
#[derive(Clone, Copy)]
pub struct Written(pub RwSignal<Option<Arc<crate::ui::engine::Answer>>>);

/// Where the open lesson's entry lives: in the embedded site, or in the engine's answer
/// (borrowed from either, never copied).
#[derive(Clone)]
pub enum Held {
    Site(Arc<Site>, usize),
    Live(Arc<crate::ui::engine::Answer>),
}

impl Held {
    pub fn entry(&self) -> &LessonEntry {
        static EMPTY: std::sync::OnceLock<LessonEntry> = std::sync::OnceLock::new();
        match self {
            Held::Site(site, i) => &site.lessons[*i],
            Held::Live(a) => a.entry.as_ref().unwrap_or_else(|| {
                EMPTY.get_or_init(|| LessonEntry {
                    id: String::new(),
                    title: String::new(),
                    summary: String::new(),
                    follows: Vec::new(),
                    intro: String::new(),
                    body: Err(String::new()),
                })
            }),
        }
    }
    /// The same entry, by identity.
    pub fn same(&self, other: &Held) -> bool {
        match (self, other) {
            (Held::Site(a, i), Held::Site(b, j)) => Arc::ptr_eq(a, b) && i == j,
            (Held::Live(a), Held::Live(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

/// One open lesson: as embedded, or as the engine ran it with the learner's changes.
#[derive(Clone)]
pub struct Lesson {
    pub held: Held,
    pub index: usize,
    pub layout: Arc<Layout>,
}

impl Lesson {
    pub fn new(held: Held, index: usize) -> Lesson {
        let layout = held
            .entry()
            .body
            .as_ref()
            .map(|b| layout::layout(&b.topology))
            .unwrap_or_default();
        Lesson {
            held,
            index,
            layout: Arc::new(layout),
        }
    }
    pub fn entry(&self) -> &LessonEntry {
        self.held.entry()
    }
    /// Only built for lessons whose body is there; an empty one otherwise.
    pub fn body(&self) -> &LessonBody {
        static EMPTY: std::sync::OnceLock<LessonBody> = std::sync::OnceLock::new();
        self.entry()
            .body
            .as_ref()
            .unwrap_or_else(|_| EMPTY.get_or_init(empty_body))
    }
    pub fn hops(&self, walk: usize) -> Vec<&Hop> {
        self.body().walk_hops(walk)
    }
}

fn empty_body() -> LessonBody {
    LessonBody {
        topology: crate::model::Topology {
            network: String::new(),
            pod_cidr: String::new(),
            service_cidr: String::new(),
            nodes: Vec::new(),
            underlay: crate::model::Underlay {
                azure: false,
                fabric: None,
                cidr: String::new(),
                gateway: None,
                route_table: None,
                routes: Vec::new(),
                outbound_ip: None,
            },
            hosts: Vec::new(),
            services: Vec::new(),
        },
        walks: Vec::new(),
        hops: Vec::new(),
        packets: Vec::new(),
        texts: Vec::new(),
    }
}

/// Predict mode's hold on the player: moving forward past a hop not yet revealed stops just
/// before it and asks instead. The held hops live in `predict` (plain data, not signals:
/// only `asking` needs to be watched).
#[derive(Clone, Copy)]
pub struct Gate {
    pub on: RwSignal<bool>,
    /// The hop being asked about; 0 when none (hop 0 is never held: nothing comes before it).
    pub asking: RwSignal<usize>,
}

impl Default for Gate {
    fn default() -> Gate {
        Gate::new()
    }
}

impl Gate {
    pub fn new() -> Gate {
        Gate {
            on: RwSignal::new(false),
            asking: RwSignal::new(0),
        }
    }

    /// Where a move from `from` to `to` may land: before the first held hop it would pass,
    /// which is then asked about.
    fn hold(&self, from: usize, to: usize) -> usize {
        match crate::ui::predict::first_held(from, to) {
            Some(h) => {
                self.asking.set(h);
                crate::ui::predict::focus_choice();
                h - 1
            }
            None => to,
        }
    }
}

/// The player of the open lesson: where the learner is and how the packet moves.
#[derive(Clone, Copy)]
pub struct Player {
    pub lesson: StoredValue<Lesson>,
    pub walk: Memo<usize>,
    pub step: Memo<usize>,
    /// Hops in the current walk.
    pub len: Memo<usize>,
    pub playing: RwSignal<bool>,
    /// Index into `playback::SPEEDS`.
    pub speed: RwSignal<usize>,
    pub transcript: RwSignal<bool>,
    pub route: RwSignal<Route>,
    pub gate: Gate,
}

impl Player {
    /// Look at the current hop (tracked: a reactive reader reruns when it changes).
    pub fn with_hop<R>(&self, f: impl FnOnce(&Lesson, &Hop) -> R) -> Option<R> {
        let (walk, step) = (self.walk.get(), self.step.get());
        self.lesson
            .with_value(|l| l.hops(walk).get(step).map(|h| f(l, h)))
    }

    /// What the learner changed, as the URL holds it.
    pub fn live(&self) -> Live {
        match self.route.get_untracked() {
            Route::Lesson { live, .. } => live,
            Route::Home => Live::default(),
        }
    }

    /// The move `m` made by a button or a key: stops playing.
    pub fn step_by(&self, m: crate::playback::Move) {
        let (step, len) = (self.step.get_untracked(), self.len.get_untracked());
        if let Some(s) = crate::playback::apply(m, step, len) {
            self.playing.set(false);
            self.go(s);
        }
    }

    /// Go to a hop: a new history entry, so back and forward move through steps.
    pub fn go(&self, step: usize) {
        let len = self.len.get_untracked();
        let step = step.min(len.saturating_sub(1));
        let step = self.gate.hold(self.step.get_untracked(), step);
        let id = self.lesson.with_value(|l| l.entry().id.clone());
        set_fragment(
            &deep_link::format(&id, step, &self.live()),
            self.route,
            true,
        );
    }

    /// Move on while playing: the URL is replaced, not pushed, so history is not flooded.
    pub fn advance(&self) {
        let (step, len) = (self.step.get_untracked(), self.len.get_untracked());
        if step + 1 >= len || self.gate.hold(step, step + 1) == step {
            self.playing.set(false);
            return;
        }
        let id = self.lesson.with_value(|l| l.entry().id.clone());
        set_fragment(
            &deep_link::format(&id, step + 1, &self.live()),
            self.route,
            false,
        );
    }
}

/// Point the URL at `fragment` and the route with it (at once, so quick clicks never act
/// on a stale step). A pushed entry is one back/forward stop; while playing the entry is
/// replaced, so history is not flooded. The `hashchange` a push fires finds the route
/// already there.
pub fn set_fragment(fragment: &str, route: RwSignal<Route>, push: bool) {
    let w = window();
    if push {
        let _ = w.location().set_hash(fragment);
    } else if let Ok(h) = w.history() {
        let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(fragment));
    }
    route.set(deep_link::parse(fragment));
}

/// The current fragment's route.
pub fn current_route() -> Route {
    deep_link::parse(&window().location().hash().unwrap_or_default())
}

/// Does the browser ask for reduced motion?
pub fn reduced_motion() -> bool {
    window()
        .match_media("(prefers-reduced-motion: reduce)")
        .ok()
        .flatten()
        .is_some_and(|m| m.matches())
}
