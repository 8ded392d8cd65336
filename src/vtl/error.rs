//! Template errors with a position, the offending source line and a caret, and a hint.

use std::fmt;

use serde::Serialize;

/// A template error (parse or render) with its 1-based line and column (in characters).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VtlError {
    pub message: String,
    pub line: usize,
    pub column: usize,
    /// What to do about it, when we know.
    pub hint: Option<String>,
}

impl VtlError {
    pub(crate) fn at(src: &str, offset: usize, message: impl Into<String>) -> VtlError {
        let (line, column) = line_col(src, offset);
        VtlError {
            message: message.into(),
            line,
            column,
            hint: None,
        }
    }

    pub(crate) fn with_hint(mut self, hint: impl Into<String>) -> VtlError {
        self.hint = Some(hint.into());
        self
    }

    /// The error as a compiler prints it: message, the source line, a caret under the column,
    /// then the hint.
    pub fn render_with_source(&self, src: &str) -> String {
        let mut out = format!(
            "error: {}\n --> line {}, column {}\n",
            self.message, self.line, self.column
        );
        if let Some(text) = src.lines().nth(self.line.saturating_sub(1)) {
            let gutter = self.line.to_string();
            let pad = " ".repeat(gutter.len());
            // Tabs keep their width so that the caret stays under the right character.
            let before: String = text
                .chars()
                .take(self.column.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            out.push_str(&format!("{pad} |\n{gutter} | {text}\n{pad} | {before}^\n"));
        }
        if let Some(hint) = &self.hint {
            out.push_str(&format!(" = hint: {hint}\n"));
        }
        out
    }
}

impl fmt::Display for VtlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at line {}, column {}",
            self.message, self.line, self.column
        )
    }
}

impl std::error::Error for VtlError {}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(src, offset.min(src.len()));
    let before = &src[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_characters() {
        assert_eq!(line_col("ab\ncdé f", 0), (1, 1));
        assert_eq!(line_col("ab\ncdé f", 3), (2, 1));
        assert_eq!(line_col("ab\ncdé f", 7), (2, 4));
    }

    #[test]
    fn caret_under_column() {
        let e = VtlError::at("line one\n  #foo(", 11, "Unexpected").with_hint("close it");
        let shown = e.render_with_source("line one\n  #foo(");
        assert!(shown.contains("2 |   #foo("), "{shown}");
        assert!(shown.contains("  |   ^"), "{shown}");
        assert!(shown.contains("hint: close it"));
    }
}
