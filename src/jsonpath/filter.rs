//! Inline filters `[?(…)]`: Jayway's `FilterCompiler` grammar and its value nodes and
//! evaluators, including the asymmetries that decide real results (`'42' == 42` is true, a
//! literal array only equals a document array when the document side is on the left).

use std::borrow::Cow;
use std::cmp::Ordering;

use serde_json::{Number, Value};

use super::cursor::{Cursor, SPACE};
use super::eval::{self, EvalError};
use super::parse::{self, Compiled};
use super::{JsonPathError, json_lenient};
use crate::javaregex::{Flags, JavaRegex};

/// A compiled filter expression.
#[derive(Debug, Clone)]
pub(crate) enum Filter {
    Or(Vec<Filter>),
    And(Vec<Filter>),
    Not(Box<Filter>),
    Relation(Box<Relation>),
}

#[derive(Debug, Clone)]
pub(crate) struct Relation {
    left: Operand,
    op: Op,
    right: Operand,
}

#[derive(Debug, Clone)]
enum Operand {
    /// `@.x` / `$.x`; `exists` when it stands alone (`[?(@.x)]`, `[?(!@.x)]`).
    Path {
        path: Box<Compiled>,
        exists_check: bool,
        should_exist: bool,
    },
    Literal(Node),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Gte,
    Lte,
    Eq,
    TypeSafeEq,
    Ne,
    TypeSafeNe,
    Lt,
    Gt,
    Regex,
    Nin,
    In,
    Contains,
    All,
    Size,
    Exists,
    Type,
    Matches,
    Empty,
    SubsetOf,
    AnyOf,
    NoneOf,
}

impl Op {
    fn parse(text: &str) -> Result<Op, JsonPathError> {
        let op = match text.to_uppercase().as_str() {
            ">=" => Op::Gte,
            "<=" => Op::Lte,
            "==" => Op::Eq,
            "===" => Op::TypeSafeEq,
            "!=" => Op::Ne,
            "!==" => Op::TypeSafeNe,
            "<" => Op::Lt,
            ">" => Op::Gt,
            "=~" => Op::Regex,
            "NIN" => Op::Nin,
            "IN" => Op::In,
            "CONTAINS" => Op::Contains,
            "ALL" => Op::All,
            "SIZE" => Op::Size,
            "EXISTS" => Op::Exists,
            "TYPE" => Op::Type,
            "MATCHES" => Op::Matches,
            "EMPTY" => Op::Empty,
            "SUBSETOF" => Op::SubsetOf,
            "ANYOF" => Op::AnyOf,
            "NONEOF" => Op::NoneOf,
            _ => {
                return Err(JsonPathError::invalid(format!(
                    "Filter operator {text} is not supported!"
                )));
            }
        };
        Ok(op)
    }
}

/// A value as Jayway's filter sees it.
#[derive(Debug, Clone)]
enum Node {
    Str(String),
    Num(Num),
    Bool(bool),
    Null,
    /// A JSON array or object; `parsed` when it came from the document (a literal stays text
    /// until compared, which is why literal-on-the-left equality fails in Jayway).
    Json {
        value: Value,
        parsed: bool,
    },
    Pattern(Box<Pattern>),
    Undefined,
}

/// A `BigDecimal`: its value for comparisons and its `toString()`, which for document numbers
/// is only worked out when a comparison with a string needs it.
#[derive(Debug, Clone)]
struct Num {
    value: f64,
    text: NumText,
}

#[derive(Debug, Clone)]
enum NumText {
    Literal(String),
    Document(Number),
}

#[derive(Debug, Clone)]
struct Pattern {
    source: String,
    regex: JavaRegex,
}

// ---------------------------------------------------------------------------------------------
// Compiler
// ---------------------------------------------------------------------------------------------

/// `FilterCompiler.compile("[?(…)]")`.
pub(crate) fn compile(criteria: &str) -> Result<Filter, JsonPathError> {
    let mut c = Cursor::new(criteria);
    c.trim();
    if !c.cur_is('[') || !c.last_is(']') {
        return Err(JsonPathError::invalid(format!(
            "Filter must start with '[' and end with ']'. {criteria}"
        )));
    }
    c.pos += 1;
    c.shrink_end(1);
    c.trim();
    if !c.cur_is('?') {
        return Err(JsonPathError::invalid(format!(
            "Filter must start with '[?' and end with ']'. {criteria}"
        )));
    }
    c.pos += 1;
    c.trim();
    if !c.cur_is('(') || !c.last_is(')') {
        return Err(JsonPathError::invalid(format!(
            "Filter must start with '[?(' and end with ')]'. {criteria}"
        )));
    }
    let mut compiler = FilterCompiler { f: c, depth: 0 };
    let result = compiler.read_or().and_then(|node| {
        compiler.f.skip_blanks();
        if compiler.f.in_bounds_here() {
            let rest = compiler.f.slice(compiler.f.pos, compiler.f.len());
            return Err(JsonPathError::invalid(format!(
                "Expected end of filter expression instead of: {rest}"
            )));
        }
        Ok(node)
    });
    result.map_err(|e| {
        if e.is_java_runtime {
            let pos = compiler.f.pos;
            let ch = compiler.f.cur().map(String::from).unwrap_or_default();
            JsonPathError::invalid(format!(
                "Failed to parse filter: {criteria}, error on position: {pos}, char: {ch}"
            ))
        } else {
            e
        }
    })
}

struct FilterCompiler {
    f: Cursor,
    /// Nesting of `!` and `(` (a lab guard against deep recursion).
    depth: usize,
}

const MAX_FILTER_DEPTH: usize = 100;

fn is_relational_char(c: char) -> bool {
    matches!(c, '<' | '>' | '=' | '~' | '!')
}

impl FilterCompiler {
    fn read_or(&mut self) -> Result<Filter, JsonPathError> {
        let mut ops = vec![self.read_and()?];
        loop {
            let save = self.f.pos;
            if self.f.has_significant_sub_sequence("||") {
                ops.push(self.read_and()?);
            } else {
                self.f.pos = save;
                break;
            }
        }
        Ok(if ops.len() == 1 {
            ops.pop().unwrap_or(Filter::Or(vec![]))
        } else {
            Filter::Or(ops)
        })
    }

    fn read_and(&mut self) -> Result<Filter, JsonPathError> {
        let mut ops = vec![self.read_and_operand()?];
        loop {
            let save = self.f.pos;
            if self.f.has_significant_sub_sequence("&&") {
                ops.push(self.read_and_operand()?);
            } else {
                self.f.pos = save;
                break;
            }
        }
        Ok(if ops.len() == 1 {
            ops.pop().unwrap_or(Filter::And(vec![]))
        } else {
            Filter::And(ops)
        })
    }

    fn read_and_operand(&mut self) -> Result<Filter, JsonPathError> {
        if self.depth >= MAX_FILTER_DEPTH {
            return Err(JsonPathError::invalid(format!(
                "Filter nests more than {MAX_FILTER_DEPTH} levels deep"
            )));
        }
        self.depth += 1;
        let result = self.read_and_operand_inner();
        self.depth -= 1;
        result
    }

    fn read_and_operand_inner(&mut self) -> Result<Filter, JsonPathError> {
        let save = self.f.skip_blanks().pos;
        if self.f.skip_blanks().cur_is('!') {
            self.f.read_significant_char('!')?;
            match self.f.skip_blanks().cur()? {
                '$' | '@' => self.f.pos = save,
                _ => return Ok(Filter::Not(Box::new(self.read_and_operand()?))),
            }
        }
        if self.f.skip_blanks().cur_is('(') {
            self.f.read_significant_char('(')?;
            let op = self.read_or()?;
            self.f.read_significant_char(')')?;
            return Ok(op);
        }
        self.read_expression()
    }

    fn read_expression(&mut self) -> Result<Filter, JsonPathError> {
        let left = self.read_operand()?;
        let save = self.f.pos;
        match self
            .read_operator()
            .and_then(|op| Ok((op, self.read_operand()?)))
        {
            Ok((op, right)) => return Ok(relation(left, op, right)),
            Err(e) if !e.is_java_runtime => self.f.pos = save,
            Err(e) => return Err(e),
        }
        // A lone path: an existence check.
        let Operand::Path {
            path, should_exist, ..
        } = left
        else {
            return Err(JsonPathError::invalid("Expected path node"));
        };
        let right = Operand::Literal(Node::Bool(should_exist));
        let left = Operand::Path {
            path,
            exists_check: true,
            should_exist,
        };
        Ok(relation(left, Op::Exists, right))
    }

    fn read_operand(&mut self) -> Result<Operand, JsonPathError> {
        match self.f.skip_blanks().cur()? {
            '$' | '@' => self.read_path(),
            '!' => {
                self.f.pos += 1;
                match self.f.skip_blanks().cur()? {
                    '$' | '@' => self.read_path(),
                    _ => Err(JsonPathError::invalid("Unexpected character: !")),
                }
            }
            _ => self.read_literal().map(Operand::Literal),
        }
    }

    fn read_literal(&mut self) -> Result<Node, JsonPathError> {
        match self.f.skip_blanks().cur()? {
            '\'' => self.read_string('\''),
            '"' => self.read_string('"'),
            't' | 'f' => self.read_boolean(),
            'n' => self.read_null(),
            '{' => self.read_json('{', '}'),
            '[' => self.read_json('[', ']'),
            '/' => self.read_pattern(),
            _ => self.read_number(),
        }
    }

    fn read_operator(&mut self) -> Result<Op, JsonPathError> {
        let begin = self.f.skip_blanks().pos;
        if self.f.cur().is_ok_and(is_relational_char) {
            while self.f.in_bounds_here() && self.f.cur().is_ok_and(is_relational_char) {
                self.f.pos += 1;
            }
        } else {
            while self.f.in_bounds_here() && !self.f.cur_is(SPACE) {
                self.f.pos += 1;
            }
        }
        Op::parse(&self.f.slice(begin, self.f.pos))
    }

    fn read_null(&mut self) -> Result<Node, JsonPathError> {
        let p = self.f.pos;
        if self.f.in_bounds(p + 3) && self.f.slice(p, p + 4) == "null" {
            self.f.pos += 4;
            return Ok(Node::Null);
        }
        Err(JsonPathError::invalid("Expected <null> value"))
    }

    fn read_boolean(&mut self) -> Result<Node, JsonPathError> {
        let p = self.f.pos;
        let end = if self.f.cur_is('t') { p + 3 } else { p + 4 };
        if !self.f.in_bounds(end) {
            return Err(JsonPathError::invalid("Expected boolean literal"));
        }
        let text = self.f.slice(p, end + 1);
        if text != "true" && text != "false" {
            return Err(JsonPathError::invalid("Expected boolean literal"));
        }
        self.f.pos = end + 1;
        Ok(Node::Bool(text == "true"))
    }

    fn read_json(&mut self, open: char, close: char) -> Result<Node, JsonPathError> {
        let begin = self.f.pos;
        let closing = self
            .f
            .index_of_matching_close(begin, open, close, true, false)?;
        if closing == -1 {
            return Err(JsonPathError::invalid(format!(
                "String not closed. Expected ' in {}",
                self.f.slice(0, self.f.len())
            )));
        }
        self.f.pos = closing + 1;
        let text = self.f.slice(begin, self.f.pos);
        // Parsed when compared; a literal that is not JSON fails the comparison, not the path.
        let value = json_lenient::parse(&text).unwrap_or(Value::String(text));
        Ok(Node::Json {
            value,
            parsed: false,
        })
    }

    fn read_pattern(&mut self) -> Result<Node, JsonPathError> {
        let begin = self.f.pos;
        let mut closing = self.f.next_index_of_unescaped(begin + 1, '/');
        if closing == -1 {
            return Err(JsonPathError::invalid(format!(
                "Pattern not closed. Expected / in {}",
                self.f.slice(0, self.f.len())
            )));
        }
        if self.f.in_bounds(closing + 1) {
            // Jayway takes everything up to the next `=` or `)` as flags.
            let equal = self.f.next_index_of(begin + 1, '=');
            let end = if equal > closing {
                equal
            } else {
                self.f.next_index_of_unescaped(begin + 1, ')')
            };
            let flags = self.f.slice(closing + 1, end);
            closing += flags.chars().count() as isize;
        }
        self.f.pos = closing + 1;
        let text = self.f.slice(begin, self.f.pos);
        Ok(Node::Pattern(Box::new(compile_pattern(&text)?)))
    }

    fn read_string(&mut self, quote: char) -> Result<Node, JsonPathError> {
        let begin = self.f.pos;
        let closing = self.f.next_index_of_unescaped(begin + 1, quote);
        if closing == -1 {
            return Err(JsonPathError::invalid(format!(
                "String literal does not have matching quotes. Expected {quote} in {}",
                self.f.slice(0, self.f.len())
            )));
        }
        self.f.pos = closing + 1;
        let inner = self.f.slice(begin + 1, closing);
        Ok(Node::Str(parse::unescape(&inner)?))
    }

    fn read_number(&mut self) -> Result<Node, JsonPathError> {
        let begin = self.f.pos;
        while self.f.in_bounds_here()
            && self
                .f
                .cur()
                .is_ok_and(|c| c.is_ascii_digit() || matches!(c, '-' | '.' | 'e' | 'E'))
        {
            self.f.pos += 1;
        }
        let text = self.f.slice(begin, self.f.pos);
        Num::parse(&text).map(Node::Num).ok_or_else(|| {
            JsonPathError::java_runtime(format!("java.lang.NumberFormatException: {text}"))
        })
    }

    fn read_path(&mut self) -> Result<Operand, JsonPathError> {
        let previous = self.f.previous_significant(self.f.pos);
        let begin = self.f.pos;
        self.f.pos += 1;
        while self.f.in_bounds_here() {
            if self.f.cur_is('[') {
                let close = self
                    .f
                    .index_of_matching_close(self.f.pos, '[', ']', true, false)?;
                if close == -1 {
                    return Err(JsonPathError::invalid(format!(
                        "Square brackets does not match in filter {}",
                        self.f.slice(0, self.f.len())
                    )));
                }
                self.f.pos = close + 1;
            }
            let Ok(c) = self.f.cur() else { break };
            let function_close = c == ')' && self.closes_function(begin);
            let logical_close = c == ')' && !function_close;
            if !self.f.in_bounds_here() || is_relational_char(c) || c == SPACE || logical_close {
                break;
            }
            self.f.pos += 1;
        }
        let text = self.f.slice(begin, self.f.pos);
        let path = parse::compile(&text)?;
        Ok(Operand::Path {
            path: Box::new(path),
            exists_check: false,
            should_exist: previous != '!',
        })
    }

    /// A `)` right after `(` in a path with a `.` before it closes a function call (`@.length()`).
    fn closes_function(&self, lower: isize) -> bool {
        let idx = self.f.previous_significant_index(self.f.pos);
        if idx == -1 || self.f.at(idx).ok() != Some('(') {
            return false;
        }
        let mut i = idx - 1;
        while self.f.in_bounds(i) && i > lower {
            if self.f.at(i).ok() == Some('.') {
                return true;
            }
            i -= 1;
        }
        false
    }
}

fn relation(left: Operand, op: Op, right: Operand) -> Filter {
    Filter::Relation(Box::new(Relation { left, op, right }))
}

/// `/pattern/flags` as `java.util.regex.Pattern` (Jayway's `PatternFlag` letters; others are
/// ignored), matched with `matches()` against the whole input.
fn compile_pattern(text: &str) -> Result<Pattern, JsonPathError> {
    let begin = text.find('/').unwrap_or(0);
    let end = text.rfind('/').unwrap_or(text.len());
    let source = if end > begin {
        &text[begin + 1..end]
    } else {
        ""
    };
    let flags =
        text[end.min(text.len())..]
            .chars()
            .skip(1)
            .fold(Flags::default(), |acc, c| match c {
                'd' => acc | Flags::UNIX_LINES,
                'i' => acc | Flags::CASE_INSENSITIVE,
                'x' => acc | Flags::COMMENTS,
                'm' => acc | Flags::MULTILINE,
                's' => acc | Flags::DOTALL,
                'u' => acc | Flags::UNICODE_CASE,
                'U' => acc | Flags::UNICODE_CHARACTER_CLASS,
                _ => acc,
            });
    let regex = JavaRegex::with_flags(source, flags).map_err(|e| {
        JsonPathError::java_runtime(format!("java.util.regex.PatternSyntaxException: {e}"))
    })?;
    Ok(Pattern {
        source: source.to_string(),
        regex,
    })
}

// ---------------------------------------------------------------------------------------------
// Numbers as Java prints them
// ---------------------------------------------------------------------------------------------

impl Num {
    /// `new BigDecimal(text)`.
    fn parse(text: &str) -> Option<Num> {
        let value: f64 = text.parse().ok()?;
        if text.is_empty() || !text.chars().any(|c| c.is_ascii_digit()) {
            return None;
        }
        Some(Num {
            value,
            text: NumText::Literal(big_decimal_string(text)?),
        })
    }

    fn of(n: Number) -> Num {
        Num {
            value: n.as_f64().unwrap_or(f64::NAN),
            text: NumText::Document(n),
        }
    }

    fn text(&self) -> Cow<'_, str> {
        match &self.text {
            NumText::Literal(t) => Cow::Borrowed(t),
            NumText::Document(n) => {
                let text = java_number_string(n);
                Cow::Owned(big_decimal_string(&text).unwrap_or(text))
            }
        }
    }
}

/// `Number.toString()` of the boxed value JsonSmart would hold: integers plainly, doubles as
/// `Double.toString` (`42.0`, `1.0E10`).
pub(crate) fn java_number_string(n: &Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    if let Some(u) = n.as_u64() {
        return u.to_string();
    }
    java_double_string(n.as_f64().unwrap_or(f64::NAN))
}

/// `Double.toString(d)` (one implementation, shared with the Velocity engine's Java values).
pub(crate) fn java_double_string(d: f64) -> String {
    crate::vtl::value::java_double(d)
}

/// `new BigDecimal(s).toString()`: canonical digits, scientific notation when Java uses it.
fn big_decimal_string(s: &str) -> Option<String> {
    let (negative, rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let (mantissa, exp) = match rest.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i64>().ok()?),
        None => (rest, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if !(int.chars().chain(frac.chars()).all(|c| c.is_ascii_digit())) || int.len() + frac.len() == 0
    {
        return None;
    }
    let digits = format!("{int}{frac}");
    let digits = digits.trim_start_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    let scale = frac.len() as i64 - exp;
    let sign = if negative && digits != "0" { "-" } else { "" };
    let n = digits.len() as i64;
    let adjusted = -scale + (n - 1);
    let body = if scale == 0 {
        digits.to_string()
    } else if scale > 0 && adjusted >= -6 {
        if n > scale {
            let (a, b) = digits.split_at((n - scale) as usize);
            format!("{a}.{b}")
        } else {
            format!("0.{}{digits}", "0".repeat((scale - n) as usize))
        }
    } else {
        let (first, more) = digits.split_at(1);
        let mut t = first.to_string();
        if !more.is_empty() {
            t.push('.');
            t.push_str(more);
        }
        if adjusted != 0 {
            t.push('E');
            if adjusted > 0 {
                t.push('+');
            }
            t.push_str(&adjusted.to_string());
        }
        t
    };
    Some(format!("{sign}{body}"))
}

// ---------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------

impl Node {
    /// `ValueNode.toValueNode` of a document value.
    fn of(v: Value) -> Node {
        match v {
            Value::String(s) => Node::Str(s),
            Value::Number(n) => Node::Num(Num::of(n)),
            Value::Bool(b) => Node::Bool(b),
            Value::Null => Node::Null,
            other => Node::Json {
                value: other,
                parsed: true,
            },
        }
    }

    /// `asStringNode().getString()` for strings and numbers.
    fn string_form(&self) -> Option<String> {
        match self {
            Node::Str(s) => Some(s.clone()),
            Node::Num(n) => Some(n.text().into_owned()),
            _ => None,
        }
    }

    /// `ValueNode.equals`: strings and numbers compare across types (asymmetrically), the rest
    /// by type.
    fn java_equals(&self, other: &Node) -> bool {
        match (self, other) {
            (Node::Str(a), Node::Str(b)) => a == b,
            (Node::Str(a), Node::Num(b)) => *a == b.text(),
            (Node::Num(a), Node::Num(b)) => a.value == b.value,
            (Node::Num(a), Node::Str(b)) => Num::parse(b).is_some_and(|b| a.value == b.value),
            (Node::Bool(a), Node::Bool(b)) => a == b,
            (Node::Null, Node::Null) => true,
            (Node::Json { value: a, .. }, Node::Json { value: b, .. }) => a == b,
            (Node::Pattern(a), Node::Pattern(b)) => a.source == b.source,
            _ => false,
        }
    }

    fn as_list(&self) -> Option<Vec<Node>> {
        match self {
            Node::Json {
                value: Value::Array(items),
                ..
            } => Some(items.iter().cloned().map(Node::of).collect()),
            _ => None,
        }
    }
}

fn java_compare(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

impl Filter {
    /// `PredicatePathToken.accept`: an `InvalidPathException` inside the filter means "no".
    pub(crate) fn accept(&self, item: &Value, root: &Value) -> Result<bool, EvalError> {
        match self.apply(item, root) {
            Err(EvalError::Invalid(_)) => Ok(false),
            other => other,
        }
    }

    fn apply(&self, item: &Value, root: &Value) -> Result<bool, EvalError> {
        match self {
            Filter::Or(ops) => {
                for op in ops {
                    if op.apply(item, root)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Filter::And(ops) => {
                for op in ops {
                    if !op.apply(item, root)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            Filter::Not(op) => Ok(!op.apply(item, root)?),
            Filter::Relation(rel) => rel.apply(item, root),
        }
    }
}

impl Operand {
    fn resolve(&self, item: &Value, root: &Value) -> Result<Cow<'_, Node>, EvalError> {
        let (path, exists_check) = match self {
            Operand::Literal(node) => return Ok(Cow::Borrowed(node)),
            Operand::Path {
                path, exists_check, ..
            } => (path, exists_check),
        };
        if *exists_check {
            // Evaluated on the item even for `$` paths, with REQUIRE_PROPERTIES.
            return Ok(Cow::Owned(match eval::read_value(path, item, root, true) {
                Ok(_) => Node::Bool(true),
                Err(EvalError::NotFound(_)) => Node::Bool(false),
                Err(e) => return Err(e),
            }));
        }
        let doc = if path.root == '$' { root } else { item };
        match eval::read_value(path, doc, root, false) {
            Ok(v) => Ok(Cow::Owned(Node::of(v))),
            Err(EvalError::NotFound(_)) => Ok(Cow::Owned(Node::Undefined)),
            Err(e) => Err(e),
        }
    }
}

fn invalid<T>(message: &str) -> Result<T, EvalError> {
    Err(EvalError::Invalid(message.to_string()))
}

impl Relation {
    fn apply(&self, item: &Value, root: &Value) -> Result<bool, EvalError> {
        let l = self.left.resolve(item, root)?;
        let r = self.right.resolve(item, root)?;
        evaluate(self.op, &l, &r)
    }
}

fn evaluate(op: Op, l: &Node, r: &Node) -> Result<bool, EvalError> {
    Ok(match op {
        Op::Exists => match (l, r) {
            (Node::Bool(a), Node::Bool(b)) => a == b,
            _ => return invalid("Expected boolean node"),
        },
        Op::Eq => equals(l, r),
        Op::Ne => !equals(l, r),
        Op::TypeSafeEq => same_type(l, r) && equals(l, r),
        Op::TypeSafeNe => !(same_type(l, r) && equals(l, r)),
        Op::Lt => compare(l, r).is_some_and(|o| o == Ordering::Less),
        Op::Lte => compare(l, r).is_some_and(|o| o != Ordering::Greater),
        Op::Gt => compare(l, r).is_some_and(|o| o == Ordering::Greater),
        Op::Gte => compare(l, r).is_some_and(|o| o != Ordering::Less),
        Op::Regex => regex_matches(l, r)?,
        Op::In => list_of(r)?.iter().any(|n| l.java_equals(n)),
        Op::Nin => !list_of(r)?.iter().any(|n| l.java_equals(n)),
        Op::Contains => match (l, r) {
            (Node::Str(a), Node::Str(b)) => a.contains(b.as_str()),
            (Node::Json { .. }, _) => l
                .as_list()
                .is_some_and(|items| items.iter().any(|n| r.java_equals(n))),
            _ => false,
        },
        // Jayway reads the right side with `asValueListNode()`, which a JSON literal is not.
        Op::All => return invalid("Expected value list node"),
        Op::Size => {
            let Node::Num(n) = r else { return Ok(false) };
            let expected = n.value as i64;
            match l {
                Node::Str(s) => s.encode_utf16().count() as i64 == expected,
                Node::Json {
                    value: Value::Array(items),
                    ..
                } => items.len() as i64 == expected,
                Node::Json { .. } => expected == -1,
                _ => false,
            }
        }
        Op::Empty => {
            let Node::Bool(want) = r else {
                return invalid("Expected boolean node");
            };
            match l {
                Node::Str(s) => s.is_empty() == *want,
                Node::Json { value, .. } => {
                    let empty = match value {
                        Value::Array(a) => a.is_empty(),
                        Value::Object(o) => o.is_empty(),
                        Value::String(s) => s.is_empty(),
                        _ => true,
                    };
                    empty == *want
                }
                _ => false,
            }
        }
        Op::SubsetOf => match (list_or_none(l)?, list_or_none(r)?) {
            (Some(left), Some(right)) => {
                left.iter().all(|a| right.iter().any(|b| a.java_equals(b)))
            }
            _ => false,
        },
        Op::AnyOf => match (list_or_none(l)?, list_or_none(r)?) {
            (Some(left), Some(right)) => {
                left.iter().any(|a| right.iter().any(|b| a.java_equals(b)))
            }
            _ => false,
        },
        Op::NoneOf => match (list_or_none(l)?, list_or_none(r)?) {
            (Some(left), Some(right)) => {
                !left.iter().any(|a| right.iter().any(|b| a.java_equals(b)))
            }
            _ => false,
        },
        // Their right-hand sides (classes, predicates) cannot be written in a path.
        Op::Type => return invalid("Expected class node"),
        Op::Matches => return invalid("Expected predicate node"),
    })
}

/// `EqualsEvaluator`: two JSON nodes are equal only when the left one came from the document.
fn equals(l: &Node, r: &Node) -> bool {
    match (l, r) {
        (Node::Json { value: a, parsed }, Node::Json { value: b, .. }) => *parsed && a == b,
        _ => l.java_equals(r),
    }
}

fn same_type(l: &Node, r: &Node) -> bool {
    std::mem::discriminant(l) == std::mem::discriminant(r)
}

/// `<`, `<=`, `>`, `>=`: numbers numerically, strings by UTF-16 units; anything else (a string
/// against a number included, as in Jayway 2.9) is false.
fn compare(l: &Node, r: &Node) -> Option<Ordering> {
    match (l, r) {
        (Node::Num(a), Node::Num(b)) => a.value.partial_cmp(&b.value),
        (Node::Str(a), Node::Str(b)) => Some(java_compare(a, b)),
        _ => None,
    }
}

/// The right side of `in`/`nin`: a JSON array (anything else JSON never matches; a scalar is an
/// invalid filter, i.e. no match).
fn list_of(r: &Node) -> Result<Vec<Node>, EvalError> {
    match r {
        Node::Json { .. } => Ok(r.as_list().unwrap_or_default()),
        _ => invalid("Expected value list node"),
    }
}

fn list_or_none(n: &Node) -> Result<Option<Vec<Node>>, EvalError> {
    match n {
        Node::Json { .. } => Ok(n.as_list()),
        _ => invalid("Expected value list node"),
    }
}

/// `=~`: exactly one side is a pattern; the other is matched as text (a JSON array: any
/// element). A match too expensive to finish is an error, not a silent "no".
fn regex_matches(l: &Node, r: &Node) -> Result<bool, EvalError> {
    let (pattern, other) = match (l, r) {
        (Node::Pattern(p), o) if !matches!(o, Node::Pattern(_)) => (p, o),
        (o, Node::Pattern(p)) if !matches!(o, Node::Pattern(_)) => (p, o),
        _ => return Ok(false),
    };
    let input = |n: &Node| match n {
        Node::Bool(b) => b.to_string(),
        other => other.string_form().unwrap_or_default(),
    };
    let is_match = |text: &str| {
        pattern
            .regex
            .matches(text)
            .map_err(|e| EvalError::Failure(e.to_string()))
    };
    match other.as_list() {
        Some(items) => {
            for item in &items {
                if is_match(&input(item))? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        None => is_match(&input(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_decimal_text_matches_java() {
        assert_eq!(big_decimal_string("010").unwrap(), "10");
        assert_eq!(big_decimal_string("42.0").unwrap(), "42.0");
        assert_eq!(big_decimal_string("-12.3").unwrap(), "-12.3");
        assert_eq!(big_decimal_string("1.0E10").unwrap(), "1.0E+10");
        assert_eq!(big_decimal_string("1.5E-5").unwrap(), "0.000015");
        assert_eq!(big_decimal_string("1.0E-10").unwrap(), "1.0E-10");
        assert!(big_decimal_string("").is_none());
        assert!(big_decimal_string("1-2").is_none());
    }

    #[test]
    fn double_text_matches_java() {
        assert_eq!(java_double_string(42.0), "42.0");
        assert_eq!(java_double_string(42.0001), "42.0001");
        assert_eq!(java_double_string(1e10), "1.0E10");
        assert_eq!(java_double_string(1.5e-5), "1.5E-5");
        assert_eq!(java_double_string(0.001), "0.001");
    }

    #[test]
    fn filter_errors_name_the_problem() {
        let err = compile("[?(@.a = 1)]").unwrap_err();
        assert!(err.message.contains("Expected character: )"), "{err}");
        // Jayway retries a failed right-hand side as an existence check, then stumbles on `==`.
        let err = compile("[?(@.a == 'x)]").unwrap_err();
        assert!(err.message.contains("Expected character: )"), "{err}");
        assert!(compile("[?(@.a in ['x', 'y'])]").is_ok());
    }
}
