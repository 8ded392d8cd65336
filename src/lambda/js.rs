//! Handler code run for real by an embedded JavaScript engine (QuickJS-ng through rquickjs), inside
//! a stand-in for the Lambda Node.js runtime (`js_runtime.js`).
//!
//! The sandbox: no file system, network, process control or real clock exist in the context; the
//! engine's memory limit follows the function's `memorySize` (→ out of memory); a wall-clock
//! interrupt stops runaway code (→ the function's timeout); a stack limit turns runaway recursion
//! into Node's `RangeError`.
//!
//! Time is simulated. Timers run in simulated time, so `setTimeout(f, 2000)` costs nothing and a
//! handler waiting past its `timeout` times out at once. CPU-bound code cannot be measured that
//! way: the engine gets a real budget of `min(timeout, WALL_CLOCK_CAP)`, and code still running
//! when it is spent is reported as Lambda's timeout after the scenario's `timeout` seconds. The
//! lab stays responsive however long the scenario's timeout is.
//!
//! One QuickJS runtime per thread is kept and reused; each invocation gets a fresh context, so no
//! state leaks between invocations. Call from any thread (the TUI uses a worker thread).

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use rquickjs::context::EvalOptions;
use rquickjs::{
    CatchResultExt, CaughtError, Context, Ctx, Function, Module, Object, Value, WriteOptions,
};
use serde::Deserialize;
use serde_json::json;

use super::{CancelToken, runtimes::Runtime};

/// The longest a handler may compute in real time before it counts as timed out.
pub const WALL_CLOCK_CAP: Duration = Duration::from_millis(1000);

/// QuickJS objects are smaller than V8's and Node itself needs ~50 MB: the engine gets the
/// function's memory minus that baseline, at least 16 MB, and never more than 512 MB of the host.
pub fn engine_memory_limit(memory_size_mb: u32) -> usize {
    let mb = memory_size_mb
        .saturating_sub(NODE_BASELINE_MB)
        .clamp(16, 512) as usize;
    mb << 20
}

/// What Node's runtime itself occupies in a function's memory.
pub const NODE_BASELINE_MB: u32 = 50;
const MAX_STACK_BYTES: usize = 768 << 10;
const RUNTIME_SOURCE: &str = include_str!("js_runtime.js");
const RUNTIME_FILE: &str = "file:///var/runtime/index.mjs";
const CJS_FILE: &str = "/var/task/index.js";
const ESM_FILE: &str = "/var/task/index.mjs";

/// The runtime shim compiled once per process: compiling its source costs ~2 ms per
/// invocation, loading its bytecode a few microseconds.
static SHIM_BYTECODE: OnceLock<Option<Box<[u8]>>> = OnceLock::new();

fn shim_bytecode() -> Option<&'static [u8]> {
    SHIM_BYTECODE
        .get_or_init(|| {
            let rt = rquickjs::Runtime::new().ok()?;
            let ctx = Context::full(&rt).ok()?;
            ctx.with(|ctx| {
                let source = format!("export default {RUNTIME_SOURCE};");
                let module = Module::declare(ctx, RUNTIME_FILE, source).ok()?;
                module
                    .write(WriteOptions::default())
                    .ok()
                    .map(Vec::into_boxed_slice)
            })
        })
        .as_deref()
}

thread_local! {
    /// A warm engine for this thread, reused while invocations leave it clean.
    static POOL: RefCell<Option<rquickjs::Runtime>> = const { RefCell::new(None) };
    /// Tests shorten the wall-clock budget so sandbox tests stay fast.
    static WALL_CAP: Cell<Duration> = const { Cell::new(WALL_CLOCK_CAP) };
}

/// Drops this thread's warm engine: the next invocation starts a new QuickJS runtime.
pub fn discard_engine() {
    POOL.with(|p| p.borrow_mut().take());
}

/// Sets this thread's real-time budget (default [`WALL_CLOCK_CAP`]).
pub fn set_wall_clock_cap(cap: Duration) {
    WALL_CAP.with(|c| c.set(cap));
}

/// One handler invocation to run.
pub(super) struct Request<'a> {
    pub source: &'a str,
    pub event_json: &'a str,
    pub runtime: &'a Runtime,
    pub request_id: &'a str,
    pub function_name: &'a str,
    pub function_arn: String,
    pub memory_mb: u32,
    pub timeout_s: u32,
    pub now_ms: i64,
    pub cancel: Option<&'a CancelToken>,
}

/// How the code ended.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum End {
    /// The serialized response (`null` for `undefined`).
    Returned(String),
    /// A function error, already shaped as the runtime shapes it.
    Threw {
        payload: serde_json::Value,
    },
    /// Loading the handler failed (syntax error, missing module or handler, error at top level).
    Init {
        payload: serde_json::Value,
        /// Node's caret block for a syntax error.
        position: Option<String>,
    },
    /// `process.exit()`: the runtime process ended.
    Exited {
        payload: serde_json::Value,
    },
    Timeout,
    OutOfMemory,
    Cancelled,
}

/// The run: its end, the console lines and the simulated time it took.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Run {
    pub end: End,
    /// `(level, epoch ms, text)` per console call.
    pub console: Vec<(String, i64, String)>,
    pub elapsed_ms: f64,
    pub engine_bytes: usize,
}

impl Run {
    /// The engine could not start or broke, or the run ended at a limit the host may have set
    /// (a timeout can be the wall-clock budget, which is not told apart from simulated time;
    /// the memory limit; a cancellation): the answer may depend on more than the code and its
    /// inputs.
    pub fn engine_trouble(&self) -> bool {
        match &self.end {
            End::Init { payload, .. } => payload["errorType"]
                .as_str()
                .is_some_and(|t| t.starts_with("Lab.Engine")),
            End::Timeout | End::OutOfMemory | End::Cancelled => true,
            End::Returned(_) | End::Threw { .. } | End::Exited { .. } => false,
        }
    }
}

/// Why the interrupt handler stopped the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    WallClock,
    Cancelled,
}

/// Runs `req.source` as a Node.js handler with `req.event_json`.
pub(super) fn run(req: &Request) -> Run {
    let rt = POOL.with(|p| p.borrow_mut().take()).or_else(new_engine);
    let Some(rt) = rt else {
        return Run {
            end: End::Init {
                payload: json!({"errorType": "Lab.EngineStartFailed", "errorMessage": "the JavaScript engine could not start"}),
                position: None,
            },
            console: Vec::new(),
            elapsed_ms: 0.0,
            engine_bytes: 0,
        };
    };
    let stop = Rc::new(Cell::new(None));
    arm(&rt, req, &stop);
    let mut run = match Context::full(&rt) {
        Ok(ctx) => ctx.with(|ctx| Session::new(ctx, req, &stop).run()),
        Err(_) => Run {
            end: End::OutOfMemory,
            console: Vec::new(),
            elapsed_ms: 0.0,
            engine_bytes: 0,
        },
    };
    rt.set_interrupt_handler(None);
    run.engine_bytes = usize::try_from(rt.memory_usage().malloc_size).unwrap_or(0);
    rt.run_gc();
    let clean = matches!(
        run.end,
        End::Returned(_) | End::Threw { .. } | End::Init { .. }
    ) && !rt.is_job_pending();
    if clean {
        POOL.with(|p| *p.borrow_mut() = Some(rt));
    }
    run
}

fn new_engine() -> Option<rquickjs::Runtime> {
    let rt = rquickjs::Runtime::new().ok()?;
    rt.set_max_stack_size(MAX_STACK_BYTES);
    rt.set_host_promise_rejection_tracker(Some(Box::new(|ctx, promise, reason, handled| {
        if let Ok(track) = ctx.globals().get::<_, Function>("__labRejection") {
            let _ = track.call::<_, ()>((promise, reason, handled));
        }
    })));
    Some(rt)
}

/// Sets this invocation's memory limit and real-time budget.
fn arm(rt: &rquickjs::Runtime, req: &Request, stop: &Rc<Cell<Option<Stop>>>) {
    rt.set_memory_limit(engine_memory_limit(req.memory_mb));
    let budget = WALL_CAP
        .with(Cell::get)
        .min(Duration::from_secs(u64::from(req.timeout_s.max(1))));
    let started = Instant::now();
    let stop = Rc::clone(stop);
    let cancel = req.cancel.cloned();
    rt.set_interrupt_handler(Some(Box::new(move || {
        if cancel.as_ref().is_some_and(CancelToken::is_cancelled) {
            stop.set(Some(Stop::Cancelled));
        } else if started.elapsed() > budget {
            stop.set(Some(Stop::WallClock));
        }
        stop.get().is_some()
    })));
}

/// The shim's answer: `{result, elapsed, logs}`.
#[derive(Deserialize)]
struct Outcome {
    result: Option<ShimResult>,
    elapsed: f64,
    logs: Vec<(String, f64, String)>,
}

#[derive(Deserialize)]
struct ShimResult {
    ok: bool,
    #[serde(default)]
    payload: Option<String>,
    #[serde(default)]
    error: Option<serde_json::Value>,
}

/// One invocation inside a fresh context.
struct Session<'js, 'r> {
    ctx: Ctx<'js>,
    req: &'r Request<'r>,
    stop: &'r Rc<Cell<Option<Stop>>>,
}

/// Control flow out of the event loop: the run ended before the shim could answer.
type Halt = End;

impl<'js, 'r> Session<'js, 'r> {
    fn new(ctx: Ctx<'js>, req: &'r Request<'r>, stop: &'r Rc<Cell<Option<Stop>>>) -> Self {
        Session { ctx, req, stop }
    }

    fn run(self) -> Run {
        let lab = match self.start_shim() {
            Ok(lab) => lab,
            Err(end) => return self.finish(None, Some(end)),
        };
        let halted = self.load(&lab).and_then(|()| self.invoke(&lab)).err();
        self.finish(Some(&lab), halted)
    }

    fn start_shim(&self) -> Result<Object<'js>, Halt> {
        let factory = match self.shim_from_bytecode() {
            Some(f) => f,
            None => self
                .ctx
                .eval_with_options(RUNTIME_SOURCE, eval_options(RUNTIME_FILE))
                .catch(&self.ctx)
                .map_err(|e| self.halt(&e))?,
        };
        let config = self
            .ctx
            .json_parse(self.config().to_string())
            .catch(&self.ctx)
            .map_err(|e| self.halt(&e))?;
        factory
            .call((config,))
            .catch(&self.ctx)
            .map_err(|e| self.halt(&e))
    }

    /// The shim's factory from the precompiled module (`None`: compile the source instead).
    fn shim_from_bytecode(&self) -> Option<Function<'js>> {
        let bytes = shim_bytecode()?;
        // SAFETY: the bytecode was written by this same QuickJS build from the lab's own source
        // (`shim_bytecode`), and it lives in a static for the rest of the process, as QuickJS's
        // read-only loading (which keeps pointers into the buffer) requires.
        let declared = unsafe { Module::load(self.ctx.clone(), bytes) }.ok()?;
        let (module, _settled) = declared.eval().ok()?;
        module.namespace().ok()?.get("default").ok()
    }

    fn config(&self) -> serde_json::Value {
        let r = self.req;
        let esm = is_es_module(r.source);
        let h = super::id_hash(r.request_id);
        let seed = [
            h as u32,
            (h >> 32) as u32,
            super::mix(h) as u32,
            (super::mix(h) >> 32) as u32,
        ];
        let node = node_version(r.runtime.major);
        json!({
            "nowMs": r.now_ms,
            "timeoutMs": f64::from(r.timeout_s) * 1000.0,
            "taskFile": if esm { ESM_FILE } else { CJS_FILE },
            "lineOffset": if esm { 0 } else { 1 },
            "runtimeFrame": r.runtime.node_runtime_frame(),
            "handlerString": "index.handler",
            "source": r.source,
            "requestId": r.request_id,
            "functionName": r.function_name,
            "functionArn": r.function_arn,
            "memoryMb": r.memory_mb,
            "logStream": log_stream(r.now_ms, r.request_id),
            "seed": seed,
            "nodeVersion": node,
            "env": lambda_env(r, node),
        })
    }

    /// Compiles and runs the task file's top level, then finds `handler`.
    fn load(&self, lab: &Object<'js>) -> Result<(), Halt> {
        let init_error: Value = if is_es_module(self.req.source) {
            self.load_module(lab)?
        } else {
            let wrapped = format!(
                "(function (exports, require, module, __filename, __dirname) {{\n{}\n}})",
                self.req.source
            );
            let compiled: Result<Function, _> = self
                .ctx
                .eval_with_options(wrapped, eval_options(CJS_FILE))
                .catch(&self.ctx);
            match compiled {
                Ok(wrapper) => self.call(lab, "load", (wrapper,))?,
                Err(e) => return Err(self.syntax_error(lab, e)),
            }
        };
        if init_error.is_null() {
            return Ok(());
        }
        Err(End::Init {
            payload: self.to_json(init_error)?,
            position: None,
        })
    }

    fn load_module(&self, lab: &Object<'js>) -> Result<Value<'js>, Halt> {
        let declared =
            Module::declare(self.ctx.clone(), ESM_FILE, self.req.source).catch(&self.ctx);
        let module = match declared {
            Ok(m) => m,
            Err(e) => {
                if let Some(name) = missing_import(&e) {
                    return Err(self.import_error(&name));
                }
                return Err(self.syntax_error(lab, e));
            }
        };
        let evaluated = module.eval().catch(&self.ctx);
        let (module, promise) = match evaluated {
            Ok(pair) => pair,
            Err(e) => {
                if let Some(name) = missing_import(&e) {
                    return Err(self.import_error(&name));
                }
                return Err(self.caught_init(lab, e)?);
            }
        };
        self.drain_jobs()?;
        if let Some(Err(e)) = promise.result::<Value>().map(|r| r.catch(&self.ctx)) {
            return Err(self.caught_init(lab, e)?);
        }
        let namespace = module
            .namespace()
            .catch(&self.ctx)
            .map_err(|e| self.halt(&e))?;
        self.call(lab, "loadModule", (namespace,))
    }

    /// Node's answer for an ES module importing what the lab lacks.
    fn import_error(&self, name: &str) -> End {
        let hint = "apigw-lab: handler code runs without node_modules or Node built-in modules, so imports cannot be loaded; inline what you need.";
        let message = format!(
            "Error [ERR_MODULE_NOT_FOUND]: Cannot find package '{name}' imported from {ESM_FILE}\n{hint}"
        );
        let mut trace: Vec<String> = format!("Runtime.ImportModuleError: {message}")
            .split('\n')
            .map(String::from)
            .collect();
        trace.extend([
            "    at _loadUserApp (file:///var/runtime/index.mjs:1087:17)".to_string(),
            "    at async UserFunction.js.module.exports.load (file:///var/runtime/index.mjs:1119:21)".to_string(),
            "    at async start (file:///var/runtime/index.mjs:1282:23)".to_string(),
            "    at async file:///var/runtime/index.mjs:1288:1".to_string(),
        ]);
        End::Init {
            payload: json!({"errorType": "Runtime.ImportModuleError", "errorMessage": message, "trace": trace}),
            position: None,
        }
    }

    /// An exception thrown by the module's top level.
    fn caught_init(&self, lab: &Object<'js>, e: CaughtError<'js>) -> Result<End, Halt> {
        if let Some(end) = self.stopped() {
            return Err(end);
        }
        let value = caught_value(&self.ctx, e);
        let formatted: Value = self.call(lab, "formatError", (value,))?;
        Ok(End::Init {
            payload: self.to_json(formatted)?,
            position: None,
        })
    }

    fn syntax_error(&self, lab: &Object<'js>, e: CaughtError<'js>) -> End {
        if let Some(end) = self.stopped() {
            return end;
        }
        let value = caught_value(&self.ctx, e);
        let formatted: Result<Value, End> =
            self.call(lab, "syntaxError", (value, self.req.source.to_string()));
        let payload = match formatted.and_then(|v| self.to_json(v)) {
            Ok(p) => p,
            Err(end) => return end,
        };
        let position = payload
            .pointer("/position/caret")
            .and_then(|c| c.as_str())
            .map(String::from);
        let mut payload = payload;
        if let Some(obj) = payload.as_object_mut() {
            obj.remove("position");
        }
        End::Init { payload, position }
    }

    /// Calls the handler, then runs the event loop in simulated time until it has an answer.
    fn invoke(&self, lab: &Object<'js>) -> Result<(), Halt> {
        let _: Value = self.call(lab, "invoke", (self.req.event_json.to_string(),))?;
        let timeout_ms = f64::from(self.req.timeout_s) * 1000.0;
        loop {
            self.drain_jobs()?;
            let done: i32 = self.call(lab, "poll", ())?;
            if done == 1 {
                return Ok(());
            }
            let due: f64 = self.call(lab, "nextDue", ())?;
            if due < 0.0 {
                let _: Value = self.call(lab, "loopEmpty", ())?;
            } else if due > timeout_ms {
                let _: Value = self.call(lab, "advance", (timeout_ms,))?;
                return Err(End::Timeout);
            } else {
                let _: Value = self.call(lab, "runTimer", ())?;
            }
        }
    }

    fn drain_jobs(&self) -> Result<(), Halt> {
        while self.ctx.execute_pending_job() {
            if let Some(end) = self.stopped() {
                return Err(end);
            }
        }
        self.stopped().map_or(Ok(()), Err)
    }

    fn call<A, R>(&self, lab: &Object<'js>, name: &str, args: A) -> Result<R, Halt>
    where
        A: rquickjs::function::IntoArgs<'js>,
        R: rquickjs::FromJs<'js>,
    {
        let f: Function = lab.get(name).catch(&self.ctx).map_err(|e| self.halt(&e))?;
        f.call(args).catch(&self.ctx).map_err(|e| self.halt(&e))
    }

    fn to_json(&self, v: Value<'js>) -> Result<serde_json::Value, Halt> {
        let text = self
            .ctx
            .json_stringify(v)
            .catch(&self.ctx)
            .map_err(|e| self.halt(&e))?;
        let text = text
            .and_then(|s| s.to_string().ok())
            .unwrap_or_else(|| "null".into());
        Ok(serde_json::from_str(&text).unwrap_or(serde_json::Value::Null))
    }

    /// Why an engine call failed when the shim could not say: the interrupt or the memory limit.
    fn halt(&self, e: &CaughtError<'js>) -> End {
        if let Some(end) = self.stopped() {
            return end;
        }
        let text = e.to_string();
        if text.contains("out of memory")
            || matches!(e, CaughtError::Error(rquickjs::Error::Allocation))
        {
            return End::OutOfMemory;
        }
        End::Init {
            payload: json!({"errorType": "Lab.EngineError", "errorMessage": format!("the JavaScript engine failed: {text}")}),
            position: None,
        }
    }

    fn stopped(&self) -> Option<End> {
        self.stop.get().map(|s| match s {
            Stop::WallClock => End::Timeout,
            Stop::Cancelled => End::Cancelled,
        })
    }

    /// Reads the shim's answer (unless the run was `halted` first) and the logs. After an
    /// out-of-memory error the handler's frames are gone, so a collection usually frees what it
    /// allocated and the logs can still be read.
    fn finish(&self, lab: Option<&Object<'js>>, halted: Option<End>) -> Run {
        let engine_bytes = 0; // measured by `run` once the context is gone
        let outcome = lab.and_then(|lab| {
            self.ctx.run_gc();
            self.stop.set(None);
            let f: Function = lab.get("outcome").ok()?;
            let text: String = f.call(()).ok()?;
            serde_json::from_str::<Outcome>(&text).ok()
        });
        let Some(outcome) = outcome else {
            let end = halted.unwrap_or(End::Init {
                payload: json!({"errorType": "Lab.EngineError", "errorMessage": "the runtime shim gave no answer"}),
                position: None,
            });
            return Run {
                end,
                console: Vec::new(),
                elapsed_ms: 0.0,
                engine_bytes,
            };
        };
        let console = outcome
            .logs
            .into_iter()
            .map(|(level, at, text)| (level, at as i64, text))
            .collect();
        let end = halted.unwrap_or_else(|| classify(outcome.result));
        Run {
            end,
            console,
            elapsed_ms: outcome.elapsed,
            engine_bytes,
        }
    }
}

/// The shim's result as an [`End`]; QuickJS's out-of-memory error becomes the OOM outcome.
fn classify(result: Option<ShimResult>) -> End {
    let Some(result) = result else {
        return End::Returned("null".into());
    };
    if result.ok {
        return End::Returned(result.payload.unwrap_or_else(|| "null".into()));
    }
    let error = result.error.unwrap_or(serde_json::Value::Null);
    if error["errorType"] == "InternalError" && error["errorMessage"] == "out of memory" {
        return End::OutOfMemory;
    }
    if error.get("exit").is_some() {
        let mut payload = error;
        if let Some(o) = payload.as_object_mut() {
            o.remove("exit");
        }
        return End::Exited { payload };
    }
    End::Threw { payload: error }
}

fn caught_value<'js>(ctx: &Ctx<'js>, e: CaughtError<'js>) -> Value<'js> {
    match e {
        CaughtError::Exception(ex) => ex.into_value(),
        CaughtError::Value(v) => v,
        CaughtError::Error(err) => rquickjs::String::from_str(ctx.clone(), &err.to_string())
            .map_or_else(
                |_| Value::new_undefined(ctx.clone()),
                rquickjs::String::into_value,
            ),
    }
}

/// The module a failed ES-module import named, from QuickJS's resolution error.
fn missing_import(e: &CaughtError<'_>) -> Option<String> {
    let text = match e {
        CaughtError::Exception(ex) => ex.message().unwrap_or_default(),
        other => other.to_string(),
    };
    if !text.contains("resolv")
        && !text.contains("could not load module")
        && !text.contains("loading")
    {
        return None;
    }
    let start = text.find(['\'', '"'])? + 1;
    let end = start + text[start..].find(['\'', '"'])?;
    Some(text[start..end].to_string())
}

fn eval_options(file: &str) -> EvalOptions {
    let mut o = EvalOptions::default();
    o.global = true;
    o.strict = false;
    o.filename = Some(file.to_string());
    o
}

/// A task file written as an ES module (`export const handler = ...`, `import ... from`).
pub fn is_es_module(source: &str) -> bool {
    source.lines().any(|line| {
        let l = line.trim_start();
        l.starts_with("export ")
            || l.starts_with("export{")
            || (l.starts_with("import ") || l.starts_with("import{")) && !l.starts_with("import(")
    })
}

fn node_version(major: u32) -> &'static str {
    match major {
        0..=16 => "v16.20.2",
        17..=18 => "v18.20.4",
        19..=20 => "v20.18.0",
        21..=22 => "v22.11.0",
        _ => "v24.11.0",
    }
}

/// `2024/06/28/[$LATEST]<32 hex>`, as Lambda names log streams.
fn log_stream(now_ms: i64, request_id: &str) -> String {
    let c = super::clock::Civil::from_epoch_ms(now_ms);
    let h = super::mix(super::id_hash(&format!("{request_id}#stream")));
    let h2 = super::mix(h);
    format!(
        "{:04}/{:02}/{:02}/[$LATEST]{h:016x}{h2:016x}",
        c.year, c.month, c.day
    )
}

/// The environment variables Lambda sets for a Node function (credentials omitted).
fn lambda_env(r: &Request, node: &str) -> serde_json::Value {
    let region = super::REGION;
    json!({
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "AWS_EXECUTION_ENV": format!("AWS_Lambda_{}", r.runtime.id),
        "AWS_LAMBDA_FUNCTION_NAME": r.function_name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": r.memory_mb.to_string(),
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "AWS_LAMBDA_LOG_GROUP_NAME": format!("/aws/lambda/{}", r.function_name),
        "AWS_LAMBDA_LOG_STREAM_NAME": log_stream(r.now_ms, r.request_id),
        "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001",
        "LAMBDA_RUNTIME_DIR": "/var/runtime",
        "LAMBDA_TASK_ROOT": "/var/task",
        "LANG": "en_US.UTF-8",
        "NODE_PATH": format!("/opt/nodejs/node{}/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task", node.trim_start_matches('v').split('.').next().unwrap_or("20")),
        "PATH": "/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin",
        "TZ": ":UTC",
        "_HANDLER": "index.handler",
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lambda::{Invocation, InvokeContext, OutcomeKind, deterministic_id, invoke};
    use crate::scenario::Handler;
    use serde_json::Value as Json;

    const NOW: i64 = 1_700_000_000_000;

    fn handler(code: &str) -> Handler {
        Handler {
            runtime: "nodejs20.x".into(),
            timeout: 3,
            memory_size: 128,
            code: Some(code.into()),
            returns: None,
            throws: None,
            fails: None,
        }
    }

    fn ctx() -> InvokeContext {
        InvokeContext::new(deterministic_id("js-test"), "lab-fn", NOW)
    }

    fn run_with(h: &Handler, event: &str) -> Invocation {
        set_wall_clock_cap(Duration::from_millis(300));
        invoke(h, event, &ctx())
    }

    fn run(code: &str) -> Invocation {
        run_with(&handler(code), "{}")
    }

    fn payload(inv: &Invocation) -> Json {
        serde_json::from_str(&inv.payload).unwrap_or_else(|e| panic!("{e}: {}", inv.payload))
    }

    fn trace(inv: &Invocation) -> Vec<String> {
        payload(inv)["trace"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn the_shim_loads_from_bytecode() {
        assert!(shim_bytecode().is_some_and(|b| !b.is_empty()));
        let rt = rquickjs::Runtime::new().unwrap();
        let ctx = Context::full(&rt).unwrap();
        let stop = Rc::new(Cell::new(None));
        let h = handler("exports.handler = async () => 1;");
        let runtime = Runtime::parse("nodejs20.x");
        let req = Request {
            source: h.code.as_deref().unwrap(),
            event_json: "{}",
            runtime: &runtime,
            request_id: "r",
            function_name: "f",
            function_arn: String::new(),
            memory_mb: 128,
            timeout_s: 3,
            now_ms: NOW,
            cancel: None,
        };
        ctx.with(|ctx| {
            assert!(
                Session::new(ctx, &req, &stop)
                    .shim_from_bytecode()
                    .is_some()
            )
        });
    }

    #[test]
    fn conformance_01_returned_object() {
        let inv = run(
            "exports.handler = async (event) => {\n    const response = {\n        statusCode: 400,\n        body: JSON.stringify('Hello from Lambda!'),\n    };\n    return response;\n};\n",
        );
        assert_eq!(inv.outcome, OutcomeKind::Returned, "{}", inv.payload);
        assert_eq!(
            inv.payload.as_ref(),
            r#"{"statusCode":400,"body":"\"Hello from Lambda!\""}"#
        );
        assert_eq!(inv.function_error, None);
    }

    #[test]
    fn conformance_02_thrown_error() {
        let inv = run(
            "exports.handler = async (event) => {\n    throw new Error('Internal Error - Intentionally throw this error');\n};\n",
        );
        assert_eq!(inv.outcome, OutcomeKind::Threw);
        assert_eq!(inv.function_error.as_deref(), Some("Unhandled"));
        assert!(inv.payload.starts_with(r#"{"errorType":"Error","errorMessage":"Internal Error - Intentionally throw this error","trace":["#), "{}", inv.payload);
        assert_eq!(
            trace(&inv),
            [
                "Error: Internal Error - Intentionally throw this error",
                "    at Runtime.handler (/var/task/index.js:2:11)",
                "    at Runtime.handleOnceNonStreaming (file:///var/runtime/index.mjs:1173:29)",
            ]
        );
        assert!(
            inv.logs
                .iter()
                .any(|l| l.contains("\tERROR\tInvoke Error \t{\"errorType\":\"Error\""))
        );
    }

    #[test]
    fn conformance_06_json_in_error_message() {
        let inv = run(
            "exports.handler = async (event, context) => {\n    const response = {\n        statusCode: 400,\n        body: JSON.stringify('Hello from Lambda!'),\n    };\n    throw new Error(JSON.stringify(response));\n};\n",
        );
        assert_eq!(
            inv.error_message().as_deref(),
            Some(r#"{"statusCode":400,"body":"\"Hello from Lambda!\""}"#)
        );
    }

    #[test]
    fn conformance_29_thrown_string() {
        let inv = run("exports.handler = async () => {\n    throw \"oops\";\n};\n");
        assert_eq!(
            inv.payload.as_ref(),
            r#"{"errorType":"string","errorMessage":"oops","trace":[]}"#
        );
    }

    fn timed(code: &str, timeout: u32) -> Invocation {
        let mut h = handler(code);
        h.timeout = timeout;
        run_with(&h, "{}")
    }

    #[test]
    fn thrown_kinds_follow_the_runtime_rule() {
        let number = run("exports.handler = async () => { throw 42; };");
        assert_eq!(
            number.payload.as_ref(),
            r#"{"errorType":"number","errorMessage":"42","trace":[]}"#
        );
        let object = run("exports.handler = async () => { throw {code: 404}; };");
        assert_eq!(
            object.payload.as_ref(),
            r#"{"errorType":"object","errorMessage":"[object Object]","trace":[]}"#
        );
        let undef = run("exports.handler = async () => { throw undefined; };");
        assert_eq!(
            undef.payload.as_ref(),
            r#"{"errorType":"string","errorMessage":"handled","trace":[]}"#
        );
        let sub = run(
            "class ValidationError extends Error {\n  constructor(m) { super(m); this.name = 'ValidationError'; }\n}\nexports.handler = async () => { throw new ValidationError('bad input'); };",
        );
        assert_eq!(payload(&sub)["errorType"], "ValidationError");
        assert_eq!(trace(&sub)[0], "ValidationError: bad input");
        assert!(
            trace(&sub)
                .iter()
                .any(|l| l.contains("/var/task/index.js:4:")),
            "{:?}",
            trace(&sub)
        );
        let type_error = run("exports.handler = async (event) => event.missing.x;");
        assert_eq!(payload(&type_error)["errorType"], "TypeError");
        assert_eq!(
            payload(&type_error)["errorMessage"],
            "Cannot read properties of undefined (reading 'x')"
        );
    }

    #[test]
    fn callbacks_and_legacy_context_methods() {
        let err = run(
            "exports.handler = (event, context, callback) => { callback(new Error('cb failed')); };",
        );
        assert_eq!(payload(&err)["errorMessage"], "cb failed");
        assert_eq!(trace(&err)[0], "Error: cb failed");
        let text = run("exports.handler = (e, c, cb) => cb('plain text');");
        assert_eq!(
            text.payload.as_ref(),
            r#"{"errorType":"string","errorMessage":"plain text","trace":[]}"#
        );
        let ok =
            run("exports.handler = (e, c, cb) => { setTimeout(() => cb(null, {ok: true}), 50); };");
        assert_eq!(ok.payload.as_ref(), r#"{"ok":true}"#);
        let succeed = run("exports.handler = (e, context) => { context.succeed('done'); };");
        assert_eq!(succeed.payload.as_ref(), r#""done""#);
        let fail = run("exports.handler = (e, context) => { context.fail(); };");
        assert_eq!(
            fail.payload.as_ref(),
            r#"{"errorType":"string","errorMessage":"handled","trace":[]}"#
        );
    }

    #[test]
    fn undefined_and_sync_returns_are_null() {
        assert_eq!(
            run("exports.handler = async () => {};").payload.as_ref(),
            "null"
        );
        assert_eq!(
            run("exports.handler = () => ({statusCode: 200});")
                .payload
                .as_ref(),
            "null"
        );
        assert_eq!(
            run("exports.handler = async () => new Promise(() => {});")
                .payload
                .as_ref(),
            "null"
        );
    }

    #[test]
    fn rejections() {
        let rejected = run("exports.handler = () => Promise.reject(new RangeError('nope'));");
        assert_eq!(payload(&rejected)["errorType"], "RangeError");
        let unhandled = run(
            "exports.handler = async () => {\n  Promise.reject(new Error('later'));\n  await new Promise((r) => setTimeout(r, 10));\n  return 1;\n};",
        );
        assert_eq!(
            payload(&unhandled)["errorType"],
            "Runtime.UnhandledPromiseRejection"
        );
        assert_eq!(payload(&unhandled)["errorMessage"], "Error: later");
        assert_eq!(
            trace(&unhandled)[0],
            "Runtime.UnhandledPromiseRejection: Error: later"
        );
    }

    #[test]
    fn context_object() {
        let inv = run(
            "exports.handler = async (event, context) => ({\n  id: context.awsRequestId, name: context.functionName, version: context.functionVersion,\n  mem: context.memoryLimitInMB, left: context.getRemainingTimeInMillis(),\n  arn: context.invokedFunctionArn, group: context.logGroupName,\n  waits: context.callbackWaitsForEmptyEventLoop,\n});",
        );
        let p = payload(&inv);
        assert_eq!(p["id"], ctx().request_id);
        assert_eq!(p["name"], "lab-fn");
        assert_eq!(p["version"], "$LATEST");
        assert_eq!(p["mem"], "128");
        assert_eq!(p["left"], 2999);
        assert_eq!(
            p["arn"],
            "arn:aws:lambda:us-east-1:123456789012:function:lab-fn"
        );
        assert_eq!(p["group"], "/aws/lambda/lab-fn");
        assert_eq!(p["waits"], true);
    }

    #[test]
    fn console_lines_use_node_formatting() {
        let inv = run(
            "exports.handler = async (event) => {\n  console.log('hi', {a: 1, b: 'x', c: [1, 2]}, 3);\n  console.error('bad %s %d', 'thing', 7);\n  console.warn(new Map([['k', 1]]), null, undefined);\n  console.info('two\\nlines');\n  return 1;\n};",
        );
        let body: Vec<&String> = inv.logs.iter().filter(|l| l.contains('\t')).collect();
        assert!(
            body[0].ends_with("\tINFO\thi { a: 1, b: 'x', c: [ 1, 2 ] } 3"),
            "{body:?}"
        );
        assert!(body[1].ends_with("\tERROR\tbad thing 7"), "{body:?}");
        assert!(
            body[2].ends_with("\tWARN\tMap(1) { 'k' => 1 } null undefined"),
            "{body:?}"
        );
        assert!(body[3].ends_with("\tINFO\ttwo"), "{body:?}");
        assert!(inv.logs.contains(&"lines".to_string()));
        assert!(
            body[0].starts_with("2023-11-14T22:13:20.000Z\t"),
            "{body:?}"
        );
    }

    #[test]
    fn clock_randomness_and_timers_are_simulated() {
        let code = "exports.handler = async () => {\n  const start = Date.now();\n  await new Promise((r) => setTimeout(r, 1000));\n  return {start, waited: Date.now() - start, iso: new Date(start).toISOString(), r: Math.random()};\n};";
        let a = run(code);
        let p = payload(&a);
        assert_eq!(p["start"], NOW);
        assert_eq!(p["waited"], 1000);
        assert_eq!(p["iso"], "2023-11-14T22:13:20.000Z");
        assert!(a.duration_ms >= 1000.0);
        assert_eq!(a, run(code), "same scenario, same invocation");
    }

    #[test]
    fn waiting_past_the_timeout_times_out_in_simulated_time() {
        let started = Instant::now();
        let inv = timed(
            "exports.handler = async () => { await new Promise((r) => setTimeout(r, 5000)); return 1; };",
            3,
        );
        assert_eq!(inv.outcome, OutcomeKind::Timeout);
        assert!(inv.payload.contains("Task timed out after 3.00 seconds"));
        assert!(started.elapsed() < Duration::from_millis(250));
    }

    #[test]
    fn callback_waits_for_the_event_loop() {
        let waits =
            run("exports.handler = (e, c, cb) => { setInterval(() => {}, 100); cb(null, 1); };");
        assert_eq!(waits.outcome, OutcomeKind::Timeout);
        let not = run(
            "exports.handler = (e, c, cb) => { c.callbackWaitsForEmptyEventLoop = false; setInterval(() => {}, 100); cb(null, 1); };",
        );
        assert_eq!(not.payload.as_ref(), "1");
    }

    #[test]
    fn sandbox_infinite_loop_is_a_timeout() {
        let started = Instant::now();
        let inv =
            run("exports.handler = async () => { console.log('spinning'); while (true) {} };");
        assert_eq!(inv.outcome, OutcomeKind::Timeout);
        assert_eq!(inv.function_error.as_deref(), Some("Unhandled"));
        assert!(inv.payload.contains(r#""errorType":"Sandbox.Timedout""#));
        assert!(inv.logs.iter().any(|l| l.ends_with("\tINFO\tspinning")));
        assert!(started.elapsed() < Duration::from_secs(2));
        // The engine is usable afterwards.
        assert_eq!(
            run("exports.handler = async () => 2;").payload.as_ref(),
            "2"
        );
    }

    #[test]
    fn sandbox_memory_bomb_is_out_of_memory() {
        let inv = run(
            "exports.handler = async () => {\n  const keep = [];\n  while (true) keep.push(new Array(100000).fill('x'));\n};",
        );
        assert_eq!(inv.outcome, OutcomeKind::OutOfMemory, "{}", inv.payload);
        assert!(inv.payload.contains("Runtime.ExitError"));
        assert_eq!(
            run("exports.handler = async () => 3;").payload.as_ref(),
            "3"
        );
    }

    #[test]
    fn sandbox_deep_recursion_is_a_range_error() {
        let inv = run(
            "function down(n) { return down(n + 1) + 1; }\nexports.handler = async () => down(0);",
        );
        assert_eq!(payload(&inv)["errorType"], "RangeError");
        assert_eq!(
            payload(&inv)["errorMessage"],
            "Maximum call stack size exceeded"
        );
    }

    #[test]
    fn sandbox_has_no_host_access() {
        let inv = run(
            "exports.handler = async () => [typeof fetch, typeof XMLHttpRequest, typeof std, typeof os, typeof process.binding];",
        );
        assert_eq!(
            inv.payload.as_ref(),
            r#"["undefined","undefined","undefined","undefined","undefined"]"#
        );
    }

    #[test]
    fn syntax_error_is_an_init_error_with_position() {
        let inv = run("exports.handler = async (event) => {\n  let x = ;\n};");
        assert_eq!(inv.outcome, OutcomeKind::InitError);
        assert_eq!(payload(&inv)["errorType"], "Runtime.UserCodeSyntaxError");
        assert_eq!(
            payload(&inv)["errorMessage"],
            "SyntaxError: Unexpected token ';'"
        );
        assert!(
            inv.logs.iter().any(|l| l == "/var/task/index.js:2"),
            "{:?}",
            inv.logs
        );
        assert!(
            inv.logs.iter().any(|l| l == "  let x = ;"),
            "{:?}",
            inv.logs
        );
        assert!(inv.logs[0].contains("\tundefined\tERROR\tUncaught Exception \t"));
    }

    #[test]
    fn require_of_missing_modules() {
        let top = run("const axios = require('axios');\nexports.handler = async () => 1;");
        assert_eq!(top.outcome, OutcomeKind::InitError);
        assert_eq!(payload(&top)["errorType"], "Runtime.ImportModuleError");
        let message = payload(&top)["errorMessage"].as_str().unwrap().to_string();
        assert!(message.starts_with("Error: Cannot find module 'axios'\nRequire stack:\n- /var/task/index.js\n- /var/runtime/index.mjs\n"), "{message}");
        assert!(message.contains("npm packages"));
        let inside =
            run("exports.handler = async () => require('fs').readFileSync('/etc/passwd');");
        assert_eq!(payload(&inside)["errorType"], "Error");
        assert!(
            payload(&inside)["errorMessage"]
                .as_str()
                .unwrap()
                .starts_with("Cannot find module 'fs'")
        );
        let util = run(
            "const util = require('node:util');\nexports.handler = async () => util.format('%s=%j', 'a', {b: 1});",
        );
        assert_eq!(util.payload.as_ref(), r#""a={\"b\":1}""#);
    }

    #[test]
    fn handler_lookup() {
        let missing = run("exports.other = async () => 1;");
        assert_eq!(payload(&missing)["errorType"], "Runtime.HandlerNotFound");
        assert_eq!(
            payload(&missing)["errorMessage"],
            "index.handler is undefined or not exported"
        );
        assert_eq!(
            run("module.exports = { handler: async () => 5 };")
                .payload
                .as_ref(),
            "5"
        );
        assert_eq!(
            run("module.exports.handler = async () => 6;")
                .payload
                .as_ref(),
            "6"
        );
        let top = run("throw new Error('at load');\nexports.handler = async () => 1;");
        assert_eq!(top.outcome, OutcomeKind::InitError);
        assert_eq!(
            trace(&top)[1],
            "    at Object.<anonymous> (/var/task/index.js:1:7)"
        );
    }

    #[test]
    fn es_modules() {
        let inv =
            run("export const handler = async (event) => ({ statusCode: 200, body: 'esm' });");
        assert_eq!(inv.payload.as_ref(), r#"{"statusCode":200,"body":"esm"}"#);
        let import = run("import axios from 'axios';\nexport const handler = async () => 1;");
        assert_eq!(
            payload(&import)["errorType"],
            "Runtime.ImportModuleError",
            "{}",
            import.payload
        );
        assert!(payload(&import)["errorMessage"].as_str().unwrap().starts_with("Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'axios' imported from /var/task/index.mjs"));
    }

    #[test]
    fn process_exit_ends_the_runtime() {
        let inv = run("exports.handler = async () => { process.exit(1); };");
        assert_eq!(
            inv.payload.as_ref(),
            format!(
                r#"{{"errorType":"Runtime.ExitError","errorMessage":"RequestId: {} Error: Runtime exited with error: exit status 1"}}"#,
                ctx().request_id
            )
        );
    }

    #[test]
    fn event_and_isolation() {
        let echo = run_with(
            &handler("exports.handler = async (event) => event;"),
            r#"{"b":1,"a":[true]}"#,
        );
        assert_eq!(echo.payload.as_ref(), r#"{"b":1,"a":[true]}"#);
        run("globalThis.leak = 1; exports.handler = async () => 1;");
        assert_eq!(
            run("exports.handler = async () => typeof leak;")
                .payload
                .as_ref(),
            r#""undefined""#
        );
    }

    #[test]
    fn oversized_response_from_code() {
        let inv = run("exports.handler = async () => 'x'.repeat(6300000);");
        assert_eq!(inv.outcome, OutcomeKind::ResponseTooLarge);
    }

    #[test]
    fn cancellation_returns_nothing() {
        let token = crate::lambda::CancelToken::new();
        let t2 = token.clone();
        let started = Instant::now();
        let worker = std::thread::spawn(move || {
            set_wall_clock_cap(Duration::from_secs(5));
            crate::lambda::invoke_cancellable(
                &handler("exports.handler = async () => { while (true) {} };"),
                "{}",
                &ctx(),
                &t2,
            )
        });
        std::thread::sleep(Duration::from_millis(50));
        token.cancel();
        assert_eq!(worker.join().unwrap(), None);
        assert!(started.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn non_node_runtimes_cannot_run_code() {
        let mut h = handler("exports.handler = async () => 1;");
        h.runtime = "python3.12".into();
        let inv = run_with(&h, "{}");
        assert_eq!(inv.outcome, OutcomeKind::InitError);
        assert!(
            inv.error_message()
                .unwrap()
                .contains("only on nodejs runtimes")
        );
    }

    #[test]
    fn node_details_of_stacks_and_console() {
        let sub = run(
            "class ValidationError extends Error {\n  constructor(m) { super(m); this.name = 'ValidationError'; }\n}\nexports.handler = async () => { throw new ValidationError('bad input'); };",
        );
        assert_eq!(
            trace(&sub)[1],
            "    at new ValidationError (/var/task/index.js:2:26)"
        );
        let named = run(
            "async function main(event) { throw new Error('named'); }\nexports.handler = main;",
        );
        assert_eq!(
            trace(&named)[1],
            "    at Runtime.main [as handler] (/var/task/index.js:1:36)"
        );
        let timer = run(
            "exports.handler = (e, c, cb) => { setTimeout(() => { throw new Error('in timer'); }, 5); };",
        );
        assert_eq!(
            trace(&timer)[1..],
            [
                "    at Timeout._onTimeout (/var/task/index.js:1:60)",
                "    at listOnTimeout (node:internal/timers:573:17)",
                "    at process.processTimers (node:internal/timers:514:7)"
            ]
        );
        let arrays = run(
            "exports.handler = async () => { console.log([1, 2, 3, 4, 5, 6, 7, 8]); console.log({nested: {a: {b: {c: 1}}}}); };",
        );
        let lines: Vec<&str> = arrays
            .logs
            .iter()
            .map(|l| l.rsplit('\t').next().unwrap())
            .collect();
        assert_eq!(lines[1..5], ["[", "  1, 2, 3, 4,", "  5, 6, 7, 8", "]"]);
        assert_eq!(lines[5], "{ nested: { a: { b: [Object] } } }");
    }

    #[test]
    fn json_parse_errors_read_as_in_node() {
        for (input, want) in [
            (
                "hello",
                r#"Unexpected token 'h', "hello" is not valid JSON"#,
            ),
            ("", "Unexpected end of JSON input"),
            ("undefined", r#""undefined" is not valid JSON"#),
            (
                "{bad",
                "Expected property name or '}' in JSON at position 1",
            ),
            (
                r#"{"a":1,}"#,
                "Expected double-quoted property name in JSON at position 7",
            ),
            (
                "[1 2]",
                "Expected ',' or ']' after array element in JSON at position 3",
            ),
            (
                "{} x",
                "Unexpected non-whitespace character after JSON at position 3",
            ),
            (
                "name=Tom&age=3&city=Paris",
                r#"Unexpected token 'a', "name=Tom&ag"... is not valid JSON"#,
            ),
        ] {
            let code = format!(
                "exports.handler = async () => JSON.parse({});",
                serde_json::to_string(input).unwrap()
            );
            let inv = run(&code);
            assert_eq!(payload(&inv)["errorMessage"], want, "{input}");
            assert_eq!(payload(&inv)["errorType"], "SyntaxError");
        }
        assert_eq!(
            run("exports.handler = async () => JSON.parse('{\"a\": [1]}');")
                .payload
                .as_ref(),
            r#"{"a":[1]}"#
        );
    }
}
