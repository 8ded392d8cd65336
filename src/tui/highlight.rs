//! Syntax highlighting with syntect's pure-Rust regexes: JavaScript and JSON from syntect's
//! default set, VTL from `assets/vtl.sublime-syntax` in its own tiny set (adding it to the
//! defaults would re-link all 75 syntaxes: ~128 ms against ~1 ms).
//!
//! Highlighting yields [`Role`]s, not colours: a private syntect theme maps scopes to role numbers,
//! and the lab's [`Theme`](super::theme::Theme) colours the roles. Only the lines on screen are
//! highlighted (a whole 1 MB JSON takes ~360 ms).

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::ops::Range;
use std::str::FromStr;
use std::sync::OnceLock;

use syntect::easy::HighlightLines;
use syntect::highlighting::{
    Color, ScopeSelectors, StyleModifier, Theme, ThemeItem, ThemeSettings,
};
use syntect::parsing::{SyntaxDefinition, SyntaxReference, SyntaxSet, SyntaxSetBuilder};

use super::theme::Role;

/// What an editor or result pane contains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    JavaScript,
    Json,
    Vtl,
    Plain,
}

const VTL_SYNTAX: &str = include_str!("../../assets/vtl.sublime-syntax");

/// Lines further down than this are highlighted from a fresh state at the first visible line,
/// so scrolling deep into a large payload stays cheap (JSON lines carry no state across).
const MAX_LEAD_IN: usize = 300;

/// Lines longer than this are not highlighted.
const LONG_LINE: usize = 16 * 1024;

const ROLES: [Role; 8] = [
    Role::Text,
    Role::Comment,
    Role::Str,
    Role::Number,
    Role::Keyword,
    Role::Variable,
    Role::Function,
    Role::Operator,
];

fn defaults() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

fn vtl_set() -> Option<&'static SyntaxSet> {
    static SET: OnceLock<Option<SyntaxSet>> = OnceLock::new();
    SET.get_or_init(|| {
        let def = SyntaxDefinition::load_from_str(VTL_SYNTAX, true, None).ok()?;
        let mut b = SyntaxSetBuilder::new();
        b.add(def);
        Some(b.build())
    })
    .as_ref()
}

/// A theme whose "colours" are role numbers in the red channel.
fn role_theme() -> &'static Theme {
    static THEME: OnceLock<Theme> = OnceLock::new();
    THEME.get_or_init(|| {
        let item = |scope: &str, role: usize| ThemeItem {
            scope: ScopeSelectors::from_str(scope).unwrap_or_default(),
            style: StyleModifier {
                foreground: Some(Color {
                    r: role as u8,
                    g: 0,
                    b: 0,
                    a: 255,
                }),
                background: None,
                font_style: None,
            },
        };
        Theme {
            name: Some("apigw-lab roles".into()),
            author: None,
            settings: ThemeSettings {
                foreground: Some(Color {
                    r: 0,
                    g: 0,
                    b: 0,
                    a: 255,
                }),
                ..ThemeSettings::default()
            },
            scopes: vec![
                item("comment", 1),
                item("string, meta.structure.dictionary.key.json string", 2),
                item("constant.numeric, constant.language, constant.character", 3),
                item("keyword, storage", 4),
                item("keyword.operator", 7),
                item("variable, support.type.property-name", 5),
                item(
                    "entity.name.function, support.function, variable.function",
                    6,
                ),
            ],
        }
    })
}

fn syntax(lang: Lang) -> Option<(&'static SyntaxSet, &'static SyntaxReference)> {
    match lang {
        Lang::JavaScript => {
            let set = defaults();
            Some((set, set.find_syntax_by_extension("js")?))
        }
        Lang::Json => {
            let set = defaults();
            Some((set, set.find_syntax_by_extension("json")?))
        }
        Lang::Vtl => {
            let set = vtl_set()?;
            Some((set, set.find_syntax_by_extension("vtl")?))
        }
        Lang::Plain => None,
    }
}

/// Highlighted windows by content: a redraw that changed nothing in a pane (the usual case:
/// one keystroke changes one editor) costs a hash instead of a syntect run.
type Roles = Vec<Vec<(Range<usize>, Role)>>;

thread_local! {
    static CACHE: RefCell<HashMap<u64, Roles>> = RefCell::new(HashMap::new());
}

const CACHE_ENTRIES: usize = 64;

/// Roles for `lines[first..first + count]`: per line, byte ranges with their role.
pub fn highlight<S: AsRef<str>>(lang: Lang, lines: &[S], first: usize, count: usize) -> Roles {
    if lang == Lang::Plain {
        let end = (first + count).min(lines.len());
        return vec![Vec::new(); end.saturating_sub(first)];
    }
    let end = (first + count).min(lines.len());
    let start = if first > MAX_LEAD_IN { first } else { 0 };
    let mut h = DefaultHasher::new();
    (lang as u8, first, end).hash(&mut h);
    for l in &lines[start.min(end)..end] {
        let l = l.as_ref();
        if l.len() > LONG_LINE {
            // Left plain and skipped by the highlighter: its text cannot change the roles, and
            // hashing a megabyte twice per frame is not free.
            (LONG_LINE, "long").hash(&mut h);
        } else {
            l.hash(&mut h);
        }
    }
    let key = h.finish();
    if let Some(hit) = CACHE.with(|c| c.borrow().get(&key).cloned()) {
        return hit;
    }
    let roles = highlight_uncached(lang, lines, first, count);
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= CACHE_ENTRIES {
            c.clear();
        }
        c.insert(key, roles.clone());
    });
    roles
}

fn highlight_uncached<S: AsRef<str>>(lang: Lang, lines: &[S], first: usize, count: usize) -> Roles {
    let end = (first + count).min(lines.len());
    let first = first.min(end);
    let Some((set, syn)) = syntax(lang) else {
        return vec![Vec::new(); end - first];
    };
    let mut h = HighlightLines::new(syn, role_theme());
    let start = if first > MAX_LEAD_IN { first } else { 0 };
    let mut out = Vec::with_capacity(end - first);
    let mut buf = String::new();
    for (i, line) in lines[start..end].iter().enumerate() {
        if line.as_ref().len() > LONG_LINE {
            // A megabyte on one line (minified JSON): plain, rather than 200 ms per frame.
            if start + i >= first {
                out.push(Vec::new());
            }
            continue;
        }
        buf.clear();
        buf.push_str(line.as_ref());
        buf.push('\n');
        let Ok(spans) = h.highlight_line(&buf, set) else {
            // A syntax that fails mid-way leaves the rest plain rather than wrong.
            out.resize(end - first, Vec::new());
            return out;
        };
        if start + i < first {
            continue;
        }
        let text_len = line.as_ref().len();
        let mut at = 0;
        let mut ranges: Vec<(Range<usize>, Role)> = Vec::new();
        for (style, piece) in spans {
            let range = at..(at + piece.len()).min(text_len);
            at += piece.len();
            let role = ROLES
                .get(style.foreground.r as usize)
                .copied()
                .unwrap_or(Role::Text);
            if role == Role::Text || range.start >= range.end {
                continue;
            }
            // Adjacent pieces of one role (a string's quotes and text) become one range.
            match ranges.last_mut() {
                Some((last, r)) if *r == role && last.end == range.start => last.end = range.end,
                _ => ranges.push((range, role)),
            }
        }
        out.push(ranges);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles_of(lang: Lang, line: &str) -> Vec<(String, Role)> {
        highlight(lang, &[line], 0, 1)[0]
            .iter()
            .map(|(r, role)| (line[r.clone()].to_string(), *role))
            .collect()
    }

    #[test]
    fn vtl_syntax_loads_and_marks_directives_references_and_strings() {
        let got = roles_of(Lang::Vtl, "#set($inputRoot = $input.path('$'))");
        assert!(got.contains(&("#set".into(), Role::Keyword)), "{got:?}");
        assert!(
            got.iter()
                .any(|(t, r)| t.contains("$inputRoot") && *r == Role::Variable),
            "{got:?}"
        );
        assert!(
            got.iter()
                .any(|(t, r)| t.contains("'$'") && *r == Role::Str),
            "{got:?}"
        );
        assert!(
            got.iter().any(|(t, r)| t == "path" && *r == Role::Function),
            "{got:?}"
        );
    }

    #[test]
    fn json_strings_and_numbers() {
        let got = roles_of(Lang::Json, r#"{"statusCode": 400, "ok": true}"#);
        assert!(got.iter().any(|(_, r)| *r == Role::Number), "{got:?}");
        assert!(got.iter().any(|(t, _)| t.contains("statusCode")), "{got:?}");
    }

    #[test]
    fn javascript_keywords() {
        let got = roles_of(
            Lang::JavaScript,
            "exports.handler = async (event) => { throw new Error('x'); };",
        );
        assert!(
            got.iter().any(|(t, r)| t == "throw" && *r == Role::Keyword),
            "{got:?}"
        );
        assert!(
            got.iter()
                .any(|(t, r)| t.contains("'x'") && *r == Role::Str),
            "{got:?}"
        );
    }

    #[test]
    fn long_lines_stay_plain_and_the_lines_after_them_are_highlighted_as_usual() {
        let long = format!("[{}]", vec!["1"; LONG_LINE].join(","));
        let other = format!("[{}]", vec!["2"; LONG_LINE].join(","));
        let with = |l: &str| highlight(Lang::Json, &[l, r#"{"a": 1}"#], 0, 2);
        let a = with(&long);
        assert!(a[0].is_empty());
        assert_eq!(a[1], highlight(Lang::Json, &[r#"{"a": 1}"#], 0, 1)[0]);
        assert_eq!(with(&other), a, "a long line's text does not matter");
    }

    #[test]
    fn only_the_requested_window_is_returned() {
        let lines: Vec<String> = (0..1000).map(|i| format!("  \"k{i}\": {i},")).collect();
        let got = highlight(Lang::Json, &lines, 900, 10);
        assert_eq!(got.len(), 10);
        assert!(highlight(Lang::Json, &lines, 995, 10).len() == 5);
        assert!(
            highlight(Lang::Plain, &lines, 0, 3)
                .iter()
                .all(Vec::is_empty)
        );
    }
}
