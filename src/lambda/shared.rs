//! One `returns` payload per evaluation: the three integration modes invoke the same handler, and a
//! fixed `returns` serializes to the same bytes each time (unlike `code`, whose output may depend on
//! the event, or `throws`, whose payload names the per-mode request id). Inside [`share_returns`]
//! the first invocation's payload is reused, so a 6 MB body is parsed, serialized and held once.

use std::sync::Arc;

use crate::scoped::{self, Scoped};

use super::serialize::Style;

/// A `returns` text by identity: its address and length, plus the serializer. Sound only while
/// the scenario is borrowed unchanged, which [`share_returns`] callers guarantee by holding `&Scenario`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Key {
    addr: usize,
    len: usize,
    style: Style,
}

impl Key {
    pub(super) fn new(text: &str, style: Style) -> Key {
        Key {
            addr: text.as_ptr() as usize,
            len: text.len(),
            style,
        }
    }
}

thread_local! {
    /// The payloads of the current [`share_returns`] scope.
    static SHARED: Scoped<Key, Arc<str>> = const { Scoped::new() };
}

/// Runs `f` with `returns` payloads shared between the invocations it makes on this thread.
pub fn share_returns<T>(f: impl FnOnce() -> T) -> T {
    scoped::within(&SHARED, f)
}

pub(super) fn lookup(key: Key) -> Option<Arc<str>> {
    scoped::find(&SHARED, |k| *k == key)
}

pub(super) fn store(key: Key, payload: &Arc<str>) {
    scoped::keep(&SHARED, key, Arc::clone(payload))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_only_inside_the_scope_and_per_style() {
        let text = String::from("{}");
        let key = Key::new(&text, Style::Node);
        let payload: Arc<str> = Arc::from("{}");
        store(key, &payload);
        assert_eq!(lookup(key), None, "outside a scope nothing is kept");
        share_returns(|| {
            store(key, &payload);
            assert!(lookup(key).is_some_and(|p| Arc::ptr_eq(&p, &payload)));
            assert_eq!(lookup(Key::new(&text, Style::Python)), None);
        });
        assert_eq!(lookup(key), None, "the scope's payloads are released");
    }
}
