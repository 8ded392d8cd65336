//! Results shared for the length of one evaluation on this thread, then dropped: the three modes
//! of an evaluation often need the same expensive thing (a serialized `returns`, a parsed
//! payload), and nothing may leak from one evaluation into the next.

use std::cell::RefCell;
use std::thread::LocalKey;

/// A thread's memo for one kind of result: `None` outside [`within`], where nothing is kept.
pub(crate) struct Scoped<K, V>(RefCell<Option<Vec<(K, V)>>>);

impl<K, V> Scoped<K, V> {
    pub(crate) const fn new() -> Self {
        Scoped(RefCell::new(None))
    }
}

/// Runs `f` with `memo` open; a nested scope starts empty and gives the outer one back.
pub(crate) fn within<K: 'static, V: 'static, T>(
    memo: &'static LocalKey<Scoped<K, V>>,
    f: impl FnOnce() -> T,
) -> T {
    let outer = memo.with(|m| m.0.borrow_mut().replace(Vec::new()));
    let out = f();
    memo.with(|m| *m.0.borrow_mut() = outer);
    out
}

/// The value kept for the first key that `matches`, inside a scope.
pub(crate) fn find<K: 'static, V: Clone + 'static>(
    memo: &'static LocalKey<Scoped<K, V>>,
    matches: impl Fn(&K) -> bool,
) -> Option<V> {
    memo.with(|m| {
        let kept = m.0.borrow();
        let (_, v) = kept.as_ref()?.iter().find(|(k, _)| matches(k))?;
        Some(v.clone())
    })
}

/// Keeps `v` for `k` until the scope ends; outside a scope, does nothing.
pub(crate) fn keep<K: 'static, V: 'static>(memo: &'static LocalKey<Scoped<K, V>>, k: K, v: V) {
    memo.with(|m| {
        if let Some(kept) = m.0.borrow_mut().as_mut() {
            kept.push((k, v));
        }
    })
}

/// How many results are kept (`None` outside a scope).
#[cfg(test)]
pub(crate) fn kept<K: 'static, V: 'static>(memo: &'static LocalKey<Scoped<K, V>>) -> Option<usize> {
    memo.with(|m| m.0.borrow().as_ref().map(Vec::len))
}

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        static MEMO: Scoped<u32, &'static str> = const { Scoped::new() };
    }

    #[test]
    fn kept_only_inside_a_scope_and_nested_scopes_start_empty() {
        keep(&MEMO, 1, "outside");
        assert_eq!(find(&MEMO, |k| *k == 1), None);
        within(&MEMO, || {
            keep(&MEMO, 1, "a");
            assert_eq!(find(&MEMO, |k| *k == 1), Some("a"));
            within(&MEMO, || assert_eq!(find(&MEMO, |k| *k == 1), None));
            assert_eq!(
                find(&MEMO, |k| *k == 1),
                Some("a"),
                "the outer scope is back"
            );
        });
        assert_eq!(find(&MEMO, |k| *k == 1), None);
    }
}
