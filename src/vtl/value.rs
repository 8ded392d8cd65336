//! Java values as Velocity sees them: `String`, `Integer`/`Long`/`BigInteger`, `Double`,
//! `Boolean`, `LinkedHashMap`, `ArrayList` (or json-smart's `JSONArray`, which prints as JSON),
//! `Map.Entry`, `String[]`, and the few objects templates meet (`#define` blocks, `$foreach`,
//! API Gateway's `$input` and `$util`). Lists and maps are shared and mutable, as in Java.

use std::cell::{Cell, OnceCell, RefCell};
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::rc::Rc;

use indexmap::IndexMap;

use super::ast::Block;
use super::lazy::JsonNode;

/// The hasher of the engine's maps (`$item.field` and every loop variable go through one).
/// Templates and bodies are the user's own, so foldhash's speed matters and SipHash's
/// flood resistance does not; iteration order never depends on it (maps keep insertion order).
pub type FastHash = foldhash::fast::RandomState;

/// A `LinkedHashMap`'s entries, in insertion order.
pub type Entries = IndexMap<Key, Value, FastHash>;

/// A Java object (or `null`).
#[derive(Debug, Clone)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i32),
    Long(i64),
    /// `java.math.BigInteger`; Velocity widens to it when a `long` overflows.
    BigInt(i128),
    Double(f64),
    Str(std::sync::Arc<str>),
    List(Rc<RefCell<JList>>),
    Map(MapRef),
    Entry(Rc<EntryRef>),
    /// `String[]` (from `split`), printed by Java as `[Ljava.lang.String;@hash`.
    Array(Rc<Vec<Value>>),
    /// A `#define` block: renders its body when printed.
    Block(std::sync::Arc<Block>),
    /// `$foreach` inside a loop.
    Loop(Rc<LoopInfo>),
    /// API Gateway's `$input`.
    Input,
    /// API Gateway's `$util`.
    Util,
    /// `java.lang.Class` (from `.class` / `getClass()`), by its Java name.
    Class(&'static str),
}

/// `java.util.ArrayList`, or json-smart's `JSONArray` (`json`), whose `toString` is compact JSON.
/// A list read from JSON builds its items on first use (`super::lazy`).
#[derive(Debug, Clone, Default)]
pub struct JList {
    items: OnceCell<Vec<Value>>,
    source: Option<JsonNode>,
    pub json: bool,
    /// Java's `modCount`: structural changes so far (a `#foreach` over the list throws when it moves).
    mods: u32,
}

impl JList {
    pub fn new(items: Vec<Value>, json: bool) -> JList {
        JList {
            items: OnceCell::from(items),
            source: None,
            json,
            mods: 0,
        }
    }

    pub fn lazy(source: JsonNode, json: bool) -> JList {
        JList {
            items: OnceCell::new(),
            source: Some(source),
            json,
            mods: 0,
        }
    }

    pub fn items(&self) -> &Vec<Value> {
        self.items.get_or_init(|| {
            self.source
                .as_ref()
                .map(JsonNode::items)
                .unwrap_or_default()
        })
    }

    pub fn items_mut(&mut self) -> &mut Vec<Value> {
        self.items();
        self.items.get_mut().expect("items were just built")
    }

    /// The items, for a change of their number (`add`, `remove`, `clear`): counts as one
    /// structural modification even when nothing moves, as `ArrayList` does.
    pub fn items_resized(&mut self) -> &mut Vec<Value> {
        self.mods = self.mods.wrapping_add(1);
        self.items_mut()
    }

    pub fn mods(&self) -> u32 {
        self.mods
    }

    /// The number of items, without building them.
    pub fn len(&self) -> usize {
        match (self.items.get(), &self.source) {
            (None, Some(src)) => src.get().as_array().map_or(0, Vec::len),
            _ => self.items().len(),
        }
    }
}

/// `java.util.LinkedHashMap` (insertion order), or json-smart's `JSONObject` (which prints as
/// JSON only inside a `JSONArray`; alone it prints as a Java map, as recorded on AWS). A map read
/// from JSON builds its entries on first use (`super::lazy`).
#[derive(Debug, Clone, Default)]
pub struct JMap {
    /// Boxed: a map read from JSON is often only read, and a small `JMap` keeps the maps of a
    /// 1000-record list in one small allocation (`MapPool`).
    entries: OnceCell<Box<Entries>>,
    source: Option<JsonNode>,
    /// Java's `modCount`: entries added or removed so far (a `#foreach` over the map throws
    /// when it moves; replacing a value is not a structural change).
    mods: u32,
}

impl JMap {
    pub fn new(entries: Entries) -> JMap {
        JMap {
            entries: OnceCell::from(Box::new(entries)),
            source: None,
            mods: 0,
        }
    }

    pub fn lazy(source: JsonNode) -> JMap {
        JMap {
            entries: OnceCell::new(),
            source: Some(source),
            mods: 0,
        }
    }

    pub fn entries(&self) -> &Entries {
        self.entries.get_or_init(|| {
            Box::new(
                self.source
                    .as_ref()
                    .map(JsonNode::entries)
                    .unwrap_or_default(),
            )
        })
    }

    pub fn entries_mut(&mut self) -> &mut Entries {
        self.entries();
        self.entries.get_mut().expect("entries were just built")
    }

    pub fn mods(&self) -> u32 {
        self.mods
    }

    /// `put`: a new key is a structural modification, a new value for a key is not.
    pub fn insert(&mut self, key: Key, value: Value) -> Option<Value> {
        let old = self.entries_mut().insert(key, value);
        if old.is_none() {
            self.mods = self.mods.wrapping_add(1);
        }
        old
    }

    /// `remove`, keeping the order of the other entries.
    pub fn remove(&mut self, key: &Key) -> Option<Value> {
        let old = self.entries_mut().shift_remove(key);
        if old.is_some() {
            self.mods = self.mods.wrapping_add(1);
        }
        old
    }

    /// `clear`: a structural modification even when the map is empty, as in `HashMap`.
    pub fn clear(&mut self) {
        self.mods = self.mods.wrapping_add(1);
        self.entries_mut().clear();
    }

    /// `get(name)` for a `String` key: a member that is not a container is read from the
    /// document without building the map (the `$item.field` of every loop).
    pub fn get_str(&self, name: &str) -> Option<Value> {
        if let Some(member) = self.json_member(name)
            && let Some(v) = super::lazy::scalar(member)
        {
            return Some(v);
        }
        self.entries().get(&StrKey(name)).cloned()
    }

    /// The member `name` in the document, while the map is still only a view of it.
    pub fn json_member(&self, name: &str) -> Option<&serde_json::Value> {
        match (self.entries.get(), &self.source) {
            (None, Some(src)) => super::lazy::member(src.get(), name),
            _ => None,
        }
    }
}

/// Looks a `String` key up without allocating a `Key`.
#[derive(Hash)]
pub struct StrKey<'a>(pub &'a str);

impl indexmap::Equivalent<Key> for StrKey<'_> {
    fn equivalent(&self, key: &Key) -> bool {
        matches!(&key.0, Value::Str(s) if &**s == self.0)
    }
}

/// A `Map.Entry` from `entrySet()`: `setValue` writes through to the map.
#[derive(Debug, Clone)]
pub struct EntryRef {
    pub key: Key,
    pub value: RefCell<Value>,
    pub map: MapRef,
}

/// A handle on a `java.util.LinkedHashMap`: a map of its own, or one of the maps of a list read
/// from JSON, which are made together in one allocation (a list of 1000 records is one
/// allocation instead of 1000). Either way it is one Java object: clones share it.
#[derive(Clone)]
pub enum MapRef {
    One(Rc<RefCell<JMap>>),
    Pooled(Rc<MapPool>, u32),
}

/// The maps of one JSON list, made together.
#[derive(Debug)]
pub struct MapPool(pub Box<[RefCell<JMap>]>);

impl MapRef {
    pub fn new(map: JMap) -> MapRef {
        MapRef::One(Rc::new(RefCell::new(map)))
    }

    /// The map's address: its identity as a Java object.
    pub fn as_ptr(&self) -> *const RefCell<JMap> {
        &**self
    }

    pub fn ptr_eq(&self, other: &MapRef) -> bool {
        std::ptr::eq(self.as_ptr(), other.as_ptr())
    }
}

impl std::ops::Deref for MapRef {
    type Target = RefCell<JMap>;

    fn deref(&self) -> &RefCell<JMap> {
        match self {
            MapRef::One(m) => m,
            MapRef::Pooled(pool, i) => &pool.0[*i as usize],
        }
    }
}

impl std::fmt::Debug for MapRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (**self).fmt(f)
    }
}

/// What `$foreach` exposes: Velocity's `ForeachScope`, one per loop run, updated by each
/// iteration.
#[derive(Debug, Clone)]
pub struct LoopInfo {
    /// Which `#foreach` run this is (for `#break($foreach.parent)`).
    pub id: u64,
    pub index: Cell<usize>,
    pub has_next: Cell<bool>,
    /// The scope that was in `$foreach` when the loop started (the enclosing loop's).
    pub parent: Option<Value>,
    /// What else was in `$foreach` then, given back when the loop ends.
    pub replaced: Option<Value>,
}

impl LoopInfo {
    /// `ForeachScope`'s properties that read its counters (`$foreach.count`, `.hasNext`, …).
    pub fn property(&self, name: &str) -> Option<Value> {
        Some(match name {
            "count" => Value::Int(self.index.get() as i32 + 1),
            "index" => Value::Int(self.index.get() as i32),
            "hasNext" => Value::Bool(self.has_next.get()),
            "first" => Value::Bool(self.index.get() == 0),
            "last" => Value::Bool(!self.has_next.get()),
            _ => return None,
        })
    }
}

/// A map key with Java `equals`/`hashCode` semantics (`Integer` 1 is not `Long` 1).
#[derive(Debug, Clone)]
pub struct Key(pub Value);

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        match (&self.0, &other.0) {
            (Value::Str(a), Value::Str(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Long(a), Value::Long(b)) => a == b,
            (Value::BigInt(a), Value::BigInt(b)) => a == b,
            (Value::Double(a), Value::Double(b)) => a.to_bits() == b.to_bits(),
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Null, Value::Null) => true,
            (a, b) => a.type_rank() == b.type_rank() && a.java_string() == b.java_string(),
        }
    }
}

impl Eq for Key {}

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        match &self.0 {
            // Hashes as the `&str` alone, so that lookups can use a borrowed `&str`.
            Value::Str(s) => return s.hash(state),
            other => other.type_rank().hash(state),
        }
        match &self.0 {
            Value::Str(_) => {}
            Value::Int(i) => i.hash(state),
            Value::Long(i) => i.hash(state),
            Value::BigInt(i) => i.hash(state),
            Value::Double(d) => d.to_bits().hash(state),
            Value::Bool(b) => b.hash(state),
            Value::Null => {}
            other => other.java_string().hash(state),
        }
    }
}

impl Key {
    pub fn str(s: &str) -> Key {
        Key(Value::Str(s.into()))
    }
}

impl Value {
    pub fn str(s: &str) -> Value {
        Value::Str(s.into())
    }

    pub fn string(s: String) -> Value {
        Value::Str(s.into())
    }

    pub fn new_list(items: Vec<Value>, json: bool) -> Value {
        Value::List(Rc::new(RefCell::new(JList::new(items, json))))
    }

    pub fn new_map(entries: Entries) -> Value {
        Value::Map(MapRef::new(JMap::new(entries)))
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    fn type_rank(&self) -> u8 {
        match self {
            Value::Null => 0,
            Value::Bool(_) => 1,
            Value::Int(_) => 2,
            Value::Long(_) => 3,
            Value::BigInt(_) => 4,
            Value::Double(_) => 5,
            Value::Str(_) => 6,
            Value::List(_) => 7,
            Value::Map(_) => 8,
            Value::Entry(_) => 9,
            Value::Array(_) => 10,
            Value::Block(_) => 11,
            Value::Loop(_) => 12,
            Value::Input => 13,
            Value::Util => 14,
            Value::Class(_) => 15,
        }
    }

    /// The Java class name, for the inspector and error messages.
    pub fn java_class(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "java.lang.Boolean",
            Value::Int(_) => "java.lang.Integer",
            Value::Long(_) => "java.lang.Long",
            Value::BigInt(_) => "java.math.BigInteger",
            Value::Double(_) => "java.lang.Double",
            Value::Str(_) => "java.lang.String",
            Value::List(l) if l.borrow().json => "net.minidev.json.JSONArray",
            Value::List(_) => "java.util.ArrayList",
            Value::Map(_) => "java.util.LinkedHashMap",
            Value::Entry(_) => "java.util.Map$Entry",
            Value::Array(_) => "java.lang.String[]",
            Value::Block(_) => "org.apache.velocity.runtime.directive.Block$Reference",
            Value::Loop(_) => "org.apache.velocity.runtime.directive.ForeachScope",
            Value::Input => "$input",
            Value::Util => "$util",
            Value::Class(_) => "java.lang.Class",
        }
    }

    /// Short kind for people ("Map", "List", "String", ...).
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "Boolean",
            Value::Int(_) => "Integer",
            Value::Long(_) => "Long",
            Value::BigInt(_) => "BigInteger",
            Value::Double(_) => "Double",
            Value::Str(_) => "String",
            Value::List(_) => "List",
            Value::Map(_) => "Map",
            Value::Entry(_) => "Map.Entry",
            Value::Array(_) => "String[]",
            Value::Block(_) => "#define block",
            Value::Loop(_) => "$foreach",
            Value::Input => "$input",
            Value::Util => "$util",
            Value::Class(_) => "Class",
        }
    }

    /// Append `toString()` to `out`.
    pub fn write_java(&self, out: &mut String) {
        write_java(self, out, 0);
    }

    /// `toString()` as Java prints it. Blocks are rendered by the evaluator, not here.
    pub fn java_string(&self) -> String {
        let mut out = String::new();
        write_java(self, &mut out, 0);
        out
    }

    pub fn as_number(&self) -> Option<Num> {
        match *self {
            Value::Int(i) => Some(Num::Int(i)),
            Value::Long(i) => Some(Num::Long(i)),
            Value::BigInt(i) => Some(Num::Big(i)),
            Value::Double(d) => Some(Num::Double(d)),
            _ => None,
        }
    }
}

/// A Java number, for arithmetic.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Num {
    Int(i32),
    Long(i64),
    Big(i128),
    Double(f64),
}

impl Num {
    pub fn into_value(self) -> Value {
        match self {
            Num::Int(i) => Value::Int(i),
            Num::Long(i) => Value::Long(i),
            Num::Big(i) => Value::BigInt(i),
            Num::Double(d) => Value::Double(d),
        }
    }

    pub fn is_integer(self) -> bool {
        !matches!(self, Num::Double(_))
    }

    pub fn to_i128(self) -> i128 {
        match self {
            Num::Int(i) => i as i128,
            Num::Long(i) => i as i128,
            Num::Big(i) => i,
            Num::Double(d) => d as i128,
        }
    }

    pub fn to_f64(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Long(i) => i as f64,
            Num::Big(i) => i as f64,
            Num::Double(d) => d,
        }
    }

    fn size_rank(self) -> u8 {
        match self {
            Num::Int(_) => 0,
            Num::Long(_) => 1,
            Num::Big(_) => 2,
            Num::Double(_) => 3,
        }
    }
}

/// Velocity's `MathUtils.wrapPrimitive`: the result takes the wider operand's type, widening
/// further when it does not fit.
pub fn wrap_integer(result: i128, a: Num, b: Num) -> Num {
    let rank = a.size_rank().max(b.size_rank());
    if rank == 0
        && let Ok(i) = i32::try_from(result)
    {
        return Num::Int(i);
    }
    if rank <= 1
        && let Ok(i) = i64::try_from(result)
    {
        return Num::Long(i);
    }
    Num::Big(result)
}

/// Printing stops here: a list that holds another that holds it twice doubles at each level
/// (the evaluator then reports the output as too large).
const MAX_PRINTED: usize = 64 << 20;

fn write_java(v: &Value, out: &mut String, depth: usize) {
    if depth > 64 || out.len() > MAX_PRINTED {
        out.push_str("...");
        return;
    }
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(itoa::Buffer::new().format(*i)),
        Value::Long(i) => out.push_str(itoa::Buffer::new().format(*i)),
        Value::BigInt(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Double(d) => out.push_str(&java_double(*d)),
        Value::Str(s) => out.push_str(s),
        Value::List(list) => {
            let l = list.borrow();
            if l.json {
                write_json_list(l.items(), out, depth);
            } else {
                out.push('[');
                for (i, item) in l.items().iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    // `AbstractCollection.toString` names a list that contains itself.
                    match item {
                        Value::List(x) if Rc::ptr_eq(x, list) => out.push_str("(this Collection)"),
                        _ => write_java(item, out, depth + 1),
                    }
                }
                out.push(']');
            }
        }
        Value::Map(map) => {
            // `AbstractMap.toString` names a map that contains itself.
            let write = |x: &Value, out: &mut String| match x {
                Value::Map(x) if x.ptr_eq(map) => out.push_str("(this Map)"),
                _ => write_java(x, out, depth + 1),
            };
            out.push('{');
            for (i, (k, val)) in map.borrow().entries().iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write(&k.0, out);
                out.push('=');
                write(val, out);
            }
            out.push('}');
        }
        Value::Entry(e) => {
            write_java(&e.key.0, out, depth + 1);
            out.push('=');
            write_java(&e.value.borrow(), out, depth + 1);
        }
        Value::Array(a) => {
            let _ = write!(
                out,
                "[Ljava.lang.String;@{:x}",
                identity_hash(Rc::as_ptr(a) as usize)
            );
        }
        Value::Block(_) => out.push_str("#define block"),
        Value::Loop(l) => {
            let _ = write!(
                out,
                "org.apache.velocity.runtime.directive.ForeachScope@{:x}",
                identity_hash(Rc::as_ptr(l) as usize)
            );
        }
        Value::Input => out.push_str("$input"),
        Value::Util => out.push_str("$util"),
        Value::Class(name) => {
            let _ = write!(out, "class {name}");
        }
    }
}

/// A stable stand-in for Java's identity hash code (Java's is random per run anyway).
fn identity_hash(ptr: usize) -> u32 {
    ((ptr as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 33) as u32
}

/// json-smart's `JSONArray.toString()`: compact JSON, with maps and lists inside also as JSON.
fn write_json_list(items: &[Value], out: &mut String, depth: usize) {
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_json(item, out, depth + 1);
    }
    out.push(']');
}

/// A value as compact JSON (json-smart style); non-JSON objects are written as JSON strings of
/// their `toString()`.
pub fn write_json(v: &Value, out: &mut String, depth: usize) {
    if depth > 64 || out.len() > MAX_PRINTED {
        out.push_str("null");
        return;
    }
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(_) | Value::Int(_) | Value::Long(_) | Value::BigInt(_) => {
            write_java(v, out, depth)
        }
        Value::Double(d) if d.is_finite() => out.push_str(&java_double(*d)),
        Value::Double(_) => out.push_str("null"),
        Value::List(l) => write_json_list(l.borrow().items(), out, depth),
        Value::Array(a) => write_json_list(a, out, depth),
        Value::Map(m) => {
            out.push('{');
            for (i, (k, val)) in m.borrow().entries().iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json_string(&k.0.java_string(), out);
                out.push(':');
                write_json(val, out, depth + 1);
            }
            out.push('}');
        }
        other => write_json_string(&other.java_string(), out),
    }
}

fn write_json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || ('\u{7f}'..='\u{9f}').contains(&c) => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Java's `Double.toString`: shortest digits that round-trip, plain between 10^-3 and 10^7,
/// otherwise computerized scientific notation (`1.0E10`, `1.5E-5`).
pub fn java_double(d: f64) -> String {
    if d.is_nan() {
        return "NaN".into();
    }
    if d.is_infinite() {
        return if d > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        };
    }
    if d == 0.0 {
        return if d.is_sign_negative() {
            "-0.0".into()
        } else {
            "0.0".into()
        };
    }
    let abs = d.abs();
    if (1e-3..1e7).contains(&abs) {
        let s = format!("{d}");
        return if s.contains('.') { s } else { format!("{s}.0") };
    }
    // Rust's `{:e}` gives the shortest round-trip digits as d[.ddd]e[-]x.
    let s = format!("{d:e}");
    let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let mantissa = if mantissa.contains('.') {
        mantissa.to_string()
    } else {
        format!("{mantissa}.0")
    };
    format!("{mantissa}E{exp}")
}

/// JSON → Java values. `json_lists` makes arrays print as JSON (json-smart, what API Gateway's
/// `$input.path` returns); otherwise arrays are `ArrayList`s (plain Velocity). The values are
/// backed by a copy of `v` and built as they are used, as `$input.path`'s are (`super::lazy`).
pub fn from_json(v: &serde_json::Value, json_lists: bool) -> Value {
    JsonNode::owned(v.clone(), json_lists).value()
}

pub(super) fn number_from_json(n: &serde_json::Number) -> Value {
    if let Some(i) = n.as_i64() {
        return match i32::try_from(i) {
            Ok(i) => Value::Int(i),
            Err(_) => Value::Long(i),
        };
    }
    if let Some(u) = n.as_u64() {
        return Value::BigInt(u as i128);
    }
    let text = n.to_string();
    if !text.contains(['.', 'e', 'E'])
        && let Ok(i) = text.parse::<i128>()
    {
        return Value::BigInt(i);
    }
    Value::Double(n.as_f64().unwrap_or(f64::NAN))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_print_as_java() {
        for (d, s) in [
            (1.5, "1.5"),
            (100.0, "100.0"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1e10, "1.0E10"),
            (1e7, "1.0E7"),
            (1234567.0, "1234567.0"),
            (0.001, "0.001"),
            (0.0001, "1.0E-4"),
            (-2.5e-5, "-2.5E-5"),
            (1.0 / 3.0, "0.3333333333333333"),
        ] {
            assert_eq!(java_double(d), s);
        }
    }

    #[test]
    fn maps_and_lists_print_as_java() {
        let j: serde_json::Value =
            serde_json::from_str(r#"{"a":1,"b":[1,"x",{"c":null}],"d":{"e":true}}"#).unwrap();
        assert_eq!(
            from_json(&j, false).java_string(),
            "{a=1, b=[1, x, {c=null}], d={e=true}}"
        );
        assert_eq!(
            from_json(&j, true).java_string(),
            r#"{a=1, b=[1,"x",{"c":null}], d={e=true}}"#
        );
    }

    #[test]
    fn json_numbers_become_java_numbers() {
        let j: serde_json::Value =
            serde_json::from_str("[1, 3000000000, 1.5, 18446744073709551615]").unwrap();
        let v = from_json(&j, false);
        let Value::List(l) = v else { panic!() };
        let kinds: Vec<_> = l.borrow().items().iter().map(Value::kind).collect();
        assert_eq!(kinds, ["Integer", "Long", "Double", "BigInteger"]);
    }

    #[test]
    fn keys_follow_java_equality() {
        assert_eq!(Key(Value::Int(1)), Key(Value::Int(1)));
        assert_ne!(Key(Value::Int(1)), Key(Value::Long(1)));
        assert_ne!(Key(Value::Int(1)), Key::str("1"));
    }
}
