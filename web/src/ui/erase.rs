//! Type-erased reactive values and event handlers. Leptos compiles its rendering code once
//! per closure type; behind a `Signal<String>` or a shared handler every reactive attribute
//! and every click shares one copy. The site's size budget depends on it (see the README).

use leptos::prelude::*;

/// A reactive string (an attribute, a class, a text).
pub fn text(f: impl Fn() -> String + Send + Sync + 'static) -> Signal<String> {
    Signal::derive(f)
}

/// A reactive boolean (`disabled`, a class switch).
pub fn flag(f: impl Fn() -> bool + Send + Sync + 'static) -> Signal<bool> {
    Signal::derive(f)
}

/// An event handler, shared by type.
pub type Handler<E> = Box<dyn FnMut(E)>;

pub fn on_click(
    f: impl FnMut(leptos::ev::MouseEvent) + 'static,
) -> Handler<leptos::ev::MouseEvent> {
    Box::new(f)
}

pub fn on_event(f: impl FnMut(leptos::ev::Event) + 'static) -> Handler<leptos::ev::Event> {
    Box::new(f)
}
