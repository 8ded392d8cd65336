//! A cursor over the characters of a path or filter, with the look-ahead helpers Jayway's
//! `CharacterIndex` offers. Positions are signed because Jayway signals "not found" with -1, and
//! reading past the end is an error (Java throws) rather than a panic.

use super::JsonPathError;

pub(crate) const SPACE: char = ' ';

#[derive(Debug, Clone)]
pub(crate) struct Cursor {
    chars: Vec<char>,
    pub pos: isize,
    /// Last readable index (inclusive); a filter cursor trims its end.
    end: isize,
}

impl Cursor {
    pub fn new(text: &str) -> Self {
        let chars: Vec<char> = text.chars().collect();
        let end = chars.len() as isize - 1;
        Cursor { chars, pos: 0, end }
    }

    pub fn len(&self) -> isize {
        self.end + 1
    }

    /// The character at `i`, which may lie past the trimmed end (Java reads the underlying
    /// string there), but not outside the text.
    pub fn at(&self, i: isize) -> Result<char, JsonPathError> {
        if i < 0 || i as usize >= self.chars.len() {
            return Err(JsonPathError::invalid(format!(
                "java.lang.StringIndexOutOfBoundsException: index {i}, length {}",
                self.chars.len()
            )));
        }
        Ok(self.chars[i as usize])
    }

    pub fn cur(&self) -> Result<char, JsonPathError> {
        self.at(self.pos)
    }

    pub fn cur_is(&self, c: char) -> bool {
        self.at(self.pos).is_ok_and(|x| x == c)
    }

    pub fn next_is(&self, c: char) -> bool {
        self.in_bounds(self.pos + 1) && self.chars[(self.pos + 1) as usize] == c
    }

    pub fn in_bounds(&self, i: isize) -> bool {
        i >= 0 && i <= self.end
    }

    pub fn in_bounds_here(&self) -> bool {
        self.in_bounds(self.pos)
    }

    pub fn is_tail(&self) -> bool {
        !self.in_bounds(self.pos + 1)
    }

    pub fn has_more(&self) -> bool {
        self.in_bounds(self.pos + 1)
    }

    pub fn slice(&self, from: isize, to: isize) -> String {
        let from = from.max(0) as usize;
        let to = (to.max(0) as usize).min(self.chars.len());
        if from >= to {
            return String::new();
        }
        self.chars[from..to].iter().collect()
    }

    pub fn last_is(&self, c: char) -> bool {
        self.end >= 0 && self.chars[self.end as usize] == c
    }

    /// Drops spaces at both ends (Jayway trims its cursor this way).
    pub fn trim(&mut self) {
        while self.in_bounds(self.pos) && self.chars[self.pos as usize] == SPACE {
            self.pos += 1;
        }
        while self.end >= self.pos && self.chars[self.end as usize] == SPACE {
            self.end -= 1;
        }
    }

    pub fn shrink_end(&mut self, by: isize) {
        self.end -= by;
    }

    pub fn skip_blanks(&mut self) -> &mut Self {
        while self.in_bounds_here() && self.chars[self.pos as usize] == SPACE {
            self.pos += 1;
        }
        self
    }

    pub fn index_of_next_significant(&self, start: isize, c: char) -> Result<isize, JsonPathError> {
        let mut i = start + 1;
        while self.in_bounds(i) && self.chars[i as usize] == SPACE {
            i += 1;
        }
        Ok(if self.at(i)? == c { i } else { -1 })
    }

    pub fn next_significant_is(&self, start: isize, c: char) -> bool {
        let mut i = start + 1;
        while self.in_bounds(i) && self.chars[i as usize] == SPACE {
            i += 1;
        }
        self.in_bounds(i) && self.chars[i as usize] == c
    }

    pub fn next_significant(&self, start: isize) -> char {
        let mut i = start + 1;
        while self.in_bounds(i) && self.chars[i as usize] == SPACE {
            i += 1;
        }
        if self.in_bounds(i) {
            self.chars[i as usize]
        } else {
            SPACE
        }
    }

    pub fn previous_significant_index(&self, start: isize) -> isize {
        let mut i = start - 1;
        while self.in_bounds(i) && self.chars[i as usize] == SPACE {
            i -= 1;
        }
        if self.in_bounds(i) { i } else { -1 }
    }

    pub fn previous_significant(&self, start: isize) -> char {
        match self.previous_significant_index(start) {
            -1 => SPACE,
            i => self.chars[i as usize],
        }
    }

    pub fn next_index_of(&self, start: isize, c: char) -> isize {
        let mut i = start;
        while self.in_bounds(i) {
            if self.chars[i as usize] == c {
                return i;
            }
            i += 1;
        }
        -1
    }

    /// Next `c` not preceded by a single backslash (`\\` before it does not escape it).
    pub fn next_index_of_unescaped(&self, start: isize, c: char) -> isize {
        let mut i = start;
        let char_or_space = |k: isize| {
            if self.in_bounds(k) {
                self.chars[k as usize]
            } else {
                SPACE
            }
        };
        while self.in_bounds(i) {
            let prev1 = char_or_space(i - 1);
            let prev2 = char_or_space(i - 2);
            let ignore = prev1 == '\\' && prev2 == '\\';
            let escaped = prev1 == '\\' && !ignore;
            if self.chars[i as usize] == c && !escaped {
                return i;
            }
            i += 1;
        }
        -1
    }

    /// Index of the `close` matching the `open` at `start`, optionally skipping `'…'` strings
    /// and `/…/` patterns, as Jayway scans them.
    pub fn index_of_matching_close(
        &self,
        start: isize,
        open: char,
        close: char,
        skip_strings: bool,
        skip_regex: bool,
    ) -> Result<isize, JsonPathError> {
        if self.at(start)? != open {
            return Err(JsonPathError::invalid(format!(
                "Expected {open} but found {}",
                self.at(start)?
            )));
        }
        let mut opened = 1;
        let mut i = start + 1;
        while self.in_bounds(i) {
            if skip_strings && self.at(i)? == '\'' {
                let mut escaped = false;
                while self.in_bounds(i) {
                    i += 1;
                    if escaped {
                        escaped = false;
                        continue;
                    }
                    let c = self.at(i)?;
                    if c == '\\' {
                        escaped = true;
                        continue;
                    }
                    if c == '\'' {
                        i += 1;
                        break;
                    }
                }
            }
            if skip_regex && self.at(i)? == '/' {
                while self.in_bounds(i) {
                    i += 1;
                    if self.at(i)? == '/' {
                        i += 1;
                        break;
                    }
                }
            }
            let c = self.at(i)?;
            if c == open {
                opened += 1;
            }
            if c == close {
                opened -= 1;
                if opened == 0 {
                    return Ok(i);
                }
            }
            i += 1;
        }
        Ok(-1)
    }

    /// Skips blanks, then consumes `text` if it comes next (filters' `&&` and `||`).
    pub fn has_significant_sub_sequence(&mut self, text: &str) -> bool {
        self.skip_blanks();
        let n = text.chars().count() as isize;
        if !self.in_bounds(self.pos + n - 1) {
            return false;
        }
        if self.slice(self.pos, self.pos + n) != text {
            return false;
        }
        self.pos += n;
        true
    }

    /// Skips blanks and consumes `c`, or fails as Jayway does.
    pub fn read_significant_char(&mut self, c: char) -> Result<(), JsonPathError> {
        if self.skip_blanks().cur()? != c {
            return Err(JsonPathError::invalid(format!("Expected character: {c}")));
        }
        self.pos += 1;
        Ok(())
    }
}
