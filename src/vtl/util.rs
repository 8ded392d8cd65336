//! The string functions of API Gateway's `$util`, as the Java libraries underneath do them.
//!
//! * [`escape_javascript`]: Apache commons-lang 2 `StringEscapeUtils.escapeJavaScript`.
//! * [`url_encode`] / [`url_decode`]: `java.net.URLEncoder` / `URLDecoder` with UTF-8
//!   (`application/x-www-form-urlencoded`).
//! * [`base64_encode`] / [`base64_decode`]: `java.util.Base64` basic encoder/decoder over UTF-8.
//!
//! All take and return `&str`/`String`; errors are Java's exception messages, because that is what
//! a learner would find when searching for them.

use base64::Engine as _;

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// `StringEscapeUtils.escapeJavaScript` (commons-lang 2.6): escapes `'`, `"`, `\` and `/` with a
/// backslash, `\b \f \n \r \t` by name, every other control character and every UTF-16 code unit
/// above 0x7f as `\uXXXX` (upper-case hex). Characters outside the BMP become two escaped
/// surrogates, because Java strings are UTF-16.
pub fn escape_javascript(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    let mut units = [0u16; 2];
    for ch in s.chars() {
        match ch {
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' => out.push_str("\\/"),
            '\u{8}' => out.push_str("\\b"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7f => {
                for unit in c.encode_utf16(&mut units) {
                    out.push_str("\\u");
                    for shift in [12, 8, 4, 0] {
                        out.push(HEX[(*unit >> shift) as usize & 0xf] as char);
                    }
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// `URLEncoder.encode(s, "UTF-8")`: keeps `A-Z a-z 0-9 . - * _`, turns a space into `+` and
/// every other byte of the UTF-8 encoding into `%XX` (upper-case hex).
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3 / 2);
    for &b in s.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'*' | b'_' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push(HEX[(b >> 4) as usize] as char);
                out.push(HEX[(b & 0xf) as usize] as char);
            }
        }
    }
    out
}

/// `URLDecoder.decode(s, "UTF-8")` (Java 17): `+` is a space, runs of `%XX` are decoded together
/// as UTF-8 (malformed sequences become U+FFFD), everything else is kept. A `%` that is not
/// followed by two hex digits is an error with Java's message.
pub fn url_decode(s: &str) -> Result<String, String> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '+' => {
                out.push(' ');
                i += 1;
            }
            '%' => {
                let mut bytes = Vec::new();
                while i + 2 < chars.len() && chars[i] == '%' {
                    bytes.push(parse_escape_byte(&chars[i + 1..i + 3])?);
                    i += 3;
                }
                if i < chars.len() && chars[i] == '%' {
                    return Err("URLDecoder: Incomplete trailing escape (%) pattern".into());
                }
                out.push_str(&String::from_utf8_lossy(&bytes));
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(out)
}

/// One `%XX` byte as `Integer.parseInt(s, i+1, i+3, 16)` reads it: a sign is allowed (so `%+1`
/// is byte 1 and `%-1` is rejected as negative), anything else non-hex is an error.
fn parse_escape_byte(pair: &[char]) -> Result<u8, String> {
    let text: String = pair.iter().collect();
    let illegal = |index: usize| {
        format!(
            "URLDecoder: Illegal hex characters in escape (%) pattern - Error at index {index} in: \"{text}\""
        )
    };
    let (negative, digits, offset) = match pair[0] {
        '-' => (true, &pair[1..], 1),
        '+' => (false, &pair[1..], 1),
        _ => (false, pair, 0),
    };
    let mut value: i32 = 0;
    for (k, c) in digits.iter().enumerate() {
        let d = c.to_digit(16).ok_or_else(|| illegal(k + offset))?;
        value = value * 16 + d as i32;
    }
    if negative {
        value = -value;
    }
    if value < 0 {
        return Err(
            "URLDecoder: Illegal hex characters in escape (%) pattern - negative value".into(),
        );
    }
    Ok(value as u8)
}

/// `Base64.getEncoder().encodeToString(s.getBytes(UTF_8))`: standard alphabet with padding.
pub fn base64_encode(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s.as_bytes())
}

/// `new String(Base64.getDecoder().decode(s), UTF_8)`: the basic (RFC 4648) decoder, which
/// accepts missing padding but rejects whitespace, URL-safe letters and anything after the
/// padding, with `java.util.Base64`'s messages. Invalid UTF-8 in the result becomes U+FFFD.
pub fn base64_decode(s: &str) -> Result<String, String> {
    // Java reads the String as ISO-8859-1 bytes: characters above U+00FF become '?'.
    let src: Vec<u8> = s
        .chars()
        .map(|c| {
            if (c as u32) <= 0xff {
                c as u32 as u8
            } else {
                b'?'
            }
        })
        .collect();
    let bytes = java_base64_decode(&src)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn base64_value(b: u8) -> Option<u32> {
    match b {
        b'A'..=b'Z' => Some((b - b'A') as u32),
        b'a'..=b'z' => Some((b - b'a') as u32 + 26),
        b'0'..=b'9' => Some((b - b'0') as u32 + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// `java.util.Base64.Decoder.decode(byte[])` for the basic decoder, step for step, so that the
/// same inputs fail with the same message.
fn java_base64_decode(src: &[u8]) -> Result<Vec<u8>, String> {
    if src.is_empty() {
        return Ok(Vec::new());
    }
    if src.len() < 2 {
        return Err("Input byte[] should at least have 2 bytes for base64 bytes".into());
    }
    let mut dst = Vec::with_capacity(src.len() / 4 * 3 + 2);
    let (mut bits, mut shift, mut sp) = (0u32, 18i32, 0usize);
    while sp < src.len() {
        let byte = src[sp];
        sp += 1;
        let Some(value) = base64_value(byte) else {
            if byte == b'=' {
                // `=` with nothing before it in the unit, or `xx=` not followed by a second `=`.
                let bad_pair = shift == 6
                    && (sp == src.len() || {
                        sp += 1;
                        src[sp - 1] != b'='
                    });
                if bad_pair || shift == 18 {
                    return Err("Input byte array has wrong 4-byte ending unit".into());
                }
                break;
            }
            return Err(format!(
                "Illegal base64 character {}",
                java_hex_of_signed_byte(byte)
            ));
        };
        bits |= value << shift;
        shift -= 6;
        if shift < 0 {
            dst.extend_from_slice(&[(bits >> 16) as u8, (bits >> 8) as u8, bits as u8]);
            shift = 18;
            bits = 0;
        }
    }
    match shift {
        6 => dst.push((bits >> 16) as u8),
        0 => dst.extend_from_slice(&[(bits >> 16) as u8, (bits >> 8) as u8]),
        12 => return Err("Last unit does not have enough valid bits".into()),
        _ => {}
    }
    if sp < src.len() {
        return Err(format!(
            "Input byte array has incorrect ending byte at {sp}"
        ));
    }
    Ok(dst)
}

/// `Integer.toString(b, 16)` of a Java (signed) byte: `2d`, or `-17` for 0xe9.
fn java_hex_of_signed_byte(b: u8) -> String {
    let v = b as i8 as i32;
    if v < 0 {
        format!("-{:x}", -v)
    } else {
        format!("{:x}", v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_javascript_follows_commons_lang() {
        assert_eq!(escape_javascript(r#"it's "x" \ /"#), r#"it\'s \"x\" \\ \/"#);
        assert_eq!(escape_javascript("a\nb\tc\rd\u{8}\u{c}"), r"a\nb\tc\rd\b\f");
        assert_eq!(
            escape_javascript("\u{1}\u{1f}\u{7f}"),
            "\\u0001\\u001F\u{7f}"
        );
        assert_eq!(escape_javascript("é€"), "\\u00E9\\u20AC");
        assert_eq!(escape_javascript("😀"), "\\uD83D\\uDE00");
        assert_eq!(escape_javascript("*/*"), "*\\/*");
        assert_eq!(escape_javascript(""), "");
    }

    #[test]
    fn url_encode_is_form_encoding() {
        assert_eq!(
            url_encode(r#"{"some": "value"}"#),
            "%7B%22some%22%3A+%22value%22%7D"
        );
        assert_eq!(url_encode("some raw data"), "some+raw+data");
        assert_eq!(url_encode("a b&c=d/é"), "a+b%26c%3Dd%2F%C3%A9");
        assert_eq!(url_encode(".-*_~!"), ".-*_%7E%21");
    }

    #[test]
    fn url_decode_follows_java() {
        assert_eq!(url_decode("a+b%26c%3Dd%2F%C3%A9").unwrap(), "a b&c=d/é");
        assert_eq!(url_decode("%e2%82%ac").unwrap(), "€");
        assert_eq!(url_decode("%C3").unwrap(), "\u{fffd}");
        assert_eq!(url_decode("%+1").unwrap(), "\u{1}");
        assert_eq!(url_decode("plain é").unwrap(), "plain é");
        assert_eq!(
            url_decode("100%").unwrap_err(),
            "URLDecoder: Incomplete trailing escape (%) pattern"
        );
        assert_eq!(
            url_decode("%4").unwrap_err(),
            "URLDecoder: Incomplete trailing escape (%) pattern"
        );
        assert_eq!(
            url_decode("%zz").unwrap_err(),
            "URLDecoder: Illegal hex characters in escape (%) pattern - Error at index 0 in: \"zz\""
        );
        assert_eq!(
            url_decode("%-1").unwrap_err(),
            "URLDecoder: Illegal hex characters in escape (%) pattern - negative value"
        );
    }

    #[test]
    fn base64_round_trips_utf8() {
        assert_eq!(base64_encode("hi there"), "aGkgdGhlcmU=");
        assert_eq!(base64_decode("aGkgdGhlcmU=").unwrap(), "hi there");
        assert_eq!(base64_decode("aGkgdGhlcmU").unwrap(), "hi there");
        assert_eq!(base64_decode(&base64_encode("é€😀")).unwrap(), "é€😀");
        assert_eq!(base64_decode("").unwrap(), "");
    }

    #[test]
    fn base64_decode_errors_are_javas() {
        assert_eq!(
            base64_decode("a").unwrap_err(),
            "Input byte[] should at least have 2 bytes for base64 bytes"
        );
        assert_eq!(
            base64_decode("aGk gdA==").unwrap_err(),
            "Illegal base64 character 20"
        );
        assert_eq!(
            base64_decode("aé==").unwrap_err(),
            "Illegal base64 character -17"
        );
        assert_eq!(
            base64_decode("aGkgd").unwrap_err(),
            "Last unit does not have enough valid bits"
        );
        assert_eq!(
            base64_decode("aGk=x").unwrap_err(),
            "Input byte array has incorrect ending byte at 4"
        );
        assert_eq!(
            base64_decode("aG=x").unwrap_err(),
            "Input byte array has wrong 4-byte ending unit"
        );
        assert_eq!(
            base64_decode("=abc").unwrap_err(),
            "Input byte array has wrong 4-byte ending unit"
        );
    }
}
