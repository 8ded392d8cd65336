//! JSON as JsonSmart's permissive mode reads filter literals and function arguments:
//! standard JSON, plus single-quoted strings and unquoted object keys (`['a','b']`,
//! `{key: 'v'}`), which Jayway users write all the time.

use serde_json::{Map, Number, Value};

pub(crate) fn parse(text: &str) -> Result<Value, String> {
    if let Ok(v) = serde_json::from_str(text) {
        return Ok(v);
    }
    let mut p = Parser {
        chars: text.chars().collect(),
        pos: 0,
    };
    let value = p.value()?;
    p.blanks();
    if p.pos < p.chars.len() {
        return Err(format!("unexpected character at position {}", p.pos));
    }
    Ok(value)
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn blanks(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn expect(&mut self, c: char) -> Result<(), String> {
        self.blanks();
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            Err(format!("expected '{c}' at position {}", self.pos))
        }
    }

    fn value(&mut self) -> Result<Value, String> {
        self.blanks();
        match self.peek() {
            Some('[') => self.array(),
            Some('{') => self.object(),
            Some(q @ ('\'' | '"')) => self.string(q).map(Value::String),
            Some(_) => self.word(),
            None => Err("unexpected end of JSON".into()),
        }
    }

    fn array(&mut self) -> Result<Value, String> {
        self.expect('[')?;
        let mut items = Vec::new();
        self.blanks();
        if self.peek() == Some(']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            items.push(self.value()?);
            self.blanks();
            match self.peek() {
                Some(',') => self.pos += 1,
                Some(']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                _ => return Err(format!("expected ',' or ']' at position {}", self.pos)),
            }
        }
    }

    fn object(&mut self) -> Result<Value, String> {
        self.expect('{')?;
        let mut map = Map::new();
        self.blanks();
        if self.peek() == Some('}') {
            self.pos += 1;
            return Ok(Value::Object(map));
        }
        loop {
            self.blanks();
            let key = match self.peek() {
                Some(q @ ('\'' | '"')) => self.string(q)?,
                _ => self.bare(),
            };
            self.expect(':')?;
            let value = self.value()?;
            map.insert(key, value);
            self.blanks();
            match self.peek() {
                Some(',') => self.pos += 1,
                Some('}') => {
                    self.pos += 1;
                    return Ok(Value::Object(map));
                }
                _ => return Err(format!("expected ',' or '}}' at position {}", self.pos)),
            }
        }
    }

    fn string(&mut self, quote: char) -> Result<String, String> {
        self.pos += 1;
        let mut out = String::new();
        while let Some(c) = self.peek() {
            self.pos += 1;
            if c == quote {
                return Ok(out);
            }
            if c != '\\' {
                out.push(c);
                continue;
            }
            let Some(e) = self.peek() else { break };
            self.pos += 1;
            match e {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                'b' => out.push('\u{8}'),
                'f' => out.push('\u{c}'),
                'u' => {
                    let hex: String = self.chars.iter().skip(self.pos).take(4).collect();
                    let code = u32::from_str_radix(&hex, 16).map_err(|e| e.to_string())?;
                    self.pos += 4;
                    out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                }
                other => out.push(other),
            }
        }
        Err("unterminated string".into())
    }

    fn bare(&mut self) -> String {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| !matches!(c, ',' | ':' | ']' | '}') && !c.is_whitespace())
        {
            self.pos += 1;
        }
        self.chars[start..self.pos].iter().collect()
    }

    /// A number, `true`/`false`/`null`, or (permissively) an unquoted string.
    fn word(&mut self) -> Result<Value, String> {
        let word = self.bare();
        if word.is_empty() {
            return Err(format!("unexpected character at position {}", self.pos));
        }
        Ok(match word.as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "null" => Value::Null,
            _ => {
                if let Ok(i) = word.parse::<i64>() {
                    Value::from(i)
                } else if let Some(n) = word.parse::<f64>().ok().and_then(Number::from_f64) {
                    Value::Number(n)
                } else {
                    Value::String(word)
                }
            }
        })
    }
}
