//! The path compiler: Jayway's `PathCompiler`, read for read, so that the same odd paths are
//! accepted (`$.key-dash`, `$.length().x`) and the same ones rejected, with Jayway's messages.

use super::JsonPathError;
use super::cursor::{Cursor, SPACE};
use super::filter::{self, Filter};

/// One step of a compiled path.
#[derive(Debug, Clone)]
pub(crate) enum Token {
    /// `.name`, `['name']`, `['a','b']`; `quote` is the delimiter used (for the path's text).
    Property { names: Vec<String>, quote: char },
    /// `[0]`, `[-1]`, `[0,2]`.
    Index(Vec<i32>),
    /// `[1:3]`, `[1:]`, `[:2]` (Jayway ignores a step).
    Slice(Slice),
    /// `*`, `[*]`.
    Wildcard,
    /// `..`
    Scan,
    /// `[?(…)]`
    Filter(Box<Filter>),
    /// `.length()`, `.sum(1, $.x)`.
    Function { name: String, params: Vec<Param> },
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Slice {
    From(i32),
    Between(i32, i32),
    To(i32),
}

/// A function argument: a path (evaluated against the root document) or a JSON literal.
#[derive(Debug, Clone)]
pub(crate) enum Param {
    Path(Box<Compiled>),
    Json(String),
}

/// A compiled path: the root (`$` or `@`) and its tokens.
#[derive(Debug, Clone)]
pub(crate) struct Compiled {
    pub root: char,
    pub tokens: Vec<Token>,
}

impl Token {
    pub fn is_definite(&self, is_leaf: bool) -> bool {
        match self {
            Token::Property { names, .. } => names.len() == 1 || is_leaf,
            Token::Index(indexes) => indexes.len() == 1,
            Token::Function { .. } => true,
            Token::Slice(_) | Token::Wildcard | Token::Scan | Token::Filter(_) => false,
        }
    }

    /// The token as Jayway prints it in `path.toString()`.
    pub fn fragment(&self) -> String {
        match self {
            Token::Property { names, quote } => {
                let parts: Vec<String> = names
                    .iter()
                    .map(|n| {
                        let escaped = n.replace('\\', "\\\\").replace('\'', "\\'");
                        format!("{quote}{escaped}{quote}")
                    })
                    .collect();
                format!("[{}]", parts.join(","))
            }
            Token::Index(indexes) => {
                let parts: Vec<String> = indexes.iter().map(|i| i.to_string()).collect();
                format!("[{}]", parts.join(","))
            }
            Token::Slice(Slice::From(f)) => format!("[{f}:]"),
            Token::Slice(Slice::Between(f, t)) => format!("[{f}:{t}]"),
            Token::Slice(Slice::To(t)) => format!("[:{t}]"),
            Token::Wildcard => "[*]".into(),
            Token::Scan => "..".into(),
            Token::Filter(_) => "[?]".into(),
            Token::Function { name, params } => {
                if params.is_empty() {
                    format!(".{name}()")
                } else {
                    format!(".{name}(...)")
                }
            }
        }
    }
}

impl Compiled {
    pub fn is_definite(&self) -> bool {
        let n = self.tokens.len();
        self.tokens
            .iter()
            .enumerate()
            .all(|(i, t)| t.is_definite(i + 1 == n))
    }

    pub fn is_function_path(&self) -> bool {
        matches!(self.tokens.last(), Some(Token::Function { .. }))
    }

    /// Whether every token before `idx` is definite (Jayway's `isUpstreamDefinite`).
    pub fn upstream_definite(&self, idx: usize) -> bool {
        let n = self.tokens.len();
        self.tokens[..idx]
            .iter()
            .enumerate()
            .all(|(i, t)| t.is_definite(i + 1 == n))
    }

    pub fn render(&self) -> String {
        let mut s = self.root.to_string();
        for t in &self.tokens {
            s.push_str(&t.fragment());
        }
        s
    }
}

/// A lab guard, not Jayway's: longer paths are refused rather than risk deep recursion.
const MAX_TOKENS: usize = 1000;
/// Likewise for brackets and parentheses nested inside each other (filters in filters).
const MAX_NESTING: usize = 64;

/// `PathCompiler.compile`: trims, prefixes `$.` when the path does not start with `$` or `@`.
pub(crate) fn compile(path: &str) -> Result<Compiled, JsonPathError> {
    if path.is_empty() {
        return Err(JsonPathError::invalid("json can not be null or empty"));
    }
    check_nesting(path)?;
    let mut cursor = Cursor::new(path);
    cursor.trim();
    let first = cursor.cur()?;
    if first != '$' && first != '@' {
        cursor = Cursor::new(&format!("$.{}", cursor.slice(cursor.pos, cursor.len())));
        cursor.trim();
    }
    if cursor.last_is('.') {
        return Err(JsonPathError::invalid(
            "Path must not end with a '.' or '..'",
        ));
    }
    Compiler { path: cursor }.read_context_token()
}

fn check_nesting(path: &str) -> Result<(), JsonPathError> {
    let mut depth = 0usize;
    for c in path.chars() {
        match c {
            '[' | '(' | '{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return fail(format!("Path nests brackets more than {MAX_NESTING} deep"));
                }
            }
            ']' | ')' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// Compiles a function argument or filter operand path as it stands (no `$.` prefix).
fn compile_raw(path: &str) -> Result<Compiled, JsonPathError> {
    Compiler {
        path: Cursor::new(path),
    }
    .read_context_token()
}

struct Compiler {
    path: Cursor,
}

fn fail<T>(message: impl Into<String>) -> Result<T, JsonPathError> {
    Err(JsonPathError::invalid(message))
}

fn is_whitespace(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

impl Compiler {
    fn read_context_token(mut self) -> Result<Compiled, JsonPathError> {
        while self.path.in_bounds_here() && is_whitespace(self.path.cur()?) {
            self.path.pos += 1;
        }
        let root = self.path.cur()?;
        if root != '$' && root != '@' {
            return fail("Path must start with '$' or '@'");
        }
        let mut tokens = Vec::new();
        if !self.path.is_tail() {
            self.path.pos += 1;
            let c = self.path.cur()?;
            if c != '.' && c != '[' {
                return fail(format!(
                    "Illegal character at position {} expected '.' or '['",
                    self.path.pos
                ));
            }
            self.read_next_token(&mut tokens)?;
            while !self.path.is_tail() {
                self.read_next_token(&mut tokens)?;
            }
        }
        Ok(Compiled { root, tokens })
    }

    fn read_next_token(&mut self, tokens: &mut Vec<Token>) -> Result<(), JsonPathError> {
        let pos = self.path.pos;
        match self.path.cur()? {
            '[' => {
                if !self.read_bracket_property(tokens)?
                    && !self.read_array(tokens)?
                    && !self.read_wildcard(tokens)?
                    && !self.read_filter(tokens)?
                    && !self.read_placeholder()?
                {
                    return fail(format!(
                        "Could not parse token starting at position {pos}. Expected ?, ', 0-9, * "
                    ));
                }
                Ok(())
            }
            '.' => self.read_dot(tokens),
            '*' => {
                if !self.read_wildcard(tokens)? {
                    return fail(format!("Could not parse token starting at position {pos}"));
                }
                Ok(())
            }
            _ => {
                if !self.read_property_or_function(tokens)? {
                    return fail(format!("Could not parse token starting at position {pos}"));
                }
                Ok(())
            }
        }
    }

    /// Jayway reads the next token unless the cursor is on the last character or past it
    /// (so a stray last character is ignored: `$['a']x`). The caller's loop does the reading,
    /// which keeps long paths from recursing.
    fn continue_after(&mut self, tokens: &[Token]) -> Result<bool, JsonPathError> {
        if tokens.len() > MAX_TOKENS {
            return fail(format!("Path too long: more than {MAX_TOKENS} steps"));
        }
        Ok(true)
    }

    /// `.` and `..`
    fn read_dot(&mut self, tokens: &mut Vec<Token>) -> Result<(), JsonPathError> {
        if self.path.cur_is('.') && self.path.next_is('.') {
            tokens.push(Token::Scan);
            self.path.pos += 2;
        } else if !self.path.has_more() {
            return fail("Path must not end with a '.");
        } else {
            self.path.pos += 1;
        }
        if self.path.cur_is('.') {
            return fail(format!(
                "Character '.' on position {} is not valid.",
                self.path.pos
            ));
        }
        self.read_next_token(tokens)
    }

    /// `fooBar` or `fooBar()`: everything up to `.`, `[` or `(` is the name (dashes included).
    fn read_property_or_function(
        &mut self,
        tokens: &mut Vec<Token>,
    ) -> Result<bool, JsonPathError> {
        let c = self.path.cur()?;
        if matches!(c, '[' | '*' | '.' | SPACE) {
            return Ok(false);
        }
        let start = self.path.pos;
        let mut read = start;
        let mut end = 0;
        let mut is_function = false;
        while self.path.in_bounds(read) {
            let c = self.path.at(read)?;
            if c == SPACE {
                return fail(format!(
                    "Use bracket notion ['my prop'] if your property contains blank characters. position: {}",
                    self.path.pos
                ));
            } else if c == '.' || c == '[' {
                end = read;
                break;
            } else if c == '(' {
                is_function = true;
                end = read;
                break;
            }
            read += 1;
        }
        if end == 0 {
            end = self.path.len();
        }
        let name = self.path.slice(start, end);
        let mut params = Vec::new();
        if is_function {
            let mut depth = 1;
            let mut i = read + 1;
            while i < self.path.len() {
                match self.path.at(i)? {
                    ')' => depth -= 1,
                    '(' => depth += 1,
                    _ => {}
                }
                if depth == 0 {
                    break;
                }
                i += 1;
            }
            if depth != 0 {
                return fail(format!(
                    "Arguments to function: '{name}' are not closed properly."
                ));
            }
            if self.path.in_bounds(read + 1) {
                if self.path.at(read + 1)? != ')' {
                    self.path.pos = end + 1;
                    params = self.parse_function_parameters(&name)?;
                } else {
                    self.path.pos = read + 1;
                }
            } else {
                self.path.pos = read;
            }
            tokens.push(Token::Function { name, params });
        } else {
            self.path.pos = end;
            tokens.push(Token::Property {
                names: vec![name],
                quote: '\'',
            });
        }
        self.continue_after(tokens)
    }

    /// The arguments of `name(…)`: split at top-level commas; each is a path (`$…`/`@…`) or a
    /// JSON literal (`{`, digit, `"`, `-`); anything else is dropped, as Jayway does.
    fn parse_function_parameters(&mut self, name: &str) -> Result<Vec<Param>, JsonPathError> {
        #[derive(PartialEq)]
        enum Kind {
            Json,
            Path,
        }
        let (mut paren, mut bracket, mut brace, mut quote) = (1i32, 0i32, 0i32, 0i32);
        let mut kind: Option<Kind> = None;
        let mut end_of_stream = false;
        let mut prior = '\0';
        let mut params = Vec::new();
        let mut param = String::new();
        while self.path.in_bounds_here() && !end_of_stream {
            let c = self.path.cur()?;
            self.path.pos += 1;
            if kind.is_none() {
                if is_whitespace(c) {
                    continue;
                }
                if c == '{' || c.is_ascii_digit() || c == '"' || c == '-' {
                    kind = Some(Kind::Json);
                } else if c == '$' || c == '@' {
                    kind = Some(Kind::Path);
                }
            }
            let mut close_or_comma = false;
            match c {
                '"' => {
                    if prior != '\\' && quote > 0 {
                        quote -= 1;
                    } else {
                        quote += 1;
                    }
                }
                '(' => paren += 1,
                '{' => brace += 1,
                '[' => bracket += 1,
                '}' => {
                    if brace == 0 {
                        return fail(format!(
                            "Unexpected close brace '}}' at character position: {}",
                            self.path.pos
                        ));
                    }
                    brace -= 1;
                }
                ']' => {
                    if bracket == 0 {
                        return fail(format!(
                            "Unexpected close bracket ']' at character position: {}",
                            self.path.pos
                        ));
                    }
                    bracket -= 1;
                }
                ')' => {
                    paren -= 1;
                    if paren < 0 || prior == '(' {
                        param.push(c);
                    }
                    close_or_comma = true;
                }
                ',' => close_or_comma = true,
                '\\' => {
                    if let Ok(next) = self.path.cur()
                        && quote == 1
                        && (next == ',' || next == '"')
                    {
                        param.push(next);
                        self.path.pos += 1;
                        prior = '\0';
                        continue;
                    }
                }
                _ => {}
            }
            if close_or_comma
                && quote == 0
                && brace == 0
                && bracket == 0
                && ((paren == 0 && c == ')') || paren == 1)
            {
                end_of_stream = paren == 0;
                if let Some(k) = kind.take() {
                    params.push(match k {
                        Kind::Json => Param::Json(std::mem::take(&mut param)),
                        Kind::Path => {
                            Param::Path(Box::new(compile_raw(&std::mem::take(&mut param))?))
                        }
                    });
                }
            }
            if kind.is_some() && !(c == ',' && brace == 0 && bracket == 0 && paren == 1) {
                param.push(c);
            }
            prior = c;
        }
        if brace != 0 || paren != 0 || bracket != 0 {
            return fail(format!(
                "Arguments to function: '{name}' are not closed properly."
            ));
        }
        Ok(params)
    }

    /// `[?]` placeholders need predicates passed in code, which a template cannot do.
    fn read_placeholder(&mut self) -> Result<bool, JsonPathError> {
        if !self.path.cur_is('[') {
            return Ok(false);
        }
        let q = self.path.index_of_next_significant(self.path.pos, '?')?;
        if q == -1 {
            return Ok(false);
        }
        let next = self.path.next_significant(q);
        if next != ']' && next != ',' {
            return Ok(false);
        }
        let begin = self.path.pos + 1;
        let end = self.path.next_index_of(begin, ']');
        if end == -1 {
            return Ok(false);
        }
        fail(format!(
            "Not enough predicates supplied for filter [{}] at position {}",
            self.path.slice(begin, end),
            self.path.pos
        ))
    }

    /// `[?(…)]`
    fn read_filter(&mut self, tokens: &mut Vec<Token>) -> Result<bool, JsonPathError> {
        if !self.path.cur_is('[') && !self.path.next_significant_is(self.path.pos, '?') {
            return Ok(false);
        }
        let open_statement = self.path.pos;
        let q = self.path.index_of_next_significant(self.path.pos, '?')?;
        if q == -1 {
            return Ok(false);
        }
        let open = self.path.index_of_next_significant(q, '(')?;
        if open == -1 {
            return Ok(false);
        }
        let close = self
            .path
            .index_of_matching_close(open, '(', ')', true, true)?;
        if close == -1 || !self.path.next_significant_is(close, ']') {
            return Ok(false);
        }
        let close_statement = self.path.index_of_next_significant(close, ']')?;
        let criteria = self.path.slice(open_statement, close_statement + 1);
        let compiled = filter::compile(&criteria)?;
        tokens.push(Token::Filter(Box::new(compiled)));
        self.path.pos = close_statement + 1;
        self.continue_after(tokens)
    }

    /// `[*]` and `*`
    fn read_wildcard(&mut self, tokens: &mut Vec<Token>) -> Result<bool, JsonPathError> {
        let in_bracket = self.path.cur_is('[');
        if in_bracket && !self.path.next_significant_is(self.path.pos, '*') {
            return Ok(false);
        }
        if !self.path.cur_is('*') && !self.path.in_bounds(self.path.pos + 1) {
            return Ok(false);
        }
        if in_bracket {
            let star = self.path.index_of_next_significant(self.path.pos, '*')?;
            if !self.path.next_significant_is(star, ']') {
                return fail(format!(
                    "Expected wildcard token to end with ']' on position {}",
                    star + 1
                ));
            }
            let close = self.path.index_of_next_significant(star, ']')?;
            self.path.pos = close + 1;
        } else {
            self.path.pos += 1;
        }
        tokens.push(Token::Wildcard);
        self.continue_after(tokens)
    }

    /// `[1]`, `[1,2]`, `[1:]`, `[1:2]`, `[:2]`
    fn read_array(&mut self, tokens: &mut Vec<Token>) -> Result<bool, JsonPathError> {
        if !self.path.cur_is('[') {
            return Ok(false);
        }
        let next = self.path.next_significant(self.path.pos);
        if !next.is_ascii_digit() && next != '-' && next != ':' {
            return Ok(false);
        }
        let begin = self.path.pos + 1;
        let end = self.path.next_index_of(begin, ']');
        if end == -1 {
            return Ok(false);
        }
        let expression = self.path.slice(begin, end).trim_matches(SPACE).to_string();
        if expression == "*" {
            return Ok(false);
        }
        if !expression
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ',' | '-' | ':' | SPACE))
        {
            return Ok(false);
        }
        let token = if expression.contains(':') {
            Token::Slice(parse_slice(&expression)?)
        } else {
            Token::Index(parse_indexes(&expression)?)
        };
        tokens.push(token);
        self.path.pos = end + 1;
        self.continue_after(tokens)
    }

    /// `['foo']`, `["foo"]`, `['a','b']` with backslash escapes.
    fn read_bracket_property(&mut self, tokens: &mut Vec<Token>) -> Result<bool, JsonPathError> {
        if !self.path.cur_is('[') {
            return Ok(false);
        }
        let delimiter = self.path.next_significant(self.path.pos);
        if delimiter != '\'' && delimiter != '"' {
            return Ok(false);
        }
        let mut names = Vec::new();
        let mut start = self.path.pos + 1;
        let mut read = start;
        let mut end = 0;
        let (mut in_property, mut in_escape, mut last_was_comma) = (false, false, false);
        while self.path.in_bounds(read) {
            let c = self.path.at(read)?;
            if in_escape {
                in_escape = false;
            } else if c == '\\' {
                in_escape = true;
            } else if c == ']' && !in_property {
                if last_was_comma {
                    return fail(format!("Found empty property at index {read}"));
                }
                break;
            } else if c == delimiter {
                if in_property {
                    let next = self.path.next_significant(read);
                    if next != ']' && next != ',' {
                        return fail(format!(
                            "Property must be separated by comma or Property must be terminated close square bracket at index {read}"
                        ));
                    }
                    end = read;
                    names.push(unescape(&self.path.slice(start, end))?);
                    in_property = false;
                } else {
                    start = read + 1;
                    in_property = true;
                    last_was_comma = false;
                }
            } else if c == ',' && !in_property {
                if last_was_comma {
                    return fail(format!("Found empty property at index {read}"));
                }
                last_was_comma = true;
            }
            read += 1;
        }
        if in_property {
            return fail(format!(
                "Property has not been closed - missing closing {delimiter}"
            ));
        }
        let close = self.path.index_of_next_significant(end, ']')?;
        if close == -1 {
            return fail("Property has not been closed - missing closing ]");
        }
        if names.is_empty() {
            return fail("Empty properties");
        }
        self.path.pos = close + 1;
        tokens.push(Token::Property {
            names,
            quote: delimiter,
        });
        self.continue_after(tokens)
    }
}

/// `Integer.parseInt`: optional sign, decimal digits, 32-bit range.
pub(crate) fn java_parse_int(s: &str) -> Option<i32> {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse::<i32>().ok()
}

fn number_format_error(token: &str) -> JsonPathError {
    JsonPathError::invalid(format!(
        "java.lang.NumberFormatException: For input string: \"{token}\""
    ))
}

/// `ArraySliceOperation.parse`: `from:to`; a third part (step) is ignored, `[:]` and `[::2]`
/// are errors. Java's `split(":")` drops trailing empty parts.
fn parse_slice(expression: &str) -> Result<Slice, JsonPathError> {
    let mut parts: Vec<&str> = expression.split(':').collect();
    while parts.last() == Some(&"") {
        parts.pop();
    }
    let read = |i: usize| -> Result<Option<i32>, JsonPathError> {
        match parts.get(i) {
            None | Some(&"") => Ok(None),
            Some(t) => java_parse_int(t)
                .map(Some)
                .ok_or_else(|| number_format_error(t)),
        }
    };
    match (read(0)?, read(1)?) {
        (Some(f), None) => Ok(Slice::From(f)),
        (Some(f), Some(t)) => Ok(Slice::Between(f, t)),
        (None, Some(t)) => Ok(Slice::To(t)),
        (None, None) => fail(format!("Failed to parse SliceOperation: {expression}")),
    }
}

/// `ArrayIndexOperation.parse`: comma-separated integers, spaces around commas allowed.
fn parse_indexes(expression: &str) -> Result<Vec<i32>, JsonPathError> {
    expression
        .split(',')
        .map(|t| {
            let t = t.trim_matches(SPACE);
            java_parse_int(t).ok_or_else(|| {
                JsonPathError::invalid(format!("Failed to parse token in ArrayIndexOperation: {t}"))
            })
        })
        .collect()
}

/// Jayway's `Utils.unescape`: Java-style backslash escapes including `\uXXXX`; an unknown
/// escape keeps the character, a trailing backslash stays.
pub(crate) fn unescape(s: &str) -> Result<String, JsonPathError> {
    let mut out = String::with_capacity(s.len());
    let mut units: Vec<u16> = Vec::new();
    let mut chars = s.chars();
    let flush = |units: &mut Vec<u16>, out: &mut String| {
        if !units.is_empty() {
            out.push_str(&String::from_utf16_lossy(units));
            units.clear();
        }
    };
    while let Some(c) = chars.next() {
        if c != '\\' {
            flush(&mut units, &mut out);
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else {
            flush(&mut units, &mut out);
            out.push('\\');
            break;
        };
        if e == 'u' {
            let hex: String = chars.by_ref().take(4).collect();
            let value = (hex.chars().count() == 4)
                .then(|| u16::from_str_radix(&hex, 16).ok())
                .flatten()
                .ok_or_else(|| {
                    JsonPathError::invalid(format!("Unable to parse unicode value: {hex}"))
                })?;
            units.push(value);
            continue;
        }
        flush(&mut units, &mut out);
        out.push(match e {
            'r' => '\r',
            'f' => '\u{c}',
            't' => '\t',
            'n' => '\n',
            'b' => '\u{8}',
            other => other,
        });
    }
    flush(&mut units, &mut out);
    Ok(out)
}
