//! `java.util.regex` semantics on top of fancy-regex: a translation layer that makes Java patterns
//! behave as Java runs them (whole-string `matches`, line terminators, ASCII classes, flags, ...).
//!
//! [`parse`] reads the pattern the way `java.util.regex.Pattern` does and writes fancy-regex syntax
//! in which every flag-dependent construct is already resolved (`.` as an explicit class, `$` as
//! look-arounds, `(?i)` as ASCII case pairs, ...). fancy-regex then only executes. Matching runs
//! under a backtracking budget: a catastrophic pattern yields [`MatchError::TooExpensive`] in
//! milliseconds where Java would hang.

mod blocks;
mod charclass;
mod parse;
mod replace;

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::sync::{Arc, Mutex, OnceLock};

use serde::Serialize;

pub use replace::quote_replacement;

/// Backtracking steps allowed per match attempt (fancy-regex's default; ~20 ms worst case).
pub const BACKTRACK_LIMIT: usize = 1_000_000;

/// `Pattern.compile` flags (the same bits the embedded `(?idmsuxU)` flags set).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flags(pub u16);

impl Flags {
    pub const CASE_INSENSITIVE: Flags = Flags(parse::CASE_INSENSITIVE);
    pub const UNIX_LINES: Flags = Flags(parse::UNIX_LINES);
    pub const MULTILINE: Flags = Flags(parse::MULTILINE);
    pub const DOTALL: Flags = Flags(parse::DOTALL);
    pub const UNICODE_CASE: Flags = Flags(parse::UNICODE_CASE);
    pub const COMMENTS: Flags = Flags(parse::COMMENTS);
    pub const UNICODE_CHARACTER_CLASS: Flags = Flags(parse::UNICODE_CHARACTER_CLASS);
}

impl std::ops::BitOr for Flags {
    type Output = Flags;
    fn bitor(self, rhs: Flags) -> Flags {
        Flags(self.0 | rhs.0)
    }
}

/// A pattern Java rejects, as `java.util.regex.PatternSyntaxException` reports it.
/// `index` counts characters (code points) of the pattern, like Java's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PatternError {
    pub description: String,
    pub index: Option<usize>,
    pub pattern: String,
}

impl std::error::Error for PatternError {}

impl fmt::Display for PatternError {
    /// `PatternSyntaxException.getMessage()`: description, index, pattern, caret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.description)?;
        if let Some(i) = self.index {
            write!(f, " near index {i}")?;
        }
        write!(f, "\n{}", self.pattern)?;
        if let Some(i) = self.index.filter(|&i| i < self.pattern.chars().count()) {
            write!(f, "\n{}^", " ".repeat(i))?;
        }
        Ok(())
    }
}

/// Matching could not complete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum MatchError {
    /// The backtracking budget ran out: the pattern backtracks catastrophically on this input.
    TooExpensive,
    /// A replacement string Java rejects; `exception` is the Java exception class it throws.
    Replacement {
        exception: &'static str,
        message: String,
    },
}

impl std::error::Error for MatchError {}

impl fmt::Display for MatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MatchError::TooExpensive => write!(
                f,
                "pattern too expensive: matching gave up after {BACKTRACK_LIMIT} backtracking \
                 steps (catastrophic backtracking, or look-arounds over a very long message); \
                 Java has no such limit and may take very long"
            ),
            MatchError::Replacement { exception, message } => write!(f, "{exception}: {message}"),
        }
    }
}

/// A compiled Java pattern.
#[derive(Debug, Clone)]
pub struct JavaRegex {
    pattern: String,
    translated: parse::Translation,
    /// `\A(?:…)\z`: `Matcher.matches()`.
    whole: fancy_regex::Regex,
    /// The bare pattern: `Matcher.find()`.
    search: OnceLock<fancy_regex::Regex>,
    /// `\A(?:…)`: `Matcher.lookingAt()`.
    prefix: OnceLock<fancy_regex::Regex>,
    /// The search with `\G` failing (used after an empty match; see `Translation`).
    search_without_g: OnceLock<fancy_regex::Regex>,
    /// `matches()` with fancy-regex's `\b` (see `Translation::fancy_whole_native_b`).
    whole_native_b: OnceLock<fancy_regex::Regex>,
}

impl JavaRegex {
    /// `Pattern.compile(pattern)`.
    pub fn new(pattern: &str) -> Result<JavaRegex, PatternError> {
        JavaRegex::with_flags(pattern, Flags::default())
    }

    /// `Pattern.compile(pattern, flags)`.
    pub fn with_flags(pattern: &str, flags: Flags) -> Result<JavaRegex, PatternError> {
        let translated = parse::translate(pattern, flags.0)?;
        let body = translated
            .fancy_whole
            .as_deref()
            .unwrap_or(&translated.fancy);
        let whole = build(&format!(r"\A(?:{body})\z"), pattern)?;
        Ok(JavaRegex {
            pattern: pattern.to_string(),
            translated,
            whole,
            search: OnceLock::new(),
            prefix: OnceLock::new(),
            search_without_g: OnceLock::new(),
            whole_native_b: OnceLock::new(),
        })
    }

    /// [`JavaRegex::with_flags`] through a process-wide cache: the lab evaluates the same
    /// patterns on every keystroke, and explanations compile flag variants of each.
    pub fn cached(pattern: &str, flags: Flags) -> Result<Arc<JavaRegex>, PatternError> {
        type Cache = HashMap<(String, u16), Result<Arc<JavaRegex>, PatternError>>;
        static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();
        let cache = CACHE.get_or_init(Default::default);
        let key = (pattern.to_string(), flags.0);
        if let Some(hit) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return hit.clone();
        }
        let built = JavaRegex::with_flags(pattern, flags).map(Arc::new);
        let mut map = cache.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= 512 {
            map.clear();
        }
        map.insert(key, built.clone());
        built
    }

    /// The Java pattern as written.
    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    /// The fancy-regex pattern it was translated to (unanchored).
    pub fn translated(&self) -> &str {
        &self.translated.fancy
    }

    /// Number of capturing groups (`Matcher.groupCount()`).
    pub fn group_count(&self) -> usize {
        self.translated.group_count
    }

    /// `Pattern.matches(regex, text)`: the whole text must match.
    pub fn matches(&self, text: &str) -> Result<bool, MatchError> {
        if let Some(native) = &self.translated.fancy_whole_native_b
            && !text.chars().any(charclass::word_definitions_differ)
        {
            let re = self.lazy(&self.whole_native_b, |_| format!(r"\A(?:{native})\z"));
            return re.is_match(text).map_err(runtime);
        }
        self.whole.is_match(text).map_err(runtime)
    }

    /// `Matcher.lookingAt()`: the end (byte offset) of the match anchored at the start, if any.
    pub fn looking_at(&self, text: &str) -> Result<Option<usize>, MatchError> {
        let re = self.lazy(&self.prefix, |p| format!(r"\A(?:{p})"));
        Ok(re.find(text).map_err(runtime)?.map(|m| m.end()))
    }

    /// `Matcher.find(start)`: the first match at or after byte offset `start`.
    pub fn find_at(&self, text: &str, start: usize) -> Result<Option<Range<usize>>, MatchError> {
        Ok(self
            .captures_at(text, start)?
            .and_then(|groups| groups[0].clone()))
    }

    /// Every match as successive `Matcher.find()` calls return them (an empty match is followed
    /// by a search one character further on; a match may start where the previous one ended).
    pub fn find_all(&self, text: &str) -> Result<Vec<Range<usize>>, MatchError> {
        let mut out = Vec::new();
        self.each_match(text, |groups| {
            out.push(groups[0].clone().unwrap_or(0..0));
            true
        })?;
        Ok(out)
    }

    /// `Matcher.find(start)` with every group's span (`None` for a group that did not take part).
    pub fn captures_at(
        &self,
        text: &str,
        start: usize,
    ) -> Result<Option<Vec<Option<Range<usize>>>>, MatchError> {
        self.captures_from(text, start, false)
    }

    fn captures_from(
        &self,
        text: &str,
        start: usize,
        after_empty_match: bool,
    ) -> Result<Option<Vec<Option<Range<usize>>>>, MatchError> {
        if start > text.len() {
            return Ok(None);
        }
        let start = ceil_char_boundary(text, start);
        let re = match (&self.translated.fancy_without_g, after_empty_match) {
            (Some(without_g), true) => self.lazy(&self.search_without_g, |_| without_g.clone()),
            _ => self.lazy(&self.search, |p| p.to_string()),
        };
        let caps = re.captures_from_pos(text, start).map_err(runtime)?;
        Ok(caps.map(|c| {
            (0..=self.group_count())
                .map(|i| c.get(i).map(|m| m.range()))
                .collect()
        }))
    }

    /// `Matcher.replaceAll(replacement)` / `String.replaceAll`: `$1`, `${name}`, `\$` as Java.
    pub fn replace_all(&self, text: &str, replacement: &str) -> Result<String, MatchError> {
        replace::replace(self, text, replacement, true)
    }

    /// `Matcher.replaceFirst(replacement)` / `String.replaceFirst`.
    pub fn replace_first(&self, text: &str, replacement: &str) -> Result<String, MatchError> {
        replace::replace(self, text, replacement, false)
    }

    /// `String.split(regex, limit)` / `Pattern.split(text, limit)`.
    pub fn split(&self, text: &str, limit: i32) -> Result<Vec<String>, MatchError> {
        replace::split(self, text, limit)
    }

    /// The group number of a named group.
    pub fn group_index(&self, name: &str) -> Option<usize> {
        self.translated
            .group_names
            .iter()
            .find(|(n, _)| n == name)
            .map(|&(_, i)| i)
    }

    /// Calls `visit` with each successive match's groups until it returns false.
    pub(crate) fn each_match(
        &self,
        text: &str,
        mut visit: impl FnMut(&[Option<Range<usize>>]) -> bool,
    ) -> Result<(), MatchError> {
        let mut from = 0;
        let mut after_empty = false;
        while from <= text.len() {
            let Some(groups) = self.captures_from(text, from, after_empty)? else {
                break;
            };
            let m = groups[0].clone().unwrap_or(from..from);
            if !visit(&groups) {
                break;
            }
            after_empty = m.is_empty();
            from = if after_empty {
                next_char(text, m.end)
            } else {
                m.end
            };
        }
        Ok(())
    }

    fn lazy<'s>(
        &'s self,
        cell: &'s OnceLock<fancy_regex::Regex>,
        wrap: impl FnOnce(&str) -> String,
    ) -> &'s fancy_regex::Regex {
        cell.get_or_init(|| {
            // The same translation already compiled as `whole`; only the anchoring differs.
            build(&wrap(&self.translated.fancy), &self.pattern)
                .unwrap_or_else(|_| self.whole.clone())
        })
    }
}

fn build(fancy: &str, pattern: &str) -> Result<fancy_regex::Regex, PatternError> {
    fancy_regex::RegexBuilder::new(fancy)
        .backtrack_limit(BACKTRACK_LIMIT)
        .build()
        .map_err(|e| PatternError {
            description: format!("apigw-lab cannot run this pattern: {e}"),
            index: None,
            pattern: pattern.to_string(),
        })
}

fn runtime(_: fancy_regex::Error) -> MatchError {
    MatchError::TooExpensive
}

fn ceil_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// The offset one character after `i` (or past the end).
fn next_char(text: &str, i: usize) -> usize {
    match text[i..].chars().next() {
        Some(c) => i + c.len_utf8(),
        None => i + 1,
    }
}

/// `Pattern.matches(pattern, text)` in one call.
pub fn matches(pattern: &str, text: &str) -> Result<Result<bool, MatchError>, PatternError> {
    Ok(JavaRegex::new(pattern)?.matches(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, t: &str) -> bool {
        JavaRegex::new(p).unwrap().matches(t).unwrap()
    }

    #[test]
    fn whole_string_semantics() {
        assert!(!m("Internal*", "Internal Error: db down"));
        assert!(m("Internal.*", "Internal Error: db down"));
        assert!(m("^Internal Error.*", "Internal Error: db down"));
        assert!(!m("Internal Error", "Internal Error: db down"));
        assert!(m("", ""));
        assert!(m("a|ab", "ab"));
    }

    #[test]
    fn line_terminators_follow_java() {
        assert!(!m("a.b", "a\rb"));
        assert!(!m("a.b", "a\u{2028}b"));
        assert!(m("(?d)a.b", "a\rb"));
        assert!(m("(?s).*Error.*", "line1\nInternal Error"));
        assert!(m("(\\n|.)+", "line1\nline2"));
        assert!(!m("(\\n|.)+", "line1\r\nline2"));
        assert!(m("abc$\n", "abc\n"));
        assert!(m("abc$\r", "abc\r"));
        assert!(m("(?m)a$\rb", "a\rb"));
        assert!(!m("abc\\Z\n\n", "abc\n\n"));
        assert!(m("abc\\Z\n", "abc\n"));
    }

    #[test]
    fn ascii_classes_and_case() {
        assert!(!m("\\d", "٣"));
        assert!(!m("\\w+", "café"));
        assert!(m("(?U)\\w+", "café"));
        assert!(!m("\\s", "\u{a0}"));
        assert!(m("\\s", "\u{b}"));
        assert!(!m("(?i)é", "É"));
        assert!(m("(?iu)é", "É"));
        assert!(!m("(?i)k", "\u{212a}"));
        assert!(m("\\p{Punct}+", "$+<=>^`|~"));
        assert!(!m("[[:alpha:]]+", "abc"));
        assert!(m("[[:alpha:]]+", ":alph"));
    }

    #[test]
    fn escapes_and_quoting() {
        assert!(m("\\0101", "A"));
        assert!(m("\\Q.*\\E", ".*"));
        assert!(!m("\\Q.*\\E", "ab"));
        assert!(m("a\\hb", "a\tb"));
        assert!(m("a\\vb", "a\nb"));
        assert!(m("\\cA", "\u{1}"));
        assert!(m("\\e", "\u{1b}"));
        assert!(m("(?x) a b # comment", "ab"));
        assert!(m("\\x{41}\\u0041", "AA"));
    }

    #[test]
    fn backtracking_features() {
        assert!(m("(a+)b\\1", "aabaa"));
        assert!(m("(?<x>a+)b\\k<x>", "aabaa"));
        assert!(!m("a*+a", "aaa"));
        assert!(!m("(?>a*)a", "aaa"));
        assert!(m(".*(?<=Error) - x", "Internal Error - x"));
    }

    #[test]
    fn lone_brace_is_rejected_like_java() {
        let e = JavaRegex::new("{").unwrap_err();
        assert_eq!(e.description, "Illegal repetition");
        assert_eq!(e.to_string(), "Illegal repetition near index 1\n{");
    }

    #[test]
    fn error_display_has_a_caret() {
        let e = JavaRegex::new("(unclosed").unwrap_err();
        assert_eq!(e.to_string(), "Unclosed group near index 9\n(unclosed");
        let e = JavaRegex::new("ab[").unwrap_err();
        assert_eq!(
            e.to_string(),
            "Unclosed character class near index 2\nab[\n  ^"
        );
    }

    #[test]
    fn catastrophic_backtracking_is_an_error_not_a_hang() {
        let re = JavaRegex::new("(a|a)+\\1?b").unwrap();
        let text = "a".repeat(40);
        assert_eq!(re.matches(&text), Err(MatchError::TooExpensive));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]
        /// Any pattern either compiles or gets a Java-style error; nothing panics, nothing hangs.
        #[test]
        fn arbitrary_patterns_never_panic(
            p in r"[abk\\()\[\]{}*+?|^$.&:0-9pPQEkbBdDwWsSxuc<>=!#,{} \n-]{0,14}",
            t in r"[abk01\n\r -]{0,8}",
        ) {
            if let Ok(re) = JavaRegex::new(&p) {
                let _ = re.matches(&t);
                let _ = re.find_all(&t);
                let _ = re.split(&t, 0);
                let _ = re.replace_all(&t, "$0");
            }
            let _ = crate::selection::explain(&p, &t);
        }
    }

    #[test]
    fn trailing_dollar_stays_cheap_on_long_messages() {
        let long = format!("Internal Error: {}", "x".repeat(300_000));
        assert_eq!(
            JavaRegex::new("^Internal Error.*$").unwrap().matches(&long),
            Ok(true)
        );
        assert_eq!(JavaRegex::new("a$|b$").unwrap().matches("b\n"), Ok(false));
        // `$` still means "before a final line terminator" where it is not last
        assert!(m("abc$\n", "abc\n"));
        let re = JavaRegex::new("c$").unwrap();
        assert_eq!(re.find_at("abc\n", 0), Ok(Some(2..3)));
    }

    #[test]
    fn word_boundaries_stay_cheap_on_long_ascii_messages() {
        let long = format!("{} Error {}", "x".repeat(200_000), "y".repeat(200_000));
        let re = JavaRegex::new(r".*\bError\b.*").unwrap();
        assert_eq!(re.matches(&long), Ok(true));
        assert!(m(r"caf\b.", "caf-"));
        assert!(!m(r"caf\b.", "café"));
        assert!(
            m(r"a\b.", "a\u{2160}"),
            "Java: Ⅰ is not a letter, so there is a boundary"
        );
    }

    #[test]
    fn find_all_follows_java_iteration() {
        let re = JavaRegex::new("a*").unwrap();
        assert_eq!(re.find_all("baaac").unwrap(), vec![0..0, 1..4, 4..4, 5..5]);
    }
}
