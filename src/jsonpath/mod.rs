//! JSONPath as API Gateway evaluates it (Jayway's implementation) over `serde_json` values.
//!
//! API Gateway reads `$input.path(…)`, `$input.json(…)` and `integration.response.body.…`
//! with Jayway JsonPath. This module reproduces Jayway's compiler and evaluator closely enough
//! that odd paths behave as they do on AWS: `$.key-dash` is a property, `$[-1]` counts from the
//! end, `$[0:3:2]` ignores the step, `$[:]` is an error, a definite path that misses is "not
//! found" while an indefinite one is an empty list, filters compare `'42' == 42` as equal.
//!
//! ```
//! use apigw_lab::jsonpath::JsonPath;
//! use serde_json::json;
//!
//! let doc = json!({"errorMessage": "boom", "items": [{"price": 8}, {"price": 12}]});
//! assert_eq!(JsonPath::parse("$.errorMessage")?.read(&doc)?, Some(json!("boom")));
//! assert_eq!(JsonPath::parse("$.missing")?.read(&doc)?, None);
//! let cheap = JsonPath::parse("$.items[?(@.price < 10)].price")?;
//! assert!(!cheap.is_definite());
//! assert_eq!(cheap.read(&doc)?, Some(json!([8])));
//! # Ok::<(), apigw_lab::jsonpath::JsonPathError>(())
//! ```
//!
//! Differences from Jayway are listed in `docs/jsonpath.md`.

mod cursor;
mod eval;
mod filter;
mod functions;
mod json_lenient;
mod parse;

use std::fmt;

use serde_json::Value;

use eval::EvalError;
use parse::{Compiled, Param, Token};

/// A compiled JSONPath expression.
#[derive(Debug, Clone)]
pub struct JsonPath {
    source: String,
    compiled: Compiled,
    definite: bool,
}

/// What a read found, with Jayway's reason when it found nothing.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The value (definite path) or the array of matches (indefinite path).
    Found(Value),
    /// Jayway's `PathNotFoundException`, e.g. `No results for path: $['missing']`.
    /// API Gateway renders such a path as empty.
    NotFound { reason: String },
}

/// What went wrong: the path does not compile, or evaluating it failed in a way Jayway reports
/// as an exception other than "not found".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonPathError {
    pub kind: ErrorKind,
    /// Jayway's message where it has one (`Path must not end with a '.' or '..'`).
    pub message: String,
    /// Set for errors that Java would raise as a plain runtime exception rather than an
    /// `InvalidPathException` (the filter compiler reports those differently).
    is_java_runtime: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// `InvalidPathException` while compiling.
    InvalidPath,
    /// An exception while reading: a filter on a primitive, a function on the wrong input.
    Evaluation,
}

impl JsonPathError {
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        JsonPathError {
            kind: ErrorKind::InvalidPath,
            message: message.into(),
            is_java_runtime: false,
        }
    }

    pub(crate) fn java_runtime(message: impl Into<String>) -> Self {
        JsonPathError {
            is_java_runtime: true,
            ..Self::invalid(message)
        }
    }

    fn evaluation(message: String) -> Self {
        JsonPathError {
            kind: ErrorKind::Evaluation,
            message,
            is_java_runtime: false,
        }
    }
}

impl fmt::Display for JsonPathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for JsonPathError {}

impl JsonPath {
    /// Compiles `path` as `JsonPath.compile` does. A path that starts with neither `$` nor
    /// `@` gets `$.` in front (so the `integration.response.body.` suffix can be passed as is).
    pub fn parse(path: &str) -> Result<JsonPath, JsonPathError> {
        let compiled = parse::compile(path)?;
        let compiled = invert_scan_function(compiled);
        let definite = compiled.is_definite();
        Ok(JsonPath {
            source: path.to_string(),
            compiled,
            definite,
        })
    }

    /// A definite path names at most one value (no `*`, `..`, slice, filter or union).
    pub fn is_definite(&self) -> bool {
        self.definite
    }

    /// The features this path uses beyond what AWS documents for API Gateway (`$`, `.key`,
    /// `['key']`, `[n]`), in words, e.g. `["deep scan (..)", "filter [?(…)]"]`. Empty for a
    /// documented path. Semantics Appendix C item 11: AWS neither confirms nor denies these, so
    /// callers label them (gateway id `C11-jsonpath-features`).
    pub fn undocumented_features(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        let mut add = |f: &'static str| {
            if !out.contains(&f) {
                out.push(f);
            }
        };
        for token in all_tokens(&self.compiled) {
            match token {
                Token::Property { names, .. } if names.len() > 1 => add("union ['a','b']"),
                Token::Index(indexes) if indexes.len() > 1 => add("union [0,1]"),
                Token::Index(indexes) if indexes.iter().any(|i| *i < 0) => add("negative index"),
                Token::Slice(_) => add("slice [a:b]"),
                Token::Wildcard => add("wildcard *"),
                Token::Scan => add("deep scan (..)"),
                Token::Filter(_) => add("filter [?(…)]"),
                Token::Function { .. } => add("function ()"),
                _ => {}
            }
        }
        out
    }

    /// The text the path was compiled from.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The path in Jayway's normalised form, e.g. `$['store']['book'][0]`.
    pub fn normalized(&self) -> String {
        self.compiled.render()
    }

    /// `JsonPath.read`: the value of a definite path, `None` when it is not found; for an
    /// indefinite path the JSON array of every match.
    pub fn read(&self, doc: &Value) -> Result<Option<Value>, JsonPathError> {
        Ok(match self.evaluate(doc)? {
            Outcome::Found(v) => Some(v),
            Outcome::NotFound { .. } => None,
        })
    }

    /// Like [`read`](Self::read), keeping Jayway's reason when nothing is found (for traces).
    pub fn evaluate(&self, doc: &Value) -> Result<Outcome, JsonPathError> {
        match eval::read_value(&self.compiled, doc, doc, false) {
            Ok(v) => Ok(Outcome::Found(v)),
            Err(EvalError::NotFound(reason)) => Ok(Outcome::NotFound { reason }),
            Err(EvalError::Invalid(m) | EvalError::Failure(m)) => Err(JsonPathError::evaluation(m)),
        }
    }
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

/// The path's tokens and those of path arguments of its functions.
fn all_tokens(path: &Compiled) -> Vec<&Token> {
    let mut out = Vec::new();
    for token in &path.tokens {
        out.push(token);
        if let Token::Function { params, .. } = token {
            for p in params {
                if let Param::Path(inner) = p {
                    out.extend(all_tokens(inner));
                }
            }
        }
    }
    out
}

/// Jayway rewrites `$..x.fn()` into `$.fn($..x)` so that the function sees every match at once.
fn invert_scan_function(mut path: Compiled) -> Compiled {
    let scan_first = matches!(path.tokens.first(), Some(Token::Scan));
    if !(scan_first && path.is_function_path()) {
        return path;
    }
    let Some(Token::Function { name, .. }) = path.tokens.pop() else {
        return path;
    };
    Compiled {
        root: '$',
        tokens: vec![Token::Function {
            name,
            params: vec![Param::Path(Box::new(path))],
        }],
    }
}

#[cfg(test)]
mod tests;
