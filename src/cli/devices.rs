//! `rehearse devices`: audio hosts, input devices and the configurations each supports.

use std::io::Write;

use anyhow::Result;

pub fn run() -> Result<()> {
    let hosts = rehearse::capture::devices::report();
    let mut out = std::io::stdout().lock();
    let mut any = false;
    for host in &hosts {
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
    Ok(())
}
