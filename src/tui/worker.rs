//! Evaluation off the UI thread: the newest scenario wins, older requests still queued are
//! skipped, and an engine panic becomes a message instead of taking the lab down.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{Receiver, Sender};

use crate::lambda::InvocationMemo;
use crate::scenario::Scenario;
use crate::trace::Evaluation;

thread_local! {
    static IN_ENGINE: Cell<bool> = const { Cell::new(false) };
}

/// Whether this thread is inside [`evaluate_caught`]: the panic hook leaves the terminal alone
/// for those panics, since the lab shows them as a message and goes on.
pub fn in_engine() -> bool {
    IN_ENGINE.with(Cell::get)
}

/// Runs the engine, turning a panic into its message. `memo` answers invocations whose inputs
/// did not change since an earlier evaluation (typing in a template does not re-run the handler).
pub fn evaluate_caught(
    scenario: &Scenario,
    memo: &mut InvocationMemo,
) -> Result<Evaluation, String> {
    IN_ENGINE.with(|f| f.set(true));
    let result = catch_unwind(AssertUnwindSafe(|| {
        crate::lambda::remembering(memo, || crate::evaluate(scenario))
    }));
    IN_ENGINE.with(|f| f.set(false));
    result.map_err(|p| {
        p.downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".into())
    })
}

/// Whether evaluating can take long enough to block typing: handler code runs a JavaScript
/// engine, and big payloads or bodies take milliseconds to map.
pub fn is_slow(s: &Scenario) -> bool {
    const BIG: usize = 64 * 1024;
    s.handler.code.is_some()
        || s.handler.returns.as_ref().is_some_and(|r| r.len() > BIG)
        || s.request.body.len() > BIG
}

/// The worker loop: evaluate the newest request, report (generation, result).
pub fn run<F>(requests: Receiver<(u64, Scenario)>, report: F)
where
    F: Fn(u64, Result<Evaluation, String>) + Send + 'static,
{
    let mut memo = InvocationMemo::default();
    while let Ok(mut next) = requests.recv() {
        // Newest edit wins: skip whatever is already superseded.
        while let Ok(newer) = requests.try_recv() {
            next = newer;
        }
        let (generation, scenario) = next;
        report(generation, evaluate_caught(&scenario, &mut memo));
    }
}

/// Starts the worker thread; requests go into the returned sender.
pub fn spawn<F>(report: F) -> std::io::Result<Sender<(u64, Scenario)>>
where
    F: Fn(u64, Result<Evaluation, String>) + Send + 'static,
{
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("apigw-lab-eval".into())
        .spawn(move || run(rx, report))?;
    Ok(tx)
}
