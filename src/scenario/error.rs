//! Load errors that point at the offending value: `file:line:column: field: sentence`.

use std::fmt;
use std::ops::Range;

/// Why a scenario file could not be loaded, and where.
///
/// `line` and `column` are 1-based (columns count characters, not bytes); both are 0 when the
/// error has no position (the file could not be read at all).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// The file name as the user gave it.
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// Byte range of the offending text in the file, when known.
    pub span: Option<Range<usize>>,
    /// Dotted path of the field, e.g. `integration.integrationResponses."500".selectionPattern`;
    /// empty when the error is not about one field (a TOML syntax error between fields).
    pub field: String,
    /// What is wrong, in a sentence a learner understands; may span several lines (a regex error
    /// with its caret).
    pub message: String,
}

impl LoadError {
    /// An error at a byte offset of `text`.
    pub(crate) fn at(
        file: &str,
        text: &str,
        span: Option<Range<usize>>,
        field: String,
        message: String,
    ) -> LoadError {
        let (line, column) = span.as_ref().map_or((0, 0), |s| line_column(text, s.start));
        LoadError {
            file: file.to_string(),
            line,
            column,
            span,
            field,
            message,
        }
    }

    /// An error about the file as a whole (it could not be read or written).
    pub fn file(file: &str, message: impl Into<String>) -> LoadError {
        LoadError {
            file: file.to_string(),
            line: 0,
            column: 0,
            span: None,
            field: String::new(),
            message: message.into(),
        }
    }

    /// The error followed by the offending source line and a caret under the column, for
    /// terminals (`text` is the file's content).
    pub fn render_with_source(&self, text: &str) -> String {
        let mut out = self.to_string();
        if self.line == 0 {
            return out;
        }
        if let Some(src) = text.lines().nth(self.line - 1) {
            let gutter = self.line.to_string();
            let pad = " ".repeat(gutter.len());
            let width = self
                .span
                .as_ref()
                .map(|s| caret_width(text, s))
                .unwrap_or(1);
            out.push_str(&format!(
                "\n{pad} |\n{gutter} | {src}\n{pad} | {}{}",
                " ".repeat(self.column - 1),
                "^".repeat(width)
            ));
        }
        out
    }
}

/// Carets under the span, at least one, never past the end of its first line.
fn caret_width(text: &str, span: &Range<usize>) -> usize {
    let Some(rest) = text.get(span.start..span.end.max(span.start)) else {
        return 1;
    };
    rest.lines().next().map_or(1, |l| l.chars().count().max(1))
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        if !self.field.is_empty() {
            write!(f, ": {}", self.field)?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for LoadError {}

/// 1-based line and character column of a byte offset.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_file_position_field_and_sentence() {
        let text = "title = 1\n[handler]\nreturns = 'x'\n";
        let e = LoadError::at(
            "s.toml",
            text,
            Some(30..33),
            "handler.returns".into(),
            "not JSON".into(),
        );
        assert_eq!(e.to_string(), "s.toml:3:11: handler.returns: not JSON");
        assert_eq!(
            e.render_with_source(text),
            "s.toml:3:11: handler.returns: not JSON\n  |\n3 | returns = 'x'\n  |           ^^^"
        );
    }

    #[test]
    fn columns_count_characters() {
        assert_eq!(line_column("é = 1", 5), (1, 5));
        assert_eq!(line_column("a\nbc", 3), (2, 2));
        assert_eq!(line_column("ab", 99), (1, 3));
    }

    #[test]
    fn file_errors_have_no_position() {
        let e = LoadError::file("x.toml", "cannot read the file: not found");
        assert_eq!(e.to_string(), "x.toml: cannot read the file: not found");
        assert_eq!(e.render_with_source(""), e.to_string());
    }
}
