//! JSON text as each Lambda runtime writes it. The same value reaches API Gateway as different bytes
//! depending on the runtime's serializer (Node `JSON.stringify`, Python `json.dumps`, Jackson, ...),
//! and a learner comparing bodies sees exactly those bytes.
//!
//! Numbers follow each language's own float-to-text rules (shortest round-trip digits, then the
//! language's choice between fixed and exponent notation). Integers that fit 64 bits stay exact except
//! in JavaScript, where every number is a double.

use serde_json::Value;

/// A serializer's observable conventions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `JSON.stringify(value)`: compact, no escaping beyond what JSON requires.
    Node,
    /// `json.dumps(value)`: `", "` and `": "` separators, `ensure_ascii=True`.
    Python,
    /// Jackson `ObjectMapper.writeValueAsString`: compact, `\u00XX` with upper-case hex.
    Java,
    /// `encoding/json`: compact, `<`, `>`, `&`, U+2028 and U+2029 escaped.
    Go,
    /// Ruby's `JSON.generate`: compact.
    Ruby,
    /// `System.Text.Json` with Lambda's relaxed encoder: compact.
    DotNet,
}

/// Serializes `value` as the runtime's serializer would.
pub fn to_string(value: &Value, style: Style) -> String {
    let mut out = String::new();
    write_value(&mut out, value, style);
    out
}

fn write_value(out: &mut String, value: &Value, style: Style) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(out, n, style),
        Value::String(s) => write_string(out, s, style),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(item_separator(style));
                }
                write_value(out, item, style);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, v)) in ordered_entries(map, style).into_iter().enumerate() {
                if i > 0 {
                    out.push_str(item_separator(style));
                }
                write_string(out, k, style);
                out.push_str(if style == Style::Python { ": " } else { ":" });
                write_value(out, v, style);
            }
            out.push('}');
        }
    }
}

/// A JavaScript object lists integer-like keys first, ascending, then the others in insertion
/// order: `JSON.stringify(JSON.parse('{"b":1,"2":2,"1":3}'))` is `{"1":3,"2":2,"b":1}`.
fn ordered_entries(map: &serde_json::Map<String, Value>, style: Style) -> Vec<(&String, &Value)> {
    let mut entries: Vec<(&String, &Value)> = map.iter().collect();
    if style == Style::Node {
        entries.sort_by_key(|(k, _)| array_index(k).map_or((1, 0), |i| (0, i)));
    }
    entries
}

/// The value of a canonical array-index key (`"0"`, `"42"`; not `"01"` or `"-1"`).
fn array_index(key: &str) -> Option<u32> {
    let i: u32 = key.parse().ok()?;
    (i < u32::MAX && i.to_string() == key).then_some(i)
}

fn item_separator(style: Style) -> &'static str {
    if style == Style::Python { ", " } else { "," }
}

fn write_number(out: &mut String, n: &serde_json::Number, style: Style) {
    if style != Style::Node {
        if let Some(i) = n.as_i64() {
            out.push_str(&i.to_string());
            return;
        }
        if let Some(u) = n.as_u64() {
            out.push_str(&u.to_string());
            return;
        }
    }
    let f = n.as_f64().unwrap_or(0.0);
    out.push_str(&format_float(f, style));
}

/// A finite double as the language prints it.
pub fn format_float(f: f64, style: Style) -> String {
    if f == 0.0 {
        // JSON.stringify(-0) is "0"; the others keep the sign and print a float zero.
        return match style {
            Style::Node => "0".into(),
            Style::DotNet | Style::Go => if f.is_sign_negative() { "-0" } else { "0" }.into(),
            _ => if f.is_sign_negative() { "-0.0" } else { "0.0" }.into(),
        };
    }
    let (negative, digits, exp) = shortest_digits(f);
    let body = match style {
        Style::Node => js_number(&digits, exp),
        Style::Python => fixed_or_exponent(&digits, exp, (-4, 16), true, "e", 2),
        Style::Ruby => ruby_float(&digits, exp),
        Style::Java => java_double(&digits, exp),
        Style::Go => go_float(&digits, exp),
        Style::DotNet => fixed_or_exponent(&digits, exp, (-5, 15), false, "E", 2),
    };
    if negative { format!("-{body}") } else { body }
}

/// Shortest round-trip decimal digits of `|f|` and the exponent of the first digit
/// (`123.4` → `("1234", 2)`).
fn shortest_digits(f: f64) -> (bool, String, i32) {
    let s = format!("{:e}", f.abs());
    let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    (f.is_sign_negative(), digits, exp.parse().unwrap_or(0))
}

/// ECMAScript Number::toString.
fn js_number(digits: &str, exp: i32) -> String {
    let k = digits.len() as i32;
    let n = exp + 1;
    if k <= n && n <= 21 {
        format!("{digits}{}", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        format!("{}.{}", &digits[..n as usize], &digits[n as usize..])
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat((-n) as usize))
    } else {
        let sign = if n - 1 < 0 { '-' } else { '+' };
        format!("{}e{sign}{}", mantissa(digits, false), (n - 1).abs())
    }
}

/// `d` or `d.ddd` (`force_fraction`: `d.0`).
fn mantissa(digits: &str, force_fraction: bool) -> String {
    match (&digits[..1], &digits[1..]) {
        (d, "") if force_fraction => format!("{d}.0"),
        (d, "") => d.to_string(),
        (d, rest) => format!("{d}.{rest}"),
    }
}

/// Fixed notation for exponents in `[lo, hi)`, otherwise `d.ddd<e>±XX`.
fn fixed_or_exponent(
    digits: &str,
    exp: i32,
    (lo, hi): (i32, i32),
    float_suffix: bool,
    e: &str,
    exp_width: usize,
) -> String {
    if lo <= exp && exp < hi {
        fixed(digits, exp, float_suffix)
    } else {
        let sign = if exp < 0 { '-' } else { '+' };
        format!(
            "{}{e}{sign}{:0width$}",
            mantissa(digits, false),
            exp.abs(),
            width = exp_width
        )
    }
}

/// Plain decimal; `float_suffix` keeps a `.0` on integral values (`100.0`).
fn fixed(digits: &str, exp: i32, float_suffix: bool) -> String {
    let k = digits.len() as i32;
    if exp < 0 {
        format!("0.{}{digits}", "0".repeat((-exp - 1) as usize))
    } else if exp + 1 >= k {
        let int = format!("{digits}{}", "0".repeat((exp + 1 - k) as usize));
        if float_suffix {
            format!("{int}.0")
        } else {
            int
        }
    } else {
        let point = (exp + 1) as usize;
        format!("{}.{}", &digits[..point], &digits[point..])
    }
}

/// `Double.toString`: fixed for 1e-3 ≤ |d| < 1e7, else `d.dddE±n` (no `+`).
fn java_double(digits: &str, exp: i32) -> String {
    if (-3..7).contains(&exp) {
        fixed(digits, exp, true)
    } else {
        format!("{}E{exp}", mantissa(digits, true))
    }
}

/// Ruby's `Float#to_s`: like Python's repr, but the mantissa keeps its `.0` (`1.0e+20`).
fn ruby_float(digits: &str, exp: i32) -> String {
    if (-4..16).contains(&exp) {
        fixed(digits, exp, true)
    } else {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{}e{sign}{:02}", mantissa(digits, true), exp.abs())
    }
}

/// Go's `encoding/json` float encoder: `'f'` unless |f| < 1e-6 or ≥ 1e21, then `'e'` with `e-7`.
fn go_float(digits: &str, exp: i32) -> String {
    if (-6..21).contains(&exp) {
        fixed(digits, exp, false)
    } else {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{}e{sign}{:02}", mantissa(digits, false), exp.abs()).replace("e-0", "e-")
    }
}

/// Copies runs of characters that need no escape as slices: a 6 MB body is one `push_str`.
fn write_string(out: &mut String, s: &str, style: Style) {
    out.reserve(s.len() + 2);
    out.push('"');
    let bytes = s.as_bytes();
    let (mut plain_from, mut i) = (0, 0);
    while i < bytes.len() {
        if !may_escape(bytes[i], style) {
            i += 1;
            continue;
        }
        // Every byte `may_escape` flags is ASCII or a UTF-8 lead byte, so `i` is a char boundary.
        let c = s[i..].chars().next().unwrap_or_default();
        out.push_str(&s[plain_from..i]);
        write_char(out, c, style);
        i += c.len_utf8();
        plain_from = i;
    }
    out.push_str(&s[plain_from..]);
    out.push('"');
}

/// Whether the character starting with byte `b` may need an escape in `style` (a superset:
/// Go's U+2028/U+2029 share their lead byte with other characters that `write_char` copies).
fn may_escape(b: u8, style: Style) -> bool {
    matches!(b, b'"' | b'\\' | 0..=0x1f)
        || (style == Style::Go && matches!(b, b'<' | b'>' | b'&' | 0xe2))
        || (style == Style::Python && b >= 0x7f)
}

fn write_char(out: &mut String, c: char, style: Style) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        c if (c as u32) < 0x20 => push_unicode_escape(out, c as u32, style == Style::Java),
        '<' | '>' | '&' | '\u{2028}' | '\u{2029}' if style == Style::Go => {
            push_unicode_escape(out, c as u32, false)
        }
        c if style == Style::Python && !(' '..='~').contains(&c) => {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                push_unicode_escape(out, u32::from(*unit), false);
            }
        }
        c => out.push(c),
    }
}

fn push_unicode_escape(out: &mut String, unit: u32, upper: bool) {
    let digits: &[u8; 16] = if upper {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    out.push_str("\\u");
    for shift in [12, 8, 4, 0] {
        out.push(char::from(digits[((unit >> shift) & 0xf) as usize]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ser(json: &str, style: Style) -> String {
        to_string(&serde_json::from_str(json).unwrap(), style)
    }

    #[test]
    fn node_is_compact_and_keeps_key_order() {
        assert_eq!(
            ser(r#"{"z": 1, "a": [true, null, "x"]}"#, Style::Node),
            r#"{"z":1,"a":[true,null,"x"]}"#
        );
    }

    #[test]
    fn node_orders_integer_keys_first() {
        assert_eq!(
            ser(r#"{"b": 1, "2": 2, "1": 3, "01": 4, "a": 5}"#, Style::Node),
            r#"{"1":3,"2":2,"b":1,"01":4,"a":5}"#
        );
        assert_eq!(
            ser(r#"{"b": 1, "2": 2}"#, Style::Python),
            r#"{"b": 1, "2": 2}"#
        );
    }

    #[test]
    fn python_spacing_and_ensure_ascii() {
        assert_eq!(
            ser(r#"{"statusCode": 400, "body": "é😀\u007f"}"#, Style::Python),
            r#"{"statusCode": 400, "body": "\u00e9\ud83d\ude00\u007f"}"#
        );
        assert_eq!(ser("[]", Style::Python), "[]");
        assert_eq!(ser("{}", Style::Python), "{}");
    }

    #[test]
    fn javascript_numbers() {
        for (input, want) in [
            ("1.0", "1"),
            ("1e21", "1e+21"),
            ("1e20", "100000000000000000000"),
            ("0.000001", "0.000001"),
            ("1e-7", "1e-7"),
            ("-0.0", "0"),
            ("123.456", "123.456"),
            ("1.5e300", "1.5e+300"),
            ("12345678901234567890", "12345678901234567000"),
        ] {
            assert_eq!(ser(input, Style::Node), want, "{input}");
        }
    }

    #[test]
    fn python_floats_are_repr() {
        for (input, want) in [
            ("1.0", "1.0"),
            ("1e16", "1e+16"),
            ("1.5e16", "1.5e+16"),
            ("0.0001", "0.0001"),
            ("0.00001", "1e-05"),
            ("100", "100"),
            ("123456789.5", "123456789.5"),
        ] {
            assert_eq!(ser(input, Style::Python), want, "{input}");
        }
    }

    #[test]
    fn java_go_ruby_dotnet_floats() {
        assert_eq!(ser("1.0", Style::Java), "1.0");
        assert_eq!(ser("1e7", Style::Java), "1.0E7");
        assert_eq!(ser("0.0001", Style::Java), "1.0E-4");
        assert_eq!(ser("0.001", Style::Java), "0.001");
        assert_eq!(ser("1.0", Style::Go), "1");
        assert_eq!(ser("1e-7", Style::Go), "1e-7");
        assert_eq!(ser("1e21", Style::Go), "1e+21");
        assert_eq!(ser("1e20", Style::Ruby), "1.0e+20");
        assert_eq!(ser("2.5", Style::Ruby), "2.5");
        assert_eq!(ser("1e15", Style::DotNet), "1E+15");
        assert_eq!(ser("1.0", Style::DotNet), "1");
        assert_eq!(ser("42", Style::Java), "42");
    }

    /// The char-by-char writer `write_string` replaced: the fast path must produce its bytes.
    fn reference_string(s: &str, style: Style) -> String {
        let mut out = String::from('"');
        for c in s.chars() {
            write_char(&mut out, c, style);
        }
        out.push('"');
        out
    }

    const STYLES: [Style; 6] = [
        Style::Node,
        Style::Python,
        Style::Java,
        Style::Go,
        Style::Ruby,
        Style::DotNet,
    ];

    proptest::proptest! {
        #[test]
        fn fast_string_writer_matches_char_by_char(
            s in "(\\PC|[\\x00-\\x1f\"\\\\<>&\u{7f}\u{2028}\u{2029}\u{2027}\u{20ac}\u{1F600}é])*"
        ) {
            for style in STYLES {
                let mut fast = String::new();
                write_string(&mut fast, &s, style);
                proptest::prop_assert_eq!(fast, reference_string(&s, style), "{:?}", style);
            }
        }
    }

    #[test]
    fn go_copies_other_characters_sharing_the_line_separator_lead_byte() {
        assert_eq!(ser(r#""\u2027\u2028€""#, Style::Go), "\"\u{2027}\\u2028€\"");
        assert_eq!(ser(r#""\u2029""#, Style::Node), "\"\u{2029}\"");
        assert_eq!(ser(r#""\u001b""#, Style::Java), "\"\\u001B\"");
    }

    #[test]
    fn escapes_per_language() {
        assert_eq!(ser(r#""a\u0001<b>""#, Style::Node), "\"a\\u0001<b>\"");
        assert_eq!(ser(r#""a\u001f""#, Style::Java), "\"a\\u001F\"");
        assert_eq!(ser(r#""<&>""#, Style::Go), r#""\u003c\u0026\u003e""#);
        assert_eq!(ser(r#""line\nnext/é""#, Style::Node), r#""line\nnext/é""#);
    }
}
