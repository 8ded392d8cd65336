//! Small text helpers for the screen: invisible characters made visible, reason phrases,
//! display widths.

use unicode_width::UnicodeWidthChar;

/// Shows what a regex sees: `↵` for `\n`, `␍` for `\r`, `⇥` for a tab, `·` for each trailing
/// space; other control characters as `\u{..}`. Returns the visible lines (a `↵` ends a line).
pub fn visible_lines(s: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let trailing = s.len() - s.trim_end_matches(' ').len();
    let cut = s.len() - trailing;
    for (i, c) in s.char_indices() {
        let cur = out.last_mut().expect("never empty");
        match c {
            '\n' => {
                cur.push('↵');
                out.push(String::new());
            }
            '\r' => cur.push('␍'),
            '\t' => cur.push('⇥'),
            ' ' if i >= cut => cur.push('·'),
            c if c.is_control() => cur.push_str(&format!("\\u{{{:04x}}}", c as u32)),
            c => cur.push(c),
        }
    }
    out
}

pub use crate::trace::reason_phrase;

/// Display columns of a character (tabs expand to the next multiple of `tab`).
pub fn char_width(c: char, col: usize, tab: usize) -> usize {
    if c == '\t' {
        tab - col % tab
    } else {
        c.width().unwrap_or(0)
    }
}

/// Cuts `s` to at most `width` display columns, ending in `…` when it was longer.
pub fn fit(s: &str, width: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width.saturating_sub(1)
            && s.chars().map(|c| c.width().unwrap_or(0)).sum::<usize>() > width
        {
            out.push('…');
            return out;
        }
        used += w;
        out.push(c);
    }
    out
}

/// Wraps to `width` columns, hard-breaking long words (the result panes are narrow).
pub fn wrap(s: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width {
            out.push(std::mem::take(&mut cur));
            used = 0;
        }
        cur.push(c);
        used += w;
    }
    out.push(cur);
    out
}

/// Re-flows prose to `width` columns: blank lines separate paragraphs, single line breaks are
/// spaces (descriptions are written with hard breaks for the file, not for the pane).
pub fn reflow(text: &str, width: usize) -> Vec<String> {
    let width = width.max(8);
    let mut out = Vec::new();
    for para in text.trim().split("\n\n") {
        let mut line = String::new();
        for word in para.split_whitespace() {
            let wlen = word.chars().count();
            let llen = line.chars().count();
            if llen > 0 && llen + 1 + wlen > width {
                out.push(std::mem::take(&mut line));
            }
            if wlen > width {
                for piece in wrap(word, width) {
                    if !line.is_empty() {
                        out.push(std::mem::take(&mut line));
                    }
                    line = piece;
                }
                continue;
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        out.push(line);
        out.push(String::new());
    }
    out.pop();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisibles_are_shown() {
        assert_eq!(visible_lines("a\nb\r\tc  "), ["a↵", "b␍⇥c··"]);
        assert_eq!(visible_lines(""), [""]);
        assert_eq!(visible_lines("x\u{1}"), ["x\\u{0001}"]);
    }

    #[test]
    fn fitting_and_wrapping() {
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("abc", 4), "abc");
        assert_eq!(wrap("abcdef", 4), ["abcd", "ef"]);
        assert_eq!(reason_phrase(502), "Bad Gateway");
        assert_eq!(
            reflow("aaa bbb\nccc ddd\n\ne", 8),
            ["aaa bbb", "ccc ddd", "", "e"]
        );
        assert_eq!(reflow("abcdefgh ij", 8), ["abcdefgh", "ij"]);
    }
}
