//! The `flowaudit` binary: parse arguments, run, print, map errors to exit codes.
mod allocator;
mod progress;

use clap::Parser;
use flowaudit::cli::{Args, Command};
use flowaudit::{app, config::Config, init::InitOptions};
use std::io::Write;
use std::process::ExitCode;

fn run(args: Args) -> anyhow::Result<()> {
    match args.command {
        Command::Audit(a) => {
            let cfg = Config::try_from(a)?;
            let outcome = app::audit_with(&cfg, &*progress::for_audit(cfg.quiet))?;
            if cfg.explain_statuses {
                stdout(app::explain_statuses(&outcome.report).as_bytes())?;
            }
            if !cfg.quiet {
                eprintln!("flowaudit: {}", outcome.closing_line());
            }
            // The process ends here: the system takes the report model's memory back at
            // once, where dropping it freed every allocation one by one.
            std::mem::forget(outcome);
        }
        Command::Init(i) => eprintln!("flowaudit: {}", app::init(&InitOptions::try_from(i)?)?),
        Command::Generate(g) => {
            let s = app::generate(&flowaudit::cli::generate_options(&g), &g.out)?;
            let (out, teams, items) = (g.out.display(), s.teams.len(), s.items);
            eprintln!(
                "flowaudit: wrote {out} ({items} items, {} events, {teams} teams)",
                s.events
            );
        }
        Command::Compare(c) => {
            app::compare(&c.old, &c.new, &c.out)?;
            eprintln!("flowaudit: wrote {}", c.out.display());
        }
        Command::Formats => stdout(app::formats_text().as_bytes())?,
        Command::Completions(c) => stdout(&flowaudit::cli::completions(c.shell))?,
    }
    Ok(())
}

/// Write to stdout; a closed pipe (`flowaudit formats | head -1`) is not an error.
fn stdout(bytes: &[u8]) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r,
    }
}

fn main() -> ExitCode {
    flowaudit::memory::set_release(allocator::release);
    let Err(e) = run(Args::parse()) else {
        return ExitCode::SUCCESS;
    };
    // Each cause once: the library's messages already quote the OS error they wrap.
    let mut msg = e.to_string();
    for c in e.chain().skip(1).map(ToString::to_string) {
        if !msg.contains(&c) {
            msg = format!("{msg}: {c}");
        }
    }
    eprintln!("flowaudit: error: {msg}");
    ExitCode::from(1)
}
