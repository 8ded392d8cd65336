//! The evaluator: walks the tree with a Velocity context, prints values as Java does, and
//! follows 1.7's rules for nulls (`#set` keeps the old value, a null reference prints as written),
//! arithmetic (`MathUtils`), equality (`ASTEQNode`) and truth (`ASTReference.evaluate`).

use std::cell::Cell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use super::ast::{
    BinOp, Block, Expr, FOREACH, Node, Part, Reference, Slot, VELOCITY_COUNT, VELOCITY_HAS_NEXT,
};
use super::aws::AwsData;
use super::error::{VtlError, line_col};
use super::methods::{self, Call, compare_numbers, java_equals};
use super::value::{Entries, FastHash, Key, LoopInfo, MapRef, Num, Value, wrap_integer};
use super::vars::Vars;
use super::{Inspection, InspectionKind, Template};

/// Our own guards, so that no template hangs or exhausts memory.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_output: usize,
    pub max_steps: u64,
    pub max_depth: usize,
    /// `directive.foreach.maxloops`: API Gateway allows 1000 iterations per loop.
    pub foreach_max: Option<usize>,
}

pub enum Flow {
    Normal,
    /// `#break`: the innermost loop, or the loop with this id (`#break($foreach.parent)`).
    Break(Option<u64>),
    Stop,
}

/// Errors are boxed: the hot path moves results by value, and an error is the rare case.
type R<T> = Result<T, Box<VtlError>>;

trait Hint {
    fn with_hint(self, hint: impl Into<String>) -> Self;
}

impl Hint for Box<VtlError> {
    fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// One macro call's arguments: value and the argument's source text (printed when null).
type Frame = HashMap<String, Arg>;

/// A macro parameter: 1.7 passes arguments by name, so each use evaluates the argument again in
/// the caller's context, until the macro `#set`s the parameter.
#[derive(Clone)]
enum Arg {
    ByName(Rc<Expr>, Arc<str>),
    Set(Value, Arc<str>),
}

pub struct Evaluator<'a> {
    tpl: &'a Template,
    pub aws: Option<&'a AwsData>,
    pub vars: Vars,
    frames: Vec<Frame>,
    steps: u64,
    depth: usize,
    limits: Limits,
    pub inspections: Option<Vec<Inspection>>,
    pub warnings: Vec<String>,
    /// `$context` override parameters the template set, and those it set more than once.
    overrides_set: Vec<String>,
    pub repeated_overrides: Vec<String>,
    /// `$context`'s override maps and the parameter path each stands for (API Gateway mode).
    override_maps: Vec<(MapRef, String)>,
    /// Why the last reference came out null (for the inspector).
    miss: Option<String>,
    next_loop: u64,
    /// A `#stop` ran inside a value being printed (a `#define` block): unwind to the top.
    stopping: bool,
}

impl<'a> Evaluator<'a> {
    pub fn new(tpl: &'a Template, aws: Option<&'a AwsData>, limits: Limits, inspect: bool) -> Self {
        Evaluator {
            tpl,
            aws,
            vars: Vars::new(tpl.names.clone()),
            frames: Vec::new(),
            steps: 0,
            depth: 0,
            limits,
            inspections: inspect.then(Vec::new),
            warnings: Vec::new(),
            overrides_set: Vec::new(),
            repeated_overrides: Vec::new(),
            override_maps: Vec::new(),
            miss: None,
            next_loop: 0,
            stopping: false,
        }
    }

    fn src(&self) -> &str {
        &self.tpl.source
    }

    fn err(&self, pos: usize, msg: impl Into<String>) -> Box<VtlError> {
        Box::new(VtlError::at(self.src(), pos, msg))
    }

    #[inline]
    fn step(&mut self, pos: usize) -> R<()> {
        self.steps += 1;
        if self.steps > self.limits.max_steps {
            return Err(self.too_many_steps(pos));
        }
        Ok(())
    }

    #[cold]
    fn too_many_steps(&self, pos: usize) -> Box<VtlError> {
        self.err(
            pos,
            format!(
                "the template did more than {} evaluation steps",
                self.limits.max_steps
            ),
        )
        .with_hint("a loop or macro recursion runs too long; API Gateway would time out")
    }

    fn inspect(
        &mut self,
        pos: usize,
        kind: InspectionKind,
        source: &str,
        value: &Value,
        output: Option<String>,
        note: Option<String>,
    ) {
        if let Some(list) = &mut self.inspections {
            let (line, column) = line_col(&self.tpl.source, pos);
            list.push(Inspection {
                line,
                column,
                kind,
                source: source.to_string(),
                value: describe(value),
                output,
                note,
            });
        }
    }

    fn check_output(&self, out: &str, pos: usize) -> R<()> {
        if out.len() > self.limits.max_output {
            return Err(self
                .err(pos, format!("the output grew beyond {} bytes", self.limits.max_output))
                .with_hint("API Gateway's payload limit is 10 MB; a loop probably prints far more than intended"));
        }
        Ok(())
    }

    pub fn block(&mut self, b: &Block, out: &mut String) -> R<Flow> {
        for n in &b.nodes {
            match self.node(n, out)? {
                Flow::Normal if self.stopping => return Ok(Flow::Stop),
                Flow::Normal => {}
                other => return Ok(other),
            }
        }
        Ok(Flow::Normal)
    }

    fn node(&mut self, n: &Node, out: &mut String) -> R<Flow> {
        match n {
            Node::Text(t) => out.push_str(t),
            Node::Ref(r) => {
                self.step(r.pos)?;
                self.print_ref(r, out)?;
                self.check_output(out, r.pos)?;
            }
            Node::Set { target, value, pos } => {
                self.step(*pos)?;
                self.set(target, value, *pos)?;
            }
            Node::If {
                branches,
                otherwise,
                pos,
            } => {
                self.step(*pos)?;
                for (i, (cond, body)) in branches.iter().enumerate() {
                    let taken = self.truth(cond)?;
                    if self.inspections.is_some() {
                        let what = if i == 0 { "#if" } else { "#elseif" };
                        let note = if taken { "taken" } else { "not taken" };
                        let p = if i == 0 {
                            *pos
                        } else {
                            expr_pos(cond).unwrap_or(*pos)
                        };
                        self.inspect(
                            p,
                            InspectionKind::Condition,
                            what,
                            &Value::Bool(taken),
                            None,
                            Some(note.into()),
                        );
                    }
                    if taken {
                        return self.block(body, out);
                    }
                }
                if let Some(b) = otherwise {
                    return self.block(b, out);
                }
            }
            Node::Foreach {
                var,
                slot,
                iterable,
                body,
                pos,
            } => return self.foreach((var, *slot), iterable, body, *pos, out),
            Node::Break { pos, scope } => {
                let target = match scope {
                    None => None,
                    Some(e) => match self.value(e)? {
                        Value::Loop(l) => Some(l.id),
                        other => {
                            return Err(self.err(
                                *pos,
                                format!("{} is not a valid org.apache.velocity.runtime.directive.Scope instance", other.java_string()),
                            ));
                        }
                    },
                };
                self.inspect(
                    *pos,
                    InspectionKind::Directive,
                    "#break",
                    &Value::Null,
                    None,
                    None,
                );
                return Ok(Flow::Break(target));
            }
            Node::Stop { pos } => {
                self.inspect(
                    *pos,
                    InspectionKind::Directive,
                    "#stop",
                    &Value::Null,
                    None,
                    Some("the rest of the template is not rendered".into()),
                );
                return Ok(Flow::Stop);
            }
            Node::Define { slot, body, pos } => {
                self.step(*pos)?;
                let tpl = self.tpl;
                self.put(tpl.names.name(*slot), *slot, Value::Block(body.clone()));
            }
            Node::Call {
                name,
                args,
                literal,
                body,
                pos,
            } => {
                self.step(*pos)?;
                return self.call_macro(name, args, literal, body.as_ref(), *pos, out);
            }
            Node::Evaluate { arg, pos } => return self.evaluate(arg, *pos, out),
            Node::Resource {
                directive,
                arg,
                pos,
            } => {
                let name = match arg {
                    Some(a) => self.value(a)?.java_string(),
                    None => String::new(),
                };
                return Err(if self.aws.is_some() {
                    self.err(*pos, format!("#{directive} is not supported in API Gateway mapping templates"))
                        .with_hint("API Gateway has no template files to include: inline the content, or use a #macro")
                } else {
                    self.err(*pos, format!("Unable to find resource '{name}'"))
                });
            }
            Node::Literal(text) => out.push_str(text),
        }
        Ok(Flow::Normal)
    }

    // ---- references ----

    /// `ProxyVMContext.get`: the innermost macro call holding `name` (set there, or an argument
    /// evaluated in that call's caller), else the global context. Nested macros see their
    /// callers' arguments, as in 1.7.
    fn lookup(&mut self, name: &str, slot: Slot) -> R<Option<(Value, Option<Arc<str>>)>> {
        let found = match self.frames.len() {
            0 => None,
            _ => self
                .frames
                .iter()
                .rposition(|f| f.contains_key(name))
                .map(|at| (at, self.frames[at][name].clone())),
        };
        match found {
            Some((_, Arg::Set(v, lit))) => Ok(Some((v, Some(lit)))),
            Some((at, Arg::ByName(e, lit))) => {
                // Evaluate in the caller's scope.
                let inner = self.frames.split_off(at);
                let v = self.value(&e);
                self.frames.extend(inner);
                Ok(Some((v?, Some(lit))))
            }
            None => Ok(self.vars.slot(slot).map(|v| (v.clone(), None))),
        }
    }

    /// `Context.put` (1.7's global macro scope): every macro call on the stack that holds
    /// `name` now has `v` there, and so has the global context.
    fn put(&mut self, name: &str, slot: Slot, v: Value) {
        for frame in &mut self.frames {
            if let Some(arg) = frame.get_mut(name) {
                let lit = match arg {
                    Arg::ByName(_, l) | Arg::Set(_, l) => l.clone(),
                };
                *arg = Arg::Set(v.clone(), lit);
            }
        }
        self.vars.set_slot(slot, v);
    }

    /// `Context.remove`: gone from every macro call (an argument too; its text stays, for
    /// printing the null) and from the global context.
    fn remove(&mut self, name: &str, slot: Slot) {
        for frame in &mut self.frames {
            if let Some(arg) = frame.get_mut(name) {
                let lit = match arg {
                    Arg::ByName(_, l) | Arg::Set(_, l) => l.clone(),
                };
                *arg = Arg::Set(Value::Null, lit);
            }
        }
        self.vars.clear_slot(slot);
    }

    /// `Context.get` of a variable's value (the loops' saved variables).
    fn get(&mut self, name: &str, slot: Slot) -> R<Option<Value>> {
        if self.frames.is_empty() {
            return Ok(self.vars.slot(slot).cloned());
        }
        Ok(self
            .lookup(name, slot)?
            .map(|(v, _)| v)
            .filter(|v| !v.is_null()))
    }

    /// The value of a reference (null when any step is null or unknown).
    fn reference(&mut self, r: &Reference) -> R<(Value, Option<Arc<str>>)> {
        self.miss = None;
        if let Some(v) = self.plain_property(r) {
            return Ok((v, None));
        }
        let Some((cur, arg_literal)) = self.lookup(&r.root, r.slot)? else {
            self.miss = Some(format!("${} is not defined", r.root));
            return Ok((Value::Null, None));
        };
        let cur = self.walk(r, cur, &r.parts)?;
        let lit = if r.parts.is_empty() {
            arg_literal
        } else {
            None
        };
        Ok((cur, lit))
    }

    /// Prints `$item.field` straight from the JSON document when the field is a string, number
    /// or boolean (the common case of every loop), without making a Java value of it. Returns
    /// `None` when it printed, otherwise the reference's value for `print_ref` to print.
    fn print_member(&mut self, r: &Reference, out: &mut String) -> R<Option<Value>> {
        let Some((last @ Part::Property(name), init)) = r.parts.split_last() else {
            // Not a property: the caller's general path (parts are never empty here).
            return Ok(Some(self.reference(r)?.0));
        };
        // `$item.field` of a plain variable: read in place, without a clone of `$item`.
        if init.is_empty()
            && self.frames.is_empty()
            && let Some(Value::Map(m)) = self.vars.slot(r.slot)
            && !methods::is_class_property(name)
            && let Some(member) = m.borrow().json_member(name)
            && super::lazy::write_scalar(member, out)
        {
            return Ok(None);
        }
        self.miss = None;
        let Some((root, _)) = self.lookup(&r.root, r.slot)? else {
            self.miss = Some(format!("${} is not defined", r.root));
            return Ok(Some(Value::Null));
        };
        let obj = self.walk(r, root, init)?;
        if let Value::Map(m) = &obj
            && !methods::is_class_property(name)
            && let Some(member) = m.borrow().json_member(name)
            && super::lazy::write_scalar(member, out)
        {
            return Ok(None);
        }
        Ok(Some(self.walk(r, obj, std::slice::from_ref(last))?))
    }

    /// `$var.name` read in place, without a clone of `$var`: the loop variable's fields and
    /// `$foreach.hasNext` of every iteration. `None` sends the reference down the general path
    /// (macro arguments, other objects, and null results, whose reason the inspector shows).
    fn plain_property(&self, r: &Reference) -> Option<Value> {
        let [Part::Property(name)] = r.parts.as_slice() else {
            return None;
        };
        if !self.frames.is_empty() {
            return None;
        }
        let v = match self.vars.slot(r.slot)? {
            Value::Map(m) if !methods::is_class_property(name) => m.borrow().get_str(name)?,
            Value::Loop(l) => l.property(name)?,
            _ => return None,
        };
        (!v.is_null()).then_some(v)
    }

    /// Follows properties, method calls and indexes from `cur`.
    fn walk(&mut self, r: &Reference, mut cur: Value, parts: &[Part]) -> R<Value> {
        for part in parts {
            if cur.is_null() {
                return Ok(Value::Null);
            }
            cur = match part {
                Part::Property(name) => match self.property(&cur, name) {
                    Some(v) => {
                        if v.is_null() && self.miss.is_none() {
                            self.miss = Some(format!(".{name} is null"));
                        }
                        v
                    }
                    None => {
                        self.miss = Some(format!("{} has no property {name}", cur.kind()));
                        Value::Null
                    }
                },
                Part::Method(name, args) => {
                    let mut vals = Vec::with_capacity(args.len());
                    for a in args {
                        vals.push(self.value(a)?);
                    }
                    match self.method(&cur, name, &vals) {
                        Call::Returned(v) => {
                            if v.is_null() {
                                self.miss = Some(format!("{name}(...) returned null"));
                            }
                            v
                        }
                        Call::NoSuchMethod => {
                            let types: Vec<&str> = vals.iter().map(|v| v.kind()).collect();
                            self.miss = Some(format!(
                                "{} has no method {name}({})",
                                cur.kind(),
                                types.join(", ")
                            ));
                            Value::Null
                        }
                        Call::Threw(msg) => return Err(self.method_error(r, msg)),
                    }
                }
                Part::Index(arg) => {
                    let key = self.value(arg)?;
                    match methods::index(&cur, &key) {
                        Call::Returned(v) => v,
                        Call::NoSuchMethod => {
                            self.miss = Some(format!(
                                "{} cannot be indexed by {}",
                                cur.kind(),
                                key.kind()
                            ));
                            Value::Null
                        }
                        Call::Threw(msg) => return Err(self.method_error(r, msg)),
                    }
                }
            };
        }
        Ok(cur)
    }

    fn method_error(&self, r: &Reference, msg: String) -> Box<VtlError> {
        self.err(r.pos, msg).with_hint(format!(
            "{} threw a Java exception, which stops the template",
            r.literal
        ))
    }

    fn property(&mut self, obj: &Value, name: &str) -> Option<Value> {
        match obj {
            Value::Input => self.aws.and_then(|a| a.input_property(name)),
            Value::Util => None,
            Value::Loop(l) => match name {
                "parent" => Some(l.parent.clone().unwrap_or(Value::Null)),
                "topmost" => {
                    let mut top = obj.clone();
                    while let Value::Loop(info) = &top {
                        match &info.parent {
                            Some(p) => top = p.clone(),
                            None => break,
                        }
                    }
                    Some(top)
                }
                _ => l.property(name),
            },
            _ => methods::property(obj, name),
        }
    }

    fn method(&mut self, obj: &Value, name: &str, args: &[Value]) -> Call {
        match obj {
            Value::Input => match self.aws {
                Some(a) => a.input_call(name, args),
                None => Call::NoSuchMethod,
            },
            Value::Util => match self.aws {
                Some(a) => a.util_call(name, args),
                None => Call::NoSuchMethod,
            },
            Value::Map(m) if !self.override_maps.is_empty() => {
                let call = methods::call(obj, name, args);
                self.note_map_call(m, name, args, &call);
                call
            }
            _ => methods::call(obj, name, args),
        }
    }

    /// `put` and `putAll` on an override map are overrides too (`putIfAbsent` when it stored).
    fn note_map_call(&mut self, m: &MapRef, name: &str, args: &[Value], call: &Call) {
        let Call::Returned(returned) = call else {
            return;
        };
        match (name, args) {
            ("put", [k, _]) => self.note_override(m, &k.java_string()),
            ("putIfAbsent", [k, _]) if returned.is_null() => {
                self.note_override(m, &k.java_string())
            }
            ("putAll", [Value::Map(from)]) => {
                let keys: Vec<String> = from
                    .borrow()
                    .entries()
                    .keys()
                    .map(|k| k.0.java_string())
                    .collect();
                for k in keys {
                    self.note_override(m, &k);
                }
            }
            _ => {}
        }
    }

    /// `ASTReference.render`: escapes, quiet nulls, literal nulls.
    fn print_ref(&mut self, r: &Reference, out: &mut String) -> R<()> {
        let direct = r.backslashes == 0
            && self.inspections.is_none()
            && matches!(r.parts.last(), Some(Part::Property(_)));
        let (v, arg_literal) = if direct {
            match self.print_member(r, out)? {
                None => return Ok(()),
                Some(v) => (v, None),
            }
        } else {
            self.reference(r)?
        };
        let half = r.backslashes / 2;
        let escaped = r.backslashes % 2 == 1;
        let literal: &str = arg_literal.as_deref().unwrap_or(&r.literal);
        let start = out.len();
        let push_prefix = |out: &mut String| (0..half).for_each(|_| out.push('\\'));
        if escaped {
            push_prefix(out);
            if v.is_null() {
                out.push('\\');
            }
            out.push_str(literal);
        } else if v.is_null() {
            push_prefix(out);
            push_prefix(out);
            if !r.quiet && self.aws.is_none() {
                out.push_str(literal);
            }
        } else {
            push_prefix(out);
            match &v {
                Value::Block(b) => {
                    let b = b.clone();
                    self.render_block_value(&b, r.pos, out)?;
                }
                other => other.write_java(out),
            }
        }
        if self.inspections.is_some() {
            let why = || self.miss.clone().unwrap_or_else(|| "no value".into());
            let note = if escaped {
                Some("escaped with \\".to_string())
            } else if !v.is_null() {
                None
            } else if r.quiet {
                Some("null: $! prints nothing".into())
            } else if self.aws.is_some() {
                Some(format!("null ({}): API Gateway prints nothing", why()))
            } else {
                Some(format!(
                    "null ({}): Velocity prints the reference as written",
                    why()
                ))
            };
            let printed = out[start..].to_string();
            self.inspect(
                r.pos,
                InspectionKind::Reference,
                &r.literal,
                &v,
                Some(printed),
                note,
            );
        }
        Ok(())
    }

    fn render_block_value(&mut self, b: &Block, pos: usize, out: &mut String) -> R<()> {
        self.enter(pos)?;
        let flow = self.block(b, out);
        self.depth -= 1;
        if let Flow::Stop = flow? {
            // The whole template stops once the value has printed what it had.
            self.stopping = true;
        }
        Ok(())
    }

    fn enter(&mut self, pos: usize) -> R<()> {
        self.depth += 1;
        if self.depth > self.limits.max_depth {
            self.depth -= 1;
            return Err(self
                .err(
                    pos,
                    format!(
                        "macros or blocks nest more than {} levels deep",
                        self.limits.max_depth
                    ),
                )
                .with_hint("a #macro or #define probably calls itself without end"));
        }
        Ok(())
    }

    /// `toString()`, rendering `#define` blocks.
    fn text(&mut self, v: &Value, pos: usize) -> R<String> {
        match v {
            Value::Block(b) => {
                let mut s = String::new();
                let b = b.clone();
                self.render_block_value(&b, pos, &mut s)?;
                Ok(s)
            }
            other => Ok(other.java_string()),
        }
    }

    // ---- #set ----

    fn set(&mut self, target: &Reference, value: &Expr, pos: usize) -> R<()> {
        let v = self.value(value)?;
        if self.inspections.is_some() {
            let why = v.is_null().then(|| {
                let miss = self.miss.clone().unwrap_or_else(|| "no value".into());
                format!(
                    "right side is null ({miss}): {} keeps its value",
                    target.literal
                )
            });
            self.inspect(pos, InspectionKind::Set, &target.literal, &v, None, why);
        }
        if v.is_null() {
            // 1.7 (`directive.set.null.allowed = false`): the left side keeps its value.
            return Ok(());
        }
        let Some((last, init)) = target.parts.split_last() else {
            if target.formal || target.quiet {
                // 1.7 takes the name from the first token's text (`{` or `!a`): nothing visible
                // is assigned.
                return Ok(());
            }
            self.put(&target.root, target.slot, v);
            return Ok(());
        };
        let prefix = Reference {
            parts: init.to_vec(),
            ..target.clone()
        };
        let (obj, _) = self.reference(&prefix)?;
        match (last, &obj) {
            (Part::Property(name), Value::Map(m)) => {
                self.note_override(m, name);
                m.borrow_mut().insert(Key::str(name), v);
            }
            (Part::Index(k), Value::Map(m)) => {
                let k = self.value(k)?;
                self.note_override(m, &k.java_string());
                m.borrow_mut().insert(Key(k), v);
            }
            (Part::Index(k), Value::List(l)) => {
                let k = self.value(k)?;
                let len = l.borrow().items().len();
                match k {
                    Value::Int(i) if i >= 0 && (i as usize) < len => {
                        l.borrow_mut().items_mut()[i as usize] = v
                    }
                    Value::Int(i) => {
                        return Err(self.err(pos, format!("Error invoking method 'set(java.lang.Integer)' in java.util.ArrayList: Index {i} out of bounds for length {len}")));
                    }
                    _ => {}
                }
            }
            _ => {
                // 1.7 logs an error and carries on.
                if self.inspections.is_some() {
                    let note = format!("cannot set: {} is {}", prefix.literal, describe(&obj));
                    self.inspect(
                        pos,
                        InspectionKind::Set,
                        &target.literal,
                        &Value::Null,
                        None,
                        Some(note),
                    );
                }
            }
        }
        Ok(())
    }

    /// Remembers `$context`'s override maps (`responseOverride` and the header, path and query
    /// string maps under it), so that a write to one is noticed however the template reaches
    /// it: `#set($context.responseOverride.status = …)`, an alias, or `.put(…)`.
    pub fn watch_overrides(&mut self) {
        let Some(Value::Map(context)) = self.vars.get("context").cloned() else {
            return;
        };
        let member = |m: &MapRef, k: &str| match m.borrow().entries().get(&Key::str(k)) {
            Some(Value::Map(inner)) => Some(inner.clone()),
            _ => None,
        };
        for (side, params) in [
            ("responseOverride", &["header"][..]),
            ("requestOverride", &["header", "path", "querystring"][..]),
        ] {
            let Some(map) = member(&context, side) else {
                continue;
            };
            for &param in params {
                if let Some(inner) = member(&map, param) {
                    self.override_maps.push((inner, format!("{side}.{param}")));
                }
            }
            self.override_maps.push((map, side.to_string()));
        }
    }

    /// API Gateway applies each `$context` override once: setting the same parameter again is
    /// an error it answers with a 5XX (semantics §3.7). Remembers which parameters were set.
    fn note_override(&mut self, map: &MapRef, key: &str) {
        let Some((_, path)) = self.override_maps.iter().find(|(m, _)| m.ptr_eq(map)) else {
            return;
        };
        let param = match path.as_str() {
            "responseOverride" if key == "status" => "responseOverride.status".to_string(),
            "responseOverride" | "requestOverride" => return,
            path => format!("{path}.{key}"),
        };
        if !self.overrides_set.contains(&param) {
            self.overrides_set.push(param);
        } else if !self.repeated_overrides.contains(&param) {
            self.repeated_overrides.push(param);
        }
    }

    // ---- #foreach ----

    fn foreach(
        &mut self,
        (var, slot): (&str, Slot),
        iterable: &Expr,
        body: &Block,
        pos: usize,
        out: &mut String,
    ) -> R<Flow> {
        self.step(pos)?;
        let coll = self.value(iterable)?;
        // Lists and maps (their values) are iterated live, as Java's iterators do: a structural
        // change inside the loop throws when the loop goes on (`modCount`).
        let mods = match &coll {
            Value::List(l) => l.borrow().mods(),
            Value::Map(m) => m.borrow().mods(),
            _ => 0,
        };
        let items: Vec<Value> = match &coll {
            Value::Array(a) => a.to_vec(),
            _ => Vec::new(),
        };
        let mut note = match &coll {
            Value::Null => Some("nothing to iterate: null".to_string()),
            Value::List(_) | Value::Array(_) | Value::Map(_) => None,
            other => Some(format!("{} is not iterable", other.kind())),
        };
        // Inside a macro these go through its arguments, as 1.7's context does.
        let saved = [
            (var, slot, self.get(var, slot)?),
            (
                "velocityCount",
                VELOCITY_COUNT,
                self.get("velocityCount", VELOCITY_COUNT)?,
            ),
            (
                "velocityHasNext",
                VELOCITY_HAS_NEXT,
                self.get("velocityHasNext", VELOCITY_HAS_NEXT)?,
            ),
        ];
        // `new ForeachScope(this, context.get("foreach"))`: a scope found there is the parent,
        // anything else is the value the scope replaces.
        let previous = self.get("foreach", FOREACH)?;
        let (parent, replaced) = match previous {
            Some(p @ Value::Loop(_)) => (Some(p), None),
            other => (None, other),
        };
        let id = self.next_loop;
        self.next_loop += 1;
        let n = match &coll {
            Value::List(l) => l.borrow().len(),
            Value::Map(m) => m.borrow().entries().len(),
            _ => items.len(),
        };
        // A map iterator finds its next entry when it returns one (`LinkedHashIterator`).
        let mut map_has_next = n > 0;
        let mut flow = Flow::Normal;
        let mut done = 0;
        let mut snapshot = items.into_iter();
        // 1.7 puts one `ForeachScope` in the context for the whole loop and updates it on each
        // iteration (a `$foreach` kept in a variable shows the latest iteration).
        let info = Rc::new(LoopInfo {
            id,
            index: Cell::new(0),
            has_next: Cell::new(false),
            parent,
            replaced,
        });
        self.put("foreach", FOREACH, Value::Loop(info.clone()));
        for i in 0.. {
            let next = match &coll {
                Value::List(l) => {
                    let l = l.borrow();
                    // `ArrayList.Itr`: `hasNext()` is `cursor != size`, `next()` checks `modCount`.
                    match l.items().len() {
                        len if i == len => None,
                        _ if l.mods() != mods => Some(Err("list")),
                        len => Some(Ok((l.items()[i].clone(), i + 1 != len))),
                    }
                }
                Value::Map(m) if map_has_next => {
                    let m = m.borrow();
                    let entries = m.entries();
                    if m.mods() != mods {
                        Some(Err("map"))
                    } else {
                        map_has_next = i + 1 < entries.len();
                        Some(Ok((entries[i].clone(), map_has_next)))
                    }
                }
                Value::Map(_) => None,
                _ => snapshot.next().map(|item| Ok((item, i + 1 < n))),
            };
            let (item, has_next) = match next {
                None => break,
                Some(Ok(next)) => next,
                Some(Err(what)) => {
                    self.restore(saved);
                    return Err(self
                        .err(pos, format!("ConcurrentModificationException: the {what} changed while #foreach was iterating it"))
                        .with_hint("collect changes in another list and apply them after the loop"));
                }
            };
            if let Some(max) = self.limits.foreach_max
                && i >= max
            {
                // Velocity's `directive.foreach.maxloops`: the loop just stops.
                let w = format!(
                    "#foreach stopped after {max} iterations (API Gateway's limit per loop); {} of {n} items were not visited",
                    n - max
                );
                note = Some(w.clone());
                self.warnings.push(w);
                break;
            }
            self.step(pos)?;
            if item.is_null() {
                self.remove(var, slot);
            } else {
                self.put(var, slot, item);
            }
            info.index.set(i);
            info.has_next.set(has_next);
            self.put("velocityCount", VELOCITY_COUNT, Value::Int(i as i32 + 1));
            self.put("velocityHasNext", VELOCITY_HAS_NEXT, Value::Bool(has_next));
            let f = self.block(body, out);
            done += 1;
            let f = match f {
                Ok(f) => f,
                Err(e) => {
                    self.restore(saved);
                    return Err(e);
                }
            };
            match f {
                Flow::Normal => {}
                Flow::Break(None) => break,
                Flow::Break(Some(target)) if target == id => break,
                other => {
                    flow = other;
                    break;
                }
            }
        }
        self.restore(saved);
        if self.inspections.is_some() {
            let note = note.or_else(|| {
                Some(format!(
                    "{done} iteration{}",
                    if done == 1 { "" } else { "s" }
                ))
            });
            self.inspect(
                pos,
                InspectionKind::Loop,
                &format!("#foreach(${var})"),
                &coll,
                None,
                note,
            );
        }
        Ok(flow)
    }

    /// `Foreach.clean`: the loop's variables get their old values back.
    fn restore(&mut self, saved: [(&str, Slot, Option<Value>); 3]) {
        for (name, slot, v) in saved {
            match v {
                Some(v) => self.put(name, slot, v),
                None => self.remove(name, slot),
            };
        }
        // `Directive.postRender`: the scope now in `$foreach` (unless a `#set` replaced it with
        // something else) gives way to its parent or to the value it replaced.
        let now = match self.frames.is_empty() {
            true => self.vars.slot(FOREACH).cloned(),
            // A by-name argument that throws leaves the scope as it is.
            false => self.get("foreach", FOREACH).ok().flatten(),
        };
        if let Some(Value::Loop(scope)) = now {
            match scope.parent.clone().or_else(|| scope.replaced.clone()) {
                Some(v) => self.put("foreach", FOREACH, v),
                None => self.remove("foreach", FOREACH),
            };
        }
    }

    // ---- macros, #evaluate ----

    fn call_macro(
        &mut self,
        name: &str,
        args: &[Expr],
        literal: &Arc<str>,
        body: Option<&Arc<Block>>,
        pos: usize,
        out: &mut String,
    ) -> R<Flow> {
        let Some(def) = self.tpl.macros.get(name).cloned() else {
            out.push_str(literal);
            if self.inspections.is_some() {
                let note = format!("no directive or macro named {name}: printed as text");
                self.inspect(
                    pos,
                    InspectionKind::Macro,
                    literal,
                    &Value::Null,
                    Some(literal.to_string()),
                    Some(note),
                );
            }
            return Ok(Flow::Normal);
        };
        let mut frame = Frame::new();
        // Parameters without an argument stay undefined (they print as `$name`).
        for (param, arg) in def.params.iter().zip(args) {
            frame.insert(
                param.clone(),
                Arg::ByName(Rc::new(arg.clone()), arg.literal().into()),
            );
        }
        if let Some(b) = body {
            frame.insert(
                "bodyContent".into(),
                Arg::Set(Value::Block(b.clone()), "$bodyContent".into()),
            );
        }
        if self.inspections.is_some() {
            let note = format!("{} argument(s)", args.len());
            self.inspect(
                pos,
                InspectionKind::Macro,
                &format!("#{name}"),
                &Value::Null,
                None,
                Some(note),
            );
        }
        self.enter(pos)?;
        self.frames.push(frame);
        let flow = self.block(&def.body, out);
        self.frames.pop();
        self.depth -= 1;
        match flow? {
            Flow::Break(None) | Flow::Normal => Ok(Flow::Normal),
            other => Ok(other),
        }
    }

    fn evaluate(&mut self, arg: &Expr, pos: usize, out: &mut String) -> R<Flow> {
        if self.aws.is_some() {
            return Err(self
                .err(
                    pos,
                    "#evaluate is not supported in API Gateway mapping templates",
                )
                .with_hint("write the template text directly instead of evaluating a string"));
        }
        let v = self.value(arg)?;
        if v.is_null() {
            return Ok(Flow::Normal);
        }
        let text = self.text(&v, pos)?;
        let mut inner = Template::parse_within(&text, self.tpl)
            .map_err(|e| self.err(pos, format!("#evaluate: {}", e.message)))?;
        for (name, m) in &self.tpl.macros {
            inner.macros.insert(name.clone(), m.clone());
        }
        self.enter(pos)?;
        // The evaluated text sees this context; its positions are its own, so errors point here.
        let mut sub = Evaluator::new(&inner, self.aws, self.limits, false);
        let outer = std::mem::replace(&mut self.vars, Vars::new(Default::default()));
        sub.vars = outer.rebind(inner.names.clone());
        sub.frames = std::mem::take(&mut self.frames);
        sub.steps = self.steps;
        sub.depth = self.depth;
        let r = sub.block(&inner.block, out);
        let inner_vars = std::mem::replace(&mut sub.vars, Vars::new(Default::default()));
        self.vars = inner_vars.rebind(self.tpl.names.clone());
        self.frames = std::mem::take(&mut sub.frames);
        self.steps = sub.steps;
        self.depth -= 1;
        match r {
            Ok(Flow::Stop) => Ok(Flow::Stop),
            Ok(_) => Ok(Flow::Normal),
            Err(e) => Err(self.err(pos, format!("#evaluate: {}", e.message))),
        }
    }

    // ---- expressions ----

    /// `Node.value()`.
    pub fn value(&mut self, e: &Expr) -> R<Value> {
        self.steps += 1;
        match e {
            Expr::Lit(l) => Ok(l.to_value()),
            Expr::Interp(b, strip) => {
                let mut s = String::new();
                self.enter(0)?;
                let r = self.block(b, &mut s);
                self.depth -= 1;
                r?;
                // Drop the space appended before parsing (see the parser).
                if *strip {
                    s.pop();
                }
                Ok(Value::string(s))
            }
            Expr::Ref(r) => Ok(self.reference(r)?.0),
            Expr::List(items) => {
                let mut v = Vec::with_capacity(items.len());
                for i in items {
                    v.push(self.value(i)?);
                }
                Ok(Value::new_list(v, false))
            }
            Expr::Map(entries) => {
                let mut m = Entries::with_capacity_and_hasher(entries.len(), FastHash::default());
                for (k, v) in entries {
                    let k = self.value(k)?;
                    let v = self.value(v)?;
                    m.insert(Key(k), v);
                }
                Ok(Value::new_map(m))
            }
            Expr::Range(a, b) => self.range(a, b),
            Expr::Group(inner) => self.value(inner),
            Expr::Not(inner) => Ok(Value::Bool(!self.truth(inner)?)),
            Expr::Binary(op, l, r, pos) => match op {
                BinOp::And
                | BinOp::Or
                | BinOp::Eq
                | BinOp::Ne
                | BinOp::Lt
                | BinOp::Le
                | BinOp::Gt
                | BinOp::Ge => Ok(Value::Bool(self.truth(e)?)),
                _ => self.math(*op, l, r, *pos),
            },
        }
    }

    fn range(&mut self, a: &Expr, b: &Expr) -> R<Value> {
        let (l, r) = (self.value(a)?, self.value(b)?);
        let (Some(l), Some(r)) = (l.as_number(), r.as_number()) else {
            self.miss = Some("a range bound is null or not a number".into());
            return Ok(Value::Null);
        };
        let int = |n: Num| match n {
            Num::Double(d) => d as i32,
            other => other.to_i128() as i32,
        };
        let (l, r) = (int(l) as i64, int(r) as i64);
        let count = (l - r).unsigned_abs() + 1;
        if count > 1_000_000 {
            return Err(self
                .err(expr_pos(a).unwrap_or(0), format!("the range [{l}..{r}] has {count} elements"))
                .with_hint("ranges are limited to 1,000,000 elements here; API Gateway stops a #foreach after 1000"));
        }
        self.steps += count / 16;
        let items = if l <= r {
            (l..=r).map(|i| Value::Int(i as i32)).collect()
        } else {
            (r..=l).rev().map(|i| Value::Int(i as i32)).collect()
        };
        Ok(Value::new_list(items, false))
    }

    /// `Node.evaluate()`: truth as the node type defines it.
    pub fn truth(&mut self, e: &Expr) -> R<bool> {
        self.steps += 1;
        Ok(match e {
            Expr::Ref(r) => match self.reference(r)?.0 {
                Value::Null => false,
                Value::Bool(b) => b,
                _ => true,
            },
            Expr::Lit(super::ast::Lit::Bool(b)) => *b,
            Expr::Group(inner) => self.truth(inner)?,
            Expr::Not(inner) => !self.truth(inner)?,
            Expr::Binary(BinOp::And, l, r, _) => self.truth(l)? && self.truth(r)?,
            Expr::Binary(BinOp::Or, l, r, _) => self.truth(l)? || self.truth(r)?,
            Expr::Binary(BinOp::Eq, l, r, _) => {
                let (a, b) = (self.value(l)?, self.value(r)?);
                self.equals(&a, &b, l, r)?
            }
            Expr::Binary(BinOp::Ne, l, r, _) => {
                let (a, b) = (self.value(l)?, self.value(r)?);
                !self.equals(&a, &b, l, r)?
            }
            Expr::Binary(op @ (BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge), l, r, _) => {
                let (a, b) = (self.value(l)?, self.value(r)?);
                match (a.as_number(), b.as_number()) {
                    (Some(x), Some(y)) => {
                        let ord = compare_numbers(x, y);
                        match op {
                            BinOp::Lt => ord.is_lt(),
                            BinOp::Le => ord.is_le(),
                            BinOp::Gt => ord.is_gt(),
                            _ => ord.is_ge(),
                        }
                    }
                    _ => false,
                }
            }
            // Literals, lists, maps, ranges and arithmetic are never "true" in 1.7.
            _ => {
                self.value(e)?;
                false
            }
        })
    }

    /// `ASTEQNode`: numbers by value, same classes by `equals`, otherwise by `toString()`.
    fn equals(&mut self, a: &Value, b: &Value, l: &Expr, r: &Expr) -> R<bool> {
        if let (Some(x), Some(y)) = (a.as_number(), b.as_number()) {
            return Ok(compare_numbers(x, y).is_eq());
        }
        if self.aws.is_some() {
            // Recorded on AWS: a missing `$input.path` equals both `$null` and "".
            let empty = |v: &Value| v.is_null() || matches!(v, Value::Str(s) if s.is_empty());
            if (a.is_null() || b.is_null()) && empty(a) && empty(b) {
                return Ok(true);
            }
        }
        match (a, b) {
            (Value::Null, Value::Null) => Ok(true),
            (Value::Null, _) | (_, Value::Null) => Ok(false),
            _ if same_class(a, b) => Ok(java_equals(a, b)),
            _ => {
                let _ = (l, r);
                Ok(self.text(a, 0)? == self.text(b, 0)?)
            }
        }
    }

    /// `ASTMathNode` and `MathUtils`.
    fn math(&mut self, op: BinOp, l: &Expr, r: &Expr, pos: usize) -> R<Value> {
        let (a, b) = (self.value(l)?, self.value(r)?);
        if op == BinOp::Add && (matches!(a, Value::Str(_)) || matches!(b, Value::Str(_))) {
            let left = if a.is_null() {
                l.literal()
            } else {
                self.text(&a, pos)?
            };
            let right = if b.is_null() {
                r.literal()
            } else {
                self.text(&b, pos)?
            };
            return Ok(Value::string(left + &right));
        }
        let (Some(x), Some(y)) = (a.as_number(), b.as_number()) else {
            let side = if a.as_number().is_none() { l } else { r };
            self.miss = Some(format!(
                "{} side of {} ({}) is {}",
                if a.as_number().is_none() {
                    "left"
                } else {
                    "right"
                },
                op.symbol(),
                side.literal(),
                if a.is_null() || b.is_null() {
                    "null"
                } else {
                    "not a number"
                }
            ));
            return Ok(Value::Null);
        };
        match arith(op, x, y) {
            Ok(Some(n)) => Ok(n.into_value()),
            Ok(None) => {
                self.miss = Some(format!("right side of {} is zero", op.symbol()));
                Ok(Value::Null)
            }
            Err(msg) => Err(self.err(pos, msg)),
        }
    }
}

fn same_class(a: &Value, b: &Value) -> bool {
    matches!(
        (a, b),
        (Value::Str(_), Value::Str(_))
            | (Value::Bool(_), Value::Bool(_))
            | (Value::List(_), Value::List(_))
            | (Value::Map(_), Value::Map(_))
            | (Value::Entry(_), Value::Entry(_))
            | (Value::Array(_), Value::Array(_))
            | (Value::Class(_), Value::Class(_))
            | (Value::Block(_), Value::Block(_))
            | (Value::Loop(_), Value::Loop(_))
    )
}

/// `MathUtils.add/subtract/multiply/divide/modulo`. `Ok(None)` is division by zero (1.7 logs
/// it and yields null).
pub fn arith(op: BinOp, x: Num, y: Num) -> Result<Option<Num>, String> {
    if !x.is_integer() || !y.is_integer() {
        let (a, b) = (x.to_f64(), y.to_f64());
        if matches!(op, BinOp::Div | BinOp::Mod) && b == 0.0 {
            return Ok(None);
        }
        return Ok(Some(Num::Double(match op {
            BinOp::Add => a + b,
            BinOp::Sub => a - b,
            BinOp::Mul => a * b,
            BinOp::Div => a / b,
            _ => a % b,
        })));
    }
    let (a, b) = (x.to_i128(), y.to_i128());
    let big = matches!(x, Num::Big(_)) || matches!(y, Num::Big(_));
    let r = match op {
        BinOp::Add => a.checked_add(b),
        BinOp::Sub => a.checked_sub(b),
        BinOp::Mul => a.checked_mul(b),
        BinOp::Div if b == 0 => return Ok(None),
        BinOp::Mod if b == 0 => return Ok(None),
        BinOp::Div => a.checked_div(b),
        // BigInteger.mod is never negative; long % keeps the dividend's sign.
        _ if big => Some(a.rem_euclid(b)),
        _ => Some(a % b),
    };
    let Some(r) = r else {
        return Err("the result is too large for this engine's BigInteger (128 bits)".into());
    };
    if big {
        return Ok(Some(Num::Big(r)));
    }
    // `long` arithmetic: overflow widens to BigInteger, otherwise keep the wider operand's type.
    if op == BinOp::Div || op == BinOp::Mod {
        let long = (a as i64).wrapping_div(b as i64);
        let rem = (a as i64).wrapping_rem(b as i64);
        return Ok(Some(wrap_integer(
            if op == BinOp::Div {
                long as i128
            } else {
                rem as i128
            },
            x,
            y,
        )));
    }
    if i64::try_from(r).is_err() {
        return Ok(Some(Num::Big(r)));
    }
    Ok(Some(wrap_integer(r, x, y)))
}

fn expr_pos(e: &Expr) -> Option<usize> {
    match e {
        Expr::Ref(r) => Some(r.pos),
        Expr::Binary(_, _, _, p) => Some(*p),
        Expr::Group(i) | Expr::Not(i) => expr_pos(i),
        _ => None,
    }
}

/// How the inspector shows a value: its kind and Java text, shortened.
pub fn describe(v: &Value) -> String {
    let text = match v {
        Value::Null => return "null".into(),
        Value::Block(_) => return "#define block".into(),
        Value::Str(s) => format!("\"{s}\""),
        other => other.java_string(),
    };
    let short: String = text.chars().take(200).collect();
    let more = if short.len() < text.len() { "…" } else { "" };
    format!("{} {short}{more}", v.kind())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_math_widens_like_mathutils() {
        let add = |a, b| arith(BinOp::Add, a, b).unwrap().unwrap();
        assert_eq!(
            add(Num::Int(i32::MAX), Num::Int(1)),
            Num::Long(i32::MAX as i64 + 1)
        );
        assert_eq!(
            add(Num::Long(i64::MAX), Num::Int(1)),
            Num::Big(i64::MAX as i128 + 1)
        );
        assert_eq!(add(Num::Int(1), Num::Long(1)), Num::Long(2));
        assert_eq!(
            arith(BinOp::Div, Num::Int(-7), Num::Int(2)).unwrap(),
            Some(Num::Int(-3))
        );
        assert_eq!(
            arith(BinOp::Mod, Num::Int(-7), Num::Int(2)).unwrap(),
            Some(Num::Int(-1))
        );
        assert_eq!(arith(BinOp::Div, Num::Int(7), Num::Int(0)).unwrap(), None);
        assert_eq!(
            arith(BinOp::Div, Num::Double(1.0), Num::Int(0)).unwrap(),
            None
        );
        assert_eq!(
            arith(BinOp::Mul, Num::Double(1.5), Num::Int(2)).unwrap(),
            Some(Num::Double(3.0))
        );
    }
}
