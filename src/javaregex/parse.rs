//! A Java pattern parser that writes fancy-regex syntax.
//!
//! It follows the structure of `java.util.regex.Pattern`'s own recursive-descent parser (the
//! `\Q…\E` pre-pass, `expr` / `sequence` / `closure` / `clazz` / `escape`), so it accepts and
//! rejects what Java does, with Java's error description and index. Flags are resolved here, at
//! translation time: the output never relies on fancy-regex's reading of `(?i)`, `.`, `$`, `\w`,
//! so the dialect differences measured in crates.md §5 cannot leak through.

use super::PatternError;
use super::charclass::{self as cc, Set};

pub(crate) const CASE_INSENSITIVE: u16 = 1 << 0;
pub(crate) const UNIX_LINES: u16 = 1 << 1;
pub(crate) const MULTILINE: u16 = 1 << 2;
pub(crate) const DOTALL: u16 = 1 << 3;
pub(crate) const UNICODE_CASE: u16 = 1 << 4;
pub(crate) const COMMENTS: u16 = 1 << 5;
pub(crate) const UNICODE_CHARACTER_CLASS: u16 = 1 << 6;
pub(crate) const CANON_EQ: u16 = 1 << 7;

const MAX_REPS: u64 = 0x7FFF_FFFF;
/// A zero-width assertion that never holds.
const NEVER: &str = "(?!)";
/// A character that never matches (an empty class; unlike `(?!)` it can be repeated).
const NEVER_CHAR: &str = r"[^\x{0}-\x{10FFFF}]";
const LINE_BREAK: &str = r"(?:\r\n|[\n\x{B}\x{C}\r\x{85}\x{2028}\x{2029}])";

/// Java recurses once per nesting level; deeper patterns get an error instead of a stack overflow.
const MAX_DEPTH: usize = 200;

/// A translated pattern.
#[derive(Debug, Clone)]
pub(crate) struct Translation {
    /// fancy-regex syntax for the pattern (unanchored; the caller wraps it for `matches`).
    pub fancy: String,
    /// For `matches()` when a top-level branch ends in a redundant `$` (None: same as `fancy`).
    pub fancy_whole: Option<String>,
    /// For `matches()` of a pattern with Java's `\b`: the translation with fancy-regex's `\b`,
    /// valid for texts without characters on which the two word definitions differ
    /// ([`cc::word_definitions_differ`]), e.g. any ASCII text.
    pub fancy_whole_native_b: Option<String>,
    /// For a pattern with `\G`: the translation with `\G` failing. Java's `\G` is the end of the
    /// previous match; after an empty match the next search starts one character later, where
    /// `\G` can no longer hold, while fancy-regex's `\G` would hold at the new start.
    pub fancy_without_g: Option<String>,
    pub group_count: usize,
    pub group_names: Vec<(String, usize)>,
}

pub(crate) fn translate(pattern: &str, flags: u16) -> Result<Translation, PatternError> {
    // First pass only counts groups, so a back reference knows whether its group will exist.
    let mut counter = Parser::new(pattern, flags, usize::MAX);
    counter.run()?;
    let mut parser = Parser::new(pattern, flags, counter.groups);
    let fancy = parser.run()?;
    let fancy_whole = if parser.trailing_dollar {
        let mut again = Parser::new(pattern, flags, counter.groups);
        again.whole_match = true;
        Some(again.run()?)
    } else {
        None
    };
    let fancy_whole_native_b = if parser.saw_boundary {
        let mut again = Parser::new(pattern, flags, counter.groups);
        again.whole_match = true;
        again.native_boundary = true;
        Some(again.run()?)
    } else {
        None
    };
    let fancy_without_g = if parser.saw_g {
        let mut again = Parser::new(pattern, flags, counter.groups);
        again.g_fails = true;
        Some(again.run()?)
    } else {
        None
    };
    Ok(Translation {
        fancy,
        fancy_whole,
        fancy_whole_native_b,
        fancy_without_g,
        group_count: parser.groups,
        group_names: parser.names,
    })
}

/// One parsed element: its fancy-regex text and its length bounds (for look-behind checks).
struct Piece {
    re: String,
    min: u64,
    max: Option<u64>,
}

impl Piece {
    fn new(re: String, min: u64, max: Option<u64>) -> Piece {
        Piece { re, min, max }
    }
    fn zero_width(re: impl Into<String>) -> Piece {
        Piece::new(re.into(), 0, Some(0))
    }
    fn one(re: String) -> Piece {
        Piece::new(re, 1, Some(1))
    }
}

struct Parser<'a> {
    original: &'a str,
    /// The pattern after the `\Q…\E` pre-pass, with two NUL sentinels (as Java's `temp`).
    t: Vec<char>,
    len: usize,
    cur: usize,
    flags: u16,
    groups: usize,
    total_groups: usize,
    names: Vec<(String, usize)>,
    saw_g: bool,
    g_fails: bool,
    /// Translating for `matches()` (wrapped in `\A(?:…)\z`).
    whole_match: bool,
    /// Emit fancy-regex's `\b` for Java's (non-Unicode) `\b`.
    native_boundary: bool,
    saw_boundary: bool,
    trailing_dollar: bool,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn new(original: &'a str, flags: u16, total_groups: usize) -> Self {
        let mut t = remove_qe_quoting(&original.chars().collect::<Vec<_>>());
        let len = t.len();
        t.extend(['\0', '\0']);
        Parser {
            original,
            t,
            len,
            cur: 0,
            flags,
            groups: 0,
            total_groups,
            names: Vec::new(),
            saw_g: false,
            g_fails: false,
            whole_match: false,
            native_boundary: false,
            saw_boundary: false,
            trailing_dollar: false,
            depth: 0,
        }
    }

    fn run(&mut self) -> Result<String, PatternError> {
        let piece = self.expr()?;
        if self.cur != self.len {
            let msg = if self.peek() == ')' {
                "Unmatched closing ')'"
            } else {
                "Unexpected internal error"
            };
            return Err(self.error(msg));
        }
        Ok(piece.re)
    }

    // ----- low-level reading, as Java's peek / read / next / skip / unread -----

    fn has(&self, f: u16) -> bool {
        self.flags & f != 0
    }

    fn at(&self, i: usize) -> char {
        self.t.get(i).copied().unwrap_or('\0')
    }

    fn peek(&mut self) -> char {
        let ch = self.at(self.cur);
        if self.has(COMMENTS) {
            return self.peek_past_whitespace(ch);
        }
        ch
    }

    fn read(&mut self) -> char {
        let ch = self.peek();
        self.cur += 1;
        ch
    }

    fn next(&mut self) -> char {
        self.cur += 1;
        self.peek()
    }

    fn next_escaped(&mut self) -> char {
        self.cur += 1;
        self.at(self.cur)
    }

    fn skip(&mut self) -> char {
        let ch = self.at(self.cur + 1);
        self.cur += 2;
        ch
    }

    fn unread(&mut self) {
        self.cur -= 1;
    }

    fn peek_past_whitespace(&mut self, mut ch: char) -> char {
        while is_java_space(ch) || ch == '#' {
            while is_java_space(ch) {
                self.cur += 1;
                ch = self.at(self.cur);
            }
            if ch == '#' {
                self.cur += 1;
                ch = self.at(self.cur);
                while (ch != '\0' || self.cur < self.len) && !self.is_line_separator(ch) {
                    self.cur += 1;
                    ch = self.at(self.cur);
                }
            }
        }
        ch
    }

    fn is_line_separator(&self, ch: char) -> bool {
        if self.has(UNIX_LINES) {
            ch == '\n'
        } else {
            matches!(ch, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
        }
    }

    fn error(&self, description: &str) -> PatternError {
        PatternError {
            description: description.to_string(),
            index: self.cur.checked_sub(1),
            pattern: self.original.to_string(),
        }
    }

    /// A non-multiline `$` just read ends a top-level branch: under `matches()` it is redundant.
    fn ends_whole_match(&mut self) -> bool {
        if self.has(MULTILINE) || self.depth != 1 {
            return false;
        }
        let save = self.cur;
        let next = self.peek();
        let ends = (next == '\0' && self.at_end()) || next == '|';
        self.cur = save;
        ends
    }

    fn at_end(&self) -> bool {
        self.cur >= self.len
    }

    // ----- structure -----

    /// Alternation.
    fn expr(&mut self) -> Result<Piece, PatternError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error("Pattern nested too deeply for apigw-lab"));
        }
        let mut branches = vec![self.sequence()?];
        while self.peek() == '|' {
            self.next();
            branches.push(self.sequence()?);
        }
        self.depth -= 1;
        if branches.len() == 1 {
            return Ok(branches.pop().expect("one branch"));
        }
        let min = branches.iter().map(|b| b.min).min().unwrap_or(0);
        let max = branches
            .iter()
            .try_fold(0u64, |acc, b| b.max.map(|m| acc.max(m)));
        let re = branches
            .iter()
            .map(|b| b.re.as_str())
            .collect::<Vec<_>>()
            .join("|");
        Ok(Piece::new(format!("(?:{re})"), min, max))
    }

    /// Concatenation of quantified atoms, up to `|`, `)` or the end.
    fn sequence(&mut self) -> Result<Piece, PatternError> {
        let mut re = String::new();
        let (mut min, mut max) = (0u64, Some(0u64));
        loop {
            let ch = self.peek();
            let node = match ch {
                '(' => match self.group()? {
                    Some(p) => p,
                    None => continue, // inline flags only
                },
                '[' => {
                    let set = self.clazz(true)?;
                    Piece::one(cc::emit(&set))
                }
                '\\' => self.escape_atom()?,
                '^' => {
                    self.next();
                    Piece::zero_width(self.caret())
                }
                '$' => {
                    self.next();
                    if self.ends_whole_match() {
                        // `$` right before the `\z` of `matches()` adds nothing, and as a
                        // look-around it would force fancy-regex's backtracking VM.
                        self.trailing_dollar = true;
                        if self.whole_match {
                            continue;
                        }
                    }
                    Piece::zero_width(self.dollar(self.has(MULTILINE)))
                }
                '.' => {
                    self.next();
                    Piece::one(self.dot())
                }
                '|' | ')' => break,
                '?' | '*' | '+' => {
                    self.next();
                    return Err(self.error(&format!("Dangling meta character '{ch}'")));
                }
                '\0' if self.at_end() => break,
                '{' => Piece::zero_width(""), // an empty atom: `{2}` repeats nothing, `{x` fails below
                _ => {
                    self.next();
                    Piece::one(self.literal(ch))
                }
            };
            let node = self.closure(node)?;
            re.push_str(&node.re);
            min = min.saturating_add(node.min);
            max = max.zip(node.max).map(|(a, b)| a.saturating_add(b));
        }
        Ok(Piece::new(re, min, max))
    }

    /// A quantifier after `node`, if any.
    fn closure(&mut self, node: Piece) -> Result<Piece, PatternError> {
        let (lo, hi) = match self.peek() {
            '?' => {
                self.next();
                (0, Some(1))
            }
            '*' => {
                self.next();
                (0, None)
            }
            '+' => {
                self.next();
                (1, None)
            }
            '{' => {
                if !self.at(self.cur + 1).is_ascii_digit() {
                    self.cur += 2; // Java reports the character after `{`
                    return Err(self.error("Illegal repetition"));
                }
                self.counted()?
            }
            _ => return Ok(node),
        };
        if node.re.is_empty() {
            // `{2}` after nothing: Java repeats an empty atom, which matches the empty string.
            if matches!(self.peek(), '?' | '+') {
                self.next();
            }
            return Ok(node);
        }
        if node.max == Some(0) {
            return Ok(self.repeat_zero_width(node, lo));
        }
        // Java repeats `\R` without backtracking into it (a deterministic `Curly`).
        let body = if node.re == LINE_BREAK {
            format!("(?>{})", node.re)
        } else {
            format!("(?:{})", node.re)
        };
        let count = match (lo, hi) {
            (0, Some(1)) => "?".to_string(),
            (0, None) => "*".to_string(),
            (1, None) => "+".to_string(),
            (n, None) => format!("{{{n},}}"),
            (n, Some(m)) if n == m => format!("{{{n}}}"),
            (n, Some(m)) => format!("{{{n},{m}}}"),
        };
        // Java's TreeInfo: an unbounded repeat counts as MAX_REPS (2^31 - 1); only an `int`
        // overflow makes the length unknown (which look-behind rejects).
        let min = node.min.saturating_mul(lo);
        let max = node
            .max
            .map(|a| a * hi.unwrap_or(MAX_REPS))
            .filter(|&m| m <= MAX_REPS);
        let re = match self.peek() {
            '?' => {
                self.next();
                format!("{body}{count}?")
            }
            '+' => {
                self.next();
                format!("(?>{body}{count})")
            }
            _ => format!("{body}{count}"),
        };
        Ok(Piece::new(re, min, max))
    }

    /// A repeated zero-width element (look-around, anchor, empty group): repeating it changes
    /// nothing, so it is tried once (`lo > 0`) or optionally. fancy-regex refuses to repeat a
    /// look-around, so the optional form is an alternation.
    fn repeat_zero_width(&mut self, node: Piece, lo: u64) -> Piece {
        let re = match self.peek() {
            '?' => {
                self.next();
                if lo > 0 {
                    format!("(?:{})", node.re)
                } else {
                    format!("(?:|{})", node.re)
                }
            }
            '+' => {
                self.next();
                if lo > 0 {
                    format!("(?>{})", node.re)
                } else {
                    format!("(?>{}|)", node.re)
                }
            }
            _ if lo > 0 => format!("(?:{})", node.re),
            _ => format!("(?:{}|)", node.re),
        };
        Piece::zero_width(re)
    }

    /// `{n}`, `{n,}`, `{n,m}`; the cursor is on `{`.
    fn counted(&mut self) -> Result<(u64, Option<u64>), PatternError> {
        self.cur += 1; // past '{', onto the first digit
        let mut ch = self.read();
        let mut cmin: u64 = 0;
        while ch.is_ascii_digit() {
            cmin = cmin * 10 + u64::from(ch as u8 - b'0');
            if cmin > i32::MAX as u64 {
                return Err(self.error("Illegal repetition range"));
            }
            ch = self.read();
        }
        let mut cmax = Some(cmin);
        if ch == ',' {
            ch = self.read();
            cmax = None;
            if ch != '}' {
                let mut m: u64 = 0;
                while ch.is_ascii_digit() {
                    m = m * 10 + u64::from(ch as u8 - b'0');
                    if m > i32::MAX as u64 {
                        return Err(self.error("Illegal repetition range"));
                    }
                    ch = self.read();
                }
                cmax = Some(m);
            }
        }
        if ch != '}' {
            return Err(self.error("Unclosed counted closure"));
        }
        if cmax.is_some_and(|m| m < cmin) {
            return Err(self.error("Illegal repetition range"));
        }
        Ok((cmin, cmax))
    }

    /// `(…)` in all its forms; `None` for a flags-only group such as `(?i)`.
    fn group(&mut self) -> Result<Option<Piece>, PatternError> {
        let saved = self.flags;
        let ch = self.next();
        let piece = if ch == '?' {
            let kind = self.skip();
            match kind {
                ':' => {
                    let body = self.expr()?;
                    Piece::new(format!("(?:{})", body.re), body.min, body.max)
                }
                '=' | '!' => {
                    let body = self.expr()?;
                    Piece::zero_width(format!("(?{kind}{})", body.re))
                }
                '>' => {
                    let body = self.expr()?;
                    Piece::new(format!("(?>{})", body.re), body.min, body.max)
                }
                '<' => {
                    let ch = self.read();
                    if ch != '=' && ch != '!' {
                        self.named_group(ch)?
                    } else {
                        let body = self.expr()?;
                        if body.max.is_none() {
                            return Err(self.error(
                                "Look-behind group does not have an obvious maximum length",
                            ));
                        }
                        Piece::zero_width(format!("(?<{ch}{})", body.re))
                    }
                }
                '$' | '@' => return Err(self.error("Unknown group type")),
                _ => {
                    self.unread();
                    self.add_flags();
                    let ch = self.read();
                    if ch == ')' {
                        return Ok(None);
                    }
                    if ch != ':' {
                        return Err(self.error("Unknown inline modifier"));
                    }
                    let body = self.expr()?;
                    Piece::new(format!("(?:{})", body.re), body.min, body.max)
                }
            }
        } else {
            self.groups += 1;
            let body = self.expr()?;
            Piece::new(format!("({})", body.re), body.min, body.max)
        };
        if self.read() != ')' {
            return Err(self.error("Unclosed group"));
        }
        self.flags = saved;
        Ok(Some(piece))
    }

    fn named_group(&mut self, first: char) -> Result<Piece, PatternError> {
        let name = self.group_name(first)?;
        if self.names.iter().any(|(n, _)| *n == name) {
            return Err(self.error(&format!(
                "Named capturing group <{name}> is already defined"
            )));
        }
        self.groups += 1;
        self.names.push((name.clone(), self.groups));
        let body = self.expr()?;
        Ok(Piece::new(
            format!("(?<{name}>{})", body.re),
            body.min,
            body.max,
        ))
    }

    fn group_name(&mut self, mut ch: char) -> Result<String, PatternError> {
        if !ch.is_ascii_alphabetic() {
            return Err(self.error("capturing group name does not start with a Latin letter"));
        }
        let mut name = String::new();
        while ch.is_ascii_alphanumeric() {
            name.push(ch);
            ch = self.read();
        }
        if ch != '>' {
            return Err(self.error("named capturing group is missing trailing '>'"));
        }
        Ok(name)
    }

    fn add_flags(&mut self) {
        let mut ch = self.peek();
        let mut on = true;
        loop {
            let bit = match ch {
                'i' => CASE_INSENSITIVE,
                'm' => MULTILINE,
                's' => DOTALL,
                'd' => UNIX_LINES,
                'u' => UNICODE_CASE,
                'c' => CANON_EQ,
                'x' => COMMENTS,
                'U' => UNICODE_CHARACTER_CLASS | UNICODE_CASE,
                '-' if on => {
                    on = false;
                    ch = self.next();
                    continue;
                }
                _ => return,
            };
            if on {
                self.flags |= bit;
            } else {
                self.flags &= !bit;
            }
            ch = self.next();
        }
    }

    // ----- atoms -----

    fn literal(&self, c: char) -> String {
        match (self.has(CASE_INSENSITIVE), self.has(UNICODE_CASE)) {
            (true, true) => cc::emit(&cc::case_fold_unicode_char(c)),
            (true, false) => cc::emit(&cc::case_fold_ascii(cc::single(c))),
            _ => cc::literal(c),
        }
    }

    fn dot(&self) -> String {
        if self.has(DOTALL) {
            cc::emit(&cc::any())
        } else {
            cc::emit(&cc::dot(self.has(UNIX_LINES)))
        }
    }

    fn caret(&self) -> String {
        if !self.has(MULTILINE) {
            return r"\A".to_string();
        }
        // Java's multiline `^` never matches at the end of input, nor between `\r` and `\n`.
        if self.has(UNIX_LINES) {
            return r"(?!\z)(?:\A|(?<=\n))".to_string();
        }
        r"(?!\z)(?:\A|(?<=[\n\x{85}\x{2028}\x{2029}])|(?<=\r)(?!\n))".to_string()
    }

    /// `$` (and `\Z` with `multiline == false`).
    fn dollar(&self, multiline: bool) -> String {
        match (self.has(UNIX_LINES), multiline) {
            (true, false) => r"(?=\n?\z)".to_string(),
            (true, true) => r"(?=\n|\z)".to_string(),
            (false, false) => {
                r"(?:\z|(?=\r\n\z)|(?=[\r\x{85}\x{2028}\x{2029}]\z)|(?<!\r)(?=\n\z))".to_string()
            }
            (false, true) => r"(?:\z|(?=[\r\x{85}\x{2028}\x{2029}])|(?<!\r)(?=\n))".to_string(),
        }
    }

    /// `\b` / `\B` with Java 17's notion of a word character.
    fn boundary(&mut self, negated: bool) -> String {
        let unicode = self.has(UNICODE_CHARACTER_CLASS);
        if !unicode {
            self.saw_boundary = true;
        }
        // fancy-regex's own `\b` uses exactly Java's UNICODE_CHARACTER_CLASS word class; being
        // no look-around, it keeps matching linear (see `Translation::fancy_whole_native_b`).
        if unicode || self.native_boundary {
            return if negated { r"\B" } else { r"\b" }.to_string();
        }
        let w = cc::boundary_word(false);
        if negated {
            format!("(?:(?<={w})(?={w})|(?<!{w})(?!{w}))")
        } else {
            format!("(?:(?<={w})(?!{w})|(?<!{w})(?={w}))")
        }
    }

    /// An escape outside a class; the cursor is on the backslash.
    fn escape_atom(&mut self) -> Result<Piece, PatternError> {
        let ch = self.next_escaped();
        if ch == 'p' || ch == 'P' {
            let set = self.family(ch == 'P')?;
            return Ok(Piece::one(cc::emit(&set)));
        }
        self.unread();
        match self.escape(false, false)? {
            Escaped::Char(c) => Ok(Piece::one(self.literal(c))),
            Escaped::Set(s) => Ok(Piece::one(cc::emit(&s))),
            Escaped::Node(p) => Ok(p),
        }
    }

    /// Java's `escape()`: the cursor is on the backslash.
    fn escape(&mut self, in_class: bool, is_range: bool) -> Result<Escaped, PatternError> {
        let ch = self.skip();
        let uc = self.has(UNICODE_CHARACTER_CLASS);
        let node = |s: &str| Ok(Escaped::Node(Piece::zero_width(s)));
        match ch {
            '0' => return self.octal().map(Escaped::Char),
            '1'..='9' if !in_class => return Ok(Escaped::Node(self.back_reference(ch))),
            'A' if !in_class => return node(r"\A"),
            'B' if !in_class => return node(&self.boundary(true)),
            'D' => return Ok(Escaped::Set(cc::negated(cc::predefined('d', uc)))),
            'G' if !in_class => {
                self.saw_g = true;
                return node(if self.g_fails { NEVER } else { r"\G" });
            }
            'H' => return Ok(Escaped::Set(cc::negated(cc::predefined('h', uc)))),
            'N' => {
                return Err(self.error("\\N{name} character names are not supported by apigw-lab"));
            }
            'R' if !in_class => {
                return Ok(Escaped::Node(Piece::new(
                    LINE_BREAK.to_string(),
                    1,
                    Some(2),
                )));
            }
            'S' => return Ok(Escaped::Set(cc::negated(cc::predefined('s', uc)))),
            'V' => return Ok(Escaped::Set(cc::negated(cc::predefined('v', uc)))),
            'W' => return Ok(Escaped::Set(cc::negated(cc::predefined('w', uc)))),
            'X' if !in_class => {
                // Approximation of an extended grapheme cluster (see docs/selection.md).
                return Ok(Escaped::Node(Piece::new(
                    r"(?:\r\n|\P{M}[\p{M}\x{200D}]*|\p{M}+)".to_string(),
                    1,
                    None,
                )));
            }
            'Z' if !in_class => return node(&self.dollar(false)),
            'a' => return Ok(Escaped::Char('\u{7}')),
            'b' if !in_class => {
                if self.peek() == '{' {
                    let save = self.cur;
                    if self.skip() == 'g' {
                        return self.grapheme_boundary();
                    }
                    self.cur = save;
                }
                return node(&self.boundary(false));
            }
            'c' => {
                if self.cur < self.len {
                    let c = self.read();
                    let code = (c as u32) ^ 64;
                    return Ok(Escaped::Char(char::from_u32(code).unwrap_or('\u{fffd}')));
                }
                return Err(self.error("Illegal control escape sequence"));
            }
            'd' => return Ok(Escaped::Set(cc::predefined('d', uc))),
            'e' => return Ok(Escaped::Char('\u{1b}')),
            'f' => return Ok(Escaped::Char('\u{c}')),
            'h' => return Ok(Escaped::Set(cc::predefined('h', uc))),
            'k' if !in_class => return self.named_reference().map(Escaped::Node),
            'n' => return Ok(Escaped::Char('\n')),
            'r' => return Ok(Escaped::Char('\r')),
            's' => return Ok(Escaped::Set(cc::predefined('s', uc))),
            't' => return Ok(Escaped::Char('\t')),
            'u' => return self.unicode_escape(),
            'v' if is_range => return Ok(Escaped::Char('\u{b}')),
            'v' => return Ok(Escaped::Set(cc::predefined('v', uc))),
            'w' => return Ok(Escaped::Set(cc::predefined('w', uc))),
            'x' => return self.hex().map(Escaped::Char),
            'z' if !in_class => return node(r"\z"),
            c if c.is_ascii_alphabetic() || c.is_ascii_digit() => {}
            c => return Ok(Escaped::Char(c)),
        }
        Err(self.error("Illegal/unsupported escape sequence"))
    }

    /// `\b{g}`: approximated as "not inside \r\n, not before a combining mark or after a ZWJ".
    fn grapheme_boundary(&mut self) -> Result<Escaped, PatternError> {
        if self.read() == '}' {
            return Ok(Escaped::Node(Piece::zero_width(
                r"(?:\A|\z|(?![\p{M}\x{200D}])(?<!\x{200D})(?!(?<=\r)\n))",
            )));
        }
        Err(self.error("Illegal/unsupported escape sequence"))
    }

    fn back_reference(&mut self, first: char) -> Piece {
        let mut n = first as usize - '0' as usize;
        loop {
            let ch = self.peek();
            if !ch.is_ascii_digit() {
                break;
            }
            let bigger = n * 10 + (ch as usize - '0' as usize);
            if self.groups < bigger {
                break;
            }
            n = bigger;
            self.read();
        }
        self.reference(n)
    }

    fn reference(&self, n: usize) -> Piece {
        // A group that never exists cannot have matched: the reference fails, as in Java.
        let re = if n > self.total_groups {
            NEVER_CHAR.to_string()
        } else if self.has(CASE_INSENSITIVE) {
            format!("(?i:\\{n})")
        } else {
            format!("(?:\\{n})")
        };
        Piece::new(re, 0, None)
    }

    fn named_reference(&mut self) -> Result<Piece, PatternError> {
        if self.read() != '<' {
            return Err(self.error("\\k is not followed by '<' for named capturing group"));
        }
        let first = self.read();
        let name = self.group_name(first)?;
        match self.names.iter().find(|(n, _)| *n == name) {
            Some(&(_, i)) => Ok(self.reference(i)),
            None => Err(self.error(&format!("named capturing group <{name}> does not exist"))),
        }
    }

    fn octal(&mut self) -> Result<char, PatternError> {
        let is_oct = |c: char| ('0'..='7').contains(&c);
        let n = self.read();
        if is_oct(n) {
            let m = self.read();
            if is_oct(m) {
                let o = self.read();
                if is_oct(o) && ('0'..='3').contains(&n) {
                    return Ok(oct_char(&[n, m, o]));
                }
                self.unread();
                return Ok(oct_char(&[n, m]));
            }
            self.unread();
            return Ok(oct_char(&[n]));
        }
        Err(self.error("Illegal octal escape sequence"))
    }

    fn hex(&mut self) -> Result<char, PatternError> {
        let n = self.read();
        if n.is_ascii_hexdigit() {
            let m = self.read();
            if m.is_ascii_hexdigit() {
                let v = hex_value(n) * 16 + hex_value(m);
                return Ok(char::from_u32(v).unwrap_or('\u{fffd}'));
            }
        } else if n == '{' && self.peek().is_ascii_hexdigit() {
            let mut v: u32 = 0;
            let mut c = self.read();
            while c.is_ascii_hexdigit() {
                v = (v << 4) + hex_value(c);
                if v > 0x10FFFF {
                    return Err(self.error("Hexadecimal codepoint is too big"));
                }
                c = self.read();
            }
            if c != '}' {
                return Err(self.error("Unclosed hexadecimal escape sequence"));
            }
            return Ok(char::from_u32(v).unwrap_or(SURROGATE));
        }
        Err(self.error("Illegal hexadecimal escape sequence"))
    }

    fn unicode_escape(&mut self) -> Result<Escaped, PatternError> {
        let n = self.uxxxx()?;
        if (0xD800..0xDC00).contains(&n) {
            let save = self.cur;
            if self.read() == '\\' && self.read() == 'u' {
                let n2 = self.uxxxx()?;
                if (0xDC00..0xE000).contains(&n2) {
                    let cp = 0x10000 + ((n - 0xD800) << 10) + (n2 - 0xDC00);
                    return Ok(Escaped::Char(char::from_u32(cp).unwrap_or('\u{fffd}')));
                }
            }
            self.cur = save;
        }
        // A lone surrogate matches only a lone surrogate, which a Rust string never holds.
        Ok(match char::from_u32(n) {
            Some(c) => Escaped::Char(c),
            None => Escaped::Set(cc::empty()),
        })
    }

    fn uxxxx(&mut self) -> Result<u32, PatternError> {
        let mut n = 0;
        for _ in 0..4 {
            let ch = self.read();
            if !ch.is_ascii_hexdigit() {
                return Err(self.error("Illegal Unicode escape sequence"));
            }
            n = n * 16 + hex_value(ch);
        }
        Ok(n)
    }

    /// `\p{…}` / `\pL`; the cursor is on `p` or `P`.
    fn family(&mut self, complement: bool) -> Result<Set, PatternError> {
        let ch = self.next();
        let name: String = if ch != '{' {
            self.read();
            ch.to_string()
        } else {
            self.next();
            let start = self.cur;
            loop {
                if self.cur >= self.len {
                    self.cur = self.len + 1;
                    return Err(self.error("Unclosed character family"));
                }
                if self.read() == '}' {
                    break;
                }
            }
            if start + 1 >= self.cur {
                return Err(self.error("Empty character family"));
            }
            self.t[start..self.cur - 1].iter().collect()
        };
        let set = cc::property(
            &name,
            self.has(CASE_INSENSITIVE),
            self.has(UNICODE_CHARACTER_CLASS),
        );
        let Some(set) = set else {
            let msg = match name.split_once('=') {
                Some((k, v)) => format!(
                    "Unknown Unicode property {{name=<{}>, value=<{v}>}}",
                    k.to_ascii_lowercase()
                ),
                None => format!("Unknown character property name {{{name}}}"),
            };
            return Err(self.error(&msg));
        };
        Ok(if complement { cc::negated(set) } else { set })
    }

    // ----- character classes -----

    /// Java's `clazz()`: the cursor is on `[` (or, for the right side of `&&` without
    /// brackets, one before the first character).
    fn clazz(&mut self, consume: bool) -> Result<Set, PatternError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error("Pattern nested too deeply for apigw-lab"));
        }
        let mut prev: Option<Set> = None;
        let mut curr: Option<Set> = None;
        let mut bits: Option<Set> = None;
        let mut negate = false;
        let mut ch = self.next();
        if ch == '^' && self.at(self.cur - 1) == '[' {
            ch = self.next();
            negate = true;
        }
        loop {
            match ch {
                '[' => {
                    let c = self.clazz(true)?;
                    prev = Some(match prev {
                        None => c.clone(),
                        Some(p) => cc::union(p, &c),
                    });
                    curr = Some(c);
                    ch = self.peek();
                    continue;
                }
                '&' => {
                    ch = self.next();
                    if ch == '&' {
                        ch = self.next();
                        let mut right: Option<Set> = None;
                        while ch != ']' && ch != '&' {
                            let r = if ch == '[' {
                                self.clazz(true)?
                            } else {
                                self.unread();
                                self.clazz(false)?
                            };
                            right = Some(match right {
                                None => r,
                                Some(x) => cc::union(x, &r),
                            });
                            ch = self.peek();
                            if ch == '\0' && self.at_end() {
                                break;
                            }
                        }
                        if let Some(b) = bits.take() {
                            prev = Some(match prev {
                                None => {
                                    curr = Some(b.clone());
                                    b
                                }
                                Some(p) => cc::union(p, &b),
                            });
                        }
                        if right.is_some() {
                            curr = right.clone();
                        }
                        match prev.take() {
                            None => match right {
                                None => return Err(self.error("Bad class syntax")),
                                Some(r) => prev = Some(r),
                            },
                            Some(mut p) => {
                                if let Some(c) = &curr {
                                    p.intersect(c);
                                }
                                prev = Some(p);
                            }
                        }
                        continue;
                    }
                    // a literal '&'
                    self.unread();
                }
                '\0' if self.at_end() => return Err(self.error("Unclosed character class")),
                ']' if prev.is_some() || bits.is_some() => {
                    if consume {
                        self.next();
                    }
                    let mut set = match (prev, bits) {
                        (Some(p), Some(b)) => cc::union(p, &b),
                        (Some(p), None) => p,
                        (None, Some(b)) => b,
                        (None, None) => cc::empty(),
                    };
                    if negate {
                        set = cc::negated(set);
                    }
                    self.depth -= 1;
                    return Ok(set);
                }
                _ => {}
            }
            match self.range()? {
                // Java keeps Latin-1 characters in a bit set that joins the class last.
                Item::Single(c) if (c as u32) < 256 => {
                    let s = self.class_char(c);
                    bits = Some(match bits {
                        None => s,
                        Some(b) => cc::union(b, &s),
                    });
                }
                Item::Single(c) => {
                    let s = self.class_char(c);
                    prev = Some(match prev {
                        None => s.clone(),
                        Some(p) => cc::union(p, &s),
                    });
                    curr = Some(s);
                }
                Item::Set(s) => {
                    prev = Some(match prev {
                        None => s.clone(),
                        Some(p) => cc::union(p, &s),
                    });
                    curr = Some(s);
                }
            }
            ch = self.peek();
        }
    }

    /// A literal character inside a class, widened by case-insensitivity.
    fn class_char(&self, c: char) -> Set {
        // Java keeps most Latin-1 members in a bit set with its own case rule (`BitClass.add`).
        const SINGLE_U: [char; 10] = [
            '\u{ff}', '\u{b5}', 'I', 'i', 'S', 's', 'K', 'k', '\u{c5}', '\u{e5}',
        ];
        match (self.has(CASE_INSENSITIVE), self.has(UNICODE_CASE)) {
            (true, true) if (c as u32) < 256 && !SINGLE_U.contains(&c) => {
                cc::case_fold_unicode_bits(c)
            }
            (true, true) => cc::case_fold_unicode_char(c),
            (true, false) => cc::case_fold_ascii(cc::single(c)),
            _ => cc::single(c),
        }
    }

    /// Java's `range()`: one class member (a character, a range, an escape or a property).
    fn range(&mut self) -> Result<Item, PatternError> {
        let mut ch = self.peek();
        if ch == '\\' {
            ch = self.next_escaped();
            if ch == 'p' || ch == 'P' {
                return self.family(ch == 'P').map(Item::Set);
            }
            let is_range = self.at(self.cur + 1) == '-';
            self.unread();
            match self.escape(true, is_range)? {
                Escaped::Char(c) => ch = c,
                Escaped::Set(s) => return Ok(Item::Set(s)),
                Escaped::Node(_) => return Err(self.error("Illegal/unsupported escape sequence")),
            }
        } else {
            self.next();
        }
        if self.peek() == '-' {
            let end = self.at(self.cur + 1);
            if end == '[' {
                return Ok(Item::Single(ch));
            }
            if end != ']' {
                self.next();
                let m = if self.peek() == '\\' {
                    match self.escape(true, true)? {
                        Escaped::Char(c) => Some(c),
                        _ => None,
                    }
                } else {
                    let c = self.peek();
                    self.next();
                    Some(c)
                };
                let Some(m) = m.filter(|&m| m >= ch) else {
                    return Err(self.error("Illegal character range"));
                };
                return Ok(Item::Set(
                    match (self.has(CASE_INSENSITIVE), self.has(UNICODE_CASE)) {
                        (true, true) => cc::case_fold_unicode_range(ch, m),
                        (true, false) => cc::case_fold_ascii(cc::range(ch, m)),
                        _ => cc::range(ch, m),
                    },
                ));
            }
        }
        Ok(Item::Single(ch))
    }
}

enum Escaped {
    Char(char),
    Set(Set),
    Node(Piece),
}

enum Item {
    Single(char),
    Set(Set),
}

/// `\x{D800}` and friends: no `char` exists for a surrogate; such an escape matches nothing.
const SURROGATE: char = '\u{fffd}';

fn is_java_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\u{b}' | '\u{c}' | '\r')
}

fn hex_value(c: char) -> u32 {
    c.to_digit(16).unwrap_or(0)
}

fn oct_char(digits: &[char]) -> char {
    let v = digits
        .iter()
        .fold(0u32, |acc, d| acc * 8 + d.to_digit(8).unwrap_or(0));
    char::from_u32(v).unwrap_or('\0')
}

/// Java's `RemoveQEQuoting`: `\Q…\E` becomes escaped literals before parsing (so error indexes
/// refer to the rewritten pattern, exactly as in Java).
fn remove_qe_quoting(p: &[char]) -> Vec<char> {
    let n = p.len();
    let mut i = 0;
    while i + 1 < n {
        if p[i] != '\\' {
            i += 1;
        } else if p[i + 1] != 'Q' {
            i += 2;
        } else {
            break;
        }
    }
    if i + 1 >= n {
        return p.to_vec();
    }
    let mut out: Vec<char> = p[..i].to_vec();
    i += 2;
    let mut in_quote = true;
    let mut begin_quote = true;
    while i < n {
        let c = p[i];
        i += 1;
        if !c.is_ascii() || c.is_ascii_alphabetic() {
            out.push(c);
        } else if c.is_ascii_digit() {
            if begin_quote {
                // keep a preceding escape such as `\0` or `\x` from swallowing the digit
                out.extend(['\\', 'x', '3']);
            }
            out.push(c);
        } else if c != '\\' {
            if in_quote {
                out.push('\\');
            }
            out.push(c);
        } else if in_quote {
            if p.get(i) == Some(&'E') {
                i += 1;
                in_quote = false;
            } else {
                out.extend(['\\', '\\']);
            }
        } else if p.get(i) == Some(&'Q') {
            i += 1;
            in_quote = true;
            begin_quote = true;
            continue;
        } else {
            out.push(c);
            if i != n {
                out.push(p[i]);
                i += 1;
            }
        }
        begin_quote = false;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(p: &str) -> String {
        translate(p, 0)
            .map(|t| t.fancy)
            .unwrap_or_else(|e| e.to_string())
    }

    fn err(p: &str) -> (String, Option<usize>) {
        let e = translate(p, 0).expect_err(p);
        (e.description, e.index)
    }

    #[test]
    fn quoting_pre_pass_escapes_metacharacters() {
        let q = |s: &str| {
            remove_qe_quoting(&s.chars().collect::<Vec<_>>())
                .iter()
                .collect::<String>()
        };
        assert_eq!(q(r"\Q.*\E"), r"\.\*");
        assert_eq!(q(r"a\Q1b\Ec"), r"a\x31bc");
        assert_eq!(q(r"\Q\\E"), r"\\");
        assert_eq!(q("plain"), "plain");
    }

    #[test]
    fn dot_excludes_java_line_terminators() {
        assert_eq!(t("."), r"[^\x{A}\x{D}\x{85}\x{2028}-\x{2029}]");
        assert_eq!(t("(?d)."), r"[^\x{A}]");
    }

    #[test]
    fn quantifiers_wrap_their_atom() {
        assert_eq!(t("ab*"), "a(?:b)*");
        assert_eq!(t("a*+"), "(?>(?:a)*)");
        assert_eq!(t("a{2,3}?"), "(?:a){2,3}?");
    }

    #[test]
    fn ascii_case_insensitivity_is_explicit() {
        assert_eq!(t("(?i)k"), "[Kk]");
        assert_eq!(t("(?i)é"), "é");
    }

    #[test]
    fn errors_carry_java_descriptions() {
        assert_eq!(err("(abc").0, "Unclosed group");
        assert_eq!(err("*a").0, "Dangling meta character '*'");
        assert_eq!(err("{").0, "Illegal repetition");
        assert_eq!(err("[abc").0, "Unclosed character class");
        assert_eq!(err("[z-a]").0, "Illegal character range");
        assert_eq!(err(r"\p{Nope}").0, "Unknown character property name {Nope}");
        assert_eq!(
            err("(?<=(ab)+)c"),
            (
                "Look-behind group does not have an obvious maximum length".into(),
                Some(8)
            )
        );
        assert!(
            translate("(?<=a+)b", 0).is_ok(),
            "Java 17 accepts one unbounded repeat"
        );
    }

    #[test]
    fn counts_groups_and_names() {
        let tr = translate("(a)(?<x>b)(?:c)", 0).unwrap();
        assert_eq!(tr.group_count, 2);
        assert_eq!(tr.group_names, vec![("x".to_string(), 2)]);
    }
}
