//! The simulated clock: every timestamp the lab prints is derived from a fixed epoch millisecond
//! value, so a scenario gives the same log lines and events on every run.

/// A UTC calendar instant broken into fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Civil {
    pub year: i64,
    /// 1..=12
    pub month: u32,
    /// 1..=31
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub millis: u32,
    /// 0 = Sunday
    pub weekday: u32,
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

impl Civil {
    /// Breaks Unix epoch milliseconds into UTC calendar fields.
    pub fn from_epoch_ms(ms: i64) -> Civil {
        let days = ms.div_euclid(86_400_000);
        let in_day = ms.rem_euclid(86_400_000);
        let (year, month, day) = civil_from_days(days);
        Civil {
            year,
            month,
            day,
            hour: (in_day / 3_600_000) as u32,
            minute: (in_day / 60_000 % 60) as u32,
            second: (in_day / 1000 % 60) as u32,
            millis: (in_day % 1000) as u32,
            weekday: (days + 4).rem_euclid(7) as u32,
        }
    }

    pub fn month_abbrev(&self) -> &'static str {
        MONTHS[(self.month - 1) as usize]
    }

    pub fn weekday_abbrev(&self) -> &'static str {
        WEEKDAYS[self.weekday as usize]
    }
}

/// `2024-06-28T23:22:29.123Z`, as CloudWatch and the Node runtime print instants.
pub fn iso8601(ms: i64) -> String {
    let c = Civil::from_epoch_ms(ms);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        c.year, c.month, c.day, c.hour, c.minute, c.second, c.millis
    )
}

/// `05/Mar/2022:15:50:39 +0000`, the `requestTime` of API Gateway events.
pub fn clf(ms: i64) -> String {
    let c = Civil::from_epoch_ms(ms);
    format!(
        "{:02}/{}/{:04}:{:02}:{:02}:{:02} +0000",
        c.day,
        c.month_abbrev(),
        c.year,
        c.hour,
        c.minute,
        c.second
    )
}

/// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_the_recorded_test_invoke_instant() {
        // requestTimeEpoch 1646495439366 ↔ "05/Mar/2022:15:50:39 +0000" in a real test-invoke event.
        assert_eq!(clf(1_646_495_439_366), "05/Mar/2022:15:50:39 +0000");
        assert_eq!(iso8601(1_646_495_439_366), "2022-03-05T15:50:39.366Z");
        assert_eq!(
            Civil::from_epoch_ms(1_646_495_439_366).weekday_abbrev(),
            "Sat"
        );
    }

    #[test]
    fn epoch_and_leap_day() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(Civil::from_epoch_ms(0).weekday_abbrev(), "Thu");
    }
}
