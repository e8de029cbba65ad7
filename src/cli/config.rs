//! `rehearse config`: the settings in effect, where each comes from (a flag, the environment,
//! the config file and its line, or the default), and where the config file is.

use std::fmt::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;

use super::args::{Global, ListFormat};
use super::output::{list_format, write_out};
use super::settings::{Origin, Settings};

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  rehearse config                  each setting, its value and where it comes from
  rehearse config --path           the config file's path (print it even when it is broken)
  rehearse config --format json    for scripts

The file (TOML) takes model, threads, device, think and data_dir, e.g.
  model = \"base.en\"
  threads = 2
  device = \"pulse\"
  think = \"30s\"
  data_dir = \"~/interviews/attempts\"
The environment (REHEARSE_MODEL, REHEARSE_THREADS, REHEARSE_DEVICE, REHEARSE_THINK,
REHEARSE_DATA_DIR) overrides the file, and a command's flags override both.")]
pub struct ConfigArgs {
    /// Print only the config file's path (REHEARSE_CONFIG_DIR, else $XDG_CONFIG_HOME/rehearse,
    /// else ~/.config/rehearse, then config.toml), without reading it.
    #[arg(long, conflicts_with_all = ["format", "out"])]
    pub path: bool,
    /// Output format [default: from --out's extension, else table].
    #[arg(short, long, value_enum)]
    pub format: Option<ListFormat>,
    /// Write the settings to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// One row: the key, its value as text (`None`: not set), where it comes from.
type Row = (&'static str, Option<String>, Origin);

pub fn run(args: ConfigArgs, s: &Settings, global: &Global) -> Result<()> {
    if args.path {
        let path = s
            .path
            .clone()
            .context("no config folder (no home directory); set REHEARSE_CONFIG_DIR")?;
        return super::output::emit(None, &format!("{}\n", path.display()));
    }
    let format = list_format(args.format, args.out.as_deref())?;
    let unset = |o: Option<(String, Origin)>, default: &str| -> (Option<String>, Origin) {
        match o {
            Some((v, origin)) => (Some(v), origin),
            None => (Some(default.to_string()), Origin::Default),
        }
    };
    let model = unset(
        s.model(None).map(|m| (m.value, m.origin)),
        "the first installed model (tiny.en first); `rehearse model path` says which",
    );
    let threads = s.threads(None);
    let device = unset(
        s.device(None).map(|d| (d.value, d.origin)),
        "the system's default input",
    );
    let think = s.think(None);
    let data_dir = unset(
        s.data_dir(None)
            .map(|d| (d.value.display().to_string(), d.origin)),
        &rehearse::history::Store::locate(None)
            .map(|st| st.root().display().to_string())
            .unwrap_or_else(|e| e.to_string()),
    );
    let rows: Vec<Row> = vec![
        ("model", model.0, model.1),
        ("threads", Some(threads.value.to_string()), threads.origin),
        ("device", device.0, device.1),
        (
            "think",
            Some(format!("{}s", think.value.as_secs_f64())),
            think.origin,
        ),
        ("data_dir", data_dir.0, data_dir.1),
    ];
    let path = s.path.as_ref().map_or_else(
        || "(no config folder)".to_string(),
        |p| p.display().to_string(),
    );
    let text = match format {
        ListFormat::Json => {
            let settings: serde_json::Map<String, serde_json::Value> = rows
                .iter()
                .map(|(k, v, origin)| {
                    (
                        k.to_string(),
                        serde_json::json!({ "value": v, "from": origin_key(origin), "where": origin.to_string() }),
                    )
                })
                .collect();
            let mut t = serde_json::to_string_pretty(&serde_json::json!({
                "config_file": path,
                "config_file_exists": s.exists,
                "settings": settings,
            }))?;
            t.push('\n');
            t
        }
        ListFormat::Table => {
            let mut t = String::new();
            let exists = if s.exists {
                ""
            } else {
                " (not there: defaults apply)"
            };
            writeln!(t, "config file: {path}{exists}")?;
            writeln!(t)?;
            writeln!(t, "{:<9} {:<40} FROM", "SETTING", "VALUE")?;
            for (k, v, origin) in &rows {
                writeln!(t, "{k:<9} {:<40} {origin}", v.as_deref().unwrap_or("-"))?;
            }
            t
        }
    };
    write_out(args.out.as_deref(), &text, "the settings", global)
}

/// The kind of origin, for scripts: `flag`, `env`, `file` or `default`.
fn origin_key(o: &Origin) -> &'static str {
    match o {
        Origin::Flag(_) => "flag",
        Origin::Env(_) => "env",
        Origin::File(..) => "file",
        Origin::Default => "default",
    }
}
