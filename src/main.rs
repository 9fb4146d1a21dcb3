//! The `flowaudit` binary: parse arguments, run, map errors to exit codes.
use clap::Parser;
use flowaudit::cli::{Args, Command};
use flowaudit::{app, config::Config, generate::GenerateOptions, ingest::Format};
use std::process::ExitCode;

fn run(args: Args) -> anyhow::Result<()> {
    match args.command {
        Command::Audit(a) => {
            let cfg = Config::try_from(a)?;
            let outcome = app::audit(&cfg)?;
            if cfg.explain_statuses {
                print!("{}", app::explain_statuses(&outcome.report));
            }
            if !cfg.quiet {
                let s = &outcome.report.summary;
                eprintln!(
                    "flowaudit: wrote {} ({} items, {} events, {} teams, {} warnings)",
                    outcome.out.display(),
                    s.counts.items,
                    s.counts.events,
                    s.counts.teams,
                    s.warnings.len()
                );
            }
        }
        Command::Generate(g) => {
            let opts = match g.events {
                Some(n) => GenerateOptions::for_events(n, g.seed),
                None => GenerateOptions {
                    seed: g.seed,
                    items: g.items,
                    teams: g.teams,
                    ..GenerateOptions::default()
                },
            };
            let s = app::generate(&opts, &g.out)?;
            eprintln!(
                "flowaudit: wrote {} ({} items, {} events, {} teams)",
                g.out.display(),
                s.items,
                s.events,
                s.teams.len()
            );
        }
        Command::Formats => {
            for (f, about) in Format::ALL {
                println!("{:<12} {about}", f.name());
            }
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("flowaudit: error: {e:#}");
            ExitCode::from(1)
        }
    }
}
