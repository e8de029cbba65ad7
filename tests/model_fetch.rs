//! End-to-end tests of `rehearse model fetch` against a small HTTP/1.1 server on 127.0.0.1.
//!
//! The CLI runs the ggml validator on every download, so the served payload is a real model:
//! `models/ggml-tiny.en.bin`, made by `scripts/setup.sh`. It is a conversion, not the published
//! file, so every test passes its computed SHA-1 with `--sha1`.

use std::collections::HashMap;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use assert_cmd::Command;
use predicates::prelude::*;
use sha1::{Digest, Sha1};

const MODEL: &str = "tiny.en";
const FILE: &str = "ggml-tiny.en.bin";
const PART: &str = "ggml-tiny.en.bin.part";

/// The test model and its SHA-1, read once per test binary.
fn model() -> &'static (Arc<Vec<u8>>, String) {
    static MODEL_BYTES: OnceLock<(Arc<Vec<u8>>, String)> = OnceLock::new();
    MODEL_BYTES.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("models")
            .join(FILE);
        let bytes = fs::read(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; these tests serve a real ggml model: run scripts/setup.sh first",
                path.display()
            )
        });
        let sha1 = sha1_hex(&bytes);
        (Arc::new(bytes), sha1)
    })
}

fn sha1_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha1::digest(bytes))
}

/// What one request asked for, as the server saw it.
#[derive(Debug, Clone)]
struct Seen {
    path: String,
    range: Option<String>,
}

/// A minimal HTTP/1.1 file server: GET only, `Range: bytes=N-`, 404 for unknown paths, and on
/// request a connection cut after N body bytes. One connection per request (`Connection: close`).
struct Server {
    addr: SocketAddr,
    files: Arc<Mutex<HashMap<String, Arc<Vec<u8>>>>>,
    cuts: Arc<Mutex<Vec<usize>>>,
    seen: Arc<Mutex<Vec<Seen>>>,
    stop: Arc<AtomicBool>,
    accept_loop: Option<JoinHandle<()>>,
}

impl Server {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        // Non-blocking accept lets the loop notice `stop` and release the port on shutdown.
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let addr = listener.local_addr().expect("local addr");
        let files: Arc<Mutex<HashMap<String, Arc<Vec<u8>>>>> = Arc::default();
        let cuts: Arc<Mutex<Vec<usize>>> = Arc::default();
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let stop: Arc<AtomicBool> = Arc::default();
        let accept_loop = {
            let (files, cuts, seen, stop) =
                (files.clone(), cuts.clone(), seen.clone(), stop.clone());
            thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            let cut = {
                                let mut cuts = cuts.lock().unwrap();
                                (!cuts.is_empty()).then(|| cuts.remove(0))
                            };
                            let (files, seen) = (files.clone(), seen.clone());
                            thread::spawn(move || handle(stream, &files, &seen, cut));
                        }
                        Err(_) => thread::sleep(Duration::from_millis(5)),
                    }
                }
            })
        };
        Server {
            addr,
            files,
            cuts,
            seen,
            stop,
            accept_loop: Some(accept_loop),
        }
    }

    fn base_url(&self) -> String {
        format!("http://{}/whisper", self.addr)
    }

    fn serve(&self, file_name: &str, body: Arc<Vec<u8>>) {
        self.files
            .lock()
            .unwrap()
            .insert(format!("/whisper/{file_name}"), body);
    }

    /// The next connection is closed after `n` body bytes.
    fn cut_next_after(&self, n: usize) {
        self.cuts.lock().unwrap().push(n);
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// Stops accepting and closes the listening socket; connecting afterwards is refused.
    fn shutdown(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(handle) = self.accept_loop.take() {
            handle.join().expect("accept loop panicked");
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

fn handle(
    stream: TcpStream,
    files: &Mutex<HashMap<String, Arc<Vec<u8>>>>,
    seen: &Mutex<Vec<Seen>>,
    cut: Option<usize>,
) {
    let _ = stream.set_nonblocking(false);
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("")
        .to_owned();
    let mut range = None;
    loop {
        let mut header = String::new();
        match reader.read_line(&mut header) {
            Ok(0) | Err(_) => break,
            Ok(_) if header == "\r\n" => break,
            Ok(_) => {
                if let Some((name, value)) = header.split_once(':')
                    && name.trim().eq_ignore_ascii_case("range")
                {
                    range = Some(value.trim().to_owned());
                }
            }
        }
    }
    seen.lock().unwrap().push(Seen {
        path: path.clone(),
        range: range.clone(),
    });

    let mut out = stream;
    let body = files.lock().unwrap().get(&path).cloned();
    let Some(body) = body else {
        let _ = out.write_all(
            b"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found",
        );
        return;
    };
    let start = range
        .as_deref()
        .and_then(|r| r.strip_prefix("bytes="))
        .and_then(|r| r.strip_suffix('-'))
        .and_then(|r| r.parse::<usize>().ok());
    let len = body.len();
    let (head, from) = match start {
        Some(s) if s >= len => {
            let _ = write!(
                out,
                "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */{len}\r\n\
                 Content-Length: 0\r\nConnection: close\r\n\r\n"
            );
            return;
        }
        Some(s) => (
            format!(
                "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes {s}-{}/{len}\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n",
                len - 1,
                len - s
            ),
            s,
        ),
        None => (
            format!("HTTP/1.1 200 OK\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n"),
            0,
        ),
    };
    let rest = &body[from..];
    let send = cut.unwrap_or(rest.len()).min(rest.len());
    if out.write_all(head.as_bytes()).is_ok() {
        let _ = out.write_all(&rest[..send]);
    }
    let _ = out.flush();
    // Dropping `out` closes the connection, short of Content-Length when cut.
}

fn fetch_cmd(base_url: &str, dir: &Path, sha1: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rehearse"));
    cmd.args([
        "model",
        "fetch",
        MODEL,
        "--base-url",
        base_url,
        "--sha1",
        sha1,
    ])
    .arg("--dir")
    .arg(dir)
    .arg("--quiet")
    .env_remove("REHEARSE_MODEL_BASE_URL")
    // The requests must reach 127.0.0.1 directly even where a proxy is configured.
    .env_remove("http_proxy")
    .env_remove("HTTP_PROXY")
    .env_remove("all_proxy")
    .env_remove("ALL_PROXY")
    .timeout(Duration::from_secs(120));
    cmd
}

/// Asserts the CLI's error contract (exit 2, exactly one `error: ...` line) and returns that line.
fn expect_error(output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "stderr: {stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one error line expected, got: {stderr}");
    assert!(lines[0].starts_with("error: "), "{stderr}");
    lines[0].to_owned()
}

fn entries(dir: &Path) -> Vec<String> {
    match fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    }
}

fn installed(dir: &Path) -> PathBuf {
    dir.join(FILE)
}

#[test]
fn good_model_is_installed_and_its_path_printed() {
    let (bytes, sha1) = model();
    let server = Server::start();
    server.serve(FILE, bytes.clone());
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("new/models");

    fetch_cmd(&server.base_url(), &dir, sha1)
        .assert()
        .success()
        .stdout(predicate::eq(format!("{}\n", installed(&dir).display())));

    assert!(
        fs::read(installed(&dir)).unwrap() == **bytes,
        "installed file differs from served"
    );
    assert_eq!(entries(&dir), vec![FILE.to_owned()]);
    let seen = server.seen();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].path, format!("/whisper/{FILE}"));
    assert_eq!(seen[0].range, None);

    // Installed already: success without another request.
    fetch_cmd(&server.base_url(), &dir, sha1)
        .assert()
        .success()
        .stdout(predicate::str::contains(FILE));
    assert_eq!(server.seen().len(), 1);
}

#[test]
fn interrupted_download_keeps_part_and_the_rerun_resumes_with_a_range() {
    const CUT: usize = 1_000_003;
    let (bytes, sha1) = model();
    let server = Server::start();
    server.serve(FILE, bytes.clone());
    server.cut_next_after(CUT);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();

    let output = fetch_cmd(&server.base_url(), dir, sha1).output().unwrap();
    let line = expect_error(&output);
    assert!(line.contains(&format!("{CUT} bytes are kept")), "{line}");
    assert!(line.contains("run the same command again"), "{line}");
    assert!(!installed(dir).exists());
    assert_eq!(fs::metadata(dir.join(PART)).unwrap().len(), CUT as u64);

    fetch_cmd(&server.base_url(), dir, sha1)
        .assert()
        .success()
        .stdout(predicate::str::contains(FILE));

    let seen = server.seen();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert_eq!(
        seen[1].range.as_deref(),
        Some(format!("bytes={CUT}-").as_str())
    );
    assert!(
        fs::read(installed(dir)).unwrap() == **bytes,
        "resumed file differs from served"
    );
    assert!(!dir.join(PART).exists());
}

#[test]
fn wrong_checksum_installs_nothing_and_keeps_no_part() {
    let (bytes, sha1) = model();
    let server = Server::start();
    server.serve(FILE, bytes.clone());
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let wrong = sha1_hex(b"some other file");

    let output = fetch_cmd(&server.base_url(), dir, &wrong).output().unwrap();
    let line = expect_error(&output);
    assert!(line.contains("checksum mismatch"), "{line}");
    assert!(
        line.contains(&wrong) && line.contains(sha1.as_str()),
        "{line}"
    );
    assert!(line.contains("nothing was installed"), "{line}");
    assert_eq!(entries(dir), Vec::<String>::new());
}

#[test]
fn payload_that_is_not_a_model_is_refused_despite_a_matching_sha1() {
    let server = Server::start();
    let junk: Vec<u8> = (0..2_000_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let junk_sha1 = sha1_hex(&junk);
    server.serve(FILE, Arc::new(junk));
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();

    let output = fetch_cmd(&server.base_url(), dir, &junk_sha1)
        .output()
        .unwrap();
    let line = expect_error(&output);
    assert!(line.contains("not a usable whisper model"), "{line}");
    assert_eq!(entries(dir), Vec::<String>::new());
}

#[test]
fn missing_model_reports_not_found_with_the_url() {
    let (_, sha1) = model();
    let server = Server::start();
    let tmp = tempfile::tempdir().unwrap();

    let output = fetch_cmd(&server.base_url(), tmp.path(), sha1)
        .output()
        .unwrap();
    let line = expect_error(&output);
    assert!(line.contains("not found"), "{line}");
    assert!(
        line.contains(&format!("{}/{FILE}", server.base_url())),
        "{line}"
    );
    assert!(!installed(tmp.path()).exists());
}

#[test]
fn server_gone_says_unreachable_and_names_the_offline_route() {
    let (_, sha1) = model();
    let mut server = Server::start();
    let url = server.base_url();
    server.shutdown();
    let tmp = tempfile::tempdir().unwrap();

    let output = fetch_cmd(&url, tmp.path(), sha1).output().unwrap();
    let line = expect_error(&output);
    for needle in [
        "cannot reach",
        "--base-url",
        "REHEARSE_MODEL_BASE_URL",
        "rehearse model import",
    ] {
        assert!(line.contains(needle), "{needle:?} missing from {line}");
    }
    assert!(!installed(tmp.path()).exists());
}

#[test]
fn base_url_comes_from_the_environment() {
    let (bytes, sha1) = model();
    let server = Server::start();
    server.serve(FILE, bytes.clone());
    let tmp = tempfile::tempdir().unwrap();

    Command::new(env!("CARGO_BIN_EXE_rehearse"))
        .args(["model", "fetch", MODEL, "--quiet", "--sha1", sha1])
        .arg("--dir")
        .arg(tmp.path())
        .env("REHEARSE_MODEL_BASE_URL", server.base_url())
        .env_remove("http_proxy")
        .env_remove("HTTP_PROXY")
        .timeout(Duration::from_secs(120))
        .assert()
        .success();
    assert!(installed(tmp.path()).exists());
}

#[test]
fn a_different_installed_file_needs_force_and_is_replaced_only_after_verification() {
    let (bytes, sha1) = model();
    let server = Server::start();
    server.serve(FILE, bytes.clone());
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(installed(dir), b"a model the user made").unwrap();

    let line = expect_error(&fetch_cmd(&server.base_url(), dir, sha1).output().unwrap());
    assert!(line.contains("--force"), "{line}");
    assert!(
        server.seen().is_empty(),
        "nothing should be downloaded without --force"
    );

    // A failed forced download leaves the old file in place.
    let wrong = sha1_hex(b"nope");
    let mut cmd = fetch_cmd(&server.base_url(), dir, &wrong);
    expect_error(&cmd.arg("--force").output().unwrap());
    assert_eq!(fs::read(installed(dir)).unwrap(), b"a model the user made");

    fetch_cmd(&server.base_url(), dir, sha1)
        .arg("--force")
        .assert()
        .success();
    assert!(fs::read(installed(dir)).unwrap() == **bytes);
    assert_eq!(entries(dir), vec![FILE.to_owned()]);
}
