//! A writer thread per output, fed through a bounded queue: the recording never waits on a
//! write. A reader that stops reading (a stalled pipe) blocks the writer thread only; the
//! recording still ends on time, and [`Sink::finish`] says how many events did not make it.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TryRecvError, TrySendError};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::output::{Layout, Record};

/// How many batches wait for the writer at most (each of up to [`BATCH`] events). When it
/// falls that far behind, the recording waits for it (and the browser's events queue up in
/// the transport, which drops the oldest and says how many).
const CAPACITY: usize = 8;

/// The most events the recording hands over at once. Events go in batches, so that a writer
/// that keeps up is not woken once per event: a wake-up costs more than writing an event.
pub const BATCH: usize = 256;

/// How much the writer gathers before it writes, when events keep coming.
const BATCH_BYTES: usize = 64 * 1024;

/// How often a full queue is looked at again.
const RETRY: Duration = Duration::from_millis(1);

/// What the writer thread and the recording share.
#[derive(Default)]
struct Progress {
    /// Events handed to the operating system.
    written: AtomicU64,
    /// The writer has finished: everything written, or a write failed.
    done: AtomicBool,
    /// Why a write failed.
    error: Mutex<Option<io::Error>>,
}

/// One output and its writer thread.
pub struct Sink {
    name: String,
    sender: SyncSender<Vec<Arc<Record>>>,
    progress: Arc<Progress>,
    sent: u64,
}

/// What became of the events sent to a sink.
#[derive(Debug)]
pub struct Report {
    /// The output, e.g. "standard output".
    pub name: String,
    /// Events the recording handed to the sink.
    pub sent: u64,
    /// Of those, the events written.
    pub written: u64,
    /// Why writing stopped early, if it did.
    pub error: Option<io::Error>,
}

impl Report {
    /// Events handed to the sink but not written.
    pub fn unwritten(&self) -> u64 {
        self.sent.saturating_sub(self.written)
    }
}

/// Why an event could not be handed to a sink.
#[derive(Debug)]
pub enum SendError {
    /// The writer stopped: a write failed.
    Failed(io::Error),
    /// The queue stayed full until the recording had to stop.
    GaveUp,
}

impl Sink {
    /// Starts a writer of `layout` to `out`, named `name` in messages. It writes what comes
    /// before the first event at once (the table's header).
    pub fn spawn(
        name: impl Into<String>,
        out: impl Write + Send + 'static,
        layout: Layout,
    ) -> Sink {
        let (sender, receiver) = mpsc::sync_channel(CAPACITY);
        let progress = Arc::new(Progress::default());
        let writer = Arc::clone(&progress);
        std::thread::spawn(move || {
            let result = write_all(out, layout, &receiver, &writer.written);
            if let Err(err) = result {
                *writer.error.lock().unwrap_or_else(PoisonError::into_inner) = Some(err);
            }
            writer.done.store(true, Ordering::SeqCst);
        });
        Sink {
            name: name.into(),
            sender,
            progress,
            sent: 0,
        }
    }

    /// Hands `records` to the writer. While its queue is full, waits for room as long as
    /// `keep_waiting` says so.
    pub fn send(
        &mut self,
        records: Vec<Arc<Record>>,
        keep_waiting: impl Fn() -> bool,
    ) -> Result<(), SendError> {
        if records.is_empty() {
            return Ok(());
        }
        // Counted whatever happens, so that the report says what was not written.
        self.sent += records.len() as u64;
        let mut records = records;
        loop {
            match self.sender.try_send(records) {
                Ok(()) => return Ok(()),
                Err(TrySendError::Full(back)) => {
                    if !keep_waiting() {
                        return Err(SendError::GaveUp);
                    }
                    records = back;
                    std::thread::sleep(RETRY);
                }
                Err(TrySendError::Disconnected(_)) => {
                    let err = self.take_error().unwrap_or_else(|| {
                        io::Error::other(format!("the writer of {} stopped", self.name))
                    });
                    return Err(SendError::Failed(err));
                }
            }
        }
    }

    /// The output, e.g. "standard output".
    pub fn name(&self) -> &str {
        &self.name
    }

    fn take_error(&self) -> Option<io::Error> {
        self.progress
            .error
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    /// Tells the writer that no more events come, and gives it up to `grace` to write what it
    /// holds. A writer still blocked after that is left behind (it ends with the process): the
    /// report counts what it did not write.
    pub fn finish(self, grace: Duration) -> Report {
        let Sink {
            name,
            sender,
            progress,
            sent,
        } = self;
        drop(sender);
        let deadline = Instant::now() + grace;
        while !progress.done.load(Ordering::SeqCst) && Instant::now() < deadline {
            std::thread::sleep(RETRY);
        }
        let error = progress
            .error
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        Report {
            name,
            sent,
            written: progress.written.load(Ordering::SeqCst),
            error,
        }
    }
}

/// The writer thread: writes what comes, in batches while events keep coming, and flushes
/// whenever it has caught up, so that a reader sees each event at once.
fn write_all(
    mut out: impl Write,
    layout: Layout,
    receiver: &Receiver<Vec<Arc<Record>>>,
    written: &AtomicU64,
) -> io::Result<()> {
    let mut text = String::with_capacity(BATCH_BYTES * 2);
    layout.begin(&mut text);
    let mut pending = 0;
    let mut first = true;
    loop {
        let next = if pending == 0 && text.is_empty() {
            receiver.recv().map_err(|_| TryRecvError::Disconnected)
        } else {
            receiver.try_recv()
        };
        match next {
            Ok(records) => {
                for record in &records {
                    layout.record(record, first, &mut text);
                    first = false;
                }
                pending += records.len() as u64;
                if text.len() < BATCH_BYTES {
                    continue;
                }
            }
            Err(TryRecvError::Empty) => {}
            Err(TryRecvError::Disconnected) => {
                layout.end(&mut text);
                out.write_all(text.as_bytes())?;
                out.flush()?;
                written.fetch_add(pending, Ordering::SeqCst);
                return Ok(());
            }
        }
        out.write_all(text.as_bytes())?;
        out.flush()?;
        text.clear();
        written.fetch_add(pending, Ordering::SeqCst);
        pending = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cdp::background_service::{BackgroundServiceEvent, ServiceName};

    fn record(n: u32) -> Arc<Record> {
        let event = BackgroundServiceEvent::new(
            1.0,
            "o",
            "0",
            ServiceName::BackgroundSync,
            format!("e{n}"),
            "",
            vec![],
            "o",
        );
        Arc::new(Record {
            raw: serde_json::to_string(&event).unwrap(),
            event,
        })
    }

    /// Shared bytes, to read what a sink wrote.
    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// A reader that never reads: every write blocks.
    struct Stalled;

    impl Write for Stalled {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            std::thread::sleep(Duration::from_secs(3600));
            Ok(0)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn every_event_is_written_in_order_then_the_end() {
        let out = Shared::default();
        let mut sink = Sink::spawn("test", out.clone(), Layout::JsonArray);
        for n in 0..5000 {
            sink.send(vec![record(n)], || true).unwrap();
        }
        let report = sink.finish(Duration::from_secs(10));
        assert_eq!((report.sent, report.written), (5000, 5000));
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        let events: Vec<BackgroundServiceEvent> = serde_json::from_str(&text).unwrap();
        let names: Vec<String> = events.into_iter().map(|e| e.event_name).collect();
        let expected: Vec<String> = (0..5000).map(|n| format!("e{n}")).collect();
        assert_eq!(names, expected);
    }

    #[test]
    fn a_stalled_reader_neither_blocks_sending_nor_finishing() {
        let started = Instant::now();
        let mut sink = Sink::spawn("stalled", Stalled, Layout::JsonLines);
        let stop_at = Instant::now() + Duration::from_millis(300);
        let mut gave_up = 0;
        for n in 0..5000 {
            match sink.send(vec![record(n)], || Instant::now() < stop_at) {
                Ok(()) => {}
                Err(SendError::GaveUp) => gave_up += 1,
                Err(SendError::Failed(err)) => panic!("{err}"),
            }
        }
        let report = sink.finish(Duration::from_millis(200));
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(report.sent, 5000);
        assert_eq!(report.written, 0);
        assert_eq!(report.unwritten(), 5000);
        assert!(gave_up > 0);
    }

    #[test]
    fn a_failed_write_is_reported_to_the_sender() {
        struct Broken;
        impl Write for Broken {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::from(io::ErrorKind::BrokenPipe))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let mut sink = Sink::spawn("broken", Broken, Layout::JsonLines);
        let deadline = Instant::now() + Duration::from_secs(5);
        let err = loop {
            match sink.send(vec![record(0)], || true) {
                Ok(()) => assert!(Instant::now() < deadline, "the failure never showed"),
                Err(SendError::Failed(err)) => break err,
                Err(SendError::GaveUp) => unreachable!(),
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
    }
}
