//! `rehearse devices`: audio hosts, input devices and the configurations each supports.

use std::fmt::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::args::{Global, ListFormat};
use super::output::{list_format, write_out};

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  rehearse devices                    input devices; * marks the default
  rehearse devices --format json      for scripts
  rehearse record --device pulse      record from one of them")]
pub struct DevicesArgs {
    /// Output format [default: from --out's extension, else table].
    #[arg(short, long, value_enum)]
    pub format: Option<ListFormat>,
    /// Write the list to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub fn run(args: DevicesArgs, global: &Global) -> Result<()> {
    let format = list_format(args.format, args.out.as_deref())?;
    let hosts = rehearse::capture::devices::report();
    let text = match format {
        ListFormat::Json => json(&hosts)?,
        ListFormat::Table => table(&hosts)?,
    };
    write_out(args.out.as_deref(), &text, "the device list", global)
}

fn json(hosts: &[rehearse::capture::devices::HostReport]) -> Result<String> {
    let hosts: Vec<serde_json::Value> = hosts
        .iter()
        .map(|h| {
            let inputs: Vec<serde_json::Value> = h
                .inputs
                .iter()
                .map(|d| {
                    serde_json::json!({
                        "id": d.id,
                        "description": d.description,
                        "default": d.is_default,
                        "records_as": d.default_config.as_ref().ok(),
                        "supports": d.configs.as_ref().ok(),
                        "error": d.default_config.as_ref().err().or(d.configs.as_ref().err()),
                    })
                })
                .collect();
            serde_json::json!({
                "host": h.name,
                "default": h.is_default,
                "error": h.error,
                "inputs": inputs,
            })
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&hosts)?;
    s.push('\n');
    Ok(s)
}

fn table(hosts: &[rehearse::capture::devices::HostReport]) -> Result<String> {
    let mut out = String::new();
    let mut any = false;
    for host in hosts {
        let default = if host.is_default {
            " (default host)"
        } else {
            ""
        };
        writeln!(out, "{}{default}", host.name)?;
        if let Some(e) = &host.error {
            writeln!(out, "  error: {e}")?;
        }
        let width = host.inputs.iter().map(|d| d.id.len()).max().unwrap_or(0);
        for d in &host.inputs {
            let mark = if d.is_default { "*" } else { " " };
            writeln!(out, "{mark} {:<width$}  {}", d.id, d.description)?;
            match (&d.default_config, &d.configs) {
                (Ok(def), Ok(configs)) => {
                    any = true;
                    writeln!(out, "    records as: {def}")?;
                    for c in configs {
                        writeln!(out, "    supports:   {c}")?;
                    }
                }
                (Err(e), _) | (_, Err(e)) => writeln!(out, "    cannot be opened: {e}")?,
            }
        }
        if host.inputs.is_empty() {
            writeln!(out, "  no input devices")?;
        }
    }
    writeln!(out)?;
    if any {
        writeln!(
            out,
            "* is the default input. `rehearse record --device NAME` takes a name from the first column."
        )?;
    } else {
        writeln!(
            out,
            "No input device can be opened: connect a microphone, or start the sound server."
        )?;
    }
    Ok(out)
}
