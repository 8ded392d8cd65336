//! `Matcher.replaceAll` / `replaceFirst` (with Java's `$1`, `${name}`, `\x` replacement syntax)
//! and `String.split(regex, limit)`, iterating matches exactly as `Matcher.find()` does.

use std::ops::Range;

use super::{JavaRegex, MatchError};

type Groups = [Option<Range<usize>>];

pub(super) fn replace(
    re: &JavaRegex,
    text: &str,
    replacement: &str,
    all: bool,
) -> Result<String, MatchError> {
    let mut out = String::new();
    let mut tail = 0;
    let mut failure = None;
    re.each_match(text, |groups| {
        let m = groups[0].clone().unwrap_or(0..0);
        out.push_str(&text[tail..m.start]);
        if let Err(e) = expand(re, text, groups, replacement, &mut out) {
            failure = Some(e);
            return false;
        }
        tail = m.end;
        all
    })?;
    if let Some(e) = failure {
        return Err(e);
    }
    out.push_str(&text[tail..]);
    Ok(out)
}

fn bad(exception: &'static str, message: impl Into<String>) -> MatchError {
    MatchError::Replacement {
        exception,
        message: message.into(),
    }
}

/// `Matcher.appendExpandedReplacement`.
fn expand(
    re: &JavaRegex,
    text: &str,
    groups: &Groups,
    replacement: &str,
    out: &mut String,
) -> Result<(), MatchError> {
    const IAE: &str = "java.lang.IllegalArgumentException";
    let r: Vec<char> = replacement.chars().collect();
    let mut i = 0;
    while i < r.len() {
        match r[i] {
            '\\' => {
                i += 1;
                let Some(&c) = r.get(i) else {
                    return Err(bad(IAE, "character to be escaped is missing"));
                };
                out.push(c);
                i += 1;
            }
            '$' => {
                i += 1;
                let Some(&c) = r.get(i) else {
                    return Err(bad(IAE, "Illegal group reference: group index is missing"));
                };
                let group = if c == '{' {
                    i += 1;
                    let start = i;
                    while r.get(i).is_some_and(|c| c.is_ascii_alphanumeric()) {
                        i += 1;
                    }
                    let name: String = r[start..i].iter().collect();
                    if name.is_empty() {
                        return Err(bad(IAE, "named capturing group has 0 length name"));
                    }
                    if r.get(i) != Some(&'}') {
                        return Err(bad(IAE, "named capturing group is missing trailing '}'"));
                    }
                    if name.starts_with(|c: char| c.is_ascii_digit()) {
                        return Err(bad(
                            IAE,
                            format!("capturing group name {{{name}}} starts with digit character"),
                        ));
                    }
                    i += 1;
                    re.group_index(&name)
                        .ok_or_else(|| bad(IAE, format!("No group with name {{{name}}}")))?
                } else {
                    let Some(mut n) = c.to_digit(10).map(|d| d as usize) else {
                        return Err(bad(IAE, "Illegal group reference"));
                    };
                    i += 1;
                    while let Some(d) = r.get(i).and_then(|c| c.to_digit(10)) {
                        let bigger = n * 10 + d as usize;
                        if bigger > re.group_count() {
                            break;
                        }
                        n = bigger;
                        i += 1;
                    }
                    n
                };
                let Some(span) = groups.get(group) else {
                    return Err(bad(
                        "java.lang.IndexOutOfBoundsException",
                        format!("No group {group}"),
                    ));
                };
                if let Some(span) = span {
                    out.push_str(&text[span.clone()]);
                }
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(())
}

/// `Matcher.quoteReplacement`: a replacement that inserts `s` literally.
pub fn quote_replacement(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c == '\\' || c == '$' {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `Pattern.split(input, limit)` (Java 8+: no leading empty string for a zero-width match at the
/// start; limit 0 drops trailing empty strings; a negative limit keeps them).
pub(super) fn split(re: &JavaRegex, text: &str, limit: i32) -> Result<Vec<String>, MatchError> {
    let limited = limit > 0;
    let trim_trailing = limit == 0;
    let limit = limit.max(0) as usize;
    let mut parts: Vec<String> = Vec::new();
    let mut index = 0;
    let mut matched = false;
    re.each_match(text, |groups| {
        let m = groups[0].clone().unwrap_or(0..0);
        if !limited || parts.len() < limit - 1 {
            if index == 0 && m.start == 0 && m.is_empty() {
                return true;
            }
            parts.push(text[index..m.start].to_string());
            index = m.end;
            matched = true;
            true
        } else {
            false
        }
    })?;
    if !matched || index == 0 {
        return Ok(vec![text.to_string()]);
    }
    if !limited || parts.len() < limit {
        parts.push(text[index..].to_string());
    }
    if trim_trailing {
        while parts.last().is_some_and(String::is_empty) {
            parts.pop();
        }
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn re(p: &str) -> JavaRegex {
        JavaRegex::new(p).unwrap()
    }

    #[test]
    fn replacement_syntax() {
        assert_eq!(
            re("(\\w+)@(\\w+)").replace_all("a@b c@d", "$2@$1").unwrap(),
            "b@a d@c"
        );
        assert_eq!(
            re("(?<u>\\w+)")
                .replace_first("hi there", "<${u}>")
                .unwrap(),
            "<hi> there"
        );
        assert_eq!(re("x").replace_all("axb", "\\$").unwrap(), "a$b");
        assert_eq!(re("(a)").replace_all("a", "$11").unwrap(), "a1");
        assert_eq!(re("a*").replace_all("baaac", "X").unwrap(), "XbXXcX");
    }

    #[test]
    fn replacement_errors_are_java_exceptions() {
        let e = re("a").replace_all("a", "$").unwrap_err();
        assert_eq!(
            e,
            MatchError::Replacement {
                exception: "java.lang.IllegalArgumentException",
                message: "Illegal group reference: group index is missing".into()
            }
        );
        let e = re("a").replace_all("a", "$2").unwrap_err();
        assert!(e.to_string().contains("No group 2"));
        // no match, no complaint: Java parses the replacement only when something matched
        assert_eq!(re("z").replace_all("a", "$").unwrap(), "a");
    }

    #[test]
    fn split_follows_string_split() {
        let s = |p: &str, t: &str, l: i32| re(p).split(t, l).unwrap();
        assert_eq!(s(",", "a,b,,", 0), vec!["a", "b"]);
        assert_eq!(s(",", "a,b,,", -1), vec!["a", "b", "", ""]);
        assert_eq!(s(",", "a,b,c", 2), vec!["a", "b,c"]);
        assert_eq!(s(",", "", 0), vec![""]);
        assert_eq!(s("", "abc", 0), vec!["a", "b", "c"]);
        assert_eq!(s(",", ",a", 0), vec!["", "a"]);
        assert_eq!(s(",", ",,", 0), Vec::<String>::new());
    }

    #[test]
    fn quoting_a_replacement() {
        assert_eq!(quote_replacement("a$b\\c"), "a\\$b\\\\c");
    }
}
