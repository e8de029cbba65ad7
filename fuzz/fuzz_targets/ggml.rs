//! Fuzzes the whisper.cpp model check every model passes before whisper.cpp loads it; the checks are in `rehearse::fuzz`, shared with the corpus replay test.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| rehearse::fuzz::run("ggml", data));
