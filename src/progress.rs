//! The binary's progress display (INTERFACE.md "Command line"): an indicatif bar on stderr
//! naming the audit's stage, drawn only when stderr is a terminal, `--quiet` is off and the
//! audit has run for more than a second. The library only calls [`Progress`]; it never prints.

use flowaudit::app::{NoProgress, Progress, Stage};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

/// Work shorter than this shows no progress at all.
const SHOW_AFTER: Duration = Duration::from_secs(1);

/// An indicatif bar over the stages of an audit.
struct StageBar(ProgressBar);

/// The progress display for an audit.
pub fn for_audit(quiet: bool) -> Box<dyn Progress> {
    if quiet || !std::io::stderr().is_terminal() {
        return Box::new(NoProgress);
    }
    let bar =
        ProgressBar::with_draw_target(Some(Stage::ALL.len() as u64), ProgressDrawTarget::hidden());
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg:<32} [{bar:24}] {elapsed}")
            .expect("invariant: the template is valid")
            .progress_chars("=> "),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    // Appear only once the work has lasted SHOW_AFTER, so quick runs stay quiet.
    let late = bar.clone();
    std::thread::spawn(move || {
        std::thread::sleep(SHOW_AFTER);
        if !late.is_finished() {
            late.set_draw_target(ProgressDrawTarget::stderr());
        }
    });
    Box::new(StageBar(bar))
}

impl Progress for StageBar {
    fn stage(&self, stage: Stage) {
        let done = Stage::ALL.iter().position(|s| *s == stage).unwrap_or(0);
        self.0.set_position(done as u64);
        self.0.set_message(format!(
            "{}/{} {}",
            done + 1,
            Stage::ALL.len(),
            stage.label()
        ));
    }

    fn partition(&self, done: usize, of: usize) {
        self.0.set_message(format!(
            "2/{} {} (partition {done}/{of})",
            Stage::ALL.len(),
            Stage::ComputingItems.label()
        ));
    }

    fn finish(&self) {
        self.0.finish_and_clear();
    }
}
