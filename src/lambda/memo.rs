//! Invocations remembered across evaluations. The lab re-evaluates every mode on every keystroke,
//! and most keystrokes (a mapping template, a selection pattern) change nothing the function
//! sees: running its JavaScript again three times per keystroke would be most of the work.
//!
//! An invocation is a function of the handler, the event and the [`InvokeContext`]: time is the
//! simulated clock, randomness is seeded from the request id and every JavaScript run gets a fresh
//! context. So a remembered answer is what a fresh run gives, keyed by all three, compared in full
//! (no hashes). Runs whose end depended on the host are never remembered: code stopped by the
//! wall-clock budget or by the engine's memory limit, a cancelled run, an engine that failed.
//!
//! The memo is owned by its caller (the lab keeps one per evaluating thread) and is used by
//! [`invoke`](super::invoke) only inside [`remembering`]; elsewhere (the CLI, tests) every
//! invocation runs.

use std::cell::RefCell;
use std::sync::Arc;

use super::{Invocation, InvokeContext, OutcomeKind};
use crate::scenario::Handler;

/// How many invocations a memo keeps by default: the three modes of the current input, and of
/// the input before it (an edit and its undo).
pub const DEFAULT_CAPACITY: usize = 6;

/// A bounded, least-recently-used set of remembered invocations.
#[derive(Debug, Clone)]
pub struct InvocationMemo {
    /// Most recently used first.
    entries: Vec<Entry>,
    capacity: usize,
    hits: u64,
    misses: u64,
}

#[derive(Debug, Clone)]
struct Entry {
    /// Shared between entries with an equal handler, so a megabyte of `returns` is held once.
    handler: Arc<Handler>,
    event: String,
    ctx: InvokeContext,
    invocation: Invocation,
}

impl Default for InvocationMemo {
    fn default() -> Self {
        InvocationMemo::new(DEFAULT_CAPACITY)
    }
}

impl InvocationMemo {
    pub fn new(capacity: usize) -> Self {
        InvocationMemo {
            entries: Vec::new(),
            capacity,
            hits: 0,
            misses: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Lookups answered from the memo / that had to run, since creation.
    pub fn stats(&self) -> (u64, u64) {
        (self.hits, self.misses)
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// The remembered answer for exactly these inputs (and marks it most recently used).
    pub fn get(
        &mut self,
        handler: &Handler,
        event_json: &str,
        ctx: &InvokeContext,
    ) -> Option<Invocation> {
        let found = self
            .entries
            .iter()
            .position(|e| e.event == event_json && e.ctx == *ctx && *e.handler == *handler);
        let Some(i) = found else {
            self.misses += 1;
            return None;
        };
        self.hits += 1;
        self.entries[..=i].rotate_right(1);
        Some(self.entries[0].invocation.clone())
    }

    /// Remembers `invocation` when a fresh run would repeat it (see the module documentation).
    pub fn put(
        &mut self,
        handler: &Handler,
        event_json: &str,
        ctx: &InvokeContext,
        invocation: &Invocation,
        repeatable: bool,
    ) {
        if !repeatable || self.capacity == 0 {
            return;
        }
        let handler = self
            .entries
            .iter()
            .find(|e| *e.handler == *handler)
            .map(|e| Arc::clone(&e.handler))
            .unwrap_or_else(|| Arc::new(handler.clone()));
        self.entries.truncate(self.capacity - 1);
        self.entries.insert(
            0,
            Entry {
                handler,
                event: event_json.to_string(),
                ctx: ctx.clone(),
                invocation: invocation.clone(),
            },
        );
    }
}

/// Whether an invocation's answer depends on nothing but its inputs. `engine_trouble` marks runs
/// the JavaScript engine could not finish on its own terms (see [`super::js`]).
pub(super) fn repeatable(outcome: OutcomeKind, ran_code: bool, engine_trouble: bool) -> bool {
    if !ran_code {
        // returns / throws / fails are pure functions of the scenario.
        return true;
    }
    !engine_trouble
        && matches!(
            outcome,
            OutcomeKind::Returned | OutcomeKind::Threw | OutcomeKind::InitError
        )
}

thread_local! {
    /// The memo of the innermost [`remembering`] scope on this thread.
    static ACTIVE: RefCell<Option<InvocationMemo>> = const { RefCell::new(None) };
}

/// Runs `f` with `memo` answering the invocations it makes on this thread.
pub fn remembering<T>(memo: &mut InvocationMemo, f: impl FnOnce() -> T) -> T {
    /// Puts the memo back even when `f` panics (the lab catches engine panics and goes on).
    struct Restore<'m> {
        memo: &'m mut InvocationMemo,
        outer: Option<InvocationMemo>,
    }
    impl Drop for Restore<'_> {
        fn drop(&mut self) {
            let outer = self.outer.take();
            if let Some(inner) = ACTIVE.with(|a| a.replace(outer)) {
                *self.memo = inner;
            }
        }
    }
    let inner = std::mem::take(memo);
    let outer = ACTIVE.with(|a| a.replace(Some(inner)));
    let _restore = Restore { memo, outer };
    f()
}

/// The active memo's answer, if there is a scope and it knows these inputs.
pub(super) fn recall(
    handler: &Handler,
    event_json: &str,
    ctx: &InvokeContext,
) -> Option<Invocation> {
    ACTIVE.with(|a| a.borrow_mut().as_mut()?.get(handler, event_json, ctx))
}

/// Hands a fresh answer to the active memo, if any.
pub(super) fn remember(
    handler: &Handler,
    event_json: &str,
    ctx: &InvokeContext,
    invocation: &Invocation,
    repeatable: bool,
) {
    ACTIVE.with(|a| {
        if let Some(memo) = a.borrow_mut().as_mut() {
            memo.put(handler, event_json, ctx, invocation, repeatable);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::super::{DEFAULT_FUNCTION_NAME, deterministic_id, invoke};
    use super::*;

    fn handler() -> Handler {
        Handler {
            runtime: "nodejs20.x".into(),
            timeout: 3,
            memory_size: 128,
            code: None,
            returns: Some(r#"{"statusCode":200}"#.into()),
            throws: None,
            fails: None,
        }
    }

    fn ctx() -> InvokeContext {
        InvokeContext::new(
            deterministic_id("memo"),
            DEFAULT_FUNCTION_NAME,
            1_700_000_000_000,
        )
    }

    /// Invokes inside a scope; returns the invocation and whether the memo answered it.
    fn through(
        memo: &mut InvocationMemo,
        h: &Handler,
        event: &str,
        c: &InvokeContext,
    ) -> (Invocation, bool) {
        let (hits, _) = memo.stats();
        let inv = remembering(memo, || invoke(h, event, c));
        (inv, memo.stats().0 > hits)
    }

    #[test]
    fn a_repeat_is_answered_from_the_memo_and_equals_a_fresh_run() {
        let mut memo = InvocationMemo::default();
        let (first, hit) = through(&mut memo, &handler(), "{}", &ctx());
        assert!(!hit);
        let (second, hit) = through(&mut memo, &handler(), "{}", &ctx());
        assert!(hit);
        assert_eq!(first, second);
        assert_eq!(second, invoke(&handler(), "{}", &ctx()));
        assert_eq!(memo.len(), 1);
    }

    #[test]
    fn every_input_is_part_of_the_key() {
        let mut memo = InvocationMemo::new(32);
        through(&mut memo, &handler(), "{}", &ctx());
        let mut variants: Vec<(Handler, &str, InvokeContext)> = Vec::new();
        let mut h = handler();
        h.returns = Some(r#"{"statusCode":201}"#.into());
        variants.push((h, "{}", ctx()));
        let mut h = handler();
        h.runtime = "python3.12".into();
        variants.push((h, "{}", ctx()));
        let mut h = handler();
        h.timeout = 4;
        variants.push((h, "{}", ctx()));
        let mut h = handler();
        h.memory_size = 256;
        variants.push((h, "{}", ctx()));
        let mut h = handler();
        h.returns = None;
        h.code = Some("exports.handler = async () => ({statusCode: 200});".into());
        variants.push((h, "{}", ctx()));
        variants.push((handler(), r#"{"a":1}"#, ctx()));
        let mut c = ctx();
        c.request_id = deterministic_id("other");
        variants.push((handler(), "{}", c));
        let mut c = ctx();
        c.function_name = "other-fn".into();
        variants.push((handler(), "{}", c));
        let mut c = ctx();
        c.now_ms += 1;
        variants.push((handler(), "{}", c));
        for (h, event, c) in &variants {
            let (inv, hit) = through(&mut memo, h, event, c);
            assert!(!hit, "{h:?} {event} {c:?} must miss");
            assert_eq!(inv, invoke(h, event, c));
        }
    }

    #[test]
    fn the_least_recently_used_entry_goes_first() {
        let mut memo = InvocationMemo::new(2);
        let event = |i: u32| format!(r#"{{"i":{i}}}"#);
        through(&mut memo, &handler(), &event(1), &ctx());
        through(&mut memo, &handler(), &event(2), &ctx());
        // Using 1 makes 2 the oldest: 3 evicts it.
        assert!(through(&mut memo, &handler(), &event(1), &ctx()).1);
        through(&mut memo, &handler(), &event(3), &ctx());
        assert_eq!(memo.len(), 2);
        assert!(through(&mut memo, &handler(), &event(1), &ctx()).1);
        assert!(!through(&mut memo, &handler(), &event(2), &ctx()).1);
        memo.clear();
        assert!(memo.is_empty());
        assert!(!through(&mut memo, &handler(), &event(1), &ctx()).1);
    }

    #[test]
    fn equal_handlers_are_held_once() {
        let mut memo = InvocationMemo::default();
        through(&mut memo, &handler(), "{}", &ctx());
        through(&mut memo, &handler(), "[]", &ctx());
        assert!(Arc::ptr_eq(
            &memo.entries[0].handler,
            &memo.entries[1].handler
        ));
    }

    #[test]
    fn only_inside_a_scope_and_restored_after_a_panic() {
        let mut memo = InvocationMemo::default();
        invoke(&handler(), "{}", &ctx());
        assert!(memo.is_empty(), "outside a scope nothing is remembered");
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            remembering(&mut memo, || {
                invoke(&handler(), "{}", &ctx());
                panic!("engine bug");
            })
        }));
        assert!(caught.is_err());
        assert_eq!(memo.len(), 1, "the memo survives the panic");
        assert!(ACTIVE.with(|a| a.borrow().is_none()));
    }

    #[test]
    fn host_dependent_ends_are_not_remembered() {
        assert!(repeatable(OutcomeKind::Timeout, false, false));
        assert!(repeatable(OutcomeKind::Returned, true, false));
        assert!(repeatable(OutcomeKind::InitError, true, false));
        assert!(!repeatable(OutcomeKind::Returned, true, true));
        assert!(!repeatable(OutcomeKind::Timeout, true, false));
        assert!(!repeatable(OutcomeKind::OutOfMemory, true, false));
    }

    #[cfg(feature = "js")]
    #[test]
    fn code_runs_are_remembered_unless_the_wall_clock_stopped_them() {
        let mut memo = InvocationMemo::default();
        let mut h = handler();
        h.returns = None;
        h.code = Some(
            "exports.handler = async (e) => ({statusCode: 200, body: JSON.stringify([e, Math.random(), Date.now()])});"
                .into(),
        );
        let (first, _) = through(&mut memo, &h, r#"{"x":1}"#, &ctx());
        let (again, hit) = through(&mut memo, &h, r#"{"x":1}"#, &ctx());
        assert!(hit);
        assert_eq!(again, first);
        assert_eq!(
            invoke(&h, r#"{"x":1}"#, &ctx()),
            first,
            "a fresh run agrees"
        );

        super::super::js::set_wall_clock_cap(std::time::Duration::from_millis(30));
        h.code = Some("exports.handler = async () => { for (;;) {} };".into());
        let (spun, _) = through(&mut memo, &h, "{}", &ctx());
        super::super::js::set_wall_clock_cap(super::super::js::WALL_CLOCK_CAP);
        assert_eq!(spun.outcome, OutcomeKind::Timeout);
        assert_eq!(memo.len(), 1, "the busy loop's timeout is not remembered");
    }
}
