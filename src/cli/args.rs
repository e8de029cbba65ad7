//! Argument groups several commands share: the global flags, the engine flags of every command
//! that runs Whisper, the colour choice of every report and the format of every listing.

use clap::Args;

use rehearse::transcribe::{FILLER_BOOST, FILLER_PROMPT, TimestampMethod};

#[derive(Debug, Args, Default)]
pub struct Global {
    /// Print nothing but results and errors (no progress bars, no notes, no "wrote ..." lines).
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// `--verbose` of the commands that run Whisper (see [`EngineArgs::verbose`]).
    #[arg(skip)]
    pub verbose: bool,
}

/// `--format` of the commands that list things.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    /// Aligned columns for the terminal.
    Table,
    Json,
}

/// The extensions `-o` takes for a [`ListFormat`].
pub const LIST_EXTENSIONS: [(&str, ListFormat); 2] =
    [("txt", ListFormat::Table), ("json", ListFormat::Json)];

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Options shared by every command that runs Whisper.
#[derive(Debug, Args, Clone)]
pub struct EngineArgs {
    /// Model file or known name (tiny.en, base.en, ...) [env: REHEARSE_MODEL; config: model;
    /// default: the first installed, tiny.en first].
    #[arg(short, long)]
    pub model: Option<String>,
    /// CPU threads for whisper.cpp [env: REHEARSE_THREADS; config: threads; default: all
    /// cores].
    #[arg(short, long, value_parser = parse_threads)]
    pub threads: Option<usize>,
    /// Spoken language (English-only models always use "en").
    #[arg(long, default_value = "en")]
    pub language: String,
    /// Initial prompt; the default, a few hesitations, makes Whisper keep "um" and "uh".
    #[arg(long, default_value = FILLER_PROMPT, conflicts_with = "no_prompt")]
    pub prompt: String,
    /// Decode without any initial prompt (Whisper then drops most fillers).
    #[arg(long)]
    pub no_prompt: bool,
    /// Make Whisper likelier to write "um" and "uh" (logits added at each step; 0 = off).
    /// Whisper tends to turn a half-heard hesitation into a short word.
    #[arg(long, default_value_t = FILLER_BOOST, value_name = "LOGITS", value_parser = parse_boost)]
    pub filler_boost: f32,
    /// How word times are computed.
    #[arg(long, value_enum, default_value_t = TimestampMethod::Dtw)]
    pub timestamps: TimestampMethod,
    /// Show whisper.cpp's and ggml's own log lines.
    #[arg(short, long, conflicts_with = "quiet")]
    pub verbose: bool,
    /// Keep Whisper's word edges as they are instead of snapping them to the audio's energy.
    #[arg(long)]
    pub no_snap: bool,
    /// Transcribe the whole file in Whisper's own 30 s windows instead of stretches cut at
    /// pauses. The default cuts at pauses (30 s at most) and gives every stretch the prompt,
    /// which keeps fillers past the first 30 s (measured in scripts/eval.sh).
    #[arg(long)]
    pub no_chunk: bool,
}

/// `--filler-boost`: a finite number of logits; huge values make Whisper write nothing but
/// hesitations, so it is kept within what was measured to be useful.
fn parse_boost(s: &str) -> Result<f32, String> {
    let v: f32 = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a number of logits (e.g. 3, or 0 to turn it off)"))?;
    if !(0.0..=10.0).contains(&v) {
        return Err(format!("{v} is outside 0..=10 (0 turns the boost off)"));
    }
    Ok(v)
}

/// `--threads`: the same range the config file and `REHEARSE_THREADS` take.
fn parse_threads(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if (1..=256).contains(&n) => Ok(n),
        _ => Err(format!("'{s}': give a number of threads from 1 to 256")),
    }
}
