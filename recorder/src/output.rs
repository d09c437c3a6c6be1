//! Printing events: a readable table, or JSON lines through the generated type's `Serialize`.

use std::io::{self, Write};

use cdp_bindings::background_service::BackgroundServiceEvent;

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

/// How events are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Aligned columns under a header.
    Table,
    /// One JSON object per line.
    JsonLines,
}

/// Writes events to `out` as they arrive.
pub struct Printer<W> {
    format: Format,
    out: W,
    header_done: bool,
}

impl<W: Write> Printer<W> {
    pub fn new(format: Format, out: W) -> Self {
        Printer {
            format,
            out,
            header_done: false,
        }
    }

    /// Writes the table's header (once); JSON lines have none.
    pub fn header(&mut self) -> io::Result<()> {
        if self.format == Format::Table && !self.header_done {
            self.header_done = true;
            let line = row(HEADERS.map(str::to_owned));
            writeln!(self.out, "{line}")?;
            self.out.flush()?;
        }
        Ok(())
    }

    /// Writes one event and flushes, so that a reader sees it at once.
    pub fn event(&mut self, event: &BackgroundServiceEvent) -> io::Result<()> {
        match self.format {
            Format::Table => {
                self.header()?;
                let metadata = event
                    .event_metadata
                    .iter()
                    .map(|entry| format!("{}={}", entry.key, entry.value))
                    .collect::<Vec<_>>()
                    .join(", ");
                let line = row([
                    format_timestamp(event.timestamp.0),
                    event.service.to_string(),
                    event.event_name.clone(),
                    event.instance_id.clone(),
                    event.origin.clone(),
                    metadata,
                ]);
                writeln!(self.out, "{line}")?;
            }
            Format::JsonLines => {
                let line = serde_json::to_string(event).map_err(io::Error::other)?;
                writeln!(self.out, "{line}")?;
            }
        }
        self.out.flush()
    }
}

/// One table row: each cell padded to its column, the last one as it is.
fn row(cells: [String; 6]) -> String {
    let mut line = String::new();
    for (cell, width) in cells.iter().zip(WIDTHS) {
        line.push_str(&format!("{cell:<width$} "));
    }
    line.push_str(&cells[5]);
    line.trim_end().to_owned()
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
    use cdp_bindings::background_service::{EventMetadata, ServiceName};

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
        let mut out = Vec::new();
        let mut printer = Printer::new(Format::Table, &mut out);
        printer.event(&event()).unwrap();
        let text = String::from_utf8(out).unwrap();
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
    fn a_json_line_decodes_back_to_the_event() {
        let mut out = Vec::new();
        Printer::new(Format::JsonLines, &mut out)
            .event(&event())
            .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), 1);
        let back: BackgroundServiceEvent = serde_json::from_str(&text).unwrap();
        assert_eq!(back, event());
    }
}
