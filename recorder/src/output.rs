//! How recorded events are written: a readable table, JSON lines, or a JSON array (--save).
//! JSON is the event as the browser sent it (unknown fields included); the table reads the
//! typed event. Either way, nothing the page chose reaches a terminal raw (see
//! [`terminal`](crate::terminal)).

use std::fmt::Write as _;

use crate::cdp::background_service::BackgroundServiceEvent;
use crate::terminal::{one_line_json, printable};

/// One recorded event.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The `BackgroundServiceEvent` object as the browser sent it, on one line (see
    /// [`one_line_json`]).
    pub raw: String,
    /// The same, decoded.
    pub event: BackgroundServiceEvent,
}

impl Record {
    /// The event whose JSON text is `raw`, decoded.
    pub fn decode(raw: &str) -> Result<Record, serde_json::Error> {
        Ok(Record {
            event: serde_json::from_str(raw)?,
            raw: one_line_json(raw).into_owned(),
        })
    }
}

/// Column widths of the table; a longer value pushes the rest of its row to the right.
const WIDTHS: [usize; 5] = [23, 22, 24, 16, 26];
const HEADERS: [&str; 6] = [
    "TIME (UTC)",
    "SERVICE",
    "EVENT",
    "INSTANCE",
    "ORIGIN",
    "METADATA",
];

/// How a stream of events is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Aligned columns under a header.
    Table,
    /// One JSON object per line.
    JsonLines,
    /// One JSON array, an event per line.
    JsonArray,
}

impl Layout {
    /// What comes before the first event.
    pub fn begin(self, out: &mut String) {
        match self {
            Layout::Table => {
                out.push_str(&row(HEADERS.map(str::to_owned)));
                out.push('\n');
            }
            Layout::JsonLines => {}
            Layout::JsonArray => out.push('['),
        }
    }

    /// One event; `first` when it is the first.
    pub fn record(self, record: &Record, first: bool, out: &mut String) {
        match self {
            Layout::Table => {
                out.push_str(&table_row(&record.event));
                out.push('\n');
            }
            Layout::JsonLines => {
                out.push_str(&record.raw);
                out.push('\n');
            }
            Layout::JsonArray => {
                out.push_str(if first { "\n" } else { ",\n" });
                out.push_str(&record.raw);
            }
        }
    }

    /// What comes after the last event.
    pub fn end(self, out: &mut String) {
        if self == Layout::JsonArray {
            out.push_str("\n]\n");
        }
    }
}

/// The event's table row, every cell printable.
fn table_row(event: &BackgroundServiceEvent) -> String {
    let mut metadata = String::new();
    for (index, entry) in event.event_metadata.iter().enumerate() {
        let separator = if index == 0 { "" } else { ", " };
        let _ = write!(
            metadata,
            "{separator}{}={}",
            printable(&entry.key),
            printable(&entry.value)
        );
    }
    row([
        format_timestamp(event.timestamp.0),
        printable(event.service.as_str()).into_owned(),
        printable(&event.event_name).into_owned(),
        printable(&event.instance_id).into_owned(),
        printable(&event.origin).into_owned(),
        metadata,
    ])
}

/// One table row: each cell padded to its column, the last one as it is.
fn row(cells: [String; 6]) -> String {
    let mut line = String::new();
    for (cell, width) in cells.iter().zip(WIDTHS) {
        let _ = write!(line, "{cell:<width$} ");
    }
    line.push_str(&cells[5]);
    line.truncate(line.trim_end().len());
    line
}

/// Seconds since the Unix epoch as `YYYY-MM-DD HH:MM:SS.mmm` in UTC.
pub fn format_timestamp(seconds: f64) -> String {
    if !seconds.is_finite() || !(0.0..=253_402_300_799.0).contains(&seconds) {
        return format!("{seconds}");
    }
    let millis_total = (seconds * 1000.0).round() as i64;
    let (days, millis_of_day) = (
        millis_total.div_euclid(86_400_000),
        millis_total.rem_euclid(86_400_000),
    );
    let (year, month, day) = civil_from_days(days);
    let seconds_of_day = millis_of_day / 1000;
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}.{:03}",
        seconds_of_day / 3600,
        seconds_of_day / 60 % 60,
        seconds_of_day % 60,
        millis_of_day % 1000
    )
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's
/// `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cdp::background_service::{EventMetadata, ServiceName};

    fn event() -> BackgroundServiceEvent {
        BackgroundServiceEvent::new(
            1_795_319_544.013_275,
            "http://127.0.0.1:46059/",
            "0",
            ServiceName::BackgroundSync,
            "Dispatched sync event",
            "fixture-tag",
            vec![EventMetadata::new("Last Chance", "No")],
            "http://127.0.0.1:46059/",
        )
    }

    fn laid_out(layout: Layout, records: &[Record]) -> String {
        let mut out = String::new();
        layout.begin(&mut out);
        for (index, record) in records.iter().enumerate() {
            layout.record(record, index == 0, &mut out);
        }
        layout.end(&mut out);
        out
    }

    fn record(event: &BackgroundServiceEvent) -> Record {
        Record {
            raw: serde_json::to_string(event).unwrap(),
            event: event.clone(),
        }
    }

    #[test]
    fn timestamps_print_as_utc_dates() {
        assert_eq!(format_timestamp(0.0), "1970-01-01 00:00:00.000");
        assert_eq!(format_timestamp(951_782_400.5), "2000-02-29 00:00:00.500");
        assert_eq!(
            format_timestamp(1_795_319_544.013_275),
            "2026-11-22 03:52:24.013"
        );
        assert_eq!(format_timestamp(f64::NAN), "NaN");
    }

    #[test]
    fn a_table_row_holds_every_field() {
        let text = laid_out(Layout::Table, &[record(&event())]);
        let mut lines = text.lines();
        assert!(lines.next().unwrap().starts_with("TIME (UTC)"));
        let row = lines.next().unwrap();
        for field in [
            "2026-11-22 03:52:24.013",
            "backgroundSync",
            "Dispatched sync event",
            "fixture-tag",
            "http://127.0.0.1:46059/",
            "Last Chance=No",
        ] {
            assert!(row.contains(field), "{field} in {row}");
        }
    }

    #[test]
    fn a_table_row_escapes_what_the_page_chose() {
        let mut hostile = event();
        hostile.event_name = "\u{1b}]0;owned\u{7}\rforged row\n".into();
        hostile.instance_id = "\u{202e}gat".into();
        hostile.event_metadata = vec![EventMetadata::new("k\u{9b}31m", "v\u{2028}")];
        hostile.service = ServiceName::Unknown("x\u{1b}[2J".into());
        let text = laid_out(Layout::Table, &[record(&hostile)]);
        assert_eq!(text.lines().count(), 2, "{text}");
        assert!(!text
            .chars()
            .any(|c| c != '\n' && crate::terminal::is_unsafe(c)));
        for escaped in [
            "\\u{1b}]0;owned\\u{7}\\u{d}forged row\\u{a}",
            "\\u{202e}gat",
            "k\\u{9b}31m=v\\u{2028}",
            "x\\u{1b}[2J",
        ] {
            assert!(text.contains(escaped), "{escaped} in {text}");
        }
    }

    #[test]
    fn json_is_the_event_as_sent_with_unknown_fields() {
        let raw = r#"{"timestamp":1795319544.013275,"origin":"http://127.0.0.1:46059/","serviceWorkerRegistrationId":"0","service":"backgroundSync","eventName":"Dispatched sync event","instanceId":"fixture-tag","eventMetadata":[{"key":"Last Chance","value":"No"}],"storageKey":"http://127.0.0.1:46059/","futureField":{"a":[1,2]}}"#;
        let record = Record::decode(raw).unwrap();
        assert_eq!(record.event, event());
        assert_eq!(
            laid_out(Layout::JsonLines, std::slice::from_ref(&record)),
            format!("{raw}\n")
        );
        let array = laid_out(Layout::JsonArray, &[record.clone(), record]);
        assert_eq!(array, format!("[\n{raw},\n{raw}\n]\n"));
        assert_eq!(laid_out(Layout::JsonArray, &[]), "[\n]\n");
    }
}
