//! JSON-backed Java containers. `$input.path` (and plain-mode variables) hand templates
//! `LinkedHashMap`s and `ArrayList`s; building them eagerly cost more than the rest of a render
//! (a 1000-item list is 1000 maps, 4000 entries). Instead a container points into the parsed
//! document and becomes a Java object only when a template needs one: its own members are built
//! on first use, each child container once, so aliases share one Java object as in Java; a member
//! that is a string, number, boolean or null is read straight from the document.

use std::any::Any;
use std::cell::RefCell;
use std::fmt;
use std::ptr::NonNull;
use std::rc::Rc;

use super::value::{Entries, FastHash, JList, JMap, Key, MapPool, MapRef, Value, number_from_json};

/// A node of a JSON document that is never mutated and outlives every `JsonNode` into it.
#[derive(Clone)]
pub struct JsonNode {
    /// Keeps the document alive (`None`: borrowed for the duration of one render).
    _owner: Option<Rc<dyn Any>>,
    node: NonNull<serde_json::Value>,
    /// Arrays are json-smart `JSONArray`s (API Gateway) rather than `ArrayList`s (plain Velocity).
    pub json_lists: bool,
}

impl fmt::Debug for JsonNode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "JsonNode({})", self.get())
    }
}

impl JsonNode {
    /// A node inside a shared document.
    ///
    /// # Safety
    /// `node` must live inside `owner`'s allocation, which must never be mutated.
    pub unsafe fn within(owner: Rc<dyn Any>, node: &serde_json::Value, json_lists: bool) -> Self {
        JsonNode {
            _owner: Some(owner),
            node: NonNull::from(node),
            json_lists,
        }
    }

    /// A document of its own (`$util.parseJson`, a JSONPath answer that is not in the body).
    pub fn owned(doc: serde_json::Value, json_lists: bool) -> Self {
        let owner = Rc::new(doc);
        let node = NonNull::from(&*owner);
        JsonNode {
            _owner: Some(owner),
            node,
            json_lists,
        }
    }

    /// A node the caller keeps alive.
    ///
    /// # Safety
    /// `node` must outlive every value made from this `JsonNode` and not be mutated meanwhile.
    pub unsafe fn borrowed(node: &serde_json::Value, json_lists: bool) -> Self {
        JsonNode {
            _owner: None,
            node: NonNull::from(node),
            json_lists,
        }
    }

    pub fn get(&self) -> &serde_json::Value {
        // SAFETY: the constructors' contracts keep the node alive and unchanged.
        unsafe { self.node.as_ref() }
    }

    /// A node inside the same document.
    fn child(&self, node: &serde_json::Value) -> JsonNode {
        JsonNode {
            _owner: self._owner.clone(),
            node: NonNull::from(node),
            json_lists: self.json_lists,
        }
    }

    /// This node as a Java value: containers stay backed by the document.
    pub fn value(&self) -> Value {
        self.value_of(self.get())
    }

    /// A child node as a Java value.
    pub fn value_of(&self, v: &serde_json::Value) -> Value {
        match scalar(v) {
            Some(s) => s,
            None => {
                let node = self.child(v);
                match v {
                    serde_json::Value::Array(_) => {
                        let json = node.json_lists;
                        Value::List(Rc::new(std::cell::RefCell::new(JList::lazy(node, json))))
                    }
                    _ => Value::Map(MapRef::new(JMap::lazy(node))),
                }
            }
        }
    }

    /// The members of an object node as map entries.
    pub fn entries(&self) -> Entries {
        let serde_json::Value::Object(o) = self.get() else {
            return Entries::default();
        };
        let mut entries = Entries::with_capacity_and_hasher(o.len(), FastHash::default());
        for (k, x) in o {
            entries.insert(Key::str(k), self.value_of(x));
        }
        entries
    }

    /// The elements of an array node as list items. The objects among them share one
    /// allocation (`MapPool`): a list of records is what templates loop over.
    pub fn items(&self) -> Vec<Value> {
        let serde_json::Value::Array(a) = self.get() else {
            return Vec::new();
        };
        let count = a.iter().filter(|x| x.is_object()).count();
        if count < 2 {
            return a.iter().map(|x| self.value_of(x)).collect();
        }
        let mut objects = Vec::with_capacity(count);
        for x in a.iter().filter(|x| x.is_object()) {
            objects.push(RefCell::new(JMap::lazy(self.child(x))));
        }
        let pool = Rc::new(MapPool(objects.into_boxed_slice()));
        let mut next = 0;
        a.iter()
            .map(|x| {
                if !x.is_object() {
                    return self.value_of(x);
                }
                next += 1;
                Value::Map(MapRef::Pooled(pool.clone(), next - 1))
            })
            .collect()
    }
}

/// A string, number, boolean or null as a Java value; `None` for containers.
pub fn scalar(v: &serde_json::Value) -> Option<Value> {
    Some(match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => number_from_json(n),
        serde_json::Value::String(s) => Value::str(s),
        _ => return None,
    })
}

/// An object's member. Records have a handful of members, and comparing a few short keys costs
/// less than hashing one with serde_json's SipHash.
pub fn member<'j>(obj: &'j serde_json::Value, name: &str) -> Option<&'j serde_json::Value> {
    let serde_json::Value::Object(o) = obj else {
        return None;
    };
    if o.len() <= 16 {
        o.iter().find(|(k, _)| k.as_str() == name).map(|(_, v)| v)
    } else {
        o.get(name)
    }
}

/// `toString()` of a string, number or boolean member, appended without making a Java value;
/// `false` for null and containers.
pub fn write_scalar(v: &serde_json::Value, out: &mut String) -> bool {
    match v {
        serde_json::Value::String(s) => out.push_str(s),
        serde_json::Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => out.push_str(itoa::Buffer::new().format(i)),
            None => number_from_json(n).write_java(out),
        },
        _ => return false,
    }
    true
}
