//! The `flowaudit` binary: parse arguments, run, map errors to exit codes.
use clap::{Parser, ValueEnum};
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
            // Scenario and ScenarioArg share their kebab-case names; the scenario may fix the teams.
            let name = g
                .scenario
                .to_possible_value()
                .expect("invariant: no skipped variant");
            let base = match g.events {
                Some(n) => GenerateOptions::for_events(n, g.seed),
                None => GenerateOptions {
                    seed: g.seed,
                    items: g.items,
                    teams: g.teams,
                    ..GenerateOptions::default()
                },
            };
            let opts = GenerateOptions {
                scenario: name.get_name().parse()?,
                ..base
            };
            let s = app::generate(&opts, &g.out)?;
            let (out, teams) = (g.out.display(), s.teams.len());
            eprintln!(
                "flowaudit: wrote {out} ({} items, {} events, {teams} teams)",
                s.items, s.events
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
