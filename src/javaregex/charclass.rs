//! Character sets as Java defines them. Every class-like construct of a Java pattern (`[...]`,
//! `\d`, `\p{Alpha}`, a case-insensitive letter, `.`) becomes an explicit set of code point
//! ranges here, so Java's class algebra (union, `&&`, negation, ASCII-only case folding) is
//! computed exactly instead of being delegated to a dialect that reads it differently.

use regex_syntax::hir::{Class, ClassUnicode, ClassUnicodeRange, HirKind};

use super::blocks;

/// A set of code points.
pub(crate) type Set = ClassUnicode;

pub(crate) fn empty() -> Set {
    ClassUnicode::empty()
}

pub(crate) fn single(c: char) -> Set {
    range(c, c)
}

pub(crate) fn range(lo: char, hi: char) -> Set {
    ClassUnicode::new([ClassUnicodeRange::new(lo, hi)])
}

fn ranges(pairs: &[(char, char)]) -> Set {
    ClassUnicode::new(pairs.iter().map(|&(a, b)| ClassUnicodeRange::new(a, b)))
}

pub(crate) fn negated(mut s: Set) -> Set {
    s.negate();
    s
}

pub(crate) fn union(mut a: Set, b: &Set) -> Set {
    a.union(b);
    a
}

/// A set defined by a regex-syntax (Unicode) property expression such as `\p{Greek}`.
fn unicode(expr: &str) -> Option<Set> {
    let hir = regex_syntax::ParserBuilder::new()
        .build()
        .parse(expr)
        .ok()?;
    match hir.into_kind() {
        HirKind::Class(Class::Unicode(c)) => Some(c),
        HirKind::Literal(lit) => std::str::from_utf8(&lit.0)
            .ok()
            .and_then(|s| s.chars().next())
            .map(single),
        _ => None,
    }
}

fn unicode_known(expr: &str) -> Set {
    unicode(expr).unwrap_or_else(empty)
}

/// Java's `.` without DOTALL: everything but the line terminators.
pub(crate) fn dot(unix_lines: bool) -> Set {
    if unix_lines {
        negated(single('\n'))
    } else {
        negated(line_terminators())
    }
}

/// `\n \r \u0085 \u2028 \u2029`: what `.`, `^` and `$` treat as line ends (without UNIX_LINES).
pub(crate) fn line_terminators() -> Set {
    ranges(&[
        ('\n', '\n'),
        ('\r', '\r'),
        ('\u{85}', '\u{85}'),
        ('\u{2028}', '\u{2029}'),
    ])
}

pub(crate) fn any() -> Set {
    range('\0', char::MAX)
}

/// `\d \w \s \h \v` (lower-case letter; the caller negates for the upper-case ones).
pub(crate) fn predefined(letter: char, unicode_classes: bool) -> Set {
    match (letter, unicode_classes) {
        ('d', false) => range('0', '9'),
        ('d', true) => unicode_known(r"\p{Nd}"),
        ('w', false) => ranges(&[('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')]),
        ('w', true) => word(),
        ('s', false) => ranges(&[('\t', '\r'), (' ', ' ')]),
        ('s', true) => unicode_known(r"\p{White_Space}"),
        ('h', _) => ranges(&[
            ('\t', '\t'),
            (' ', ' '),
            ('\u{a0}', '\u{a0}'),
            ('\u{1680}', '\u{1680}'),
            ('\u{180e}', '\u{180e}'),
            ('\u{2000}', '\u{200a}'),
            ('\u{202f}', '\u{202f}'),
            ('\u{205f}', '\u{205f}'),
            ('\u{3000}', '\u{3000}'),
        ]),
        ('v', _) => ranges(&[('\n', '\r'), ('\u{85}', '\u{85}'), ('\u{2028}', '\u{2029}')]),
        _ => empty(),
    }
}

/// Java's Unicode word class (`\w` under UNICODE_CHARACTER_CLASS).
fn word() -> Set {
    unicode_known(WORD)
}

/// What Java 17's `\b` counts as a word character without UNICODE_CHARACTER_CLASS:
/// `Character.isLetterOrDigit(ch) || ch == '_'` (non-spacing marks after a base character count
/// too; they are included here unconditionally). Returned as class syntax, not expanded: it
/// appears four times in every `\b` and the named form keeps the compiled pattern small.
pub(crate) fn boundary_word(unicode_classes: bool) -> &'static str {
    if unicode_classes {
        WORD
    } else {
        r"[\p{L}\p{Nd}_\p{Mn}]"
    }
}

const WORD: &str = r"[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]";

/// Whether Java 17's `\b` word test and the Unicode word class (fancy-regex's `\b`) disagree on
/// `c` (never for ASCII).
pub(crate) fn word_definitions_differ(c: char) -> bool {
    static DIFFERENCE: std::sync::OnceLock<Set> = std::sync::OnceLock::new();
    let set = DIFFERENCE.get_or_init(|| {
        let mut java = unicode_known(boundary_word(false));
        java.symmetric_difference(&word());
        java
    });
    !c.is_ascii() && contains(set, c)
}

/// `\p{name}` as `Pattern` resolves it (Java 17 `Pattern.family` / `CharPredicates`).
/// `case_insensitive` selects Java's CI variants of the case properties.
pub(crate) fn property(name: &str, case_insensitive: bool, unicode_classes: bool) -> Option<Set> {
    if let Some((key, value)) = name.split_once('=') {
        return match key.to_ascii_lowercase().as_str() {
            "sc" | "script" => script(value),
            "blk" | "block" => block(value),
            "gc" | "general_category" => java_property(value, case_insensitive),
            _ => None,
        };
    }
    if let Some(block) = name.strip_prefix("In") {
        return self::block(block);
    }
    if let Some(short) = name.strip_prefix("Is") {
        return unicode_property(&short.to_ascii_uppercase(), case_insensitive)
            .or_else(|| java_property(short, case_insensitive))
            .or_else(|| script(short));
    }
    let posix = if unicode_classes {
        posix_unicode(&name.to_ascii_uppercase(), case_insensitive)
    } else {
        None
    };
    posix.or_else(|| java_property(name, case_insensitive))
}

fn block(name: &str) -> Option<Set> {
    let (lo, hi) = blocks::lookup(name)?;
    Some(match (char::from_u32(lo), char::from_u32(hi)) {
        (Some(lo), Some(hi)) => range(lo, hi),
        _ => empty(),
    })
}

/// `Character.UnicodeScript.forName`: the full name or the ISO 15924 alias, any case.
fn script(name: &str) -> Option<Set> {
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    unicode(&format!(r"\p{{sc={name}}}"))
}

/// Java's letter-case properties widen to all cased letters under CASE_INSENSITIVE.
fn cased(expr: &str, case_insensitive: bool) -> Option<Set> {
    if case_insensitive {
        unicode(r"[\p{Lu}\p{Ll}\p{Lt}]")
    } else {
        unicode(expr)
    }
}

fn cased_property(expr: &str, case_insensitive: bool) -> Option<Set> {
    if case_insensitive {
        unicode(r"[\p{Lowercase}\p{Uppercase}\p{Lt}]")
    } else {
        unicode(expr)
    }
}

/// `CharPredicates.forProperty`: general categories, the POSIX names (ASCII) and `java*`.
fn java_property(name: &str, ci: bool) -> Option<Set> {
    const CATEGORIES: [&str; 37] = [
        "Cn", "Lm", "Lo", "Mn", "Me", "Mc", "Nd", "Nl", "No", "Zs", "Zl", "Zp", "Cc", "Cf", "Co",
        "Cs", "Pd", "Ps", "Pe", "Pc", "Po", "Sm", "Sc", "Sk", "So", "Pi", "Pf", "L", "M", "N", "Z",
        "C", "P", "S", "Lu", "Ll", "Lt",
    ];
    match name {
        "Lu" | "Ll" | "Lt" => cased(&format!(r"\p{{gc={name}}}"), ci),
        n if CATEGORIES.contains(&n) => unicode(&format!(r"\p{{gc={n}}}")),
        "LC" => unicode(r"[\p{Lu}\p{Ll}\p{Lt}]"),
        "LD" => unicode(r"[\p{L}\p{Nd}]"),
        "L1" => Some(range('\0', '\u{ff}')),
        "all" => Some(any()),
        "ASCII" => Some(range('\0', '\u{7f}')),
        "Alnum" => Some(ranges(&[('0', '9'), ('A', 'Z'), ('a', 'z')])),
        "Alpha" => Some(ranges(&[('A', 'Z'), ('a', 'z')])),
        "Blank" => Some(ranges(&[('\t', '\t'), (' ', ' ')])),
        "Cntrl" => Some(ranges(&[('\0', '\u{1f}'), ('\u{7f}', '\u{7f}')])),
        "Digit" => Some(range('0', '9')),
        "Graph" => Some(range('!', '~')),
        "Lower" if ci => Some(ranges(&[('A', 'Z'), ('a', 'z')])),
        "Lower" => Some(range('a', 'z')),
        "Print" => Some(range(' ', '~')),
        "Punct" => Some(ranges(&[('!', '/'), (':', '@'), ('[', '`'), ('{', '~')])),
        "Space" => Some(ranges(&[('\t', '\r'), (' ', ' ')])),
        "Upper" if ci => Some(ranges(&[('A', 'Z'), ('a', 'z')])),
        "Upper" => Some(range('A', 'Z')),
        "XDigit" => Some(ranges(&[('0', '9'), ('A', 'F'), ('a', 'f')])),
        "javaLowerCase" => cased_property(r"\p{Lowercase}", ci),
        "javaUpperCase" => cased_property(r"\p{Uppercase}", ci),
        "javaTitleCase" => cased_property(r"\p{Lt}", ci),
        "javaAlphabetic" => unicode(r"\p{Alphabetic}"),
        "javaIdeographic" => unicode(r"\p{Ideographic}"),
        "javaDigit" => unicode(r"\p{Nd}"),
        "javaDefined" => unicode(r"\P{Cn}"),
        "javaLetter" => unicode(r"\p{L}"),
        "javaLetterOrDigit" => unicode(r"[\p{L}\p{Nd}]"),
        "javaJavaIdentifierStart" => unicode(r"[\p{L}\p{Nl}\p{Sc}\p{Pc}]"),
        "javaJavaIdentifierPart" => {
            unicode(r"[\p{L}\p{Nl}\p{Sc}\p{Pc}\p{Nd}\p{Mn}\p{Mc}\x00-\x08\x0E-\x1B\x7F-\x9F\p{Cf}]")
        }
        "javaUnicodeIdentifierStart" => unicode(r"\p{ID_Start}"),
        "javaUnicodeIdentifierPart" => {
            unicode(r"[\p{ID_Continue}\x00-\x08\x0E-\x1B\x7F-\x9F\p{Cf}]")
        }
        "javaIdentifierIgnorable" => unicode(r"[\x00-\x08\x0E-\x1B\x7F-\x9F\p{Cf}]"),
        "javaSpaceChar" => unicode(r"\p{Z}"),
        "javaWhitespace" => unicode(r"[\t-\r\x1C-\x1F\p{Z}--[\xA0\x{2007}\x{202F}]]"),
        "javaISOControl" => Some(ranges(&[('\0', '\u{1f}'), ('\u{7f}', '\u{9f}')])),
        "javaMirrored" => unicode(r"\p{Bidi_Mirrored}"),
        _ => None,
    }
}

/// `CharPredicates.forUnicodeProperty` (the `\p{IsXxx}` binary properties), upper-case name.
fn unicode_property(upper: &str, ci: bool) -> Option<Set> {
    match upper {
        "ALPHABETIC" => unicode(r"\p{Alphabetic}"),
        "ASSIGNED" => unicode(r"\P{Cn}"),
        "CONTROL" => unicode(r"\p{Cc}"),
        "HEXDIGIT" | "HEX_DIGIT" => unicode(r"[\p{Nd}\p{Hex_Digit}]"),
        "IDEOGRAPHIC" => unicode(r"\p{Ideographic}"),
        "JOINCONTROL" | "JOIN_CONTROL" => unicode(r"\p{Join_Control}"),
        "LETTER" => unicode(r"\p{L}"),
        "LOWERCASE" => cased_property(r"\p{Lowercase}", ci),
        "NONCHARACTERCODEPOINT" | "NONCHARACTER_CODE_POINT" => {
            unicode(r"\p{Noncharacter_Code_Point}")
        }
        "TITLECASE" => cased_property(r"\p{Lt}", ci),
        "PUNCTUATION" => unicode(r"\p{P}"),
        "UPPERCASE" => cased_property(r"\p{Uppercase}", ci),
        "WHITESPACE" | "WHITE_SPACE" => unicode(r"\p{White_Space}"),
        "WORD" => Some(word()),
        _ => posix_unicode(upper, ci),
    }
}

/// The POSIX names under UNICODE_CHARACTER_CLASS (`CharPredicates.getPosixPredicate`).
fn posix_unicode(upper: &str, ci: bool) -> Option<Set> {
    let graph = r"[^\p{Z}\p{Cc}\p{Cs}\p{Cn}]";
    match upper {
        "ALPHA" => unicode(r"\p{Alphabetic}"),
        "LOWER" => cased_property(r"\p{Lowercase}", ci),
        "UPPER" => cased_property(r"\p{Uppercase}", ci),
        "SPACE" => unicode(r"\p{White_Space}"),
        "PUNCT" => unicode(r"\p{P}"),
        "XDIGIT" => unicode(r"[\p{Nd}\p{Hex_Digit}]"),
        "ALNUM" => unicode(r"[\p{Alphabetic}\p{Nd}]"),
        "CNTRL" => unicode(r"\p{Cc}"),
        "DIGIT" => unicode(r"\p{Nd}"),
        "BLANK" => unicode(r"[\p{Zs}\t]"),
        "GRAPH" => unicode(graph),
        "PRINT" => unicode(&format!(r"[[\p{{Zs}}{graph}]--\p{{Cc}}]")),
        _ => None,
    }
}

/// Java's case-insensitive widening of a set of literal characters and ranges without
/// UNICODE_CASE: only ASCII letters pair up.
pub(crate) fn case_fold_ascii(mut s: Set) -> Set {
    let mut extra = empty();
    for c in ('A'..='Z').chain('a'..='z') {
        let other = if c.is_ascii_uppercase() {
            c.to_ascii_lowercase()
        } else {
            c.to_ascii_uppercase()
        };
        if contains(&s, other) {
            extra.push(ClassUnicodeRange::new(c, c));
        }
    }
    s.union(&extra);
    s
}

/// `Character.toUpperCase(int)`: the simple (one-to-one) mapping.
pub(crate) fn java_upper(c: char) -> char {
    let mut up = c.to_uppercase();
    match (up.next(), up.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

/// `Character.toLowerCase(int)`: the simple (one-to-one) mapping.
pub(crate) fn java_lower(c: char) -> char {
    if c == '\u{130}' {
        return 'i';
    }
    let mut low = c.to_lowercase();
    match (low.next(), low.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Characters that may be case variants of something in `s` (a superset; callers filter).
fn case_candidates(s: &Set) -> Set {
    let mut f = s.clone();
    f.case_fold_simple();
    if contains(&f, 'i') || contains(&f, 'I') || contains(&f, '\u{130}') || contains(&f, '\u{131}')
    {
        f.union(&ranges(&[('I', 'I'), ('i', 'i'), ('\u{130}', '\u{131}')]));
    }
    f
}

fn filtered(candidates: &Set, keep: impl Fn(char) -> bool) -> Set {
    let mut out = empty();
    for r in candidates.ranges() {
        for c in r.start()..=r.end() {
            if keep(c) {
                out.push(ClassUnicodeRange::new(c, c));
            }
        }
    }
    out
}

/// A literal under CASE_INSENSITIVE | UNICODE_CASE (`Pattern.single`, `SingleU`): `x` matches
/// when `toLowerCase(toUpperCase(x))` equals that of the pattern character, if it has case.
pub(crate) fn case_fold_unicode_char(c: char) -> Set {
    let upper = java_upper(c);
    let lower = java_lower(upper);
    if upper == lower {
        return single(c);
    }
    let candidates = case_candidates(&ranges(&[(c, c), (upper, upper), (lower, lower)]));
    union(
        single(c),
        &filtered(&candidates, |x| java_lower(java_upper(x)) == lower),
    )
}

/// A Latin-1 class member under CASE_INSENSITIVE | UNICODE_CASE (`BitClass.add`).
pub(crate) fn case_fold_unicode_bits(c: char) -> Set {
    if c.is_ascii() {
        return case_fold_ascii(single(c));
    }
    ranges(&[
        (c, c),
        (java_lower(c), java_lower(c)),
        (java_upper(c), java_upper(c)),
    ])
}

/// A range under CASE_INSENSITIVE | UNICODE_CASE (`CIRangeU`).
pub(crate) fn case_fold_unicode_range(lo: char, hi: char) -> Set {
    let inside = |x: char| lo <= x && x <= hi;
    let base = range(lo, hi);
    let extra = filtered(&case_candidates(&base), |x| {
        let up = java_upper(x);
        inside(up) || inside(java_lower(up))
    });
    union(base, &extra)
}

pub(crate) fn contains(s: &Set, c: char) -> bool {
    let rs = s.ranges();
    let i = rs.partition_point(|r| r.end() < c);
    rs.get(i).is_some_and(|r| r.start() <= c)
}

/// fancy-regex syntax for one code point.
pub(crate) fn literal(c: char) -> String {
    if c.is_ascii_alphanumeric() || (!c.is_ascii() && !c.is_control() && !c.is_whitespace()) {
        c.to_string()
    } else {
        format!("\\x{{{:X}}}", c as u32)
    }
}

/// fancy-regex syntax for a set: a literal, `[...]`, or `[^...]` when that is shorter.
pub(crate) fn emit(s: &Set) -> String {
    let rs = s.ranges();
    if rs.is_empty() {
        return r"[^\x{0}-\x{10FFFF}]".to_string();
    }
    if rs.len() == 1 && rs[0].start() == rs[0].end() {
        return literal(rs[0].start());
    }
    let neg = negated(s.clone());
    if !neg.ranges().is_empty() && neg.ranges().len() < rs.len() {
        return format!("[^{}]", emit_ranges(neg.ranges()));
    }
    format!("[{}]", emit_ranges(rs))
}

fn emit_ranges(rs: &[ClassUnicodeRange]) -> String {
    let mut out = String::new();
    for r in rs {
        out.push_str(&literal(r.start()));
        if r.end() != r.start() {
            out.push('-');
            out.push_str(&literal(r.end()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posix_names_are_ascii_only() {
        let alpha = property("Alpha", false, false).unwrap();
        assert!(contains(&alpha, 'a'));
        assert!(!contains(&alpha, 'é'));
        let punct = property("Punct", false, false).unwrap();
        for c in "$+<=>^`|~".chars() {
            assert!(contains(&punct, c), "{c}");
        }
    }

    #[test]
    fn unicode_character_class_widens_posix_names() {
        let alpha = property("Alpha", false, true).unwrap();
        assert!(contains(&alpha, 'é'));
    }

    #[test]
    fn java_properties_and_blocks_resolve() {
        assert!(contains(
            &property("javaLowerCase", false, false).unwrap(),
            'é'
        ));
        assert!(contains(&property("InGreek", false, false).unwrap(), 'α'));
        assert!(contains(&property("IsLatin", false, false).unwrap(), 'a'));
        assert!(contains(&property("IsL", false, false).unwrap(), 'a'));
        assert!(property("Nope", false, false).is_none());
    }

    #[test]
    fn ascii_case_folding_leaves_other_letters_alone() {
        let s = case_fold_ascii(single('k'));
        assert!(contains(&s, 'K'));
        assert!(!contains(&s, '\u{212a}'));
        assert!(!contains(&case_fold_ascii(single('é')), 'É'));
        assert!(contains(&case_fold_unicode_char('é'), 'É'));
        assert!(contains(&case_fold_unicode_char('k'), '\u{212a}'));
        assert!(!contains(&case_fold_unicode_char('ß'), 'ẞ'));
        assert!(contains(&case_fold_unicode_char('ẞ'), 'ß'));
        assert!(contains(&case_fold_unicode_char('i'), '\u{130}'));
    }

    #[test]
    fn word_definitions_differ_only_outside_ascii() {
        assert!(!word_definitions_differ('a'));
        assert!(!word_definitions_differ('é'));
        assert!(word_definitions_differ('\u{200d}')); // ZWJ: Join_Control, not a letter
        assert!(word_definitions_differ('\u{2160}')); // Ⅰ: Alphabetic number, not a letter
    }

    #[test]
    fn emission_prefers_the_shorter_form() {
        assert_eq!(emit(&dot(true)), r"[^\x{A}]");
        assert_eq!(emit(&single('a')), "a");
        assert_eq!(emit(&range('a', 'c')), "[a-c]");
    }
}
