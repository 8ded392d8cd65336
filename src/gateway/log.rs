//! The console's Test execution log (semantics §6): `<date> : <message>` lines in the 2022+ order,
//! Java-style maps, ` [TRUNCATED]` past 1024 bytes, deterministic timestamps from the simulated
//! clock. Lines the console never prints (the selection, the rules, UNCONFIRMED labels) start with
//! [`LAB_PREFIX`] so that a `logContains` check of a real line stays exact.

use crate::lambda::clock::Civil;
use crate::trace::Unconfirmed;

/// The prefix of every line the lab adds to the console's log.
pub const LAB_PREFIX: &str = "[lab] ";

/// CloudWatch caps a log event at 1024 bytes; the test log cuts longer messages and marks them.
const MAX_MESSAGE_BYTES: usize = 1024;

/// The simulated clock: 2026-11-25T04:00:00Z, the moment every evaluation "happens".
pub const EPOCH_MS: u64 = 1_795_579_200_000;

/// A log being written, line by line.
#[derive(Debug, Default)]
pub struct ConsoleLog {
    lines: Vec<String>,
    /// The last date prefix written: most lines share one simulated instant.
    date: (u64, String),
}

impl ConsoleLog {
    /// Starts the log of request `request_id` (the first line has no date).
    pub fn start(request_id: &str) -> ConsoleLog {
        ConsoleLog {
            lines: vec![format!("Execution log for request {request_id}")],
            ..ConsoleLog::default()
        }
    }

    /// An empty log (HTTP APIs have no test console; only lab lines are written).
    pub fn empty() -> ConsoleLog {
        ConsoleLog::default()
    }

    /// A console line at simulated time `ms`; the message is cut as CloudWatch cuts it.
    pub fn line(&mut self, ms: u64, message: &str) {
        if self.date.1.is_empty() || self.date.0 != ms {
            self.date = (ms, console_date(ms));
        }
        let mut out = String::with_capacity(
            self.date.1.len() + 3 + message.len().min(MAX_MESSAGE_BYTES + 16),
        );
        out.push_str(&self.date.1);
        out.push_str(" : ");
        push_truncated(&mut out, message);
        self.lines.push(out);
    }

    /// A console line made of a fixed head and a possibly huge tail (a body): only the bytes that
    /// survive the cut are copied.
    pub fn line_with(&mut self, ms: u64, head: &str, tail: &str) {
        let mut message = String::with_capacity(head.len() + tail.len().min(MAX_MESSAGE_BYTES + 1));
        message.push_str(head);
        let room = (MAX_MESSAGE_BYTES + 1).saturating_sub(head.len());
        message.push_str(&tail[..floor_char_boundary(tail, room.min(tail.len()))]);
        self.line(ms, &message);
    }

    /// A line the console never prints, explaining a decision.
    pub fn lab(&mut self, message: impl AsRef<str>) {
        let mut out = String::from(LAB_PREFIX);
        push_truncated(&mut out, message.as_ref());
        self.lines.push(out);
    }

    /// Labels a behaviour the reference marks UNCONFIRMED.
    pub fn unconfirmed(&mut self, u: &Unconfirmed) {
        self.lab(format!("UNCONFIRMED {}: {}", u.id, u.text));
    }

    pub fn finish(self) -> Vec<String> {
        self.lines
    }
}

fn push_truncated(out: &mut String, message: &str) {
    if message.len() <= MAX_MESSAGE_BYTES {
        out.push_str(message);
    } else {
        out.push_str(&message[..floor_char_boundary(message, MAX_MESSAGE_BYTES)]);
        out.push_str(" [TRUNCATED]");
    }
}

fn floor_char_boundary(s: &str, mut at: usize) -> usize {
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// `{k=v, k2=v2}` as Java's `Map.toString` prints it.
pub fn java_map<'a, I, K, V>(entries: I) -> String
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<str> + 'a,
    V: AsRef<str> + 'a,
{
    let mut out = String::from("{");
    for (i, (k, v)) in entries.into_iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(k.as_ref());
        out.push('=');
        out.push_str(v.as_ref());
    }
    out.push('}');
    out
}

/// The simulated clock's calendar fields (one implementation, shared with the Lambda side).
fn civil(ms: u64) -> Civil {
    Civil::from_epoch_ms(ms as i64)
}

/// `Wed Nov 25 04:00:00 UTC 2026` (Java's `Date.toString`, as the test console prints it).
pub fn console_date(ms: u64) -> String {
    let c = civil(ms);
    format!(
        "{} {} {:02} {:02}:{:02}:{:02} UTC {}",
        c.weekday_abbrev(),
        c.month_abbrev(),
        c.day,
        c.hour,
        c.minute,
        c.second,
        c.year
    )
}

/// `Wed, 25 Nov 2026 04:00:00 GMT` (the HTTP `Date` header).
pub fn http_date(ms: u64) -> String {
    let c = civil(ms);
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
        c.weekday_abbrev(),
        c.day,
        c.month_abbrev(),
        c.year,
        c.hour,
        c.minute,
        c.second
    )
}

/// `25/Nov/2026:04:00:00 +0000` (`$context.requestTime`, Common Log Format).
pub fn clf_date(ms: u64) -> String {
    crate::lambda::clock::clf(ms as i64)
}

/// `20261125T040000Z` (the `X-Amz-Date` request header).
pub fn amz_date(ms: u64) -> String {
    let c = civil(ms);
    format!(
        "{}{:02}{:02}T{:02}{:02}{:02}Z",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_real_calendar_dates() {
        assert_eq!(console_date(EPOCH_MS), "Wed Nov 25 04:00:00 UTC 2026");
        assert_eq!(http_date(EPOCH_MS), "Wed, 25 Nov 2026 04:00:00 GMT");
        assert_eq!(clf_date(EPOCH_MS), "25/Nov/2026:04:00:00 +0000");
        assert_eq!(amz_date(EPOCH_MS + 61_000), "20261125T040101Z");
        // The 2022 log of §6.3 D.
        assert_eq!(
            console_date(1_646_495_439_366),
            "Sat Mar 05 15:50:39 UTC 2022"
        );
        assert_eq!(console_date(0), "Thu Jan 01 00:00:00 UTC 1970");
        assert_eq!(
            console_date(951_782_400_000),
            "Tue Feb 29 00:00:00 UTC 2000"
        );
    }

    #[test]
    fn maps_print_as_java_does() {
        assert_eq!(java_map(Vec::<(&str, &str)>::new()), "{}");
        assert_eq!(
            java_map([("city", "Seattle"), ("time", "morning")]),
            "{city=Seattle, time=morning}"
        );
    }

    #[test]
    fn long_messages_are_truncated_on_a_char_boundary() {
        let mut log = ConsoleLog::start("r");
        let body = "é".repeat(600); // 1200 bytes
        log.line_with(
            EPOCH_MS,
            "Endpoint response body before transformations: ",
            &body,
        );
        log.line(EPOCH_MS, "short");
        let lines = log.finish();
        assert_eq!(lines[0], "Execution log for request r");
        assert!(lines[1].ends_with(" [TRUNCATED]"));
        let message = lines[1].split_once(" : ").unwrap().1;
        assert!(message.len() <= MAX_MESSAGE_BYTES + " [TRUNCATED]".len());
        assert_eq!(lines[2], "Wed Nov 25 04:00:00 UTC 2026 : short");
    }

    #[test]
    fn exactly_1024_bytes_is_not_truncated() {
        let mut log = ConsoleLog::empty();
        log.line(EPOCH_MS, &"a".repeat(1024));
        assert!(!log.finish()[0].ends_with("[TRUNCATED]"));
    }

    #[test]
    fn lab_lines_are_marked() {
        let mut log = ConsoleLog::empty();
        log.lab("Selection input: \"\"");
        assert_eq!(log.finish()[0], "[lab] Selection input: \"\"");
    }
}
