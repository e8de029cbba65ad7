//! The `rehearse` binary: parse arguments, run, print errors as one line, pick the exit code
//! (0 done, 2 an error, 3 no speech heard so nothing was saved; clap's usage errors are 2).

mod cli;

use clap::Parser;

fn main() {
    rehearse::audio::quiet_decoder_panics();
    let cli = cli::Cli::parse();
    match cli::run(cli) {
        Ok(()) => {}
        Err(err) => {
            // A closed pipe (`rehearse ... | head`) is not an error worth a message.
            if err
                .chain()
                .filter_map(|e| e.downcast_ref::<std::io::Error>())
                .any(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            {
                std::process::exit(0);
            }
            eprintln!("error: {err:#}");
            // 3: a false start (no speech heard, nothing saved); 2: anything else.
            let code = if err.downcast_ref::<cli::NoSpeech>().is_some() {
                3
            } else {
                2
            };
            std::process::exit(code);
        }
    }
}
