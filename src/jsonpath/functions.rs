//! Jayway's path functions (`$.items.length()`, `$.prices.sum()`, …), with their quirks:
//! numeric results are Java `Double`s, `max()` starts from `Double.MIN_VALUE` (the smallest
//! *positive* double), `last()` fails on a one-element array.

use serde_json::{Number, Value};

use super::eval::{self, EvalError, java_to_string};
use super::json_lenient;
use super::parse::{Param, Token};

/// Calls `name` on `model` (the value the path reached) with its arguments.
pub(crate) fn invoke(
    name: &str,
    params: &[Param],
    model: &Value,
    root: &Value,
) -> Result<Value, EvalError> {
    match name {
        "avg" | "stddev" | "sum" | "min" | "max" => {
            let numbers = numbers(model, &arguments(params, root)?);
            aggregate(name, &numbers)
        }
        "concat" => Ok(Value::String(concat(model, &arguments(params, root)?))),
        "length" | "size" => length(params, model),
        "append" => {
            let args = arguments(params, root)?;
            let mut out = model.clone();
            if let Value::Array(items) = &mut out {
                items.extend(args);
            }
            Ok(out)
        }
        "keys" => Ok(match model {
            Value::Object(map) => Value::Array(map.keys().cloned().map(Value::String).collect()),
            _ => Value::Null,
        }),
        "first" => sequence(model, 0),
        "last" => sequence(model, -1),
        "index" => {
            let args = arguments(params, root)?;
            let target = integers(&args).into_iter().next().ok_or_else(|| {
                EvalError::Failure(
                    "java.lang.IndexOutOfBoundsException: Index 0 out of bounds for length 0"
                        .into(),
                )
            })?;
            sequence(model, target)
        }
        "distinct" => Ok(match model {
            Value::Array(items) => {
                let mut unique: Vec<Value> = Vec::new();
                for item in items {
                    if !unique.contains(item) {
                        unique.push(item.clone());
                    }
                }
                Value::Array(unique)
            }
            other => other.clone(),
        }),
        _ => Err(EvalError::Invalid(format!(
            "Function with name: {name} does not exist."
        ))),
    }
}

/// Evaluates each argument: paths against the root document, JSON literals parsed.
fn arguments(params: &[Param], root: &Value) -> Result<Vec<Value>, EvalError> {
    params
        .iter()
        .map(|p| match p {
            Param::Path(path) => eval::read_value(path, root, root, false),
            Param::Json(text) => json_lenient::parse(text).map_err(|e| {
                EvalError::Failure(format!("Invalid JSON in function argument {text}: {e}"))
            }),
        })
        .collect()
}

/// `Parameter.toList(Number.class, …)` plus the numbers of the model when it is an array.
fn numbers(model: &Value, args: &[Value]) -> Vec<f64> {
    let mut out = Vec::new();
    let mut take = |v: &Value| {
        if let Value::Number(n) = v {
            out.push(n.as_f64().unwrap_or(f64::NAN));
        }
    };
    if let Value::Array(items) = model {
        items.iter().for_each(&mut take);
    }
    for arg in args {
        match arg {
            Value::Array(items) => items.iter().for_each(&mut take),
            other => take(other),
        }
    }
    out
}

fn integers(args: &[Value]) -> Vec<i64> {
    let mut out = Vec::new();
    for arg in args {
        let items = match arg {
            Value::Array(items) => items.as_slice(),
            other => std::slice::from_ref(other),
        };
        out.extend(
            items
                .iter()
                .filter_map(|v| v.as_i64().filter(|i| i32::try_from(*i).is_ok())),
        );
    }
    out
}

fn double(d: f64) -> Value {
    Number::from_f64(d).map_or(Value::Null, Value::Number)
}

fn aggregate(name: &str, values: &[f64]) -> Result<Value, EvalError> {
    if values.is_empty() {
        return Err(EvalError::Failure(
            "Aggregation function attempted to calculate value using empty array".into(),
        ));
    }
    let n = values.len() as f64;
    let sum: f64 = values.iter().sum();
    let result = match name {
        "sum" => sum,
        "avg" => sum / n,
        "min" => values
            .iter()
            .fold(f64::MAX, |m, &v| if m > v { v } else { m }),
        // Jayway starts from Double.MIN_VALUE, the smallest positive double.
        "max" => values
            .iter()
            .fold(f64::from_bits(1), |m, &v| if m < v { v } else { m }),
        _ => {
            let sum_sq: f64 = values.iter().map(|v| v * v).sum();
            (sum_sq / n - sum * sum / n / n).sqrt()
        }
    };
    Ok(double(result))
}

/// Strings of the model array, then every argument as text.
fn concat(model: &Value, args: &[Value]) -> String {
    let mut out = String::new();
    if let Value::Array(items) = model {
        for item in items {
            if let Value::String(s) = item {
                out.push_str(s);
            }
        }
    }
    for arg in args {
        match arg {
            Value::Array(items) => {
                for item in items.iter().filter(|v| !v.is_null()) {
                    out.push_str(&java_to_string(item));
                }
            }
            Value::String(s) => out.push_str(s),
            _ => {}
        }
    }
    out
}

/// `length()`: the size of an array or object (not of a string: that is null). With a path
/// argument, the number of children of what it selects.
fn length(params: &[Param], model: &Value) -> Result<Value, EvalError> {
    if let Some(Param::Path(path)) = params.first() {
        let mut path = (**path).clone();
        if !path.is_function_path() && !path.tokens.is_empty() {
            path.tokens.push(Token::Wildcard);
        }
        if let Value::Array(items) = eval::read_value(&path, model, model, false)? {
            return Ok(Value::from(items.len()));
        }
    }
    Ok(match model {
        Value::Array(items) => Value::from(items.len()),
        Value::Object(map) => Value::from(map.len()),
        _ => Value::Null,
    })
}

/// `first()`, `last()`, `index(i)` on an array, with Jayway's off-by-one for negative indexes.
fn sequence(model: &Value, target: i64) -> Result<Value, EvalError> {
    let Value::Array(items) = model else {
        return Err(EvalError::Failure(
            "Invalid property, cannot be used in sequential function".into(),
        ));
    };
    let len = items.len() as i64;
    let index = if target >= 0 {
        target
    } else {
        let real = len + target;
        if real <= 0 {
            return Err(EvalError::Failure(format!(
                "Target index:{target} larger than object count:{len}"
            )));
        }
        real
    };
    items.get(index as usize).cloned().ok_or_else(|| {
        EvalError::Failure(format!(
            "java.lang.IndexOutOfBoundsException: Index {index} out of bounds for length {len}"
        ))
    })
}
