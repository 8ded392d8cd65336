//! The Velocity context: variables by name. Names the template mentions have a slot from the
//! parser (`ast::Names`), so `$item` is an index, not a hash of "item"; names met only at render
//! time (the caller's variables no reference uses, `#evaluate`d text) are kept by name.

use std::collections::HashMap;
use std::sync::Arc;

use super::ast::{Names, Slot};
use super::value::{FastHash, Value};

pub struct Vars {
    names: Arc<Names>,
    slots: Vec<Option<Value>>,
    others: HashMap<String, Value, FastHash>,
}

impl Vars {
    pub fn new(names: Arc<Names>) -> Vars {
        Vars {
            slots: vec![None; names.len()],
            names,
            others: HashMap::default(),
        }
    }

    pub fn slot(&self, slot: Slot) -> Option<&Value> {
        self.slots[slot as usize].as_ref()
    }

    pub fn set_slot(&mut self, slot: Slot, v: Value) -> Option<Value> {
        self.slots[slot as usize].replace(v)
    }

    pub fn clear_slot(&mut self, slot: Slot) -> Option<Value> {
        self.slots[slot as usize].take()
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        match self.names.get(name) {
            Some(slot) => self.slot(slot),
            None => self.others.get(name),
        }
    }

    pub fn insert(&mut self, name: &str, v: Value) {
        match self.names.get(name) {
            Some(slot) => {
                self.set_slot(slot, v);
            }
            None => {
                self.others.insert(name.to_string(), v);
            }
        }
    }

    /// The same variables, laid out for another template's names (`#evaluate`).
    pub fn rebind(self, names: Arc<Names>) -> Vars {
        let mut to = Vars::new(names);
        for (slot, v) in self.slots.into_iter().enumerate() {
            if let Some(v) = v {
                to.insert(self.names.name(slot as Slot), v);
            }
        }
        for (name, v) in self.others {
            to.insert(&name, v);
        }
        to
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_the_template_use_slots_others_a_map() {
        let mut names = Names::default();
        let item = names.intern("item");
        let mut vars = Vars::new(Arc::new(names));
        vars.insert("item", Value::Int(1));
        vars.insert("elsewhere", Value::Int(2));
        assert!(matches!(vars.slot(item), Some(Value::Int(1))));
        assert!(matches!(vars.get("elsewhere"), Some(Value::Int(2))));
        assert!(vars.get("missing").is_none());
    }

    #[test]
    fn rebinding_keeps_every_variable() {
        let mut a = Names::default();
        a.intern("x");
        let mut vars = Vars::new(Arc::new(a));
        vars.insert("x", Value::Int(1));
        vars.insert("y", Value::Int(2));
        let mut b = Names::default();
        let y = b.intern("y");
        let vars = vars.rebind(Arc::new(b));
        assert!(matches!(vars.slot(y), Some(Value::Int(2))));
        assert!(matches!(vars.get("x"), Some(Value::Int(1))));
    }
}
