//! The `rehearse` binary: parse arguments, run, print errors as one line, pick the exit code.

mod cli;

use clap::Parser;

fn main() {
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
            std::process::exit(2);
        }
    }
}
