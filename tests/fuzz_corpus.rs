//! Replays every committed fuzz input (`fuzz/corpus/TARGET/`: the seeds, and under
//! `regressions/` every input that ever crashed a target) through the same checks the fuzz
//! targets make, so a fixed crash stays fixed without a fuzzer (`scripts/fuzz.sh` runs them).

use std::path::{Path, PathBuf};

fn inputs(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            inputs(&p, out);
        } else if p.file_name().is_some_and(|n| n != ".gitkeep") {
            out.push(p);
        }
    }
}

#[test]
fn every_committed_fuzz_input_passes_its_target() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    let mut total = 0;
    for target in rehearse::fuzz::TARGETS {
        let dir = corpus.join(target);
        assert!(dir.is_dir(), "{} is missing", dir.display());
        let mut files = Vec::new();
        inputs(&dir, &mut files);
        files.sort();
        assert!(!files.is_empty(), "no seeds for {target}");
        for f in &files {
            let data = std::fs::read(f).expect("read");
            let outcome = std::panic::catch_unwind(|| rehearse::fuzz::run(target, &data));
            assert!(
                outcome.is_ok(),
                "{target}: {} fails its checks",
                f.display()
            );
            total += 1;
        }
    }
    assert!(total > 20, "{total} inputs");
}
