//! The model and transcription glue shared by every command that runs Whisper: find and load
//! the model `--model` names, turn the engine flags into transcription options, transcribe one
//! file with a progress bar.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};

use rehearse::audio;
use rehearse::model::{self, find};
use rehearse::transcribe::{
    self, AudioInfo, ModelInfo, TimestampMethod, TranscribeOptions,
    whisper::{Engine, LoadOptions},
};

use super::args::EngineArgs;
use super::settings;

pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(4, |n| n.get())
}

/// A loaded engine plus the description of its model.
pub struct LoadedModel {
    pub engine: Engine,
    pub path: PathBuf,
    pub summary: model::ModelSummary,
}

/// The model file `--model` (`flag`), the environment, the config file or the installed
/// models name.
pub fn model_path(flag: Option<&str>) -> Result<PathBuf> {
    let configured = settings::current()
        .model
        .as_ref()
        .map(|m| (m.value.clone(), m.origin.to_string()));
    Ok(find::resolve_with(
        flag,
        configured.as_ref().map(|(v, o)| (v.as_str(), o.as_str())),
    )?)
}

/// Finds, checks and loads the model named by `args`.
pub fn load_model(args: &EngineArgs) -> Result<LoadedModel> {
    let path = model_path(args.model.as_deref())?;
    let summary = model::check(&path)?;
    let dtw_preset = match args.timestamps {
        TimestampMethod::Dtw => summary.dtw_preset.clone(),
        TimestampMethod::Token => None,
    };
    let engine = Engine::load(&path, &LoadOptions { dtw_preset })?;
    Ok(LoadedModel {
        engine,
        path,
        summary,
    })
}

/// The transcription settings `args` ask for, for this model.
pub fn transcribe_options(loaded: &LoadedModel, args: &EngineArgs) -> TranscribeOptions {
    let language = if loaded.summary.english_only {
        "en".to_string()
    } else {
        args.language.clone()
    };
    TranscribeOptions {
        threads: settings::current().threads(args.threads).value.max(1),
        language,
        prompt: if args.no_prompt {
            None
        } else {
            Some(args.prompt.clone())
        },
        method: args.timestamps,
        filler_boost: args.filler_boost,
        energy_snap: !args.no_snap,
        chunk_at_pauses: !args.no_chunk,
    }
}

/// Transcribes one file with an already loaded model.
pub fn transcribe_file(
    file: &Path,
    loaded: &LoadedModel,
    args: &EngineArgs,
    progress: bool,
    prepared: Option<audio::PreparedAudio>,
) -> Result<transcribe::Transcript> {
    let prepared = match prepared {
        Some(p) => p,
        None => audio::load_for_whisper(file)?,
    };
    let info = AudioInfo {
        path: file.display().to_string(),
        duration_s: prepared.duration_s(),
        sample_rate: prepared.source_rate,
        channels: prepared.source_channels,
        bits_per_sample: prepared.source_bits,
        sample_format: prepared.source_format.to_string(),
    };
    let opts = transcribe_options(loaded, args);
    let bar = progress.then(|| {
        let pb = ProgressBar::new(100);
        pb.set_style(
            ProgressStyle::with_template(
                "{spinner} transcribing {msg} [{bar:30}] {pos}% ({elapsed})",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        pb.set_message(
            file.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        );
        pb.enable_steady_tick(Duration::from_millis(120));
        pb
    });
    let cb: Option<Box<dyn FnMut(i32)>> = bar.clone().map(|pb| {
        Box::new(move |p: i32| pb.set_position(p.clamp(0, 100) as u64)) as Box<dyn FnMut(i32)>
    });
    let model_info = ModelInfo {
        path: loaded.path.display().to_string(),
        name: loaded.summary.name.clone(),
    };
    let result =
        transcribe::transcribe_audio(&loaded.engine, &prepared, info, model_info, &opts, cb, None);
    if let Some(pb) = bar {
        pb.finish_and_clear();
    }
    let mut t = result.with_context(|| format!("{}: transcription failed", file.display()))?;
    // What decoding changed (clipped samples, skipped frames) belongs with the words.
    t.notes.extend(prepared.notes.iter().cloned());
    Ok(t)
}

/// Stretches of speech in prepared audio, as the analysis takes them.
pub fn speech_runs(a: &audio::PreparedAudio) -> Vec<(f64, f64)> {
    transcribe::timing::detect_activity(&a.samples, audio::WHISPER_RATE).speech_runs()
}

/// What the analysis reads from a recording besides its words: the stretches of speech that
/// confirm pauses, and the voice (pitch, level, clipping) the delivery measures come from.
pub struct AudioFacts {
    pub speech: Vec<(f64, f64)>,
    pub voice: audio::Voice,
}

pub fn audio_facts(a: &audio::PreparedAudio) -> AudioFacts {
    AudioFacts {
        speech: speech_runs(a),
        voice: a.voice(),
    }
}
