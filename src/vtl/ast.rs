//! The syntax tree of a Velocity 1.7 template. Every node keeps its byte offset in the source
//! for errors and the inspector.

use std::collections::HashMap;
use std::sync::Arc;

use super::value::{FastHash, Value};

/// A sequence of nodes (a template body, a branch, a loop body).
#[derive(Debug, Clone, Default)]
pub struct Block {
    pub nodes: Vec<Node>,
}

#[derive(Debug, Clone)]
pub enum Node {
    /// Text printed as is (escapes already resolved).
    Text(String),
    /// `$a.b(...)[0]`, possibly quiet, formal or escaped.
    Ref(Box<Reference>),
    /// `#set($target = value)`
    Set {
        target: Box<Reference>,
        value: Expr,
        pos: usize,
    },
    /// `#if (c) ... #elseif (c) ... #else ... #end`
    If {
        branches: Vec<(Expr, Block)>,
        otherwise: Option<Block>,
        pos: usize,
    },
    /// `#foreach($var in iterable) ... #end`
    Foreach {
        var: String,
        slot: Slot,
        iterable: Expr,
        body: Block,
        pos: usize,
    },
    /// `#break` or `#break($foreach.parent)`
    Break { pos: usize, scope: Option<Expr> },
    /// `#stop`
    Stop { pos: usize },
    /// `#define($name) ... #end`
    Define {
        slot: Slot,
        body: Arc<Block>,
        pos: usize,
    },
    /// A call of a macro, or an unknown `#word(...)` printed literally if no macro has that name.
    Call {
        name: String,
        args: Vec<Expr>,
        literal: Arc<str>,
        /// `#@name(...) body #end` passes `body` as `$bodyContent`.
        body: Option<Arc<Block>>,
        pos: usize,
    },
    /// `#evaluate(expr)`: renders a string as a template (plain Velocity; API Gateway refuses it).
    Evaluate { arg: Expr, pos: usize },
    /// `#include` / `#parse`: no resources exist here.
    Resource {
        directive: &'static str,
        arg: Option<Expr>,
        pos: usize,
    },
    /// `#literal() ... #end`: the body's source, unrendered.
    Literal(String),
}

/// One reference as written.
#[derive(Debug, Clone)]
pub struct Reference {
    /// The variable name after `$`.
    pub root: String,
    /// The name's slot in the evaluator's context (`Names`).
    pub slot: Slot,
    pub parts: Vec<Part>,
    /// `$!a`: print nothing for null.
    pub quiet: bool,
    /// `${a}`
    pub formal: bool,
    /// Backslashes written before the `$`.
    pub backslashes: usize,
    /// The reference's own text (without the backslashes), printed when its value is null.
    pub literal: Arc<str>,
    pub pos: usize,
}

#[derive(Debug, Clone)]
pub enum Part {
    /// `.name`
    Property(String),
    /// `.name(args)`
    Method(String, Vec<Expr>),
    /// `[arg]`
    Index(Expr),
}

#[derive(Debug, Clone)]
pub enum Expr {
    /// A number, `true`, `false` or a single-quoted string.
    Lit(Lit),
    /// A double-quoted string with `$` or `#` in it: rendered as a template.
    /// The flag: drop the last character of the output (the space 1.7 appends before parsing,
    /// kept when the string contains `##`).
    Interp(Arc<Block>, bool),
    Ref(Box<Reference>),
    List(Vec<Expr>),
    Map(Vec<(Expr, Expr)>),
    Range(Box<Expr>, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>, usize),
    Not(Box<Expr>),
    /// `( expr )`
    Group(Box<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Or => "||",
            BinOp::And => "&&",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Mod => "%",
        }
    }
}

impl Expr {
    /// Velocity's `Node.literal()` for the case that matters: a reference's own text.
    pub fn literal(&self) -> String {
        match self {
            Expr::Ref(r) => r.literal.to_string(),
            Expr::Lit(l) => l.to_value().java_string(),
            _ => "null".into(),
        }
    }
}

/// A macro defined with `#macro(name $a $b) ... #end`.
#[derive(Debug, Clone)]
pub struct MacroDef {
    pub params: Vec<String>,
    pub body: Arc<Block>,
}

/// A literal in the template (kept thread-safe: values are made when rendering).
#[derive(Debug, Clone)]
pub enum Lit {
    Bool(bool),
    Int(i32),
    Long(i64),
    BigInt(i128),
    Double(f64),
    Str(Arc<str>),
}

impl Lit {
    pub fn to_value(&self) -> Value {
        match self {
            Lit::Bool(b) => Value::Bool(*b),
            Lit::Int(i) => Value::Int(*i),
            Lit::Long(i) => Value::Long(*i),
            Lit::BigInt(i) => Value::BigInt(*i),
            Lit::Double(d) => Value::Double(*d),
            Lit::Str(s) => Value::Str(s.clone()),
        }
    }
}

/// A variable's index in the evaluator's context.
pub type Slot = u32;

/// `$velocityCount`, `$velocityHasNext` and `$foreach`: every `#foreach` sets them.
pub const VELOCITY_COUNT: Slot = 0;
pub const VELOCITY_HAS_NEXT: Slot = 1;
pub const FOREACH: Slot = 2;

/// The variable names a template mentions, each with its slot, given out while parsing so that
/// the evaluator finds `$item` by index instead of hashing its name at every use.
#[derive(Debug, Clone)]
pub struct Names {
    ids: HashMap<String, Slot, FastHash>,
    list: Vec<String>,
}

impl Default for Names {
    fn default() -> Self {
        let mut names = Names {
            ids: HashMap::default(),
            list: Vec::new(),
        };
        for (slot, name) in [
            (VELOCITY_COUNT, "velocityCount"),
            (VELOCITY_HAS_NEXT, "velocityHasNext"),
            (FOREACH, "foreach"),
        ] {
            let given = names.intern(name);
            debug_assert_eq!(given, slot);
        }
        names
    }
}

impl Names {
    pub fn intern(&mut self, name: &str) -> Slot {
        if let Some(&slot) = self.ids.get(name) {
            return slot;
        }
        let slot = self.list.len() as Slot;
        self.ids.insert(name.to_string(), slot);
        self.list.push(name.to_string());
        slot
    }

    pub fn get(&self, name: &str) -> Option<Slot> {
        self.ids.get(name).copied()
    }

    pub fn name(&self, slot: Slot) -> &str {
        &self.list[slot as usize]
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }
}
