//! The Java methods and bean properties templates call, resolved as Velocity 1.7's
//! introspection does: `$s.empty` is `isEmpty()`, `$m.key` is `get("key")` on a map, an index
//! `$x[i]` is `get(i)`. Arguments are not converted (a `Long` does not fit an `int` parameter),
//! so a call that Java would not find is "no such method" and the reference prints as written.

use std::cmp::Ordering;

use super::value::{Entries, Key, Value};
use crate::javaregex::JavaRegex;

/// What a call did.
pub enum Call {
    /// The method ran (a `void` method returns `""`, as 1.7's `ASTMethod` does).
    Returned(Value),
    /// Java has no such method for these argument types.
    NoSuchMethod,
    /// The method threw: the `MethodInvocationException` message.
    Threw(String),
}

use Call::{NoSuchMethod, Returned, Threw};

/// `obj.name(args)` for the Java types templates meet.
pub fn call(obj: &Value, name: &str, args: &[Value]) -> Call {
    match common(obj, name, args) {
        NoSuchMethod => {}
        done => return done,
    }
    match obj {
        Value::Str(s) => string_method(s, name, args),
        Value::List(_) | Value::Array(_) => list_method(obj, name, args),
        Value::Map(_) => map_method(obj, name, args),
        Value::Entry(e) => match (name, args) {
            ("getKey", []) => Returned(e.key.0.clone()),
            ("getValue", []) => Returned(e.value.borrow().clone()),
            ("setValue", [v]) => {
                if let Some(slot) = e.map.borrow_mut().entries_mut().get_mut(&e.key) {
                    *slot = v.clone();
                }
                Returned(e.value.replace(v.clone()))
            }
            _ => NoSuchMethod,
        },
        Value::Int(_) | Value::Long(_) | Value::BigInt(_) | Value::Double(_) => {
            number_method(obj, name, args)
        }
        Value::Bool(b) => match (name, args) {
            ("booleanValue", []) => Returned(Value::Bool(*b)),
            _ => NoSuchMethod,
        },
        Value::Loop(l) => match (name, args) {
            ("getParent", []) => Returned(l.parent.clone().unwrap_or(Value::Null)),
            (getter, []) => {
                let property = match getter {
                    "getCount" => "count",
                    "getIndex" => "index",
                    "hasNext" | "getHasNext" => "hasNext",
                    "isFirst" | "getFirst" => "first",
                    "isLast" | "getLast" => "last",
                    _ => return NoSuchMethod,
                };
                l.property(property).map_or(NoSuchMethod, Returned)
            }
            _ => NoSuchMethod,
        },
        Value::Class(n) => match (name, args) {
            ("getName" | "getCanonicalName", []) => Returned(Value::str(n)),
            ("getSimpleName", []) => Returned(Value::str(n.rsplit('.').next().unwrap_or(n))),
            _ => NoSuchMethod,
        },
        _ => NoSuchMethod,
    }
}

/// `java.lang.Object`'s methods.
fn common(obj: &Value, name: &str, args: &[Value]) -> Call {
    match (name, args) {
        ("toString", []) if !matches!(obj, Value::Block(_)) => {
            Returned(Value::string(obj.java_string()))
        }
        ("equals", [other]) => Returned(Value::Bool(java_equals(obj, other))),
        ("hashCode", []) => Returned(Value::Int(java_hash(obj))),
        ("getClass", [])
            if !matches!(
                obj,
                Value::Input | Value::Util | Value::Block(_) | Value::Loop(_)
            ) =>
        {
            Returned(Value::Class(obj.java_class()))
        }
        _ => NoSuchMethod,
    }
}

/// `$x.class` / `$x.Class` is `getClass()`, on a map too (not `get("class")`).
pub fn is_class_property(name: &str) -> bool {
    matches!(name, "class" | "Class")
}

/// `$obj.name`: getter `getName()`/`getname()`, then `Map.get("name")`, then `isName()`.
pub fn property(obj: &Value, name: &str) -> Option<Value> {
    // Maps are the hot path (every `$item.field`): their only no-argument getter is getClass().
    if let Value::Map(m) = obj {
        if is_class_property(name) {
            return Some(Value::Class(obj.java_class()));
        }
        return Some(m.borrow().get_str(name).unwrap_or(Value::Null));
    }
    let cap = capitalize(name);
    if let Returned(v) = call(obj, &format!("get{cap}"), &[]) {
        return Some(v);
    }
    if let Returned(v) = call(obj, &format!("is{cap}"), &[]) {
        return Some(v);
    }
    None
}

fn capitalize(name: &str) -> String {
    let mut c = name.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// `$obj[arg]`: `get(arg)`, with a negative list index counting from the end.
pub fn index(obj: &Value, arg: &Value) -> Call {
    let arg = match (obj, arg) {
        (Value::List(_) | Value::Array(_), Value::Int(i)) if *i < 0 => {
            Value::Int(list_len(obj) as i32 + i)
        }
        _ => arg.clone(),
    };
    match call(obj, "get", std::slice::from_ref(&arg)) {
        Threw(_) => Threw(format!(
            "Error invoking method 'get({})' in {}",
            if arg.is_null() {
                "null"
            } else {
                arg.java_class()
            },
            obj.java_class()
        )),
        other => other,
    }
}

fn threw(obj: &Value, name: &str, exception: String) -> Call {
    Threw(format!(
        "Invocation of method '{name}' in  class {} threw exception {exception}",
        obj.java_class()
    ))
}

fn utf16(s: &str) -> Vec<u16> {
    s.encode_utf16().collect()
}

fn from_utf16(u: &[u16]) -> Value {
    Value::string(String::from_utf16_lossy(u))
}

/// A `String` argument (Velocity passes no other type to a `String` parameter).
fn str_arg(v: &Value) -> Option<&str> {
    match v {
        Value::Str(s) => Some(s),
        _ => None,
    }
}

/// An `int` argument: an `Integer` only (1.7 does not narrow a `Long`).
fn int_arg(v: &Value) -> Option<i32> {
    match v {
        Value::Int(i) => Some(*i),
        _ => None,
    }
}

fn string_method(s: &str, name: &str, args: &[Value]) -> Call {
    let this = Value::str(s);
    // A null argument matches any object parameter; these methods then throw.
    if args.iter().any(Value::is_null)
        && matches!(
            name,
            "contains"
                | "startsWith"
                | "endsWith"
                | "indexOf"
                | "lastIndexOf"
                | "concat"
                | "replace"
                | "replaceAll"
                | "replaceFirst"
                | "matches"
                | "split"
                | "compareTo"
                | "compareToIgnoreCase"
                | "join"
                | "format"
        )
    {
        return threw(&this, name, "java.lang.NullPointerException".into());
    }
    if let Some(done) = string_extras(s, &this, name, args) {
        return done;
    }
    let oob = |begin: i64, end: i64, len: usize| {
        threw(
            &this,
            name,
            format!(
                "java.lang.StringIndexOutOfBoundsException: begin {begin}, end {end}, length {len}"
            ),
        )
    };
    match (name, args) {
        ("length", []) => Returned(Value::Int(utf16(s).len() as i32)),
        ("isEmpty", []) => Returned(Value::Bool(s.is_empty())),
        ("isBlank", []) => Returned(Value::Bool(s.chars().all(char::is_whitespace))),
        ("trim", []) => Returned(Value::str(s.trim_matches(|c: char| c <= ' '))),
        ("strip", []) => Returned(Value::str(s.trim())),
        ("toUpperCase", []) => Returned(Value::string(s.to_uppercase())),
        ("toLowerCase", []) => Returned(Value::string(s.to_lowercase())),
        ("toString" | "intern", []) => Returned(this.clone()),
        ("substring", [b]) => {
            let (Some(b), u) = (int_arg(b), utf16(s)) else {
                return NoSuchMethod;
            };
            if b < 0 || b as usize > u.len() {
                return oob(b as i64, u.len() as i64, u.len());
            }
            Returned(from_utf16(&u[b as usize..]))
        }
        ("substring", [b, e]) => {
            let (Some(b), Some(e), u) = (int_arg(b), int_arg(e), utf16(s)) else {
                return NoSuchMethod;
            };
            if b < 0 || e < b || e as usize > u.len() {
                return oob(b as i64, e as i64, u.len());
            }
            Returned(from_utf16(&u[b as usize..e as usize]))
        }
        ("charAt", [i]) => {
            let (Some(i), u) = (int_arg(i), utf16(s)) else {
                return NoSuchMethod;
            };
            if i < 0 || i as usize >= u.len() {
                return threw(
                    &this,
                    name,
                    format!(
                        "java.lang.StringIndexOutOfBoundsException: index {i}, length {}",
                        u.len()
                    ),
                );
            }
            Returned(from_utf16(&u[i as usize..i as usize + 1]))
        }
        ("indexOf" | "lastIndexOf", [needle]) | ("indexOf" | "lastIndexOf", [needle, _]) => {
            let Some(needle) = str_arg(needle) else {
                return NoSuchMethod;
            };
            let from = match args.get(1) {
                Some(v) => match int_arg(v) {
                    Some(i) => Some(i),
                    None => return NoSuchMethod,
                },
                None => None,
            };
            Returned(Value::Int(index_of(s, needle, from, name == "lastIndexOf")))
        }
        ("contains", [x]) => {
            str_arg(x).map_or(NoSuchMethod, |x| Returned(Value::Bool(s.contains(x))))
        }
        ("startsWith", [x]) => {
            str_arg(x).map_or(NoSuchMethod, |x| Returned(Value::Bool(s.starts_with(x))))
        }
        ("startsWith", [x, off]) => match (str_arg(x), int_arg(off)) {
            (Some(x), Some(off)) => {
                let u = utf16(s);
                let ok = off >= 0
                    && (off as usize) <= u.len()
                    && u[off as usize..].starts_with(&utf16(x));
                Returned(Value::Bool(ok))
            }
            _ => NoSuchMethod,
        },
        ("endsWith", [x]) => {
            str_arg(x).map_or(NoSuchMethod, |x| Returned(Value::Bool(s.ends_with(x))))
        }
        ("equalsIgnoreCase", [x]) => Returned(Value::Bool(str_arg(x).is_some_and(|x| {
            x.to_lowercase() == s.to_lowercase() || x.to_uppercase() == s.to_uppercase()
        }))),
        ("compareTo", [x]) => {
            str_arg(x).map_or(NoSuchMethod, |x| Returned(Value::Int(compare_utf16(s, x))))
        }
        ("compareToIgnoreCase", [x]) => str_arg(x).map_or(NoSuchMethod, |x| {
            Returned(Value::Int(compare_utf16(
                &s.to_lowercase(),
                &x.to_lowercase(),
            )))
        }),
        ("concat", [x]) => {
            str_arg(x).map_or(NoSuchMethod, |x| Returned(Value::string(format!("{s}{x}"))))
        }
        ("replace", [a, b]) => match (str_arg(a), str_arg(b)) {
            (Some(a), Some(b)) => Returned(Value::string(java_replace(s, a, b))),
            _ => NoSuchMethod,
        },
        ("replaceAll" | "replaceFirst", [re, rep]) => match (str_arg(re), str_arg(rep)) {
            (Some(re), Some(rep)) => regex_call(&this, name, re, |r| {
                if name == "replaceAll" {
                    r.replace_all(s, rep)
                } else {
                    r.replace_first(s, rep)
                }
                .map(Value::string)
                .map_err(|e| e.to_string())
            }),
            _ => NoSuchMethod,
        },
        ("matches", [re]) => match str_arg(re) {
            Some(re) => regex_call(&this, name, re, |r| {
                r.matches(s).map(Value::Bool).map_err(|e| e.to_string())
            }),
            None => NoSuchMethod,
        },
        ("split", [re]) | ("split", [re, _]) => {
            let limit = match args.get(1) {
                Some(v) => match int_arg(v) {
                    Some(i) => i,
                    None => return NoSuchMethod,
                },
                None => 0,
            };
            match str_arg(re) {
                Some(re) => regex_call(&this, name, re, |r| {
                    r.split(s, limit)
                        .map(|parts| {
                            Value::Array(std::rc::Rc::new(
                                parts.into_iter().map(Value::string).collect(),
                            ))
                        })
                        .map_err(|e| e.to_string())
                }),
                None => NoSuchMethod,
            }
        }
        ("format", [fmt, rest @ ..]) => match str_arg(fmt) {
            Some(f) => match java_format(f, rest) {
                Ok(out) => Returned(Value::string(out)),
                Err(e) => threw(&this, name, e),
            },
            None => NoSuchMethod,
        },
        ("valueOf", [v]) => Returned(Value::string(v.java_string())),
        _ => NoSuchMethod,
    }
}

/// Less common `String` methods (Java 11+ ones included: the reference JVM is 17).
fn string_extras(s: &str, this: &Value, name: &str, args: &[Value]) -> Option<Call> {
    let u = utf16(s);
    Some(match (name, args) {
        ("indexOf" | "lastIndexOf", [Value::Int(ch), rest @ ..]) if rest.len() <= 1 => {
            let from = match rest.first() {
                Some(Value::Int(f)) => Some(*f),
                Some(_) => return Some(NoSuchMethod),
                None => None,
            };
            let needle = char::from_u32(*ch as u32)
                .map(String::from)
                .unwrap_or_default();
            Returned(Value::Int(index_of(
                s,
                &needle,
                from,
                name == "lastIndexOf",
            )))
        }
        ("repeat", [Value::Int(n)]) if *n >= 0 => Returned(Value::string(s.repeat(*n as usize))),
        ("repeat", [Value::Int(n)]) => threw(
            this,
            name,
            format!("java.lang.IllegalArgumentException: count is negative: {n}"),
        ),
        ("codePointAt", [Value::Int(i)]) => match s.chars().nth(*i as usize) {
            Some(c) if *i >= 0 && (*i as usize) < u.len() => Returned(Value::Int(c as i32)),
            _ => threw(
                this,
                name,
                format!(
                    "java.lang.StringIndexOutOfBoundsException: index {i}, length {}",
                    u.len()
                ),
            ),
        },
        (
            "regionMatches",
            [
                Value::Bool(ic),
                Value::Int(to),
                Value::Str(other),
                Value::Int(oo),
                Value::Int(len),
            ],
        ) => Returned(Value::Bool(region_matches(
            &u,
            *ic,
            *to,
            &utf16(other),
            *oo,
            *len,
        ))),
        (
            "regionMatches",
            [
                Value::Int(to),
                Value::Str(other),
                Value::Int(oo),
                Value::Int(len),
            ],
        ) => Returned(Value::Bool(region_matches(
            &u,
            false,
            *to,
            &utf16(other),
            *oo,
            *len,
        ))),
        ("toCharArray", []) => Returned(Value::Array(std::rc::Rc::new(
            u.iter()
                .map(|c| from_utf16(std::slice::from_ref(c)))
                .collect(),
        ))),
        ("stripLeading", []) => Returned(Value::str(s.trim_start())),
        ("stripTrailing", []) => Returned(Value::str(s.trim_end())),
        ("join", [Value::Str(sep), rest @ ..]) if !rest.is_empty() => {
            let parts: Vec<String> = match rest {
                [Value::List(l)] => l.borrow().items().iter().map(Value::java_string).collect(),
                [Value::Array(a)] => a.iter().map(Value::java_string).collect(),
                _ => rest.iter().map(Value::java_string).collect(),
            };
            Returned(Value::string(parts.join(sep)))
        }
        _ => return None,
    })
}

fn region_matches(a: &[u16], ignore_case: bool, ao: i32, b: &[u16], bo: i32, len: i32) -> bool {
    if ao < 0
        || bo < 0
        || ao as i64 + len as i64 > a.len() as i64
        || bo as i64 + len as i64 > b.len() as i64
    {
        return false;
    }
    if len <= 0 {
        return true;
    }
    let (x, y) = (
        &a[ao as usize..(ao + len) as usize],
        &b[bo as usize..(bo + len) as usize],
    );
    let (x, y) = (String::from_utf16_lossy(x), String::from_utf16_lossy(y));
    if ignore_case {
        x.to_lowercase() == y.to_lowercase() || x.to_uppercase() == y.to_uppercase()
    } else {
        x == y
    }
}

fn regex_call(
    this: &Value,
    name: &str,
    pattern: &str,
    f: impl FnOnce(&JavaRegex) -> Result<Value, String>,
) -> Call {
    match JavaRegex::new(pattern) {
        Ok(r) => match f(&r) {
            Ok(v) => Returned(v),
            Err(e) => threw(this, name, e),
        },
        Err(e) => threw(
            this,
            name,
            format!("java.util.regex.PatternSyntaxException: {e}"),
        ),
    }
}

/// `String.replace(CharSequence, CharSequence)`: an empty target inserts between characters.
fn java_replace(s: &str, a: &str, b: &str) -> String {
    if a.is_empty() {
        let mut out = String::from(b);
        for c in s.chars() {
            out.push(c);
            out.push_str(b);
        }
        return out;
    }
    s.replace(a, b)
}

fn index_of(s: &str, needle: &str, from: Option<i32>, last: bool) -> i32 {
    let hay = utf16(s);
    let n = utf16(needle);
    let fits = |i: usize| i + n.len() <= hay.len() && hay[i..i + n.len()] == n[..];
    if last {
        let start = from
            .map_or(hay.len() as i64, |f| f as i64)
            .min(hay.len().saturating_sub(n.len()) as i64);
        (0..=start.max(-1))
            .rev()
            .find(|i| *i >= 0 && fits(*i as usize))
            .map_or(-1, |i| i as i32)
    } else {
        let start = from.unwrap_or(0).max(0) as usize;
        (start..=hay.len())
            .find(|i| fits(*i))
            .map_or(-1, |i| i as i32)
    }
}

/// `String.compareTo`: difference of the first differing UTF-16 unit, else of the lengths.
fn compare_utf16(a: &str, b: &str) -> i32 {
    let (a, b) = (utf16(a), utf16(b));
    for (x, y) in a.iter().zip(&b) {
        if x != y {
            return *x as i32 - *y as i32;
        }
    }
    a.len() as i32 - b.len() as i32
}

/// `String.format` for the conversions templates use: `%s %d %f %.Nf %x %X %c %b %n %%`.
fn java_format(fmt: &str, args: &[Value]) -> Result<String, String> {
    // Velocity passes varargs as individual arguments; a single List argument is not spread.
    let mut out = String::new();
    let mut next = 0;
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut spec = String::new();
        while let Some(&d) = chars.peek() {
            if d.is_ascii_digit() || d == '.' || d == '-' || d == '0' || d == ',' || d == '+' {
                spec.push(d);
                chars.next();
            } else {
                break;
            }
        }
        let conv = chars
            .next()
            .ok_or("java.util.UnknownFormatConversionException: Conversion = '%'")?;
        if conv == '%' {
            out.push('%');
            continue;
        }
        if conv == 'n' {
            out.push('\n');
            continue;
        }
        let arg = args.get(next).ok_or_else(|| {
            format!("java.util.MissingFormatArgumentException: Format specifier '%{spec}{conv}'")
        })?;
        next += 1;
        let (width, precision) = match spec.split_once('.') {
            Some((w, p)) => (w.to_string(), p.parse::<usize>().ok()),
            None => (spec.clone(), None),
        };
        let left = width.starts_with('-');
        let zero = width.starts_with('0');
        let width: usize = width
            .trim_start_matches(['-', '0', '+', ','])
            .parse()
            .unwrap_or(0);
        let body = match conv {
            's' | 'S' => {
                let s = if arg.is_null() {
                    "null".into()
                } else {
                    arg.java_string()
                };
                let s = match precision {
                    Some(p) => s.chars().take(p).collect(),
                    None => s,
                };
                if conv == 'S' { s.to_uppercase() } else { s }
            }
            'd' => match arg.as_number() {
                Some(n) if n.is_integer() => n.to_i128().to_string(),
                _ => {
                    return Err(format!(
                        "java.util.IllegalFormatConversionException: d != {}",
                        arg.java_class()
                    ));
                }
            },
            'x' | 'X' => match arg.as_number() {
                Some(n) if n.is_integer() => {
                    let v = n.to_i128();
                    let s = if v < 0 {
                        format!("{:x}", v as i64 as u64)
                    } else {
                        format!("{v:x}")
                    };
                    if conv == 'X' { s.to_uppercase() } else { s }
                }
                _ => {
                    return Err(format!(
                        "java.util.IllegalFormatConversionException: {conv} != {}",
                        arg.java_class()
                    ));
                }
            },
            'f' => match arg {
                Value::Double(d) => format!("{:.*}", precision.unwrap_or(6), d),
                _ => {
                    return Err(format!(
                        "java.util.IllegalFormatConversionException: f != {}",
                        arg.java_class()
                    ));
                }
            },
            'b' | 'B' => match arg {
                Value::Null => "false".into(),
                Value::Bool(b) => b.to_string(),
                _ => "true".into(),
            },
            'c' => arg
                .java_string()
                .chars()
                .next()
                .map(String::from)
                .unwrap_or_default(),
            other => {
                return Err(format!(
                    "java.util.UnknownFormatConversionException: Conversion = '{other}'"
                ));
            }
        };
        let pad = width.saturating_sub(body.chars().count());
        if left {
            out.push_str(&body);
            out.push_str(&" ".repeat(pad));
        } else if zero && matches!(conv, 'd' | 'f' | 'x' | 'X') {
            let (sign, digits) = body
                .strip_prefix('-')
                .map_or(("", body.as_str()), |d| ("-", d));
            out.push_str(sign);
            out.push_str(&"0".repeat(pad));
            out.push_str(digits);
        } else {
            out.push_str(&" ".repeat(pad));
            out.push_str(&body);
        }
    }
    Ok(out)
}

fn list_len(obj: &Value) -> usize {
    match obj {
        Value::List(l) => l.borrow().items().len(),
        Value::Array(a) => a.len(),
        _ => 0,
    }
}

fn list_method(obj: &Value, name: &str, args: &[Value]) -> Call {
    let read = match obj {
        // A JSON list answers `size()` without building its items.
        Value::List(l) if (name, args.len()) == ("size", 0) => {
            return Returned(Value::Int(l.borrow().len() as i32));
        }
        Value::List(l) => list_read(obj, l.borrow().items(), name, args),
        Value::Array(a) => list_read(obj, a, name, args),
        _ => return NoSuchMethod,
    };
    match read {
        NoSuchMethod if matches!(obj, Value::List(_)) => list_write(obj, name, args),
        done => done,
    }
}

fn out_of_bounds(obj: &Value, name: &str, i: i32, len: usize) -> Call {
    threw(
        obj,
        name,
        format!("java.lang.IndexOutOfBoundsException: Index {i} out of bounds for length {len}"),
    )
}

/// The methods of `List` (and `String[]`) that only read.
fn list_read(obj: &Value, items: &[Value], name: &str, args: &[Value]) -> Call {
    let len = items.len();
    let oob = |i: i32| out_of_bounds(obj, name, i, len);
    match (name, args) {
        ("size", []) => Returned(Value::Int(len as i32)),
        ("isEmpty", []) => Returned(Value::Bool(len == 0)),
        ("get", [i]) => match int_arg(i) {
            Some(i) if i >= 0 && (i as usize) < len => Returned(items[i as usize].clone()),
            Some(i) => oob(i),
            None => NoSuchMethod,
        },
        ("contains", [x]) => Returned(Value::Bool(items.iter().any(|v| java_equals(v, x)))),
        // An iterator over a copy: what `#foreach` needs from it.
        ("iterator" | "listIterator", []) => Returned(Value::new_list(items.to_vec(), false)),
        ("indexOf", [x]) => Returned(Value::Int(
            items
                .iter()
                .position(|v| java_equals(v, x))
                .map_or(-1, |i| i as i32),
        )),
        ("lastIndexOf", [x]) => Returned(Value::Int(
            items
                .iter()
                .rposition(|v| java_equals(v, x))
                .map_or(-1, |i| i as i32),
        )),
        ("subList", [a, b]) => match (int_arg(a), int_arg(b)) {
            (Some(a), Some(b)) if a >= 0 && a <= b && (b as usize) <= len => Returned(
                Value::new_list(items[a as usize..b as usize].to_vec(), false),
            ),
            (Some(a), Some(b)) => threw(
                obj,
                name,
                format!(
                    "java.lang.IndexOutOfBoundsException: fromIndex = {a}, toIndex = {b}, size = {len}"
                ),
            ),
            _ => NoSuchMethod,
        },
        _ => NoSuchMethod,
    }
}

/// The methods of `List` that change it.
fn list_write(obj: &Value, name: &str, args: &[Value]) -> Call {
    let Value::List(list) = obj else {
        return NoSuchMethod;
    };
    let len = list.borrow().len();
    let oob = |i: i32| out_of_bounds(obj, name, i, len);
    let with_list = |f: &mut dyn FnMut(&mut Vec<Value>) -> Call| f(list.borrow_mut().items_mut());
    // `add`, `remove` and the like change the list's structure (`modCount`).
    let resize = |f: &mut dyn FnMut(&mut Vec<Value>) -> Call| f(list.borrow_mut().items_resized());
    match (name, args) {
        ("add", [x]) => resize(&mut |l| {
            l.push(x.clone());
            Returned(Value::Bool(true))
        }),
        ("add", [i, x]) => match int_arg(i) {
            Some(i) if i >= 0 && (i as usize) <= len => resize(&mut |l| {
                l.insert(i as usize, x.clone());
                Returned(Value::str(""))
            }),
            Some(i) => oob(i),
            None => NoSuchMethod,
        },
        ("set", [i, x]) => match int_arg(i) {
            Some(i) if i >= 0 && (i as usize) < len => {
                with_list(&mut |l| Returned(std::mem::replace(&mut l[i as usize], x.clone())))
            }
            Some(i) => oob(i),
            None => NoSuchMethod,
        },
        ("remove", [Value::Int(i)]) => {
            let i = *i;
            if i >= 0 && (i as usize) < len {
                resize(&mut |l| Returned(l.remove(i as usize)))
            } else {
                oob(i)
            }
        }
        ("remove", [x]) => {
            let found = list.borrow().items().iter().position(|v| java_equals(v, x));
            match found {
                Some(p) => resize(&mut |l| {
                    l.remove(p);
                    Returned(Value::Bool(true))
                }),
                None => Returned(Value::Bool(false)),
            }
        }
        ("addAll", [Value::List(other)]) => {
            let extra = other.borrow().items().clone();
            resize(&mut |l| {
                l.extend(extra.iter().cloned());
                Returned(Value::Bool(!extra.is_empty()))
            })
        }
        ("clear", []) => resize(&mut |l| {
            l.clear();
            Returned(Value::str(""))
        }),
        _ => NoSuchMethod,
    }
}

fn map_method(obj: &Value, name: &str, args: &[Value]) -> Call {
    let Value::Map(m) = obj else {
        return NoSuchMethod;
    };
    let key = |v: &Value| Key(v.clone());
    match (name, args) {
        ("get", [k]) => Returned(
            m.borrow()
                .entries()
                .get(&key(k))
                .cloned()
                .unwrap_or(Value::Null),
        ),
        ("getOrDefault", [k, d]) => Returned(
            m.borrow()
                .entries()
                .get(&key(k))
                .cloned()
                .unwrap_or_else(|| d.clone()),
        ),
        ("containsKey", [k]) => Returned(Value::Bool(m.borrow().entries().contains_key(&key(k)))),
        ("containsValue", [v]) => Returned(Value::Bool(
            m.borrow().entries().values().any(|x| java_equals(x, v)),
        )),
        ("put", [k, v]) => Returned(
            m.borrow_mut()
                .insert(key(k), v.clone())
                .unwrap_or(Value::Null),
        ),
        ("putIfAbsent", [k, v]) => {
            let mut b = m.borrow_mut();
            match b.entries().get(&key(k)) {
                Some(old) if !old.is_null() => Returned(old.clone()),
                _ => {
                    b.insert(key(k), v.clone());
                    Returned(Value::Null)
                }
            }
        }
        ("remove", [k]) => Returned(m.borrow_mut().remove(&key(k)).unwrap_or(Value::Null)),
        ("size", []) => Returned(Value::Int(m.borrow().entries().len() as i32)),
        ("isEmpty", []) => Returned(Value::Bool(m.borrow().entries().is_empty())),
        ("keySet", []) => Returned(Value::new_list(
            m.borrow().entries().keys().map(|k| k.0.clone()).collect(),
            false,
        )),
        ("values", []) => Returned(Value::new_list(
            m.borrow().entries().values().cloned().collect(),
            false,
        )),
        ("entrySet", []) => Returned(Value::new_list(
            m.borrow()
                .entries()
                .iter()
                .map(|(k, v)| {
                    Value::Entry(std::rc::Rc::new(super::value::EntryRef {
                        key: k.clone(),
                        value: std::cell::RefCell::new(v.clone()),
                        map: m.clone(),
                    }))
                })
                .collect(),
            false,
        )),
        ("putAll", [Value::Map(other)]) => {
            let extra: Entries = other.borrow().entries().clone();
            let mut m = m.borrow_mut();
            for (k, v) in extra {
                m.insert(k, v);
            }
            Returned(Value::str(""))
        }
        ("clear", []) => {
            m.borrow_mut().clear();
            Returned(Value::str(""))
        }
        _ => NoSuchMethod,
    }
}

fn number_method(obj: &Value, name: &str, args: &[Value]) -> Call {
    let Some(n) = obj.as_number() else {
        return NoSuchMethod;
    };
    // Static methods called through an instance (`$i.parseInt($s)`, `$i.valueOf($s)`).
    if let [Value::Str(text)] = args {
        let nfe = || {
            threw(
                obj,
                name,
                format!("java.lang.NumberFormatException: For input string: \"{text}\""),
            )
        };
        let t = text.strip_prefix('+').unwrap_or(text);
        match (obj, name) {
            (Value::Int(_), "parseInt" | "valueOf" | "decode") => {
                return t
                    .parse::<i32>()
                    .map_or_else(|_| nfe(), |i| Returned(Value::Int(i)));
            }
            (Value::Long(_), "parseLong" | "valueOf" | "decode") => {
                return t
                    .parse::<i64>()
                    .map_or_else(|_| nfe(), |i| Returned(Value::Long(i)));
            }
            (Value::Double(_), "parseDouble" | "valueOf") => {
                return t
                    .trim()
                    .parse::<f64>()
                    .map_or_else(|_| nfe(), |d| Returned(Value::Double(d)));
            }
            _ => {}
        }
    }
    match (name, args) {
        ("intValue", []) => Returned(Value::Int(match n {
            super::value::Num::Double(d) => d as i32,
            other => other.to_i128() as i32,
        })),
        ("longValue", []) => Returned(Value::Long(match n {
            super::value::Num::Double(d) => d as i64,
            other => other.to_i128() as i64,
        })),
        ("doubleValue", []) => Returned(Value::Double(n.to_f64())),
        ("isNaN", []) => Returned(Value::Bool(n.to_f64().is_nan())),
        ("isInfinite", []) => Returned(Value::Bool(n.to_f64().is_infinite())),
        ("compareTo", [other]) => match other.as_number() {
            Some(o) if std::mem::discriminant(&n) == std::mem::discriminant(&o) => {
                Returned(Value::Int(match compare_numbers(n, o) {
                    Ordering::Less => -1,
                    Ordering::Equal => 0,
                    Ordering::Greater => 1,
                }))
            }
            _ => NoSuchMethod,
        },
        _ => NoSuchMethod,
    }
}

/// `MathUtils.compare`: integers exactly, otherwise as doubles.
pub fn compare_numbers(a: super::value::Num, b: super::value::Num) -> Ordering {
    if a.is_integer() && b.is_integer() {
        a.to_i128().cmp(&b.to_i128())
    } else {
        a.to_f64()
            .partial_cmp(&b.to_f64())
            .unwrap_or(Ordering::Equal)
    }
}

/// Java `equals`: same class (lists with lists, maps with maps) compared by content.
pub fn java_equals(a: &Value, b: &Value) -> bool {
    equals_at(a, b, &mut Walk::default())
}

/// Self-containing lists and maps would recurse without end (Java overflows its stack), and
/// lists of lists that share items take exponential time: a comparison or hash does not go
/// round a cycle, and stops at a depth and a number of values no payload reaches.
struct Walk {
    /// The lists and maps being walked, outermost first.
    path: Vec<usize>,
    visits: u32,
}

impl Default for Walk {
    fn default() -> Self {
        Walk {
            path: Vec::new(),
            visits: 20_000_000,
        }
    }
}

impl Walk {
    /// The identity of a list or map (`None` for other values, which hold nothing).
    fn container(v: &Value) -> Option<usize> {
        match v {
            Value::List(l) => Some(std::rc::Rc::as_ptr(l) as usize),
            Value::Map(m) => Some(m.as_ptr() as usize),
            _ => None,
        }
    }

    /// Enters a container; `false` when it is already being walked, or the walk has gone too
    /// deep or too far.
    fn enter(&mut self, id: usize) -> bool {
        if self.path.len() > 200 || self.visits == 0 || self.path.contains(&id) {
            return false;
        }
        self.visits -= 1;
        self.path.push(id);
        true
    }
}

fn equals_at(a: &Value, b: &Value, walk: &mut Walk) -> bool {
    let Some(id) = Walk::container(a) else {
        return equals_in(a, b, walk);
    };
    if !walk.enter(id) {
        return false;
    }
    let eq = equals_in(a, b, walk);
    walk.path.pop();
    eq
}

fn equals_in(a: &Value, b: &Value, walk: &mut Walk) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Long(x), Value::Long(y)) => x == y,
        (Value::BigInt(x), Value::BigInt(y)) => x == y,
        (Value::Double(x), Value::Double(y)) => x.to_bits() == y.to_bits() || (x == y && *x != 0.0),
        (Value::List(_) | Value::Array(_), Value::List(_) | Value::Array(_)) => {
            if matches!(a, Value::Array(_)) || matches!(b, Value::Array(_)) {
                return match (a, b) {
                    (Value::Array(x), Value::Array(y)) => std::rc::Rc::ptr_eq(x, y),
                    _ => false,
                };
            }
            let (Value::List(x), Value::List(y)) = (a, b) else {
                return false;
            };
            let (x, y) = (x.borrow(), y.borrow());
            x.len() == y.len()
                && x.items()
                    .iter()
                    .zip(y.items())
                    .all(|(p, q)| equals_at(p, q, walk))
        }
        (Value::Map(x), Value::Map(y)) => {
            let (x, y) = (x.borrow(), y.borrow());
            x.entries().len() == y.entries().len()
                && x.entries()
                    .iter()
                    .all(|(k, v)| y.entries().get(k).is_some_and(|w| equals_at(v, w, walk)))
        }
        (Value::Entry(x), Value::Entry(y)) => {
            x.key == y.key && equals_at(&x.value.borrow(), &y.value.borrow(), walk)
        }
        (Value::Class(x), Value::Class(y)) => x == y,
        (Value::Block(x), Value::Block(y)) => std::sync::Arc::ptr_eq(x, y),
        (Value::Input, Value::Input) | (Value::Util, Value::Util) => true,
        _ => false,
    }
}

/// Java `hashCode` for strings, numbers and booleans (others: a stable stand-in).
fn java_hash(v: &Value) -> i32 {
    hash_at(v, &mut Walk::default())
}

fn hash_at(v: &Value, walk: &mut Walk) -> i32 {
    let Some(id) = Walk::container(v) else {
        return hash_in(v, walk);
    };
    if !walk.enter(id) {
        return 0;
    }
    let h = hash_in(v, walk);
    walk.path.pop();
    h
}

fn hash_in(v: &Value, walk: &mut Walk) -> i32 {
    match v {
        Value::Str(s) => s
            .encode_utf16()
            .fold(0i32, |h, c| h.wrapping_mul(31).wrapping_add(c as i32)),
        Value::Int(i) => *i,
        Value::Long(l) => (*l ^ (*l >> 32)) as i32,
        Value::Bool(b) => {
            if *b {
                1231
            } else {
                1237
            }
        }
        Value::Double(d) => {
            let bits = d.to_bits();
            (bits ^ (bits >> 32)) as i32
        }
        Value::List(l) => l.borrow().items().iter().fold(1i32, |h, x| {
            h.wrapping_mul(31).wrapping_add(hash_at(x, walk))
        }),
        Value::Map(m) => m.borrow().entries().iter().fold(0i32, |h, (k, x)| {
            h.wrapping_add(hash_at(&k.0, walk) ^ hash_at(x, walk))
        }),
        Value::Entry(e) => hash_at(&e.key.0, walk) ^ hash_at(&e.value.borrow(), walk),
        Value::Null => 0,
        other => java_hash(&Value::string(other.java_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Value {
        Value::str(v)
    }

    fn ret(c: Call) -> String {
        match c {
            Returned(v) => v.java_string(),
            NoSuchMethod => "<no method>".into(),
            Threw(e) => format!("<threw {e}>"),
        }
    }

    #[test]
    fn string_methods_count_utf16() {
        assert_eq!(ret(call(&s("a😀b"), "length", &[])), "4");
        assert_eq!(
            ret(call(
                &s("hello"),
                "substring",
                &[Value::Int(1), Value::Int(3)]
            )),
            "el"
        );
        assert_eq!(ret(call(&s("hello"), "indexOf", &[s("l")])), "2");
        assert_eq!(ret(call(&s("hello"), "lastIndexOf", &[s("l")])), "3");
        assert_eq!(ret(call(&s("hello"), "indexOf", &[s("")])), "0");
        assert_eq!(ret(call(&s("hello"), "lastIndexOf", &[s("")])), "5");
        assert_eq!(ret(call(&s("b"), "compareTo", &[s("abc")])), "1");
        assert_eq!(ret(call(&s("ab"), "replace", &[s(""), s("-")])), "-a-b-");
        assert!(
            ret(call(&s("A"), "substring", &[Value::Int(7)])).contains("begin 7, end 1, length 1")
        );
    }

    #[test]
    fn no_narrowing_of_arguments() {
        assert_eq!(
            ret(call(&s("hello"), "substring", &[Value::Long(1)])),
            "<no method>"
        );
        assert_eq!(
            ret(call(&s("hello"), "contains", &[Value::Int(1)])),
            "<no method>"
        );
    }

    #[test]
    fn properties_follow_introspection() {
        let m = Value::new_map([(Key::str("x"), Value::Int(1))].into_iter().collect());
        assert_eq!(property(&m, "x").unwrap().java_string(), "1");
        assert!(property(&m, "empty").unwrap().is_null());
        assert_eq!(property(&s(""), "empty").unwrap().java_string(), "true");
        let l = Value::new_list(vec![], false);
        assert!(property(&l, "size").is_none());
        assert_eq!(
            property(&l, "class").unwrap().java_string(),
            "class java.util.ArrayList"
        );
    }

    #[test]
    fn formats_like_java() {
        assert_eq!(
            java_format(
                "%s has %d items (%.2f%%)%n",
                &[s("cart"), Value::Int(3), Value::Double(12.345)]
            )
            .unwrap(),
            "cart has 3 items (12.35%)\n"
        );
        assert_eq!(
            java_format("[%5s|%-3d|%03d]", &[s("ab"), Value::Int(7), Value::Int(5)]).unwrap(),
            "[   ab|7  |005]"
        );
        assert!(java_format("%d", &[s("x")]).is_err());
    }

    #[test]
    fn lists_and_maps() {
        let l = Value::new_list(vec![Value::Int(1), Value::Int(2)], false);
        assert!(
            ret(call(&l, "get", &[Value::Int(5)])).contains("Index 5 out of bounds for length 2")
        );
        assert_eq!(ret(call(&l, "add", &[s("x")])), "true");
        assert_eq!(l.java_string(), "[1, 2, x]");
        assert_eq!(ret(index(&l, &Value::Int(-1))), "x");
        let m = Value::new_map(Entries::default());
        assert_eq!(ret(call(&m, "put", &[s("a"), Value::Int(1)])), "null");
        assert_eq!(ret(call(&m, "put", &[s("a"), Value::Int(2)])), "1");
        assert_eq!(ret(call(&m, "entrySet", &[])), "[a=2]");
    }
}
