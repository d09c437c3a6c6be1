//! The summary printed at the end of every run, on standard error (so that `--json` output
//! stays clean): how many events each service recorded, and what was lost on the way.

use std::fmt;

use cdp_runtime::DriftReport;

use crate::cdp::background_service::ServiceName;
use crate::sink::Report;
use crate::terminal::printable;

/// What a run recorded, counted as it goes.
#[derive(Debug, Default)]
pub struct Summary {
    /// Events per service: the chosen services first, in their order, then any other service
    /// the browser reported.
    per_service: Vec<(ServiceName, u64)>,
    /// Events the transport dropped because the recorder fell behind the browser.
    missed: u64,
    /// Events that did not decode as a `BackgroundServiceEvent`.
    undecodable: u64,
    /// What became of the events sent to each output.
    outputs: Vec<Report>,
    /// What the browser sent that the recorder's bindings do not know, with `--drift`.
    drift: Option<DriftReport>,
}

impl Summary {
    /// A summary that lists `services`, with no events yet.
    pub fn new(services: &[ServiceName]) -> Summary {
        Summary {
            per_service: services
                .iter()
                .map(|service| (service.clone(), 0))
                .collect(),
            ..Summary::default()
        }
    }

    /// Counts one recorded event of `service`.
    pub fn recorded(&mut self, service: &ServiceName) {
        match self
            .per_service
            .iter_mut()
            .find(|(known, _)| known == service)
        {
            Some((_, count)) => *count += 1,
            None => self.per_service.push((service.clone(), 1)),
        }
    }

    /// Counts events the transport dropped.
    pub fn missed(&mut self, missed: u64) {
        self.missed += missed;
    }

    /// Counts an event that did not decode.
    pub fn undecodable(&mut self) {
        self.undecodable += 1;
    }

    /// Adds what became of the events sent to an output.
    pub fn output(&mut self, report: Report) {
        self.outputs.push(report);
    }

    /// How many events were recorded, all services together.
    pub fn total(&self) -> u64 {
        self.per_service.iter().map(|(_, count)| count).sum()
    }

    /// Whether an output lost events or failed.
    pub fn output_incomplete(&self) -> bool {
        self.outputs
            .iter()
            .any(|report| report.unwritten() > 0 || report.error.is_some())
    }
}

impl Summary {
    /// Starts a drift report of the events the recorder receives (`--drift`).
    pub fn report_drift(&mut self) {
        self.drift = Some(DriftReport::default());
    }

    /// Notes the drift of one event, when a report is being made.
    pub fn note_drift(&mut self, method: &str, params: &str) {
        if let Some(drift) = &mut self.drift {
            let text = format!(
                r#"{{"method":{},"params":{params}}}"#,
                serde_json::Value::from(method)
            );
            // Its outcome is the report's business: the event itself was handled already.
            let _ = drift.decode::<crate::cdp::Event>(&text);
        }
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(drift) = &self.drift {
            // Method and field names come from the browser: printed as the table's text is.
            for line in drift.to_string().lines() {
                writeln!(f, "{}", printable(line))?;
            }
        }
        writeln!(f, "recorded {} event(s)", self.total())?;
        for (service, count) in &self.per_service {
            writeln!(f, "  {:<24}{count:>8}", printable(service.as_str()))?;
        }
        if self.missed > 0 {
            writeln!(
                f,
                "missed {} event(s): the recorder fell behind the browser",
                self.missed
            )?;
        }
        if self.undecodable > 0 {
            writeln!(
                f,
                "skipped {} event(s) that are not BackgroundServiceEvents",
                self.undecodable
            )?;
        }
        for report in &self.outputs {
            if report.unwritten() > 0 {
                writeln!(
                    f,
                    "{} of {} event(s) not written to {}: it did not keep up",
                    report.unwritten(),
                    report.sent,
                    report.name
                )?;
            }
            if let Some(err) = &report.error {
                writeln!(f, "cannot write to {}: {err}", report.name)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_lists_every_chosen_service_then_the_others() {
        let mut summary = Summary::new(&[ServiceName::BackgroundSync, ServiceName::Notifications]);
        for service in [
            ServiceName::Notifications,
            ServiceName::Unknown("futureService\u{1b}[2J".into()),
            ServiceName::Notifications,
        ] {
            summary.recorded(&service);
        }
        summary.output(Report {
            name: "standard output".into(),
            sent: 3,
            written: 1,
            error: None,
        });
        assert_eq!(
            summary.to_string(),
            "recorded 3 event(s)\n  \
             backgroundSync                 0\n  \
             notifications                  2\n  \
             futureService\\u{1b}[2J         1\n\
             2 of 3 event(s) not written to standard output: it did not keep up\n"
        );
        assert!(summary.output_incomplete());
    }
}
