//! Evaluation: Jayway's path tokens walking a document, with its rules for when a missing
//! property is silently skipped (somewhere upstream is indefinite) and when it ends the read
//! (`PathNotFoundException`).

use serde_json::{Map, Value};

use super::functions;
use super::parse::{Compiled, Slice, Token};

/// Why an evaluation stopped, in Jayway's three exception families.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum EvalError {
    /// `PathNotFoundException`: API Gateway renders such a path as empty.
    NotFound(String),
    /// `InvalidPathException` raised while evaluating (e.g. a filter on a number).
    Invalid(String),
    /// Any other `JsonPathException` (functions on unsuitable input, bad JSON arguments).
    Failure(String),
}

pub(crate) struct Ctx<'r> {
    root: &'r Value,
    /// Jayway's `REQUIRE_PROPERTIES`, set when a filter checks that a path exists.
    require_properties: bool,
    results: Vec<Value>,
}

/// Runs `path` on `doc` (with `root` for `$` references) and returns every match.
pub(crate) fn evaluate(
    path: &Compiled,
    doc: &Value,
    root: &Value,
    require_properties: bool,
) -> Result<Vec<Value>, EvalError> {
    let mut ctx = Ctx {
        root,
        require_properties,
        results: Vec::new(),
    };
    if path.tokens.is_empty() {
        ctx.results.push(doc.clone());
    } else {
        eval_token(path, 0, doc, &mut ctx)?;
    }
    Ok(ctx.results)
}

/// `EvaluationContext.getValue()`: the first match of a definite path (or `PathNotFound`), the
/// array of matches of an indefinite one.
pub(crate) fn value_of(path: &Compiled, mut results: Vec<Value>) -> Result<Value, EvalError> {
    if path.is_definite() {
        if results.is_empty() {
            return Err(EvalError::NotFound(format!(
                "No results for path: {}",
                path.render()
            )));
        }
        Ok(results.swap_remove(0))
    } else {
        Ok(Value::Array(results))
    }
}

/// Evaluates `path` and returns `getValue()`.
pub(crate) fn read_value(
    path: &Compiled,
    doc: &Value,
    root: &Value,
    require_properties: bool,
) -> Result<Value, EvalError> {
    let results = evaluate(path, doc, root, require_properties)?;
    value_of(path, results)
}

fn is_leaf(path: &Compiled, idx: usize) -> bool {
    idx + 1 == path.tokens.len()
}

fn token_definite(path: &Compiled, idx: usize) -> bool {
    path.tokens[idx].is_definite(is_leaf(path, idx))
}

/// The path walked so far, as Jayway writes it in its messages (`$['a'][0]`).
fn trail(path: &Compiled, idx: usize) -> String {
    let mut s = path.root.to_string();
    for t in &path.tokens[..idx] {
        match t {
            Token::Property { names, .. } if names.len() == 1 => {
                s.push_str(&format!("['{}']", names[0]))
            }
            Token::Index(i) if i.len() == 1 => s.push_str(&format!("[{}]", i[0])),
            Token::Function { .. } => {}
            other => s.push_str(&other.fragment()),
        }
    }
    s
}

/// The Java class JsonSmart would hold this value as (used in Jayway's messages).
fn java_class(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "java.lang.Boolean",
        Value::Number(n) if n.is_f64() => "java.lang.Double",
        Value::Number(n) if n.as_i64().is_some_and(|i| i32::try_from(i).is_ok()) => {
            "java.lang.Integer"
        }
        Value::Number(_) => "java.lang.Long",
        Value::String(_) => "java.lang.String",
        Value::Array(_) => "net.minidev.json.JSONArray",
        Value::Object(_) => "net.minidev.json.JSONObject",
    }
}

/// Leaf: record the match; otherwise hand it to the next token.
fn emit(path: &Compiled, idx: usize, value: &Value, ctx: &mut Ctx) -> Result<(), EvalError> {
    if is_leaf(path, idx) {
        ctx.results.push(value.clone());
        Ok(())
    } else {
        eval_token(path, idx + 1, value, ctx)
    }
}

fn eval_token(path: &Compiled, idx: usize, model: &Value, ctx: &mut Ctx) -> Result<(), EvalError> {
    match &path.tokens[idx] {
        Token::Property { names, .. } => eval_property(path, idx, names, model, ctx),
        Token::Index(indexes) => {
            let Some(items) = array_model(path, idx, model)? else {
                return Ok(());
            };
            for &i in indexes {
                handle_index(path, idx, i as i64, items, ctx)?;
            }
            Ok(())
        }
        Token::Slice(slice) => {
            let Some(items) = array_model(path, idx, model)? else {
                return Ok(());
            };
            for i in slice_indexes(*slice, items.len() as i64) {
                handle_index(path, idx, i, items, ctx)?;
            }
            Ok(())
        }
        Token::Wildcard => eval_wildcard(path, idx, model, ctx),
        // Only `$..fn()` (the function moved out) leaves a scan at the end; Jayway fails there.
        Token::Scan if is_leaf(path, idx) => Err(EvalError::Failure(
            "java.lang.IllegalStateException: Current path token is a leaf".into(),
        )),
        Token::Scan => walk(path, idx + 1, model, ctx),
        Token::Filter(filter) => match model {
            Value::Object(_) => {
                if filter.accept(model, ctx.root)? {
                    emit(path, idx, model, ctx)?;
                }
                Ok(())
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    if filter.accept(item, ctx.root)? {
                        handle_index(path, idx, i as i64, items, ctx)?;
                    }
                }
                Ok(())
            }
            _ if path.upstream_definite(idx) => Err(EvalError::Invalid(format!(
                "Filter: [?] can not be applied to primitives. Current context is: {}",
                java_to_string(model)
            ))),
            _ => Ok(()),
        },
        Token::Function { name, params } => {
            let result = functions::invoke(name, params, model, ctx.root)?;
            ctx.results.push(result.clone());
            if is_leaf(path, idx) {
                Ok(())
            } else {
                eval_token(path, idx + 1, &result, ctx)
            }
        }
    }
}

fn eval_property(
    path: &Compiled,
    idx: usize,
    names: &[String],
    model: &Value,
    ctx: &mut Ctx,
) -> Result<(), EvalError> {
    let Value::Object(map) = model else {
        if !path.upstream_definite(idx) {
            return Ok(());
        }
        return Err(EvalError::NotFound(format!(
            "Expected to find an object with property {} in path {} but found '{}'. This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'.",
            path.tokens[idx].fragment(),
            trail(path, idx),
            java_class(model)
        )));
    };
    if names.len() == 1 {
        return handle_property(path, idx, &names[0], map, ctx);
    }
    if is_leaf(path, idx) {
        return merge_properties(path, idx, names, map, ctx);
    }
    for name in names {
        handle_property(path, idx, name, map, ctx)?;
    }
    Ok(())
}

/// One property of an object: a missing one is skipped unless the path so far is definite.
fn handle_property(
    path: &Compiled,
    idx: usize,
    name: &str,
    map: &Map<String, Value>,
    ctx: &mut Ctx,
) -> Result<(), EvalError> {
    match map.get(name) {
        Some(value) => emit(path, idx, value, ctx),
        None if is_leaf(path, idx) => {
            if ctx.require_properties {
                Err(EvalError::NotFound(format!(
                    "No results for path: {}['{name}']",
                    trail(path, idx)
                )))
            } else {
                Ok(())
            }
        }
        None => {
            let definite = path.upstream_definite(idx) && token_definite(path, idx);
            if !definite && !ctx.require_properties {
                Ok(())
            } else {
                Err(EvalError::NotFound(format!(
                    "Missing property in path {}['{name}']",
                    trail(path, idx)
                )))
            }
        }
    }
}

/// `$['a','b']` at the end of a path: one object with the properties that exist.
fn merge_properties(
    path: &Compiled,
    idx: usize,
    names: &[String],
    map: &Map<String, Value>,
    ctx: &mut Ctx,
) -> Result<(), EvalError> {
    let mut merged = Map::new();
    for name in names {
        match map.get(name) {
            Some(v) => {
                merged.insert(name.clone(), v.clone());
            }
            None if ctx.require_properties => {
                let quoted: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
                return Err(EvalError::NotFound(format!(
                    "Missing property in path {}[{}]",
                    trail(path, idx),
                    quoted.join(", ")
                )));
            }
            None => {}
        }
    }
    ctx.results.push(Value::Object(merged));
    Ok(())
}

/// Jayway's `checkArrayModel`: not an array is skipped, or an error when the path so far is
/// definite.
fn array_model<'v>(
    path: &Compiled,
    idx: usize,
    model: &'v Value,
) -> Result<Option<&'v Vec<Value>>, EvalError> {
    match model {
        Value::Array(items) => Ok(Some(items)),
        _ if !path.upstream_definite(idx) => Ok(None),
        Value::Null => Err(EvalError::NotFound(format!(
            "The path {} is null",
            trail(path, idx)
        ))),
        other => Err(EvalError::NotFound(format!(
            "Filter: {} can only be applied to arrays. Current context is: {}",
            path.tokens[idx].fragment(),
            java_to_string(other)
        ))),
    }
}

/// An index, negative counting from the end; out of range is silently nothing.
fn handle_index(
    path: &Compiled,
    idx: usize,
    index: i64,
    items: &[Value],
    ctx: &mut Ctx,
) -> Result<(), EvalError> {
    let len = items.len() as i64;
    let effective = if index < 0 { len + index } else { index };
    if (0..len).contains(&effective) {
        emit(path, idx, &items[effective as usize], ctx)?;
    }
    Ok(())
}

/// The indexes a slice visits, as Jayway computes them: `[from:to]` does not normalise a
/// negative `from`, so `[-4:1]` walks -4, -3, -2, -1, 0 (each counted from the end).
fn slice_indexes(slice: Slice, len: i64) -> std::ops::Range<i64> {
    match slice {
        Slice::From(from) => {
            let from = if from < 0 {
                len + from as i64
            } else {
                from as i64
            }
            .max(0);
            if len == 0 || from >= len {
                0..0
            } else {
                from..len
            }
        }
        Slice::Between(from, to) => {
            let to = len.min(to as i64);
            let from = from as i64;
            if from >= to || len == 0 {
                0..0
            } else {
                from..to
            }
        }
        Slice::To(to) => {
            if len == 0 {
                return 0..0;
            }
            let to = if to < 0 { len + to as i64 } else { to as i64 };
            0..len.min(to).max(0)
        }
    }
}

fn eval_wildcard(
    path: &Compiled,
    idx: usize,
    model: &Value,
    ctx: &mut Ctx,
) -> Result<(), EvalError> {
    match model {
        Value::Object(map) => {
            for value in map.values() {
                emit(path, idx, value, ctx)?;
            }
            Ok(())
        }
        Value::Array(items) => {
            for i in 0..items.len() {
                match handle_index(path, idx, i as i64, items, ctx) {
                    Err(EvalError::NotFound(_)) if !ctx.require_properties => {}
                    other => other?,
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// `..`: visits the node and every descendant, applying the next token where Jayway's scan
/// predicate allows it (a property only on objects that have it, an index only on arrays).
fn walk(path: &Compiled, pt: usize, model: &Value, ctx: &mut Ctx) -> Result<(), EvalError> {
    match model {
        Value::Object(map) => {
            if scan_matches(path, pt, model, ctx)? {
                eval_token(path, pt, model, ctx)?;
            }
            for value in map.values() {
                walk(path, pt, value, ctx)?;
            }
        }
        Value::Array(items) => {
            if scan_matches(path, pt, model, ctx)? {
                eval_token(path, pt, model, ctx)?;
            }
            for item in items {
                walk(path, pt, item, ctx)?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn scan_matches(path: &Compiled, pt: usize, model: &Value, ctx: &Ctx) -> Result<bool, EvalError> {
    Ok(match &path.tokens[pt] {
        Token::Property { names, .. } => match model {
            Value::Object(map) => {
                !token_definite(path, pt) || names.iter().all(|n| map.contains_key(n))
            }
            _ => false,
        },
        Token::Index(_) | Token::Slice(_) => model.is_array(),
        Token::Wildcard => true,
        Token::Filter(filter) => filter.accept(model, ctx.root)?,
        Token::Scan | Token::Function { .. } => false,
    })
}

/// How a JsonSmart value prints with `toString()` (in messages and `concat`): JSON text for
/// containers, plain text for scalars.
pub(crate) fn java_to_string(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => super::filter::java_number_string(n),
        other => other.to_string(),
    }
}
