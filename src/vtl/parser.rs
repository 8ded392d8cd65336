//! Velocity 1.7's parser, written to reproduce what its JavaCC grammar (`Parser.jjt`) accepts and
//! how its lexer cuts text: `#set` swallows the spaces before it, a directive's closing `)`,
//! `#else` and `#end` swallow the rest of their line when only spaces follow, `\` escapes `$` and
//! `#` as 1.7 counts them, and an unknown `#word` is text unless a macro of that name exists.

use std::collections::HashMap;
use std::sync::Arc;

use super::ast::{BinOp, Block, Expr, Lit, MacroDef, Names, Node, Part, Reference};
use super::error::VtlError;
use super::lexer::{self, NumKind};

/// Nesting deeper than this (blocks, expressions, strings in strings) is refused.
const MAX_DEPTH: usize = 150;

/// Directives Velocity 1.7 registers (so `\#foreach` loses its backslash).
const DIRECTIVES: [&str; 9] = [
    "foreach", "include", "parse", "macro", "literal", "evaluate", "break", "define", "stop",
];

const NO_BACKSLASH_ESCAPE: &str = "Velocity 1.7 has no backslash escape inside strings: write two double quotes (\"\") for one, or use single quotes around the string";

pub struct Parsed {
    pub block: Block,
    pub macros: HashMap<String, Arc<MacroDef>>,
    pub names: Names,
}

/// Parse a whole template.
pub fn parse(src: &str) -> Result<Parsed, VtlError> {
    parse_with(src, Names::default())
}

/// Parse a template whose variables extend `names` (`#evaluate`d text shares its caller's
/// context, and may call the caller's macros, whose references have slots in `names`).
pub fn parse_with(src: &str, names: Names) -> Result<Parsed, VtlError> {
    let mut p = Parser {
        full: src,
        src,
        base: 0,
        pos: 0,
        depth: 0,
        macros: HashMap::new(),
        names,
        bad_quote: None,
        literal_next: false,
    };
    let (nodes, end) = p.nodes()?;
    if let Some(t) = end {
        return Err(p.stray(t));
    }
    Ok(Parsed {
        block: Block { nodes },
        macros: p.macros,
        names: p.names,
    })
}

/// How a block ended.
#[derive(Debug)]
enum Terminator {
    End(usize),
    Else(usize),
    ElseIf(Expr, usize),
}

struct Parser<'s> {
    /// The whole template (positions in errors refer to it).
    full: &'s str,
    /// What is being parsed: the template, or the body of an interpolated string.
    src: &'s str,
    /// Offset of `src` in `full`.
    base: usize,
    pos: usize,
    depth: usize,
    macros: HashMap<String, Arc<MacroDef>>,
    names: Names,
    /// The next `#word` carries a `$` in its token: print it as text (no directive or macro).
    literal_next: bool,
    /// Where a string literal ended right after a backslash (`"a \"b"`), for the hint.
    bad_quote: Option<usize>,
}

type PResult<T> = Result<T, VtlError>;

impl<'s> Parser<'s> {
    fn rest(&self) -> &'s str {
        &self.src[self.pos..]
    }

    fn peek(&self) -> Option<u8> {
        self.src.as_bytes().get(self.pos).copied()
    }

    fn peek_at(&self, n: usize) -> Option<u8> {
        self.src.as_bytes().get(self.pos + n).copied()
    }

    fn abs(&self, pos: usize) -> usize {
        self.base + pos
    }

    fn err(&self, pos: usize, msg: impl Into<String>) -> VtlError {
        let mut e = VtlError::at(self.full, self.abs(pos), msg);
        if let Some(q) = self.bad_quote
            && q <= pos
            && pos - q < 40
        {
            e = e.with_hint(NO_BACKSLASH_ESCAPE);
        }
        e
    }

    /// What is at `pos`, for "found ..." in messages.
    fn found(&self, pos: usize) -> String {
        let rest = &self.src[pos.min(self.src.len())..];
        match rest.chars().next() {
            None => "the end of the template".into(),
            Some('\n') => "a line break".into(),
            Some(_) => {
                let tok: String = rest
                    .chars()
                    .take_while(|c| !c.is_whitespace())
                    .take(12)
                    .collect();
                format!("\"{tok}\"")
            }
        }
    }

    fn enter(&mut self, pos: usize) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err(
                pos,
                format!("the template nests more than {MAX_DEPTH} levels deep"),
            ));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    fn stray(&self, t: Terminator) -> VtlError {
        let (pos, what) = match t {
            Terminator::End(p) => (p, "#end"),
            Terminator::Else(p) => (p, "#else"),
            Terminator::ElseIf(_, p) => (p, "#elseif"),
        };
        self.err(
            pos,
            format!("{what} without an open #if, #foreach, #macro or #define"),
        )
        .with_hint(format!(
            "remove this {what}, or escape it as \\{what} to print it"
        ))
    }

    /// Statements until `#end`, `#else`, `#elseif` or the end of the input.
    fn nodes(&mut self) -> PResult<(Vec<Node>, Option<Terminator>)> {
        let mut nodes = Vec::new();
        let mut text = String::new();
        let mut set_in_ref = false;
        while let Some(c) = self.peek() {
            if (c == b' ' || c == b'\t' || c == b'#')
                && !self.literal_next
                && lexer::set_directive(self.rest()) > 0
            {
                // A #set right after a reference (or after such a #set) leaves 1.7's lexer in
                // the reference's state.
                let after_ref = text.is_empty()
                    && (matches!(nodes.last(), Some(Node::Ref(_)))
                        || (set_in_ref && matches!(nodes.last(), Some(Node::Set { .. }))));
                flush(&mut text, &mut nodes);
                nodes.push(self.set()?);
                set_in_ref = after_ref;
                if after_ref && self.peek() == Some(b'[') {
                    // `$a #set($b = 1)[x]`: 1.7 resumes lexing as if inside `$a`, where `[`
                    // opens an index, and fails.
                    return Err(self
                        .err(self.pos, "Encountered \"[\" right after a #set that follows a reference")
                        .with_hint("Velocity 1.7 reads this [ as an index of the reference before the #set; put text or a newline between them, or write #[[[]]#"));
                }
                continue;
            }
            match c {
                b'\\' => self.backslashes(&mut text, &mut nodes)?,
                b'$' => self.dollar(0, self.pos, &mut text, &mut nodes)?,
                b'#' => {
                    if let Some(t) = self.hash(&mut text, &mut nodes)? {
                        flush(&mut text, &mut nodes);
                        return Ok((nodes, Some(t)));
                    }
                }
                _ => {
                    let n = self
                        .rest()
                        .bytes()
                        .take_while(|b| !matches!(b, b'$' | b'#' | b'\\'))
                        .count();
                    text.push_str(&self.rest()[..n]);
                    self.pos += n;
                }
            }
        }
        flush(&mut text, &mut nodes);
        Ok((nodes, None))
    }

    fn block_until_end(&mut self, what: &str, open: usize) -> PResult<Block> {
        self.enter(open)?;
        let (nodes, t) = self.nodes()?;
        self.leave();
        match t {
            Some(Terminator::End(_)) => Ok(Block { nodes }),
            Some(other) if !matches!(other, Terminator::End(_)) => Err(self.stray(other)),
            _ => Err(self.unclosed(what, open)),
        }
    }

    fn unclosed(&self, what: &str, open: usize) -> VtlError {
        self.err(
            open,
            format!("{what} is never closed: the template ends before its #end"),
        )
        .with_hint(format!("add #end where the {what} block should stop"))
    }

    fn backslashes(&mut self, text: &mut String, nodes: &mut Vec<Node>) -> PResult<()> {
        let start = self.pos;
        let n = self.rest().bytes().take_while(|b| *b == b'\\').count();
        self.pos += n;
        match self.peek() {
            Some(b'$') => self.dollar(n, start, text, nodes),
            Some(b'#') => {
                let after = &self.rest()[1..];
                let bw = lexer::bracketed_word(after);
                let w = if bw > 0 { bw } else { lexer::word(after) };
                if n % 2 == 1 && w > 0 {
                    // ESCAPE_DIRECTIVE: `\#word` prints `#word`, dropping half the backslashes,
                    // when the word is a directive (or a macro defined so far).
                    let name = if bw > 0 {
                        &after[1..bw - 1]
                    } else {
                        &after[..w]
                    };
                    let recognized = DIRECTIVES.contains(&name)
                        || ["if", "end", "set", "else", "elseif"].contains(&name)
                        || self.macros.contains_key(name);
                    let keep = if recognized { (n - 1) / 2 } else { n };
                    text.push_str(&"\\".repeat(keep));
                    text.push('#');
                    text.push_str(&after[..w]);
                    self.pos += 1 + w;
                } else if n % 2 == 0 {
                    // Pairs of backslashes before a directive print as one each.
                    let control = self.next_is_control();
                    text.push_str(&"\\".repeat(if control { n / 2 } else { n }));
                } else {
                    text.push_str(&"\\".repeat(n));
                }
                Ok(())
            }
            _ => {
                text.push_str(&"\\".repeat(n));
                Ok(())
            }
        }
    }

    /// Whether the `#...` at the cursor is `#if`, `#else`, `#elseif`, `#end` or a directive or
    /// macro name (the `Escape()` production's check).
    fn next_is_control(&self) -> bool {
        let after = &self.rest()[1..];
        let bw = lexer::bracketed_word(after);
        if bw > 0 {
            return ["if", "else", "elseif", "end"].contains(&&after[1..bw - 1]);
        }
        let name = &after[..lexer::word(after)];
        ["if", "else", "elseif", "end"].contains(&name)
            || DIRECTIVES.contains(&name)
            || self.macros.contains_key(name)
    }

    /// `$` in text: a reference, or text when no identifier follows.
    fn dollar(
        &mut self,
        backslashes: usize,
        start: usize,
        text: &mut String,
        nodes: &mut Vec<Node>,
    ) -> PResult<()> {
        if let Some(r) = self.reference(backslashes)? {
            let refmodifier = ends_in_refmodifier(&r);
            let formal = r.formal;
            flush(text, nodes);
            nodes.push(Node::Ref(Box::new(r)));
            if refmodifier && self.rest().starts_with("##") {
                // After `.name`, 1.7's lexer has no `##` token: the first `#` is part of what
                // follows (text, or a word naming no directive).
                if !self.prefix_swallowed(self.pos + 1) {
                    text.push('#');
                    self.literal_next = lexer::word(&self.rest()[2..]) > 0;
                }
                self.pos += 1;
            }
            if !formal && self.peek() == Some(b'{') {
                self.runt(text)?;
            }
            return Ok(());
        }
        // Not a reference: `$`, `${`, `$!{` and the backslashes stay text; a lone `$!`
        // prints as `$` (1.7's lexer drops the `!`); at the very end it is an error.
        let b = self.src.as_bytes();
        let mut end = self.pos + 1;
        let bang = b.get(end) == Some(&b'!');
        if bang {
            end += 1;
        }
        if end >= b.len() {
            return Err(self
                .err(end, "Lexical error: the template ends right after $")
                .with_hint("to print a dollar sign at the very end, write #[[$]]#"));
        }
        if self.prefix_swallowed(end) {
            self.pos = end;
            return Ok(());
        }
        let brace = b.get(end) == Some(&b'{');
        if brace {
            end += 1;
        }
        let after = &self.src[end..];
        if !brace && after.starts_with("#[[") {
            // `$#[[...]]#`: the text block's token carries the `$`, and 1.7 cuts three
            // characters from each end of it.
            if let Some(close) = after[3..].find("]]#") {
                let image = &self.src[start..end + 3 + close + 3];
                text.push_str(&image[3..image.len() - 3]);
                self.pos = end + 3 + close + 3;
                return Ok(());
            }
        }
        let word_follows = after.starts_with('#') && lexer::word(&after[1..]) > 0;
        if bang && !brace && !word_follows {
            text.push_str(&self.src[start..self.pos + 1]);
        } else {
            text.push_str(&self.src[start..end]);
        }
        self.pos = end;
        if !brace && word_follows {
            // `$#foreach(...)`: the word carries the `$`, so it names no directive or macro.
            self.literal_next = true;
        }
        self.backslash_then_dollar(text, nodes)
    }

    /// `$a{x}`: right after a reference, 1.7's lexer reads `{x...}` as a formal reference without
    /// its `$` (a "runt"), which must be closed and prints only `{`.
    fn runt(&mut self, text: &mut String) -> PResult<()> {
        let open = self.pos;
        let p = open + 1 + usize::from(self.src.as_bytes().get(open + 1) == Some(&b'$'));
        let id = lexer::identifier(&self.src[p..]);
        if id == 0 {
            return Ok(());
        }
        self.pos = p + id;
        self.ref_parts()?;
        if self.peek() != Some(b'}') {
            return Err(self
                .err(self.pos, format!("expected }} after {}, found {}", &self.src[open..self.pos], self.found(self.pos)))
                .with_hint("Velocity 1.7 reads { right after a reference as the start of ${...}; put a space or ${name} before the {"));
        }
        self.pos += 1;
        text.push('{');
        Ok(())
    }

    /// Whether the `$`, `$!` or `#` before `at` vanishes because the token starting at `at`
    /// absorbs it (1.7's MORE tokens): `#set(`, `#if`/`#else`/`#elseif`/`#end`, `#*` comments and
    /// escaped directives `\#word`.
    fn prefix_swallowed(&self, at: usize) -> bool {
        let rest = &self.src[at..];
        if lexer::set_directive(rest) > 0 || rest.starts_with("#*") {
            return true;
        }
        if let Some(after) = rest.strip_prefix('#') {
            let bw = lexer::bracketed_word(after);
            let name = if bw > 0 {
                &after[1..bw - 1]
            } else {
                &after[..lexer::word(after)]
            };
            return matches!(name, "if" | "else" | "elseif" | "end");
        }
        let n = rest.bytes().take_while(|c| *c == b'\\').count();
        if n % 2 == 1 && rest[n..].starts_with('#') {
            let after = &rest[n + 1..];
            return lexer::word(after) > 0 || lexer::bracketed_word(after) > 0;
        }
        false
    }

    /// After a `$` or `#` that is text: backslashes then a reference keep the backslashes as
    /// text and do not escape the reference (they are part of the same 1.7 token).
    fn backslash_then_dollar(&mut self, text: &mut String, nodes: &mut Vec<Node>) -> PResult<()> {
        let n = self.rest().bytes().take_while(|c| *c == b'\\').count();
        if n == 0 || self.src.as_bytes().get(self.pos + n) != Some(&b'$') {
            return Ok(());
        }
        let save = self.pos;
        self.pos += n;
        match self.reference(0)? {
            Some(r) => {
                text.push_str(&self.src[save..save + n]);
                flush(text, nodes);
                nodes.push(Node::Ref(Box::new(r)));
            }
            None => self.pos = save,
        }
        Ok(())
    }

    /// The `[index]`, `.property` and `.method(args)` after a reference's name.
    fn ref_parts(&mut self) -> PResult<Vec<Part>> {
        let mut parts = Vec::new();
        loop {
            match self.peek() {
                Some(b'[') => {
                    let open = self.pos;
                    self.pos += 1;
                    self.ws();
                    let arg = self.index_param(open)?;
                    self.ws();
                    if self.peek() != Some(b']') {
                        return Err(self.err(
                            self.pos,
                            format!(
                                "expected ] to close the index opened here, found {}",
                                self.found(self.pos)
                            ),
                        ));
                    }
                    self.pos += 1;
                    parts.push(Part::Index(arg));
                }
                Some(b'.') if self.peek_at(1).is_some_and(|c| c.is_ascii_alphabetic()) => {
                    let start = self.pos + 1;
                    let n = lexer::identifier(&self.src[start..]);
                    let name = self.src[start..start + n].to_string();
                    self.pos = start + n;
                    if self.peek() == Some(b'(') && self.can_start_argument(self.pos + 1) {
                        let args = self.method_args()?;
                        parts.push(Part::Method(name, args));
                    } else {
                        parts.push(Part::Property(name));
                    }
                }
                _ => break,
            }
        }
        Ok(parts)
    }

    /// A reference at the cursor (`$`), or `None` (cursor unmoved) when it is not one.
    fn reference(&mut self, backslashes: usize) -> PResult<Option<Reference>> {
        let dollar = self.pos;
        let mut p = dollar + 1;
        let b = self.src.as_bytes();
        let quiet = b.get(p) == Some(&b'!');
        if quiet {
            p += 1;
        }
        let formal = b.get(p) == Some(&b'{');
        if formal {
            p += 1;
        }
        let id = lexer::identifier(&self.src[p..]);
        if id == 0 {
            return Ok(None);
        }
        if matches!(&self.src[p..p + id], "true" | "false") {
            // 1.7 lexes `true`/`false` after `$` as the boolean tokens: no such reference.
            return Err(self
                .err(
                    dollar,
                    format!(
                        "${} is not a valid reference in Velocity 1.7",
                        &self.src[p..p + id]
                    ),
                )
                .with_hint("true and false are keywords; pick another variable name"));
        }
        self.enter(dollar)?;
        let root = self.src[p..p + id].to_string();
        self.pos = p + id;
        let parts = self.ref_parts()?;
        if formal {
            if self.peek() != Some(b'}') {
                return Err(self
                    .err(self.pos, format!("expected }} to close ${{ at column {}, found {}", self.col_of(dollar), self.found(self.pos)))
                    .with_hint("a formal reference is ${name} or ${name.property}; to print ${ literally write \\${"));
            }
            self.pos += 1;
        }
        self.leave();
        Ok(Some(Reference {
            slot: self.names.intern(&root),
            root,
            parts,
            quiet,
            formal,
            backslashes,
            literal: self.src[dollar..self.pos].into(),
            pos: self.abs(dollar),
        }))
    }

    fn col_of(&self, pos: usize) -> usize {
        super::error::line_col(self.full, self.abs(pos)).1
    }

    fn ws(&mut self) -> bool {
        let n = lexer::whitespace(self.rest());
        self.pos += n;
        n > 0
    }

    /// `$a[ here ]`: a string, integer, boolean or reference.
    fn index_param(&mut self, open: usize) -> PResult<Expr> {
        let at = self.pos;
        let e = match self.peek() {
            Some(b'"' | b'\'') => self.string()?,
            Some(b'$') => self.ref_expr()?,
            Some(b'\\') if self.rest().trim_start_matches('\\').starts_with('$') => {
                self.ref_expr()?
            }
            Some(c) if c.is_ascii_digit() || c == b'-' => match lexer::number(self.rest()) {
                Some((n, NumKind::Integer)) => self.int_literal(n)?,
                _ => return Err(self.bad_index(at, open)),
            },
            _ => match self.keyword_bool() {
                Some(e) => e,
                None => return Err(self.bad_index(at, open)),
            },
        };
        Ok(e)
    }

    fn bad_index(&self, at: usize, open: usize) -> VtlError {
        self.err(at, format!("an index needs a number, a string or a reference, found {}", self.found(at)))
            .with_hint(format!(
                "write $x[0], $x[\"key\"] or $x[$i]; to print [ right after a reference write ${{x}}[ (column {})",
                self.col_of(open)
            ))
    }

    fn keyword_bool(&mut self) -> Option<Expr> {
        let w = lexer::word(self.rest());
        let v = match &self.rest()[..w] {
            "true" => true,
            "false" => false,
            _ => return None,
        };
        self.pos += w;
        Some(Expr::Lit(Lit::Bool(v)))
    }

    /// 1.7 takes `.name(` as a method call only when a token that can begin the arguments
    /// follows the `(` (its LOOKAHEAD(3)); otherwise `.name` is a property and `(` is text.
    fn can_start_argument(&self, at: usize) -> bool {
        match self.src.as_bytes().get(at) {
            None => false,
            Some(c) => c.is_ascii_alphanumeric() || b" \t\r\n\"'-.[{$)_\\".contains(c),
        }
    }

    /// `( param, param )` of a method call.
    fn method_args(&mut self) -> PResult<Vec<Expr>> {
        let open = self.pos;
        self.pos += 1;
        let mut args = Vec::new();
        if self.peek() == Some(b')') {
            self.pos += 1;
            return Ok(args);
        }
        loop {
            args.push(self.parameter()?);
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b')') => {
                    self.pos += 1;
                    return Ok(args);
                }
                None => return Err(self.err(open, "this method call's ( is never closed")),
                _ => {
                    return Err(self
                        .err(self.pos, format!("expected , or ) in the method call's arguments, found {}", self.found(self.pos)))
                        .with_hint("Velocity 1.7 takes only literals, references, lists and maps as method arguments, not expressions: #set a variable first"));
                }
            }
        }
    }

    /// `Parameter()`: a literal, range, list, map or reference, with optional spaces around.
    fn parameter(&mut self) -> PResult<Expr> {
        self.ws();
        let at = self.pos;
        let e = match self.peek() {
            Some(b'"' | b'\'') => self.string()?,
            Some(b'$') => self.ref_expr()?,
            Some(b'[') => self.list_or_range()?,
            Some(b'{') => self.map()?,
            Some(b'\\') if self.rest().trim_start_matches('\\').starts_with('$') => {
                self.ref_expr()?
            }
            Some(c) if c.is_ascii_digit() || c == b'-' || c == b'.' => {
                match lexer::number(self.rest()) {
                    Some((n, NumKind::Integer)) => self.int_literal(n)?,
                    Some((n, NumKind::Float)) => self.float_literal(n)?,
                    None => return Err(self.expected_value(at)),
                }
            }
            _ => match self.keyword_bool() {
                Some(e) => e,
                None => return Err(self.expected_value(at)),
            },
        };
        self.ws();
        Ok(e)
    }

    fn expected_value(&self, at: usize) -> VtlError {
        self.err(
            at,
            format!(
                "expected a value (string, number, reference, list or map), found {}",
                self.found(at)
            ),
        )
    }

    fn ref_expr(&mut self) -> PResult<Expr> {
        let at = self.pos;
        let bs = self.rest().bytes().take_while(|b| *b == b'\\').count();
        self.pos += bs;
        let after = &self.rest()[1..];
        for (word, v) in [("true", true), ("false", false)] {
            if after.starts_with(word) && lexer::identifier(after) == word.len() {
                self.pos += 1 + word.len();
                return Ok(Expr::Lit(Lit::Bool(v)));
            }
        }
        match self.reference(bs)? {
            Some(r) => Ok(Expr::Ref(Box::new(r))),
            None => Err(self.err(
                at,
                format!(
                    "expected a reference such as $name, found {}",
                    self.found(at)
                ),
            )),
        }
    }

    fn int_literal(&mut self, n: usize) -> PResult<Expr> {
        let at = self.pos;
        let text = &self.rest()[..n];
        self.pos += n;
        let v = match text.parse::<i128>() {
            Ok(i) => {
                if let Ok(i) = i32::try_from(i) {
                    Lit::Int(i)
                } else if let Ok(i) = i64::try_from(i) {
                    Lit::Long(i)
                } else {
                    Lit::BigInt(i)
                }
            }
            Err(_) => return Err(self.err(at, format!("the number {text} is too large"))),
        };
        Ok(Expr::Lit(v))
    }

    fn float_literal(&mut self, n: usize) -> PResult<Expr> {
        let at = self.pos;
        let text = &self.rest()[..n];
        self.pos += n;
        match text.parse::<f64>() {
            Ok(d) => Ok(Expr::Lit(Lit::Double(d))),
            Err(_) => Err(self.err(at, format!("{text} is not a number"))),
        }
    }

    /// A string literal; double-quoted ones with `$` or `#` inside are templates themselves.
    fn string(&mut self) -> PResult<Expr> {
        let at = self.pos;
        let quote = self.peek().unwrap_or(b'"') as char;
        let Some(n) = lexer::string_literal(self.rest()) else {
            return Err(self
                .err(
                    at,
                    format!("this string is never closed: no matching {quote}"),
                )
                .with_hint(if quote == '"' {
                    NO_BACKSLASH_ESCAPE
                } else {
                    "write two single quotes ('') for one inside a single-quoted string"
                }));
        };
        let body = &self.src[at + 1..at + n - 1];
        self.pos += n;
        if body.ends_with('\\') && quote == '"' {
            self.bad_quote = Some(self.pos);
        }
        let value = lexer::unquote(body, quote);
        if quote == '"' && (value.contains('$') || value.contains('#')) {
            let block = self.interpolated(&value, at + 1)?;
            return Ok(Expr::Interp(Arc::new(block), !value.contains("##")));
        }
        Ok(Expr::Lit(Lit::Str(value.into())))
    }

    fn interpolated(&mut self, value: &str, at: usize) -> PResult<Block> {
        self.enter(at)?;
        // 1.7 parses the value plus a space (so that a trailing `$` or `#` is text) and drops
        // the last character of the output. Positions map back to the string's start.
        let padded = format!("{value} ");
        let mut sub = Parser {
            full: self.full,
            src: &padded,
            base: self.abs(at),
            pos: 0,
            depth: self.depth,
            macros: std::mem::take(&mut self.macros),
            names: std::mem::take(&mut self.names),
            bad_quote: None,
            literal_next: false,
        };
        // Positions inside the string are relative to a different text: report them from `full`
        // only when the literal had no doubled quotes or escapes (then they coincide).
        let result = sub.nodes();
        self.macros = std::mem::take(&mut sub.macros);
        self.names = std::mem::take(&mut sub.names);
        self.leave();
        let (nodes, t) = result?;
        if let Some(t) = t {
            return Err(sub.stray(t));
        }
        Ok(Block { nodes })
    }

    /// `[a, b]` or `[n..m]`.
    fn list_or_range(&mut self) -> PResult<Expr> {
        let open = self.pos;
        self.pos += 1;
        self.ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Expr::List(Vec::new()));
        }
        // IntegerRange: `[ (ref | int) .. (ref | int) ]`
        let save = self.pos;
        if let Some(first) = self.range_end()? {
            self.ws();
            if self.rest().starts_with("..") {
                self.pos += 2;
                self.ws();
                let Some(last) = self.range_end()? else {
                    return Err(self.err(
                        self.pos,
                        format!(
                            "a range ends with an integer or a reference, found {}",
                            self.found(self.pos)
                        ),
                    ));
                };
                self.ws();
                if self.peek() != Some(b']') {
                    return Err(self.err(
                        self.pos,
                        format!(
                            "expected ] to close the range, found {}",
                            self.found(self.pos)
                        ),
                    ));
                }
                self.pos += 1;
                return Ok(Expr::Range(Box::new(first), Box::new(last)));
            }
        }
        self.pos = save;
        let mut items = Vec::new();
        loop {
            items.push(self.parameter()?);
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Expr::List(items));
                }
                None => return Err(self.err(open, "this list's [ is never closed")),
                _ => {
                    return Err(self.err(
                        self.pos,
                        format!(
                            "expected , or ] in the list, found {}",
                            self.found(self.pos)
                        ),
                    ));
                }
            }
        }
    }

    fn range_end(&mut self) -> PResult<Option<Expr>> {
        match self.peek() {
            Some(b'$') => Ok(Some(self.ref_expr()?)),
            Some(c) if c.is_ascii_digit() || c == b'-' => match lexer::number(self.rest()) {
                Some((n, NumKind::Integer)) => Ok(Some(self.int_literal(n)?)),
                _ => Ok(None),
            },
            _ => Ok(None),
        }
    }

    /// `{k : v, ...}`
    fn map(&mut self) -> PResult<Expr> {
        let open = self.pos;
        self.pos += 1;
        self.ws();
        let mut entries = Vec::new();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Expr::Map(entries));
        }
        loop {
            let k = self.parameter()?;
            if self.peek() != Some(b':') {
                return Err(self.err(
                    self.pos,
                    format!(
                        "expected : between a map key and its value, found {}",
                        self.found(self.pos)
                    ),
                ));
            }
            self.pos += 1;
            let v = self.parameter()?;
            entries.push((k, v));
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Expr::Map(entries));
                }
                None => return Err(self.err(open, "this map's { is never closed")),
                _ => {
                    return Err(self.err(
                        self.pos,
                        format!(
                            "expected , or }} in the map, found {}",
                            self.found(self.pos)
                        ),
                    ));
                }
            }
        }
    }

    /// `#` at the cursor: a comment, text block, directive, macro call, or text.
    fn hash(&mut self, text: &mut String, nodes: &mut Vec<Node>) -> PResult<Option<Terminator>> {
        let start = self.pos;
        let rest = self.rest();
        if let Some(body) = rest.strip_prefix("#[[") {
            let Some(end) = body.find("]]#") else {
                return Err(self.err(start, "#[[ is never closed with ]]#"));
            };
            text.push_str(&body[..end]);
            self.pos += 3 + end + 3;
            return Ok(None);
        }
        if let Some(comment) = rest.strip_prefix("#*") {
            // An unclosed comment runs to the end, as in 1.7.
            let len = comment.find("*#").map_or(rest.len(), |e| 2 + e + 2);
            self.comment_end_check(start, &rest[..len])?;
            self.pos += len;
            return Ok(None);
        }
        if rest.starts_with("##") {
            let line = rest.find(['\n', '\r']).map_or(rest.len(), |i| {
                if rest[i..].starts_with("\r\n") {
                    i + 2
                } else {
                    i + 1
                }
            });
            self.comment_end_check(start, &rest[..line])?;
            self.pos += line;
            return Ok(None);
        }
        let after = &rest[1..];
        let bw = lexer::bracketed_word(after);
        let w = if bw > 0 { bw } else { lexer::word(after) };
        if w == 0 {
            if let Some((n, _)) = lexer::number(after).filter(|_| !after.starts_with(['.', '-'])) {
                // `#1` is one token: what follows starts a new one.
                text.push_str(&rest[..1 + n]);
                self.pos += 1 + n;
                return Ok(None);
            }
            if self.prefix_swallowed(start + 1) {
                self.pos += 1;
                return Ok(None);
            }
            if after.starts_with('\\') {
                text.push('#');
                self.pos += 1;
                return self.backslash_then_dollar(text, nodes).map(|()| None);
            }
            if after.is_empty() {
                return Err(self
                    .err(start + 1, "Lexical error: the template ends right after #")
                    .with_hint("to print # at the very end, write #[[#]]#"));
            }
            text.push('#');
            self.pos += 1;
            return Ok(None);
        }
        let name = if bw > 0 {
            &after[1..bw - 1]
        } else {
            &after[..w]
        };
        self.pos += 1 + w;
        match name {
            "end" => {
                self.eat_line_end();
                Ok(Some(Terminator::End(start)))
            }
            "else" => {
                self.eat_line_end();
                Ok(Some(Terminator::Else(start)))
            }
            "elseif" => {
                let cond = self.paren_expr("#elseif", start)?;
                Ok(Some(Terminator::ElseIf(cond, start)))
            }
            "if" => {
                flush(text, nodes);
                nodes.push(self.if_statement(start)?);
                Ok(None)
            }
            _ => {
                flush(text, nodes);
                // After `$`, the name includes it: no directive or macro has such a name.
                let name = if std::mem::take(&mut self.literal_next) {
                    format!("${name}")
                } else {
                    name.to_string()
                };
                if let Some(n) = self.directive(name, start)? {
                    nodes.push(n);
                }
                Ok(None)
            }
        }
    }

    /// 1.7's lexer still sees `#` and `$` inside comments (as the start of a longer token), so a
    /// comment that reaches the end of the template right after one is a lexical error.
    fn comment_end_check(&self, start: usize, comment: &str) -> PResult<()> {
        let closed = comment.ends_with('\n')
            || comment.ends_with('\r')
            || (comment.starts_with("#*") && comment.len() >= 4 && comment.ends_with("*#"));
        if !closed
            && start + comment.len() == self.src.len()
            && comment.len() > 2
            && comment.ends_with(['#', '$'])
        {
            return Err(self
                .err(
                    self.src.len(),
                    "Lexical error: the template ends inside a comment right after # or $",
                )
                .with_hint(
                    "end the comment with a line break, or a space after the last character",
                ));
        }
        Ok(())
    }

    fn eat_line_end(&mut self) {
        self.pos += lexer::trailing_newline(self.rest());
    }

    /// `[ws] ( expression )` then the rest of the line if blank.
    fn paren_expr(&mut self, what: &str, start: usize) -> PResult<Expr> {
        self.ws();
        if self.peek() != Some(b'(') {
            return Err(self
                .err(
                    self.pos,
                    format!("expected ( after {what}, found {}", self.found(self.pos)),
                )
                .with_hint(format!(
                    "write {what}($condition); to print {what} as text, write \\{what}"
                )));
        }
        self.pos += 1;
        let e = self.expression()?;
        self.close_paren(what, start)?;
        Ok(e)
    }

    fn close_paren(&mut self, what: &str, start: usize) -> PResult<()> {
        self.ws();
        match self.peek() {
            Some(b')') => {
                self.pos += 1;
                self.eat_line_end();
                Ok(())
            }
            None => Err(self.err(start, format!("the ( of {what} is never closed"))),
            _ => Err(self.err(
                self.pos,
                format!("expected ) to close {what}, found {}", self.found(self.pos)),
            )),
        }
    }

    fn if_statement(&mut self, start: usize) -> PResult<Node> {
        let mut branches = Vec::new();
        let mut cond = self.paren_expr("#if", start)?;
        let mut otherwise = None;
        self.enter(start)?;
        loop {
            let (nodes, t) = self.nodes()?;
            branches.push((cond, Block { nodes }));
            match t {
                Some(Terminator::ElseIf(c, _)) => cond = c,
                Some(Terminator::Else(else_pos)) => {
                    let (nodes, t) = self.nodes()?;
                    otherwise = Some(Block { nodes });
                    match t {
                        Some(Terminator::End(_)) => break,
                        Some(other @ (Terminator::Else(_) | Terminator::ElseIf(..))) => {
                            return Err(self.stray(other).with_hint(format!(
                                "an #if has at most one #else (the one at column {}), and #elseif comes before it",
                                self.col_of(else_pos)
                            )));
                        }
                        _ => return Err(self.unclosed("#if", start)),
                    }
                }
                Some(Terminator::End(_)) => break,
                None => return Err(self.unclosed("#if", start)),
            }
        }
        self.leave();
        Ok(Node::If {
            branches,
            otherwise,
            pos: self.abs(start),
        })
    }

    /// `#set( $ref = expression )`
    fn set(&mut self) -> PResult<Node> {
        let n = lexer::set_directive(self.rest());
        let hash = self.pos + self.rest().find('#').unwrap_or(0);
        self.pos += n;
        self.ws();
        if self.peek() != Some(b'$') {
            return Err(self
                .err(
                    self.pos,
                    format!(
                        "#set needs a reference to assign to, found {}",
                        self.found(self.pos)
                    ),
                )
                .with_hint("write #set($name = value)"));
        }
        let Some(target) = self.reference(0)? else {
            return Err(self
                .err(self.pos, "#set needs a reference such as $name")
                .with_hint("write #set($name = value)"));
        };
        self.ws();
        if self.peek() != Some(b'=') {
            return Err(self
                .err(
                    self.pos,
                    format!("expected = in #set, found {}", self.found(self.pos)),
                )
                .with_hint("write #set($name = value)"));
        }
        self.pos += 1;
        let value = self.expression()?;
        self.close_paren("#set", hash)?;
        Ok(Node::Set {
            target: Box::new(target),
            value,
            pos: self.abs(hash),
        })
    }

    /// Any other `#word`: a built-in directive, a macro call, or text.
    fn directive(&mut self, name: String, start: usize) -> PResult<Option<Node>> {
        let has_paren = {
            let ws = lexer::whitespace(self.rest());
            self.src.as_bytes().get(self.pos + ws) == Some(&b'(')
        };
        let pos = self.abs(start);
        match name.as_str() {
            "foreach" => self.foreach(start, has_paren).map(Some),
            "macro" => self.macro_def(start, has_paren).map(|()| None),
            "define" => {
                let args = self.require_args("#define", start, has_paren)?;
                let slot = match args.as_slice() {
                    [DirArg::Expr(Expr::Ref(r))] if r.parts.is_empty() => r.slot,
                    _ => {
                        return Err(self.err(
                            start,
                            "#define takes one reference: #define($name) ... #end",
                        ));
                    }
                };
                let body = self.block_until_end("#define", start)?;
                Ok(Some(Node::Define {
                    slot,
                    body: Arc::new(body),
                    pos,
                }))
            }
            "literal" => {
                if has_paren {
                    self.args("#literal", start)?;
                }
                let body_start = self.pos;
                self.block_until_end("#literal", start)?;
                let body_end = self.src[..self.pos]
                    .rfind("#end")
                    .or_else(|| self.src[..self.pos].rfind("#{end}"))
                    .unwrap_or(self.pos);
                Ok(Some(Node::Literal(
                    self.src[body_start..body_end.max(body_start)].to_string(),
                )))
            }
            "break" | "stop" => {
                let args = if has_paren {
                    self.args(&format!("#{name}"), start)?
                } else {
                    Vec::new()
                };
                let scope = args.into_iter().next().map(|a| match a {
                    DirArg::Expr(e) => e,
                    DirArg::Word(w) => Expr::Lit(Lit::Str(w.into())),
                });
                Ok(Some(if name == "break" {
                    Node::Break { pos, scope }
                } else {
                    Node::Stop { pos }
                }))
            }
            "evaluate" => {
                let args = self.require_args("#evaluate", start, has_paren)?;
                match args.into_iter().next() {
                    Some(DirArg::Expr(arg)) => Ok(Some(Node::Evaluate { arg, pos })),
                    _ => Err(self.err(start, "#evaluate takes one argument: #evaluate($string)")),
                }
            }
            "include" | "parse" => {
                let directive = if name == "include" {
                    "include"
                } else {
                    "parse"
                };
                let arg = if has_paren {
                    self.args(&format!("#{name}"), start)?
                        .into_iter()
                        .find_map(|a| match a {
                            DirArg::Expr(e) => Some(e),
                            DirArg::Word(_) => None,
                        })
                } else {
                    None
                };
                Ok(Some(Node::Resource {
                    directive,
                    arg,
                    pos,
                }))
            }
            _ => {
                let args = if has_paren {
                    self.args(&format!("#{name}"), start)?
                } else {
                    Vec::new()
                };
                // An unknown name prints as written, including the line end the `)` took.
                let literal: Arc<str> = self.src[start..self.pos].into();
                let args = args
                    .into_iter()
                    .map(|a| match a {
                        DirArg::Expr(e) => e,
                        DirArg::Word(w) => Expr::Lit(Lit::Str(w.into())),
                    })
                    .collect();
                // `#@name(...)` is a block macro call: its body becomes `$bodyContent`.
                let (name, body) = match name.strip_prefix('@') {
                    Some(n) => {
                        let body = self.block_until_end(&format!("#{name}"), start)?;
                        (n.to_string(), Some(Arc::new(body)))
                    }
                    None => (name, None),
                };
                Ok(Some(Node::Call {
                    name,
                    args,
                    literal,
                    body,
                    pos,
                }))
            }
        }
    }

    fn require_args(&mut self, what: &str, start: usize, has_paren: bool) -> PResult<Vec<DirArg>> {
        if !has_paren {
            return Err(self
                .err(
                    self.pos,
                    format!("{what} needs its arguments in parentheses"),
                )
                .with_hint(format!(
                    "write {what}(...); to print {what} as text, write \\{what}"
                )));
        }
        self.args(what, start)
    }

    /// `( arg arg, arg )`: directive arguments, separated by spaces or commas.
    fn args(&mut self, what: &str, start: usize) -> PResult<Vec<DirArg>> {
        self.ws();
        self.pos += 1; // (
        let mut args = Vec::new();
        loop {
            self.ws();
            if self.peek() == Some(b',') && !args.is_empty() {
                self.pos += 1;
                self.ws();
            }
            match self.peek() {
                Some(b')') => {
                    self.pos += 1;
                    self.eat_line_end();
                    return Ok(args);
                }
                None => return Err(self.err(start, format!("the ( of {what} is never closed"))),
                _ => {}
            }
            let w = lexer::word(self.rest());
            let word = &self.rest()[..w];
            if w > 0 && word != "true" && word != "false" {
                // Bare words are arguments only where 1.7 allows them: `#foreach($x in ...)`,
                // a `#macro` name, and calls of names that are not (yet) macros.
                let i = args.len();
                let name = what.trim_start_matches('#');
                let allowed = match name {
                    "foreach" => i == 1,
                    "macro" => i == 0,
                    "define" | "evaluate" | "include" | "parse" | "break" | "stop" | "literal" => {
                        false
                    }
                    _ => !self.macros.contains_key(name),
                };
                if !allowed {
                    let kind = if DIRECTIVES.contains(&name) {
                        "directive"
                    } else {
                        "VM"
                    };
                    return Err(self
                        .err(self.pos, format!("Invalid arg #{i} in {kind} {what}"))
                        .with_hint("bare words are not values: quote strings (\"text\") and start variables with $"));
                }
                args.push(DirArg::Word(word.to_string()));
                self.pos += w;
                continue;
            }
            let at = self.pos;
            let e = self.parameter().map_err(|e| {
                if e.line == super::error::line_col(self.full, self.abs(at)).0 {
                    e.with_hint(format!("{what} takes values separated by spaces or commas; Velocity 1.7 allows no operators there"))
                } else {
                    e
                }
            })?;
            args.push(DirArg::Expr(e));
        }
    }

    fn foreach(&mut self, start: usize, has_paren: bool) -> PResult<Node> {
        let args = self.require_args("#foreach", start, has_paren)?;
        let mut it = args.into_iter();
        let (var, iterable) = match (it.next(), it.next(), it.next(), it.next()) {
            (
                Some(DirArg::Expr(Expr::Ref(r))),
                Some(DirArg::Word(w)),
                Some(DirArg::Expr(e)),
                None,
            ) if w == "in" && r.parts.is_empty() => ((r.root.clone(), r.slot), e),
            _ => {
                // Velocity 1.7 accepts it and renders nothing: keep the body parsed, drop it.
                self.block_until_end("#foreach", start)?;
                return Ok(Node::Text(String::new()));
            }
        };
        let body = self.block_until_end("#foreach", start)?;
        let (var, slot) = var;
        Ok(Node::Foreach {
            var,
            slot,
            iterable,
            body,
            pos: self.abs(start),
        })
    }

    fn macro_def(&mut self, start: usize, has_paren: bool) -> PResult<()> {
        if !has_paren {
            return Err(self
                .err(
                    start,
                    "A macro declaration requires at least a name argument",
                )
                .with_hint("write #macro(name $arg1 $arg2) ... #end"));
        }
        let args = self.args("#macro", start)?;
        let mut it = args.into_iter();
        let name = match it.next() {
            Some(DirArg::Word(w)) => w,
            _ => {
                return Err(self
                    .err(start, "Invalid first arg in #macro() directive - must be a word token (no ' or \" surrounding)")
                    .with_hint("write #macro(name $arg1 $arg2) ... #end"));
            }
        };
        let mut params = Vec::new();
        for a in it {
            match a {
                DirArg::Expr(Expr::Ref(r)) if r.parts.is_empty() => params.push(r.root.clone()),
                _ => {
                    return Err(self.err(
                        start,
                        format!(
                            "the parameters of macro {name} must be plain references such as $arg"
                        ),
                    ));
                }
            }
        }
        let body = self.block_until_end("#macro", start)?;
        self.macros.entry(name).or_insert_with(|| {
            Arc::new(MacroDef {
                params,
                body: Arc::new(body),
            })
        });
        Ok(())
    }

    // ---- expressions (inside #if, #elseif, #set) ----

    fn expression(&mut self) -> PResult<Expr> {
        self.enter(self.pos)?;
        let e = self.binary(0);
        self.leave();
        e
    }

    /// Precedence climbing over Velocity's levels: or, and, equality, relational, additive,
    /// multiplicative.
    fn binary(&mut self, level: u8) -> PResult<Expr> {
        if level == 6 {
            return self.unary();
        }
        let mut left = self.binary(level + 1)?;
        loop {
            self.ws();
            let at = self.pos;
            let Some((op, len)) = self.operator() else {
                break;
            };
            if op_level(op) != level {
                break;
            }
            self.pos += len;
            let right = self.binary(level + 1)?;
            left = Expr::Binary(op, Box::new(left), Box::new(right), self.abs(at));
        }
        Ok(left)
    }

    fn operator(&self) -> Option<(BinOp, usize)> {
        let r = self.rest();
        let sym = [
            ("||", BinOp::Or),
            ("&&", BinOp::And),
            ("==", BinOp::Eq),
            ("!=", BinOp::Ne),
            ("<=", BinOp::Le),
            (">=", BinOp::Ge),
            ("<", BinOp::Lt),
            (">", BinOp::Gt),
            ("+", BinOp::Add),
            ("*", BinOp::Mul),
            ("/", BinOp::Div),
            ("%", BinOp::Mod),
        ];
        for (s, op) in sym {
            if r.starts_with(s) {
                return Some((op, s.len()));
            }
        }
        if r.starts_with('-') {
            // `-1` is a negative literal, not minus: `5-1` does not parse in 1.7.
            return match lexer::number(r) {
                Some(_) => None,
                None => Some((BinOp::Sub, 1)),
            };
        }
        let w = lexer::word(r);
        let op = match &r[..w] {
            "or" => BinOp::Or,
            "and" => BinOp::And,
            "eq" => BinOp::Eq,
            "ne" => BinOp::Ne,
            "lt" => BinOp::Lt,
            "le" => BinOp::Le,
            "gt" => BinOp::Gt,
            "ge" => BinOp::Ge,
            _ => return None,
        };
        Some((op, w))
    }

    fn unary(&mut self) -> PResult<Expr> {
        self.ws();
        if self.peek() == Some(b'!') && self.peek_at(1) != Some(b'=') {
            self.pos += 1;
            let inner = self.unary()?;
            return Ok(Expr::Not(Box::new(inner)));
        }
        let w = lexer::word(self.rest());
        if &self.rest()[..w] == "not" {
            self.pos += w;
            let inner = self.unary()?;
            return Ok(Expr::Not(Box::new(inner)));
        }
        self.primary()
    }

    fn primary(&mut self) -> PResult<Expr> {
        self.ws();
        let at = self.pos;
        let e = match self.peek() {
            Some(b'(') => {
                self.pos += 1;
                let e = self.expression()?;
                self.ws();
                if self.peek() != Some(b')') {
                    return Err(self.err(
                        self.pos,
                        format!(
                            "expected ) to close the ( at column {}, found {}",
                            self.col_of(at),
                            self.found(self.pos)
                        ),
                    ));
                }
                self.pos += 1;
                Expr::Group(Box::new(e))
            }
            Some(b'-') if lexer::number(self.rest()).is_none() => {
                return Err(self
                    .err(at, "Velocity 1.7 has no unary minus")
                    .with_hint("write 0 - $x, or a negative literal such as -1"));
            }
            Some(b'=') => {
                return Err(self
                    .err(at, "unexpected = in an expression")
                    .with_hint("compare with ==; assign with #set($x = ...)"));
            }
            _ => self.parameter_value(at)?,
        };
        self.ws();
        if let Some(c) = self.peek()
            && (c.is_ascii_digit() || (c == b'-' && lexer::number(self.rest()).is_some()))
        {
            let hint = if c == b'-' {
                "put spaces around minus: $a - 1 (a - glued to digits is a negative number)"
            } else {
                "an operator is missing between the two values"
            };
            return Err(self
                .err(
                    self.pos,
                    format!("unexpected number {}", self.found(self.pos)),
                )
                .with_hint(hint));
        }
        Ok(e)
    }

    fn parameter_value(&mut self, at: usize) -> PResult<Expr> {
        match self.peek() {
            Some(b'"' | b'\'' | b'$' | b'[' | b'{' | b'\\') => self.parameter(),
            Some(c) if c.is_ascii_digit() || c == b'-' || c == b'.' => self.parameter(),
            _ => match self.keyword_bool() {
                Some(e) => Ok(e),
                None => {
                    let w = lexer::word(self.rest());
                    let mut e = self.err(at, format!("expected a value, found {}", self.found(at)));
                    if w > 0 {
                        e = e.with_hint("bare words are not values in Velocity: quote strings (\"text\") and start variables with $");
                    }
                    Err(e)
                }
            },
        }
    }
}

enum DirArg {
    Word(String),
    Expr(Expr),
}

fn op_level(op: BinOp) -> u8 {
    match op {
        BinOp::Or => 0,
        BinOp::And => 1,
        BinOp::Eq | BinOp::Ne => 2,
        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => 3,
        BinOp::Add | BinOp::Sub => 4,
        BinOp::Mul | BinOp::Div | BinOp::Mod => 5,
    }
}

fn flush(text: &mut String, nodes: &mut Vec<Node>) {
    if !text.is_empty() {
        nodes.push(Node::Text(std::mem::take(text)));
    }
}

/// Whether 1.7's lexer is still in its REFMODIFIER state after this reference (it ended with
/// `.name`, possibly followed by `[...]`), where `##` is not a comment.
fn ends_in_refmodifier(r: &Reference) -> bool {
    !r.formal
        && matches!(
            r.parts.iter().rev().find(|p| !matches!(p, Part::Index(_))),
            Some(Part::Property(_))
        )
}
