//! A progress line for long runs (history scans): on stderr, only when
//! stderr is a terminal and `--quiet` is not given, so logs and pipes never
//! see it.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

/// A running progress display, updated from a counter.
pub struct Progress {
    counter: Arc<AtomicUsize>,
    done: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Progress {
    /// Starts showing `what: n/total` unless quiet or stderr is not a terminal.
    pub fn start(what: &str, total: usize, quiet: bool) -> Progress {
        let counter = Arc::new(AtomicUsize::new(0));
        let done = Arc::new(AtomicBool::new(false));
        let show = !quiet && std::io::stderr().is_terminal() && total > 0;
        let thread = show.then(|| {
            let (counter, done, what) = (Arc::clone(&counter), Arc::clone(&done), what.to_string());
            std::thread::spawn(move || {
                let mut err = std::io::stderr();
                while !done.load(Ordering::Relaxed) {
                    let n = counter.load(Ordering::Relaxed).min(total);
                    let pct = n * 100 / total;
                    let _ = write!(err, "\rblastwall: {what}: {n}/{total} blobs ({pct}%)");
                    let _ = err.flush();
                    std::thread::sleep(Duration::from_millis(200));
                }
                let _ = write!(err, "\r\x1b[2K");
                let _ = err.flush();
            })
        });
        Progress {
            counter,
            done,
            thread,
        }
    }

    pub fn counter(&self) -> &AtomicUsize {
        &self.counter
    }

    /// Stops and clears the line.
    pub fn finish(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        self.done.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop();
    }
}
