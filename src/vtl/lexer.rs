//! Character-level scanning shared by the parser: the token shapes of Velocity 1.7's grammar
//! (identifiers, directive words, numbers, string literals, whitespace) as its JavaCC lexer
//! defines them.

/// `[a-zA-Z_][a-zA-Z0-9_-]*`: a reference identifier (1.7 allows `-` after the first character,
/// so `$a-b` is one name).
pub fn identifier(s: &str) -> usize {
    let b = s.as_bytes();
    if b.is_empty() || !(b[0].is_ascii_alphabetic() || b[0] == b'_') {
        return 0;
    }
    1 + b[1..]
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_' || **c == b'-')
        .count()
}

/// `[a-zA-Z_@][a-zA-Z0-9_@]*`: a directive or macro name after `#`.
pub fn word(s: &str) -> usize {
    let b = s.as_bytes();
    if b.is_empty() || !(b[0].is_ascii_alphabetic() || b[0] == b'_' || b[0] == b'@') {
        return 0;
    }
    1 + b[1..]
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_' || **c == b'@')
        .count()
}

/// `{word}` (the first character may not be `@`): returns the length including braces.
pub fn bracketed_word(s: &str) -> usize {
    let b = s.as_bytes();
    if b.len() < 3 || b[0] != b'{' || !(b[1].is_ascii_alphabetic() || b[1] == b'_') {
        return 0;
    }
    let n = word(&s[1..]);
    if b.get(1 + n) == Some(&b'}') {
        n + 2
    } else {
        0
    }
}

/// Spaces, tabs, newlines and carriage returns.
pub fn whitespace(s: &str) -> usize {
    s.bytes()
        .take_while(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
        .count()
}

/// `[ \t]*` followed by a line break: what `)`, `#end` and `#else` swallow. Returns 0 when no
/// line break follows.
pub fn trailing_newline(s: &str) -> usize {
    let sp = s.bytes().take_while(|c| matches!(c, b' ' | b'\t')).count();
    let rest = &s.as_bytes()[sp..];
    match rest {
        [b'\r', b'\n', ..] => sp + 2,
        [b'\n', ..] | [b'\r', ..] => sp + 1,
        _ => 0,
    }
}

/// The `#set` token: `[ \t]*(#set|#{set}) *(`. Returns its length.
pub fn set_directive(s: &str) -> usize {
    let sp = s.bytes().take_while(|c| matches!(c, b' ' | b'\t')).count();
    let rest = &s[sp..];
    let kw = if rest.starts_with("#set") {
        4
    } else if rest.starts_with("#{set}") {
        6
    } else {
        return 0;
    };
    let after = &rest[kw..];
    let spaces = after.bytes().take_while(|c| *c == b' ').count();
    if after.as_bytes().get(spaces) == Some(&b'(') {
        sp + kw + spaces + 1
    } else {
        0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumKind {
    Integer,
    Float,
}

/// INTEGER_LITERAL `-?[0-9]+` (stopping before `..`) or FLOATING_POINT_LITERAL
/// (`-?[0-9]+.[0-9]*exp?`, `-?.[0-9]+exp?`, `-?[0-9]+exp`), longest match as JavaCC picks it.
pub fn number(s: &str) -> Option<(usize, NumKind)> {
    let b = s.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let digits = |from: usize| b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let int_digits = digits(i);
    i += int_digits;
    if int_digits > 0 && b.get(i) == Some(&b'.') && b.get(i + 1) == Some(&b'.') {
        return Some((i, NumKind::Integer));
    }
    let mut float = false;
    if b.get(i) == Some(&b'.') {
        let frac = digits(i + 1);
        if int_digits > 0 || frac > 0 {
            i += 1 + frac;
            float = true;
        }
    }
    if int_digits == 0 && !float {
        return None;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(b.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        let exp = digits(j);
        if exp > 0 {
            i = j + exp;
            float = true;
        }
    }
    Some((
        i,
        if float {
            NumKind::Float
        } else {
            NumKind::Integer
        },
    ))
}

/// A string literal starting at `s[0]` (`"` or `'`). A doubled quote stays inside the literal;
/// backslashes are ordinary characters (there is no `\"`). Returns the length with both quotes,
/// or `None` when the literal is not closed.
pub fn string_literal(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let q = *b.first()?;
    let mut i = 1;
    while i < b.len() {
        if b[i] == q {
            if b.get(i + 1) == Some(&q) {
                i += 2;
                continue;
            }
            return Some(i + 1);
        }
        i += 1;
    }
    None
}

/// The value of a string literal's body: `\uXXXX` unescaped (double quotes only, as 1.7 does) and
/// doubled quotes halved.
pub fn unquote(body: &str, quote: char) -> String {
    let unescaped = if quote == '"' {
        unescape_unicode(body)
    } else {
        body.to_string()
    };
    let doubled: String = [quote, quote].iter().collect();
    unescaped.replace(&doubled, &quote.to_string())
}

fn unescape_unicode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("\\u") {
        out.push_str(&rest[..i]);
        let hex = rest.get(i + 2..i + 6);
        match hex
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .and_then(char::from_u32)
        {
            Some(c) if hex.is_some_and(|h| h.bytes().all(|b| b.is_ascii_hexdigit())) => {
                out.push(c);
                rest = &rest[i + 6..];
            }
            _ => {
                out.push_str("\\u");
                rest = &rest[i + 2..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_take_hyphens() {
        assert_eq!(identifier("a-b c"), 3);
        assert_eq!(identifier("_x1"), 3);
        assert_eq!(identifier("1a"), 0);
        assert_eq!(word("foreach("), 7);
        assert_eq!(bracketed_word("{end}x"), 5);
        assert_eq!(bracketed_word("{@x}"), 0);
    }

    #[test]
    fn numbers_as_javacc_splits_them() {
        assert_eq!(number("12..3"), Some((2, NumKind::Integer)));
        assert_eq!(number("-7)"), Some((2, NumKind::Integer)));
        assert_eq!(number("1.5e3 "), Some((5, NumKind::Float)));
        assert_eq!(number("1. "), Some((2, NumKind::Float)));
        assert_eq!(number(".5"), Some((2, NumKind::Float)));
        assert_eq!(number("1e"), Some((1, NumKind::Integer)));
        assert_eq!(number("-x"), None);
    }

    #[test]
    fn string_literals() {
        assert_eq!(string_literal(r#""a""b" x"#), Some(6));
        assert_eq!(string_literal(r#""a\"b""#), Some(4));
        assert_eq!(string_literal("'it''s'"), Some(7));
        assert_eq!(string_literal("\"open"), None);
        assert_eq!(unquote(r#"a""b\u0041\t"#, '"'), "a\"bA\\t");
        assert_eq!(unquote("it''s", '\''), "it's");
    }

    #[test]
    fn set_and_newline_tokens() {
        assert_eq!(set_directive("  #set ($"), 8);
        assert_eq!(set_directive("#{set}("), 7);
        assert_eq!(set_directive("#set $a"), 0);
        assert_eq!(trailing_newline("  \r\nx"), 4);
        assert_eq!(trailing_newline("  x"), 0);
    }
}
