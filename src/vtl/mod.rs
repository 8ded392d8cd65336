//! Apache Velocity 1.7 (the Velocity Template Language) as API Gateway runs it in mapping
//! templates: lexer, parser, evaluator with Java values, and API Gateway's `$input`, `$util`,
//! `$context` and `$stageVariables`.
//!
//! ```
//! use apigw_lab::vtl::{Env, RenderOptions, Template, render};
//!
//! let t = Template::parse("#set($r = $input.path('$'))$r #if($r.size() > 1)many#end")?;
//! let env = Env { body: r#"{"a": 1, "b": [1, 2]}"#.into(), ..Env::default() };
//! let out = render(&t, &env, &RenderOptions::default())?;
//! assert_eq!(out.output, "{a=1, b=[1,2]} many");
//! # Ok::<(), apigw_lab::vtl::VtlError>(())
//! ```
//!
//! Two modes: [`render`] is API Gateway (null references print nothing, as recorded on AWS;
//! `#foreach` stops after 1000 iterations; `#include`/`#parse`/`#evaluate` are errors);
//! [`render_plain`] is plain Velocity 1.7 (null references print as written), for comparing
//! with the reference engine.

mod ast;
mod aws;
mod error;
mod eval;
mod lazy;
mod lexer;
mod methods;
mod parser;
pub mod util;
pub(crate) mod value;
mod vars;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;

pub use aws::{Env, Overrides};
pub use error::VtlError;

use ast::{Block, MacroDef};
use eval::{Evaluator, Flow, Limits};

/// API Gateway's limit on a mapping template's size.
pub const MAX_TEMPLATE_BYTES: usize = 300 * 1024;
/// API Gateway's limit on the iterations of one `#foreach`.
pub const MAX_FOREACH: usize = 1000;

/// A parsed template.
#[derive(Debug, Clone)]
pub struct Template {
    source: String,
    block: Block,
    macros: HashMap<String, Arc<MacroDef>>,
    names: Arc<ast::Names>,
    /// The length of the last render's output (a capacity hint).
    last_output: OutputHint,
}

#[derive(Debug, Default)]
struct OutputHint(AtomicUsize);

impl Clone for OutputHint {
    fn clone(&self) -> Self {
        OutputHint(AtomicUsize::new(self.0.load(Ordering::Relaxed)))
    }
}

impl Template {
    /// Parse Velocity 1.7 source. Errors carry the position and, where we can, a hint.
    pub fn parse(src: &str) -> Result<Template, VtlError> {
        Self::from_parsed(src, parser::parse(src)?)
    }

    /// Parse text that runs inside `outer`'s context (`#evaluate`).
    fn parse_within(src: &str, outer: &Template) -> Result<Template, VtlError> {
        Self::from_parsed(src, parser::parse_with(src, (*outer.names).clone())?)
    }

    fn from_parsed(src: &str, parsed: parser::Parsed) -> Result<Template, VtlError> {
        Ok(Template {
            source: src.to_string(),
            block: parsed.block,
            macros: parsed.macros,
            names: Arc::new(parsed.names),
            last_output: OutputHint::default(),
        })
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// How much room to give the output: what the last render printed, so that a large output
    /// is not copied while it doubles.
    fn output_hint(&self) -> usize {
        self.last_output.0.load(Ordering::Relaxed)
    }

    fn remember_output(&self, len: usize) {
        self.last_output.0.store(len, Ordering::Relaxed);
    }

    /// Names of the macros the template defines.
    pub fn macro_names(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.macros.keys().map(String::as_str).collect();
        v.sort_unstable();
        v
    }
}

/// How to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderOptions {
    /// Record every reference and directive evaluated (for the template inspector).
    pub inspect: bool,
    /// Output beyond this many bytes is an error.
    pub max_output: usize,
    /// Evaluation steps beyond this are an error (runaway loops and recursion).
    pub max_steps: u64,
    /// Macro / block / string nesting beyond this is an error.
    pub max_depth: usize,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            inspect: false,
            max_output: 16 * 1024 * 1024,
            max_steps: 5_000_000,
            max_depth: 64,
        }
    }
}

/// The result of a render.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Rendered {
    pub output: String,
    /// `$context.responseOverride` / `requestOverride` as the template left them (API Gateway mode).
    pub overrides: Overrides,
    /// Filled when [`RenderOptions::inspect`] is set.
    pub inspections: Vec<Inspection>,
    /// Things that did not stop the render but change the result (a `#foreach` cut at 1000).
    pub warnings: Vec<String>,
    /// Override parameters set more than once (`responseOverride.status`,
    /// `requestOverride.header.X`): API Gateway answers 5XX for those (API Gateway mode).
    pub repeated_overrides: Vec<String>,
}

/// One reference or directive evaluated, with its value (for the template inspector).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Inspection {
    pub line: usize,
    pub column: usize,
    pub kind: InspectionKind,
    /// The reference as written (`$input.path('$.x')`) or the directive (`#if`, `#foreach($x)`).
    pub source: String,
    /// The value's kind and Java text (`Map {a=1}`, `String "x"`, `null`).
    pub value: String,
    /// What it printed (references only).
    pub output: Option<String>,
    /// Why, when it matters: why a reference is null, a branch not taken, a macro missing.
    pub note: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InspectionKind {
    Reference,
    Set,
    Condition,
    Loop,
    Macro,
    /// `#break`, `#stop`.
    Directive,
}

/// Render as API Gateway does, with `$input`, `$util`, `$context` and `$stageVariables`.
pub fn render(t: &Template, env: &Env, opts: &RenderOptions) -> Result<Rendered, VtlError> {
    if t.source.len() > MAX_TEMPLATE_BYTES {
        return Err(VtlError {
            message: format!(
                "the template is {} KB; API Gateway's limit for a mapping template is 300 KB",
                t.source.len().div_ceil(1024)
            ),
            line: 1,
            column: 1,
            hint: Some("move logic out of the template, or split the API".into()),
        });
    }
    let data = aws::AwsData::new(env);
    let limits = limits(opts, Some(MAX_FOREACH));
    let mut ev = Evaluator::new(t, Some(&data), limits, opts.inspect);
    for (k, v) in data.variables(env) {
        ev.vars.insert(&k, v);
    }
    ev.watch_overrides();
    let mut out = String::with_capacity(t.output_hint());
    run(&mut ev, t, &mut out)?;
    let overrides = aws::overrides(ev.vars.get("context"));
    Ok(Rendered {
        output: out,
        overrides,
        inspections: ev.inspections.take().unwrap_or_default(),
        warnings: ev.warnings,
        repeated_overrides: ev.repeated_overrides,
    })
}

/// Render as plain Apache Velocity 1.7 with top-level variables from JSON (objects become
/// `LinkedHashMap`s, arrays `ArrayList`s, integers `Integer` or `Long`, decimals `Double`;
/// JSON `null` leaves the variable undefined).
pub fn render_plain(
    t: &Template,
    vars: &serde_json::Map<String, serde_json::Value>,
    opts: &RenderOptions,
) -> Result<Rendered, VtlError> {
    let mut ev = Evaluator::new(t, None, limits(opts, None), opts.inspect);
    for (k, v) in vars {
        if !v.is_null() {
            // SAFETY: `vars` is borrowed, unchanged, for this whole call, and every value made
            // from it lives in the evaluator, which is dropped before the call returns (a
            // `Rendered` holds text only).
            let node = unsafe { lazy::JsonNode::borrowed(v, false) };
            ev.vars.insert(k, node.value());
        }
    }
    let mut out = String::with_capacity(t.output_hint());
    run(&mut ev, t, &mut out)?;
    Ok(Rendered {
        output: out,
        inspections: ev.inspections.take().unwrap_or_default(),
        warnings: ev.warnings,
        ..Rendered::default()
    })
}

fn limits(opts: &RenderOptions, foreach_max: Option<usize>) -> Limits {
    Limits {
        max_output: opts.max_output,
        max_steps: opts.max_steps,
        max_depth: opts.max_depth,
        foreach_max,
    }
}

fn run(ev: &mut Evaluator, t: &Template, out: &mut String) -> Result<(), VtlError> {
    // `#stop`, and `#break` outside any loop, end the template; the output so far stands.
    let flow = ev.block(&t.block, out).map_err(|e| *e)?;
    t.remember_output(out.len());
    match flow {
        Flow::Normal | Flow::Break(_) | Flow::Stop => Ok(()),
    }
}
