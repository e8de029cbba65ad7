//! The defaults people set once: `config.toml` in the config folder (`$REHEARSE_CONFIG_DIR`,
//! else `$XDG_CONFIG_HOME/rehearse`, else `~/.config/rehearse`), under the environment, under
//! the flags. Read once per run; every command asks here for what it does not get on its
//! command line.
//!
//! ```toml
//! model = "base.en"        # a model name or a ggml file
//! threads = 2              # whisper.cpp threads
//! device = "pulse"         # the input device `record` uses
//! think = "30s"            # think time before a practice answer
//! data_dir = "~/interviews/attempts"
//! ```

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use anyhow::Result;
use serde::Deserialize;

use rehearse::analyze::frameworks::config_dir;

/// The file's name in the config folder.
pub const FILE: &str = "config.toml";

/// The environment variables, each overriding its key in the file.
pub const MODEL_ENV: &str = rehearse::model::find::MODEL_ENV;
pub const THREADS_ENV: &str = "REHEARSE_THREADS";
pub const DEVICE_ENV: &str = "REHEARSE_DEVICE";
pub const THINK_ENV: &str = "REHEARSE_THINK";
pub const DATA_DIR_ENV: &str = rehearse::history::store::DATA_DIR_ENV;

/// Think time before a practice answer when nothing sets it.
pub const DEFAULT_THINK: Duration = Duration::from_secs(30);

/// Where a setting came from, as `rehearse config` and error messages say it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The command line.
    Flag(&'static str),
    Env(&'static str),
    /// The config file and the line of the key.
    File(PathBuf, usize),
    Default,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Flag(flag) => write!(f, "{flag}"),
            Origin::Env(var) => write!(f, "environment {var}"),
            Origin::File(path, line) => write!(f, "{} line {line}", path.display()),
            Origin::Default => f.write_str("default"),
        }
    }
}

/// A value with where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Set<T> {
    pub value: T,
    pub origin: Origin,
}

/// The config file's keys, each with its line.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileKeys {
    model: Option<toml::Spanned<String>>,
    threads: Option<toml::Spanned<i64>>,
    device: Option<toml::Spanned<String>>,
    think: Option<toml::Spanned<String>>,
    data_dir: Option<toml::Spanned<String>>,
}

/// Everything the config file and the environment set; flags are laid over them where used.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// The config file's path, whether or not it exists (`None`: no config folder at all).
    pub path: Option<PathBuf>,
    pub exists: bool,
    pub model: Option<Set<String>>,
    pub threads: Option<Set<usize>>,
    pub device: Option<Set<String>>,
    pub think: Option<Set<Duration>>,
    pub data_dir: Option<Set<PathBuf>>,
}

static CURRENT: OnceLock<Settings> = OnceLock::new();

/// The settings of this run ([`Settings::install`]); empty until then, as in unit tests.
pub fn current() -> &'static Settings {
    CURRENT.get_or_init(Settings::default)
}

impl Settings {
    /// Reads the config file (if there is one) and the environment. A broken file or variable
    /// is an error naming the file and line, or the variable.
    pub fn load() -> Result<Settings> {
        let path = config_dir().map(|d| d.join(FILE));
        let mut s = Settings {
            exists: path.as_deref().is_some_and(Path::is_file),
            path: path.clone(),
            ..Settings::default()
        };
        if let (Some(path), true) = (&path, s.exists) {
            let text = std::fs::read_to_string(path)
                .map_err(|e| anyhow::anyhow!("{}: cannot read: {e}", path.display()))?;
            s.read_file(path, &text)?;
        }
        s.read_env()?;
        Ok(s)
    }

    /// Makes these the settings [`current`] returns for the rest of the run.
    pub fn install(self) {
        let _ = CURRENT.set(self);
    }

    fn read_file(&mut self, path: &Path, text: &str) -> Result<()> {
        let line_of = |at: usize| {
            text.as_bytes()[..at.min(text.len())]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1
        };
        let keys: FileKeys = toml::from_str(text).map_err(|e| {
            // toml's Display is several lines; one line with where and what.
            let what = e.message().lines().next().unwrap_or("invalid TOML").trim();
            match e.span() {
                Some(span) => {
                    anyhow::anyhow!("{}: line {}: {what}", path.display(), line_of(span.start))
                }
                None => anyhow::anyhow!("{}: {what}", path.display()),
            }
        })?;
        let origin =
            |span: std::ops::Range<usize>| Origin::File(path.to_path_buf(), line_of(span.start));
        let bad = |span: std::ops::Range<usize>, what: String| {
            anyhow::anyhow!("{}: line {}: {what}", path.display(), line_of(span.start))
        };
        if let Some(m) = keys.model {
            let span = m.span();
            let value = m.into_inner();
            if value.trim().is_empty() {
                return Err(bad(
                    span,
                    "model is empty; name a model (tiny.en) or a ggml file".into(),
                ));
            }
            self.model = Some(Set {
                value: expand_home(&value).display().to_string(),
                origin: origin(span),
            });
        }
        if let Some(t) = keys.threads {
            let span = t.span();
            let n = *t.get_ref();
            let value = usize::try_from(n)
                .ok()
                .filter(|&n| (1..=256).contains(&n))
                .ok_or_else(|| {
                    bad(
                        span.clone(),
                        format!("threads = {n}: give a number of threads from 1 to 256"),
                    )
                })?;
            self.threads = Some(Set {
                value,
                origin: origin(span),
            });
        }
        if let Some(d) = keys.device {
            let span = d.span();
            let value = d.into_inner();
            if value.trim().is_empty() {
                return Err(bad(
                    span,
                    "device is empty; name one as `rehearse devices` lists them".into(),
                ));
            }
            self.device = Some(Set {
                value,
                origin: origin(span),
            });
        }
        if let Some(t) = keys.think {
            let span = t.span();
            let value =
                parse_think(t.get_ref()).map_err(|e| bad(span.clone(), format!("think: {e}")))?;
            self.think = Some(Set {
                value,
                origin: origin(span),
            });
        }
        if let Some(d) = keys.data_dir {
            let span = d.span();
            let value = d.into_inner();
            if value.trim().is_empty() {
                return Err(bad(span, "data_dir is empty; name a folder".into()));
            }
            self.data_dir = Some(Set {
                value: expand_home(&value),
                origin: origin(span),
            });
        }
        Ok(())
    }

    fn read_env(&mut self) -> Result<()> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        if let Some(v) = var(MODEL_ENV) {
            self.model = Some(Set {
                value: v,
                origin: Origin::Env(MODEL_ENV),
            });
        }
        if let Some(v) = var(THREADS_ENV) {
            let value = v
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=256).contains(n))
                .ok_or_else(|| {
                    anyhow::anyhow!("{THREADS_ENV}={v}: give a number of threads from 1 to 256")
                })?;
            self.threads = Some(Set {
                value,
                origin: Origin::Env(THREADS_ENV),
            });
        }
        if let Some(v) = var(DEVICE_ENV) {
            self.device = Some(Set {
                value: v,
                origin: Origin::Env(DEVICE_ENV),
            });
        }
        if let Some(v) = var(THINK_ENV) {
            let value = parse_think(&v).map_err(|e| anyhow::anyhow!("{THINK_ENV}={v}: {e}"))?;
            self.think = Some(Set {
                value,
                origin: Origin::Env(THINK_ENV),
            });
        }
        if let Some(v) = var(DATA_DIR_ENV) {
            self.data_dir = Some(Set {
                value: PathBuf::from(v),
                origin: Origin::Env(DATA_DIR_ENV),
            });
        }
        Ok(())
    }

    /// The model: `flag`, else the environment's, else the file's; `None` leaves the choice to
    /// the installed models.
    pub fn model(&self, flag: Option<&str>) -> Option<Set<String>> {
        match flag {
            Some(f) => Some(Set {
                value: f.to_string(),
                origin: Origin::Flag("--model"),
            }),
            None => self.model.clone(),
        }
    }

    /// Whisper threads: `flag`, else the environment's, else the file's, else every core.
    pub fn threads(&self, flag: Option<usize>) -> Set<usize> {
        match (flag, &self.threads) {
            (Some(n), _) => Set {
                value: n,
                origin: Origin::Flag("--threads"),
            },
            (None, Some(s)) => s.clone(),
            (None, None) => Set {
                value: std::thread::available_parallelism().map_or(4, |n| n.get()),
                origin: Origin::Default,
            },
        }
    }

    /// The input device: `flag`, else the environment's, else the file's; `None`: the
    /// system's default input.
    pub fn device(&self, flag: Option<&str>) -> Option<Set<String>> {
        match flag {
            Some(f) => Some(Set {
                value: f.to_string(),
                origin: Origin::Flag("--device"),
            }),
            None => self.device.clone(),
        }
    }

    /// Think time before a practice answer: `flag`, else the environment's, else the file's,
    /// else 30 s.
    pub fn think(&self, flag: Option<Duration>) -> Set<Duration> {
        match (flag, &self.think) {
            (Some(d), _) => Set {
                value: d,
                origin: Origin::Flag("--think"),
            },
            (None, Some(s)) => s.clone(),
            (None, None) => Set {
                value: DEFAULT_THINK,
                origin: Origin::Default,
            },
        }
    }

    /// The attempt store's folder: `flag`, else the environment's, else the file's; `None`:
    /// the user data folder's.
    pub fn data_dir(&self, flag: Option<&Path>) -> Option<Set<PathBuf>> {
        match flag {
            Some(p) => Some(Set {
                value: p.to_path_buf(),
                origin: Origin::Flag("--data-dir"),
            }),
            None => self.data_dir.clone(),
        }
    }
}

/// A think time: `30s`, `1m`, `45`; at most ten minutes.
pub fn parse_think(s: &str) -> std::result::Result<Duration, String> {
    let d = rehearse::capture::parse_duration(s)?;
    if d > Duration::from_secs(600) {
        return Err(format!("'{s}': think for ten minutes at most"));
    }
    Ok(d)
}

/// `~/x` as the home folder's `x`, as a shell would have done it on the command line.
fn expand_home(s: &str) -> PathBuf {
    match (s.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Settings> {
        let mut s = Settings::default();
        s.read_file(Path::new("/c/config.toml"), text)?;
        Ok(s)
    }

    #[test]
    fn every_key_with_its_line() {
        let s = read("# mine\nmodel = \"base.en\"\nthreads = 2\n\ndevice = \"pulse\"\nthink = \"45s\"\ndata_dir = \"/d/attempts\"\n")
            .expect("valid");
        let at = |line| Origin::File(PathBuf::from("/c/config.toml"), line);
        assert_eq!(
            s.model,
            Some(Set {
                value: "base.en".into(),
                origin: at(2)
            })
        );
        assert_eq!(
            s.threads,
            Some(Set {
                value: 2,
                origin: at(3)
            })
        );
        assert_eq!(s.device.map(|d| d.origin), Some(at(5)));
        assert_eq!(s.think.map(|t| t.value), Some(Duration::from_secs(45)));
        assert_eq!(
            s.data_dir.map(|d| d.value),
            Some(PathBuf::from("/d/attempts"))
        );
        assert!(read("").expect("empty is fine").model.is_none());
    }

    #[test]
    fn mistakes_name_the_file_and_line() {
        for (text, what) in [
            (
                "model = \"x\"\nmodle = \"y\"\n",
                "/c/config.toml: line 2: unknown field `modle`",
            ),
            (
                "threads = 0\n",
                "/c/config.toml: line 1: threads = 0: give a number of threads from 1 to 256",
            ),
            (
                "\nthreads = \"two\"\n",
                "/c/config.toml: line 2: invalid type",
            ),
            (
                "think = \"soon\"\n",
                "/c/config.toml: line 1: think: 'soon': give a duration",
            ),
            (
                "think = \"20m\"\n",
                "/c/config.toml: line 1: think: '20m': think for ten minutes at most",
            ),
            ("device = \"\"\n", "/c/config.toml: line 1: device is empty"),
            ("model = [\n", "/c/config.toml: line 1"),
        ] {
            let e = read(text).expect_err(text).to_string();
            assert!(e.starts_with(what), "{text:?}: {e}");
            assert!(!e.contains('\n'), "one line: {e:?}");
        }
    }

    #[test]
    fn flags_win_over_what_the_file_and_environment_set() {
        let s = read("threads = 3\nthink = \"10s\"\n").expect("valid");
        assert_eq!(s.threads(Some(1)).value, 1);
        assert_eq!(s.threads(Some(1)).origin, Origin::Flag("--threads"));
        assert_eq!(s.threads(None).value, 3);
        assert_eq!(s.think(None).value, Duration::from_secs(10));
        assert_eq!(Settings::default().think(None).origin, Origin::Default);
        assert_eq!(Settings::default().think(None).value, DEFAULT_THINK);
        assert_eq!(
            s.model(Some("tiny.en")).map(|m| m.origin),
            Some(Origin::Flag("--model"))
        );
        assert!(s.model(None).is_none());
    }
}
