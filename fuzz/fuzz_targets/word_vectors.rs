//! Fuzzes the word-vector reader (model.safetensors and tokenizer.json); the checks are in `rehearse::fuzz`, shared with the corpus replay test.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| rehearse::fuzz::run("word_vectors", data));
