//! The scenario file as a spanned TOML tree: maps a field path to the text it came from (so an
//! error can point at the offending value) and a byte offset back to the field it lies in.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// A parsed TOML document that remembers where every key and value came from.
pub(crate) struct Doc<'a> {
    text: &'a str,
    root: Spanned<DeTable<'a>>,
}

impl<'a> Doc<'a> {
    pub(crate) fn parse(text: &'a str) -> Result<Doc<'a>, toml::de::Error> {
        Ok(Doc {
            text,
            root: DeTable::parse(text)?,
        })
    }

    /// Best-effort tree of a document with syntax errors (to name the field an error is in).
    pub(crate) fn parse_recoverable(text: &'a str) -> Doc<'a> {
        Doc {
            text,
            root: DeTable::parse_recoverable(text).0,
        }
    }

    /// Where the field at `path` is written: its value for a plain value, its key for a table
    /// (whose header is what people look for). When the path is missing, the deepest part of it
    /// that exists (so "missing field" errors point at the table that lacks it).
    pub(crate) fn span_of(&self, path: &[&str]) -> Option<Range<usize>> {
        let mut table = self.root.get_ref();
        let mut best = None;
        for (i, key) in path.iter().enumerate() {
            let (k, v) = table.get_key_value(*key)?;
            let is_last = i + 1 == path.len();
            best = Some(match v.get_ref() {
                DeValue::Table(_) => k.span(),
                _ => v.span(),
            });
            match v.get_ref() {
                DeValue::Table(t) if !is_last => table = t,
                _ => {
                    return if is_last {
                        best
                    } else {
                        best.or(Some(v.span()))
                    };
                }
            }
        }
        best
    }

    /// Where the key of the field at `path` is written (for errors about the key, such as a
    /// mapping target, rather than its value).
    pub(crate) fn key_span(&self, path: &[&str]) -> Option<Range<usize>> {
        let (last, parents) = path.split_last()?;
        let mut table = self.root.get_ref();
        for key in parents {
            table = table.get(*key)?.get_ref().as_table()?;
        }
        table.get_key_value(*last).map(|(k, _)| k.span())
    }

    /// The span of item `index` of the array at `path`.
    pub(crate) fn array_item(&self, path: &[&str], index: usize) -> Option<Range<usize>> {
        let (last, parents) = path.split_last()?;
        let mut table = self.root.get_ref();
        for key in parents {
            table = table.get(*key)?.get_ref().as_table()?;
        }
        let array = table.get(*last)?.get_ref().as_array()?;
        array.get(index).map(|v| v.span())
    }

    /// The deepest existing prefix of `path` with its span (for errors about absent fields).
    pub(crate) fn nearest(&self, path: &[&str]) -> Option<Range<usize>> {
        (1..=path.len())
            .rev()
            .find_map(|n| self.span_of(&path[..n]))
    }

    /// The value's span when `path` is written, else the nearest existing ancestor's.
    pub(crate) fn locate(&self, path: &[&str]) -> Option<Range<usize>> {
        self.span_of(path).or_else(|| self.nearest(path))
    }

    /// Offset in the file of byte `index` of the string value at `path`, when that value is a
    /// literal string (`'…'` / `'''…'''`, copied verbatim). `None` for basic strings with escapes.
    pub(crate) fn offset_in_string(&self, path: &[&str], index: usize) -> Option<usize> {
        let span = self.span_of(path)?;
        let raw = self.text.get(span.clone())?;
        let start = if let Some(rest) = raw.strip_prefix("'''") {
            // A newline right after the opening delimiter is not part of the value.
            3 + if rest.starts_with("\r\n") {
                2
            } else {
                usize::from(rest.starts_with('\n'))
            }
        } else if raw.starts_with('\'')
            || (!raw.contains('\\') && raw.starts_with('"') && !raw.starts_with("\"\"\""))
        {
            1
        } else {
            return None;
        };
        let at = span.start + start + index;
        (at <= span.end).then_some(at)
    }

    /// The path of the table whose span is exactly `span` (serde reports a missing field with
    /// the span of the table that lacks it); `Some(vec![])` for the whole document.
    pub(crate) fn table_with_span(&self, span: &Range<usize>) -> Option<Vec<String>> {
        if self.root.span() == *span || (span.start == 0 && span.end >= self.text.len()) {
            return Some(Vec::new());
        }
        find_table(self.root.get_ref(), span)
    }

    /// The path of keys whose key or value contains `offset`, outermost first.
    pub(crate) fn path_at(&self, offset: usize) -> Vec<String> {
        let mut path = Vec::new();
        let mut table = self.root.get_ref();
        'descend: loop {
            for (k, v) in table.iter() {
                let in_key = k.span().contains(&offset);
                let in_value = v.span().contains(&offset) || v.span().end == offset;
                if !(in_key || in_value) {
                    continue;
                }
                path.push(k.get_ref().to_string());
                match v.get_ref() {
                    DeValue::Table(t) if !in_key => {
                        table = t;
                        continue 'descend;
                    }
                    _ => break 'descend,
                }
            }
            // A table opened by a header spans only the header: look into its entries anyway.
            let mut found = None;
            for (k, v) in table.iter() {
                if let DeValue::Table(t) = v.get_ref()
                    && contains_offset(t, offset)
                {
                    found = Some((k.get_ref().to_string(), t));
                    break;
                }
            }
            match found {
                Some((k, t)) => {
                    path.push(k);
                    table = t;
                }
                None => break,
            }
        }
        path
    }
}

fn find_table(table: &DeTable<'_>, span: &Range<usize>) -> Option<Vec<String>> {
    table.iter().find_map(|(k, v)| {
        let DeValue::Table(t) = v.get_ref() else {
            return None;
        };
        let name = k.get_ref().to_string();
        if v.span() == *span || k.span() == *span {
            return Some(vec![name]);
        }
        let mut inner = find_table(t, span)?;
        inner.insert(0, name);
        Some(inner)
    })
}

/// Whether any key or value of the table (at any depth) covers `offset`.
fn contains_offset(table: &DeTable<'_>, offset: usize) -> bool {
    table.iter().any(|(k, v)| {
        k.span().contains(&offset)
            || v.span().contains(&offset)
            || matches!(v.get_ref(), DeValue::Table(t) if contains_offset(t, offset))
    })
}

/// `a.b."500".c`: a path as users write it in TOML (keys quoted unless plainly bare and not
/// numeric, as the spec writes status codes).
pub(crate) fn dotted(path: &[impl AsRef<str>]) -> String {
    path.iter()
        .map(|k| {
            let k = k.as_ref();
            let bare = !k.is_empty()
                && k.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                && !k.chars().all(|c| c.is_ascii_digit());
            // `bodyContains[1]`: an array item, as the expectations name them.
            let item = k.ends_with(']')
                && k.split_once('[').is_some_and(|(name, index)| {
                    !name.is_empty()
                        && name.chars().all(|c| c.is_ascii_alphanumeric())
                        && index[..index.len() - 1].chars().all(|c| c.is_ascii_digit())
                });
            if bare || item {
                k.to_string()
            } else {
                format!("{k:?}")
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"title = "t"
[handler]
returns = '{"a": 1}'

[integration.integrationResponses."500"]
selectionPattern = '^Internal Error.*'
responseTemplates = { "application/json" = '''
$input.json('$')''' }
"#;

    #[test]
    fn spans_point_at_values_and_table_headers() {
        let doc = Doc::parse(TEXT).unwrap();
        let at = |p: &[&str]| &TEXT[doc.span_of(p).unwrap()];
        assert_eq!(at(&["title"]), "\"t\"");
        assert_eq!(at(&["handler", "returns"]), "'{\"a\": 1}'");
        assert_eq!(
            at(&[
                "integration",
                "integrationResponses",
                "500",
                "selectionPattern"
            ]),
            "'^Internal Error.*'"
        );
        assert_eq!(at(&["handler"]), "handler");
        assert!(doc.span_of(&["handler", "code"]).is_none());
        assert_eq!(&TEXT[doc.locate(&["handler", "code"]).unwrap()], "handler");
    }

    #[test]
    fn offsets_inside_literal_strings() {
        let doc = Doc::parse(TEXT).unwrap();
        let p = [
            "integration",
            "integrationResponses",
            "500",
            "selectionPattern",
        ];
        let at = doc.offset_in_string(&p, 1).unwrap();
        assert_eq!(&TEXT[at..at + 8], "Internal");
        let t = [
            "integration",
            "integrationResponses",
            "500",
            "responseTemplates",
            "application/json",
        ];
        let at = doc.offset_in_string(&t, 0).unwrap();
        assert_eq!(&TEXT[at..at + 6], "$input");
    }

    #[test]
    fn offsets_map_back_to_field_paths() {
        let doc = Doc::parse(TEXT).unwrap();
        let off = TEXT.find("^Internal").unwrap();
        assert_eq!(
            doc.path_at(off),
            [
                "integration",
                "integrationResponses",
                "500",
                "selectionPattern"
            ]
        );
        assert_eq!(
            doc.path_at(TEXT.find("returns").unwrap()),
            ["handler", "returns"]
        );
    }

    #[test]
    fn dotted_quotes_what_toml_would() {
        assert_eq!(
            dotted(&[
                "integration",
                "integrationResponses",
                "500",
                "responseTemplates",
                "application/json"
            ]),
            "integration.integrationResponses.\"500\".responseTemplates.\"application/json\""
        );
    }
}
