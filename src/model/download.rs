//! Downloading a catalogued ggml model: resumable over HTTP ranges, SHA-1 verified, and
//! installed by an atomic rename so a half-written file never looks like a model.

use std::fs::{self, File, OpenOptions};
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sha1::{Digest, Sha1};

use super::registry::KnownModel;

/// Where whisper.cpp's own download script gets its models.
pub const DEFAULT_BASE_URL: &str = "https://huggingface.co/ggerganov/whisper.cpp/resolve/main";

/// Environment variable that replaces [`DEFAULT_BASE_URL`], for mirrors and air-gapped hosts.
pub const BASE_URL_ENV: &str = "REHEARSE_MODEL_BASE_URL";

/// Long enough for a slow DNS + TLS handshake, short enough that a dead host is reported quickly.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// A server that has sent nothing for this long has stalled; the part is kept for a resume.
const READ_TIMEOUT: Duration = Duration::from_secs(30);
const CHUNK: usize = 256 * 1024;

/// What to download and where; see [`fetch`].
#[derive(Clone, Copy)]
pub struct FetchRequest<'a> {
    pub model: &'a KnownModel,
    /// The file is fetched from `{base_url}/ggml-NAME.bin`.
    pub base_url: &'a str,
    /// Created with its parents if missing.
    pub dest_dir: &'a Path,
    /// Overrides the catalogue's SHA-1, for mirrors that serve a different build, and tests.
    pub expected_sha1: Option<&'a str>,
    /// Download even if the model is already installed; the old file is replaced only once the
    /// new one has been verified.
    pub force: bool,
    /// Draw a progress bar on stderr (only when stderr is a terminal).
    pub show_progress: bool,
    /// Extra check of the verified download before it is installed (the ggml validator).
    pub validate: Option<&'a Validator<'a>>,
}

/// A last check of a verified download before it is installed; `Err` carries the reason shown
/// to the user.
pub type Validator<'a> = dyn Fn(&Path) -> Result<(), String> + 'a;

/// The installed model and how it got there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchOutcome {
    /// `DEST/ggml-NAME.bin`.
    pub path: PathBuf,
    pub how: Fetched,
    /// SHA-1 checked for the installed file; `None` when an installed catalogue model was
    /// accepted on its exact size alone (hashing gigabytes on every call is not worth it).
    pub sha1: Option<String>,
}

impl FetchOutcome {
    /// Where the model is installed.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fetched {
    /// The file was already there; nothing was downloaded.
    AlreadyInstalled,
    /// Downloaded from the first byte.
    Downloaded { bytes: u64 },
    /// Continued from a `.part` of `from` bytes left by an earlier attempt.
    Resumed { from: u64, bytes: u64 },
}

/// Why a model could not be fetched; every message names the URL or path and what to do next.
#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    #[error("{given:?} is not a SHA-1: expected 40 hexadecimal digits")]
    BadSha1 { given: String },

    #[error("{url} is not a usable URL ({reason}); check --base-url or {BASE_URL_ENV}")]
    BadUrl { url: String, reason: String },

    #[error(
        "cannot reach {url} ({reason}); check the network, or point --base-url (or \
         {BASE_URL_ENV}) at a reachable mirror; offline, install a model with \
         `rehearse model import`{}",
        kept_note(*.kept, .part)
    )]
    Unreachable {
        url: String,
        reason: String,
        part: PathBuf,
        kept: u64,
    },

    #[error(
        "model {model} was not found at {url} (HTTP 404); check the model name and the base URL \
         (--base-url or {BASE_URL_ENV}); nothing was installed"
    )]
    NotFound { url: String, model: String },

    #[error("{url} answered HTTP {status}; nothing was installed{}", kept_note(*.kept, .part))]
    HttpStatus {
        url: String,
        status: u16,
        part: PathBuf,
        kept: u64,
    },

    #[error(
        "download of {url} was interrupted ({reason}); {}",
        resume_advice(*.kept, .part)
    )]
    Interrupted {
        url: String,
        reason: String,
        part: PathBuf,
        kept: u64,
    },

    #[error(
        "the server at {url} answered the resume request unexpectedly ({reason}); delete {} to \
         download from the start",
        .part.display()
    )]
    Protocol {
        url: String,
        reason: String,
        part: PathBuf,
    },

    #[error(
        "checksum mismatch for {url}: expected SHA-1 {expected}, got {actual}; the download was \
         deleted and nothing was installed"
    )]
    ChecksumMismatch {
        url: String,
        expected: String,
        actual: String,
    },

    #[error(
        "{url} is not a usable whisper model ({reason}); the download was deleted and nothing \
         was installed"
    )]
    Invalid { url: String, reason: String },

    #[error(
        "{} already exists but is not the expected {model} model ({detail}); pass --force to \
         replace it",
        .path.display()
    )]
    ExistingDiffers {
        path: PathBuf,
        model: String,
        detail: String,
    },

    #[error("cannot {action} {}: {source}", .path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

fn kept_note(kept: u64, part: &Path) -> String {
    if kept == 0 {
        String::new()
    } else {
        format!(
            " (the {kept} bytes downloaded so far are kept in {} for a later resume)",
            part.display()
        )
    }
}

fn resume_advice(kept: u64, part: &Path) -> String {
    if kept == 0 {
        "nothing was received; run the same command again to retry".into()
    } else {
        format!(
            "{kept} bytes are kept in {}; run the same command again to resume",
            part.display()
        )
    }
}

fn io_err(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> DownloadError {
    let path = path.to_path_buf();
    move |source| DownloadError::Io {
        action,
        path,
        source,
    }
}

/// Downloads `req.model` into `req.dest_dir`, resuming a `.part` left by an interrupted attempt,
/// and installs it only after its SHA-1 (and `req.validate`) accept it.
pub fn fetch(req: &FetchRequest) -> Result<FetchOutcome, DownloadError> {
    fetch_with(req, &Timeouts::default())
}

struct Timeouts {
    connect: Duration,
    read: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: CONNECT_TIMEOUT,
            read: READ_TIMEOUT,
        }
    }
}

fn fetch_with(req: &FetchRequest, timeouts: &Timeouts) -> Result<FetchOutcome, DownloadError> {
    let expected = match req.expected_sha1 {
        Some(given) => normalize_sha1(given)?,
        None => req.model.sha1.to_owned(),
    };
    // The catalogue's size describes the catalogue's file only; a mirror's build may differ.
    let known_size = (expected == req.model.sha1).then_some(req.model.size_bytes);

    let file_name = req.model.file_name();
    let url = format!("{}/{}", req.base_url.trim_end_matches('/'), file_name);
    let final_path = req.dest_dir.join(&file_name);
    let part_path = req.dest_dir.join(format!("{file_name}.part"));

    fs::create_dir_all(req.dest_dir).map_err(io_err("create directory", req.dest_dir))?;

    if !req.force
        && let Some(outcome) = check_installed(&final_path, req.model.name, &expected, known_size)?
    {
        return Ok(outcome);
    }

    let agent = build_agent(timeouts);
    let job = Job {
        agent: &agent,
        url: &url,
        part: &part_path,
        known_size,
        show_progress: req.show_progress && io::stderr().is_terminal(),
        model: req.model.name,
    };

    // A part taken as complete without a transfer may be garbage from another file; it is then
    // discarded and fetched afresh, once.
    let mut fresh_start_done = false;
    let transfer = loop {
        let transfer = job.run()?;
        if transfer.sha1 == expected {
            break transfer;
        }
        remove_quietly(&part_path);
        if transfer.unverified && !fresh_start_done {
            fresh_start_done = true;
            continue;
        }
        return Err(DownloadError::ChecksumMismatch {
            url,
            expected,
            actual: transfer.sha1,
        });
    };

    if let Some(validate) = req.validate
        && let Err(reason) = validate(&part_path)
    {
        remove_quietly(&part_path);
        return Err(DownloadError::Invalid { url, reason });
    }

    fs::rename(&part_path, &final_path).map_err(io_err("install the model as", &final_path))?;

    let how = match transfer.resumed_from {
        Some(from) => Fetched::Resumed {
            from,
            bytes: transfer.received,
        },
        None => Fetched::Downloaded {
            bytes: transfer.received,
        },
    };
    Ok(FetchOutcome {
        path: final_path,
        how,
        sha1: Some(transfer.sha1),
    })
}

/// Accepts `C78C86EB...` as well as lowercase, since checksums get copied from many tools.
fn normalize_sha1(given: &str) -> Result<String, DownloadError> {
    let trimmed = given.trim();
    if trimmed.len() == 40 && trimmed.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(trimmed.to_ascii_lowercase())
    } else {
        Err(DownloadError::BadSha1 {
            given: given.to_owned(),
        })
    }
}

/// `Some` when the final file is already the wanted model. A different file in its place is an
/// error rather than silently overwritten: it may be a model the user imported or converted.
fn check_installed(
    path: &Path,
    model: &str,
    expected: &str,
    known_size: Option<u64>,
) -> Result<Option<FetchOutcome>, DownloadError> {
    let meta = match fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_err("inspect", path)(e)),
    };
    let differs = |detail: String| DownloadError::ExistingDiffers {
        path: path.to_path_buf(),
        model: model.to_owned(),
        detail,
    };
    if !meta.is_file() {
        return Err(differs("it is not a regular file".into()));
    }
    let installed = |sha1| {
        Ok(Some(FetchOutcome {
            path: path.to_path_buf(),
            how: Fetched::AlreadyInstalled,
            sha1,
        }))
    };
    match known_size {
        Some(size) if meta.len() == size => installed(None),
        Some(size) => Err(differs(format!("{} bytes, expected {size}", meta.len()))),
        None => {
            let (actual, _) = hash_file(path)?;
            if actual == expected {
                installed(Some(actual))
            } else {
                Err(differs(format!("SHA-1 {actual}, expected {expected}")))
            }
        }
    }
}

fn hash_file(path: &Path) -> Result<(String, u64), DownloadError> {
    let mut file = File::open(path).map_err(io_err("open", path))?;
    let mut hasher = Sha1::new();
    let len = hash_into(&mut file, &mut hasher).map_err(io_err("read", path))?;
    Ok((format!("{:x}", hasher.finalize()), len))
}

fn hash_into(reader: &mut impl Read, hasher: &mut Sha1) -> io::Result<u64> {
    let mut buf = vec![0u8; CHUNK];
    let mut total = 0u64;
    loop {
        match reader.read(&mut buf) {
            Ok(0) => return Ok(total),
            Ok(n) => {
                hasher.update(&buf[..n]);
                total += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

fn remove_quietly(path: &Path) {
    // Already gone is fine; any other failure leaves a .part that the next run re-verifies.
    let _ = fs::remove_file(path);
}

fn build_agent(timeouts: &Timeouts) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_connect(Some(timeouts.connect))
        .timeout_recv_response(Some(timeouts.read))
        .timeout_per_read(Some(timeouts.read))
        // Statuses are part of the protocol here (206, 416), not failures.
        .http_status_as_error(false)
        // Byte ranges only make sense on the identity encoding.
        .accept_encoding("identity")
        .user_agent(concat!("rehearse/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

/// One download attempt's fixed inputs.
struct Job<'a> {
    agent: &'a ureq::Agent,
    url: &'a str,
    part: &'a Path,
    known_size: Option<u64>,
    show_progress: bool,
    model: &'a str,
}

/// The `.part` after one attempt: complete as far as the server is concerned, not yet verified.
struct Transfer {
    sha1: String,
    resumed_from: Option<u64>,
    received: u64,
    /// The part was taken as complete without the server sending anything (416, or it already
    /// had the catalogue size), so a mismatch may be a stale part rather than a bad server file.
    unverified: bool,
}

impl Job<'_> {
    fn run(&self) -> Result<Transfer, DownloadError> {
        let mut hasher = Sha1::new();
        let mut have = self.hash_existing_part(&mut hasher)?;

        if have > 0 && self.known_size == Some(have) {
            // Already whole: an earlier run was interrupted between download and install.
            return Ok(Transfer {
                sha1: format!("{:x}", hasher.finalize()),
                resumed_from: Some(have),
                received: 0,
                unverified: true,
            });
        }

        let mut request = self.agent.get(self.url);
        if have > 0 {
            request = request.header("Range", format!("bytes={have}-"));
        }
        let mut response = request.call().map_err(|e| self.request_error(e, have))?;

        let status = response.status().as_u16();
        let total = match status {
            206 => {
                let range = response
                    .headers()
                    .get("content-range")
                    .and_then(|v| v.to_str().ok())
                    .and_then(parse_content_range);
                match range {
                    Some((start, total)) if start == have => total,
                    _ => {
                        return Err(DownloadError::Protocol {
                            url: self.url.to_owned(),
                            reason: format!("asked for bytes {have}- and got a different range"),
                            part: self.part.to_path_buf(),
                        });
                    }
                }
            }
            200 => {
                if have > 0 {
                    // The server ignored the range and sends the whole file: start over.
                    hasher = Sha1::new();
                    have = 0;
                }
                response.body().content_length()
            }
            416 if have > 0 => {
                return Ok(Transfer {
                    sha1: format!("{:x}", hasher.finalize()),
                    resumed_from: Some(have),
                    received: 0,
                    unverified: true,
                });
            }
            404 => {
                return Err(DownloadError::NotFound {
                    url: self.url.to_owned(),
                    model: self.model.to_owned(),
                });
            }
            _ => {
                return Err(DownloadError::HttpStatus {
                    url: self.url.to_owned(),
                    status,
                    part: self.part.to_path_buf(),
                    kept: have,
                });
            }
        };
        let resumed_from = (have > 0).then_some(have);
        let total = total.or(self.known_size);

        let mut file = OpenOptions::new()
            .create(true)
            .write(true)
            .append(have > 0)
            .truncate(have == 0)
            .open(self.part)
            .map_err(io_err("write", self.part))?;

        let progress = Progress::start(self.show_progress, self.model, have, total);
        let mut reader = response.body_mut().as_reader();
        let mut buf = vec![0u8; CHUNK];
        let mut received = 0u64;
        let interrupted = |reason: String, kept: u64| DownloadError::Interrupted {
            url: self.url.to_owned(),
            reason,
            part: self.part.to_path_buf(),
            kept,
        };
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    progress.abandon();
                    let kept = have + received;
                    if kept == 0 {
                        drop(file);
                        remove_quietly(self.part);
                    } else {
                        // Best effort: the part is re-hashed from disk on resume anyway.
                        let _ = file.sync_all();
                    }
                    return Err(interrupted(read_failure(&e), kept));
                }
            };
            if let Err(e) = file.write_all(&buf[..n]) {
                progress.abandon();
                return Err(io_err("write", self.part)(e));
            }
            hasher.update(&buf[..n]);
            received += n as u64;
            progress.inc(n as u64);
        }
        file.sync_all().map_err(io_err("write", self.part))?;
        let on_disk = have + received;
        if let Some(total) = total
            && on_disk < total
        {
            progress.abandon();
            if on_disk == 0 {
                remove_quietly(self.part);
            }
            return Err(interrupted(
                format!("the server closed the connection after {on_disk} of {total} bytes"),
                on_disk,
            ));
        }
        progress.finish();
        Ok(Transfer {
            sha1: format!("{:x}", hasher.finalize()),
            resumed_from,
            received,
            unverified: false,
        })
    }

    /// Feeds an existing `.part` into `hasher` so the final SHA-1 covers the whole file without
    /// reading it twice; returns its length.
    fn hash_existing_part(&self, hasher: &mut Sha1) -> Result<u64, DownloadError> {
        let mut file = match File::open(self.part) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(io_err("open", self.part)(e)),
        };
        let len = file.metadata().map_err(io_err("inspect", self.part))?.len();
        if self.known_size.is_some_and(|size| len > size) {
            // Longer than the model can be: not a prefix of it.
            drop(file);
            remove_quietly(self.part);
            return Ok(0);
        }
        hash_into(&mut file, hasher).map_err(io_err("read", self.part))
    }

    fn request_error(&self, e: ureq::Error, kept: u64) -> DownloadError {
        match e {
            ureq::Error::BadUri(reason) => DownloadError::BadUrl {
                url: self.url.to_owned(),
                reason,
            },
            ureq::Error::Http(e) => DownloadError::BadUrl {
                url: self.url.to_owned(),
                reason: e.to_string(),
            },
            other => DownloadError::Unreachable {
                url: self.url.to_owned(),
                reason: unreachable_reason(&other),
                part: self.part.to_path_buf(),
                kept,
            },
        }
    }
}

fn unreachable_reason(e: &ureq::Error) -> String {
    match e {
        ureq::Error::Io(io) => match io.kind() {
            io::ErrorKind::ConnectionRefused => "connection refused".into(),
            io::ErrorKind::TimedOut => "connection timed out".into(),
            _ => io.to_string(),
        },
        ureq::Error::HostNotFound => "host not found".into(),
        ureq::Error::ConnectionFailed => "connection failed".into(),
        ureq::Error::Timeout(ureq::Timeout::Connect | ureq::Timeout::Resolve) => {
            format!("no connection within {} s", CONNECT_TIMEOUT.as_secs())
        }
        ureq::Error::Timeout(_) => "the server did not answer".into(),
        other => other.to_string(),
    }
}

fn read_failure(e: &io::Error) -> String {
    let inner = e.get_ref().and_then(|i| i.downcast_ref::<ureq::Error>());
    match inner {
        Some(ureq::Error::Timeout(_)) => "the server stopped sending data".into(),
        _ if e.kind() == io::ErrorKind::UnexpectedEof => {
            "the server closed the connection early".into()
        }
        Some(inner) => inner.to_string(),
        None => e.to_string(),
    }
}

/// `bytes START-END/TOTAL` -> (START, Some(TOTAL)); TOTAL may be `*` (unknown).
fn parse_content_range(value: &str) -> Option<(u64, Option<u64>)> {
    let rest = value.trim().strip_prefix("bytes")?.trim_start();
    let (range, total) = rest.split_once('/')?;
    let (start, end) = range.split_once('-')?;
    let start: u64 = start.trim().parse().ok()?;
    let end: u64 = end.trim().parse().ok()?;
    if end < start {
        return None;
    }
    let total = match total.trim() {
        "*" => None,
        t => {
            let t: u64 = t.parse().ok()?;
            if end >= t {
                return None;
            }
            Some(t)
        }
    };
    Some((start, total))
}

/// A progress bar that is simply absent when not wanted, so call sites need no conditions.
struct Progress(Option<ProgressBar>);

impl Progress {
    fn start(show: bool, model: &str, position: u64, total: Option<u64>) -> Self {
        if !show {
            return Self(None);
        }
        let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::stderr());
        let template = if total.is_some() {
            "{msg} [{bar:30}] {bytes}/{total_bytes} {binary_bytes_per_sec} ETA {eta}"
        } else {
            "{msg} {bytes} {binary_bytes_per_sec}"
        };
        // The templates are constants; a failure would only lose the styling, not the download.
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(model.to_owned());
        bar.set_position(position);
        Self(Some(bar))
    }

    fn inc(&self, n: u64) {
        if let Some(bar) = &self.0 {
            bar.inc(n);
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }

    fn abandon(&self) {
        if let Some(bar) = &self.0 {
            bar.abandon();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::registry::lookup;
    use std::collections::HashMap;
    use std::io::{BufRead, BufReader};
    use std::net::{TcpListener, TcpStream};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};
    use std::thread;

    /// How the test server misbehaves on the next request.
    #[derive(Clone, Copy, Default)]
    struct Quirks {
        /// Close the connection after this many body bytes.
        cut_after: Option<usize>,
        /// Answer ranges with the whole file (200), like servers without range support.
        ignore_range: bool,
        /// Send the headers and this many bytes, then go silent.
        stall_after: Option<usize>,
    }

    struct Server {
        url: String,
        files: Arc<Mutex<HashMap<String, Arc<Vec<u8>>>>>,
        quirks: Arc<Mutex<Vec<Quirks>>>,
        ranges: Arc<Mutex<Vec<Option<String>>>>,
        stop: Arc<AtomicBool>,
    }

    impl Server {
        fn start() -> Self {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            listener.set_nonblocking(true).unwrap();
            let server = Server {
                url: format!("http://{}/models", listener.local_addr().unwrap()),
                files: Arc::default(),
                quirks: Arc::default(),
                ranges: Arc::default(),
                stop: Arc::default(),
            };
            let (files, quirks, ranges, stop) = (
                server.files.clone(),
                server.quirks.clone(),
                server.ranges.clone(),
                server.stop.clone(),
            );
            thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            let q = {
                                let mut q = quirks.lock().unwrap();
                                if q.is_empty() {
                                    Quirks::default()
                                } else {
                                    q.remove(0)
                                }
                            };
                            let (files, ranges, stop) =
                                (files.clone(), ranges.clone(), stop.clone());
                            thread::spawn(move || serve(stream, &files, &ranges, q, &stop));
                        }
                        Err(_) => thread::sleep(Duration::from_millis(5)),
                    }
                }
            });
            server
        }

        fn url(&self) -> &str {
            &self.url
        }

        fn put(&self, name: &str, body: Vec<u8>) {
            self.files
                .lock()
                .unwrap()
                .insert(format!("/models/{name}"), Arc::new(body));
        }

        fn then(&self, q: Quirks) {
            self.quirks.lock().unwrap().push(q);
        }

        fn ranges(&self) -> Vec<Option<String>> {
            self.ranges.lock().unwrap().clone()
        }
    }

    impl Drop for Server {
        fn drop(&mut self) {
            self.stop.store(true, Ordering::SeqCst);
        }
    }

    fn serve(
        stream: TcpStream,
        files: &Mutex<HashMap<String, Arc<Vec<u8>>>>,
        ranges: &Mutex<Vec<Option<String>>>,
        q: Quirks,
        stop: &AtomicBool,
    ) {
        stream.set_nonblocking(false).unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        let path = line.split_whitespace().nth(1).unwrap_or("").to_owned();
        let mut range = None;
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                break;
            }
            if let Some((k, v)) = h.split_once(':')
                && k.eq_ignore_ascii_case("range")
            {
                range = Some(v.trim().to_owned());
            }
        }
        ranges.lock().unwrap().push(range.clone());
        let mut out = stream;
        let Some(body) = files.lock().unwrap().get(&path).cloned() else {
            let _ = out.write_all(
                b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
            return;
        };
        let start = range
            .as_deref()
            .filter(|_| !q.ignore_range)
            .and_then(|r| r.strip_prefix("bytes="))
            .and_then(|r| r.strip_suffix('-'))
            .and_then(|r| r.parse::<usize>().ok());
        let head = match start {
            Some(s) if s >= body.len() => {
                let _ = write!(
                    out,
                    "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */{}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                return;
            }
            Some(s) => format!(
                "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes {s}-{}/{}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len() - 1,
                body.len(),
                body.len() - s
            ),
            None => format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            ),
        };
        let rest = &body[start.unwrap_or(0)..];
        let _ = out.write_all(head.as_bytes());
        if let Some(n) = q.stall_after {
            let _ = out.write_all(&rest[..n.min(rest.len())]);
            while !stop.load(Ordering::SeqCst) {
                thread::sleep(Duration::from_millis(20));
            }
            return;
        }
        let n = q.cut_after.unwrap_or(rest.len()).min(rest.len());
        let _ = out.write_all(&rest[..n]);
    }

    fn payload(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 31 % 251) as u8).collect()
    }

    fn sha1_hex(bytes: &[u8]) -> String {
        format!("{:x}", Sha1::digest(bytes))
    }

    fn tiny() -> &'static KnownModel {
        lookup("tiny.en").unwrap()
    }

    fn request<'a>(url: &'a str, dir: &'a Path, sha1: &'a str) -> FetchRequest<'a> {
        FetchRequest {
            model: tiny(),
            base_url: url,
            dest_dir: dir,
            expected_sha1: Some(sha1),
            force: false,
            show_progress: false,
            validate: None,
        }
    }

    const FILE: &str = "ggml-tiny.en.bin";

    type RangeCase = (&'static str, Option<(u64, Option<u64>)>);

    #[test]
    fn content_range_parsing() {
        let cases: &[RangeCase] = &[
            ("bytes 10-99/100", Some((10, Some(100)))),
            ("bytes 0-0/1", Some((0, Some(1)))),
            ("bytes 5-9/*", Some((5, None))),
            ("  bytes  7-8/9 ", Some((7, Some(9)))),
            ("bytes 10-99/50", None),
            ("bytes 9-5/100", None),
            ("bytes */100", None),
            ("items 0-1/2", None),
            ("", None),
        ];
        for (input, expected) in cases {
            assert_eq!(parse_content_range(input), *expected, "{input:?}");
        }
    }

    #[test]
    fn sha1_normalization() {
        let upper = "C78C86EB1A8FAA21B369BCD33207CC90D64AE9DF";
        let cases: &[(&str, Option<&str>)] = &[
            (upper, Some("c78c86eb1a8faa21b369bcd33207cc90d64ae9df")),
            (
                " c78c86eb1a8faa21b369bcd33207cc90d64ae9df\n",
                Some("c78c86eb1a8faa21b369bcd33207cc90d64ae9df"),
            ),
            ("c78c86eb", None),
            ("g78c86eb1a8faa21b369bcd33207cc90d64ae9df", None),
            ("", None),
        ];
        for (input, expected) in cases {
            assert_eq!(
                normalize_sha1(input).ok().as_deref(),
                *expected,
                "{input:?}"
            );
        }
    }

    #[test]
    fn fresh_download_installs_and_reports() {
        let server = Server::start();
        let body = payload(300_000);
        server.put(FILE, body.clone());
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("nested/models");
        let sha = sha1_hex(&body);
        let out = fetch(&request(server.url(), &dest, &sha)).unwrap();
        assert_eq!(out.path, dest.join(FILE));
        assert_eq!(out.how, Fetched::Downloaded { bytes: 300_000 });
        assert_eq!(out.sha1.as_deref(), Some(sha.as_str()));
        assert_eq!(fs::read(&out.path).unwrap(), body);
        assert!(!dest.join(format!("{FILE}.part")).exists());

        // A second call finds it installed and does not ask the server.
        let before = server.ranges().len();
        let again = fetch(&request(server.url(), &dest, &sha)).unwrap();
        assert_eq!(again.how, Fetched::AlreadyInstalled);
        assert_eq!(server.ranges().len(), before);
    }

    #[test]
    fn base_url_trailing_slash_is_tolerated() {
        let server = Server::start();
        let body = payload(1000);
        server.put(FILE, body.clone());
        let dir = tempfile::tempdir().unwrap();
        let url = format!("{}/", server.url());
        let out = fetch(&request(&url, dir.path(), &sha1_hex(&body))).unwrap();
        assert_eq!(fs::read(out.path).unwrap(), body);
    }

    #[test]
    fn interruption_keeps_part_and_resume_uses_range() {
        let server = Server::start();
        let body = payload(500_000);
        server.put(FILE, body.clone());
        server.then(Quirks {
            cut_after: Some(123_456),
            ..Quirks::default()
        });
        let dir = tempfile::tempdir().unwrap();
        let sha = sha1_hex(&body);
        let part = dir.path().join(format!("{FILE}.part"));

        let err = fetch(&request(server.url(), dir.path(), &sha)).unwrap_err();
        match &err {
            DownloadError::Interrupted { kept, .. } => assert_eq!(*kept, 123_456),
            other => panic!("expected Interrupted, got {other:?}"),
        }
        let msg = err.to_string();
        assert!(msg.contains("123456 bytes are kept"), "{msg}");
        assert!(msg.contains("run the same command again"), "{msg}");
        assert_eq!(fs::metadata(&part).unwrap().len(), 123_456);
        assert!(!dir.path().join(FILE).exists());

        let out = fetch(&request(server.url(), dir.path(), &sha)).unwrap();
        assert_eq!(
            out.how,
            Fetched::Resumed {
                from: 123_456,
                bytes: 500_000 - 123_456
            }
        );
        assert_eq!(fs::read(&out.path).unwrap(), body);
        assert_eq!(
            server.ranges().last().unwrap().as_deref(),
            Some("bytes=123456-")
        );
        assert!(!part.exists());
    }

    #[test]
    fn server_ignoring_range_restarts_from_zero() {
        let server = Server::start();
        let body = payload(200_000);
        server.put(FILE, body.clone());
        let dir = tempfile::tempdir().unwrap();
        // A part that would be wrong if appended to.
        fs::write(dir.path().join(format!("{FILE}.part")), b"garbage").unwrap();
        server.then(Quirks {
            ignore_range: true,
            ..Quirks::default()
        });
        let out = fetch(&request(server.url(), dir.path(), &sha1_hex(&body))).unwrap();
        assert_eq!(out.how, Fetched::Downloaded { bytes: 200_000 });
        assert_eq!(fs::read(out.path).unwrap(), body);
        assert_eq!(server.ranges(), vec![Some("bytes=7-".to_owned())]);
    }

    #[test]
    fn complete_part_answered_416_is_verified_and_installed() {
        let server = Server::start();
        let body = payload(50_000);
        server.put(FILE, body.clone());
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(format!("{FILE}.part")), &body).unwrap();
        let out = fetch(&request(server.url(), dir.path(), &sha1_hex(&body))).unwrap();
        assert_eq!(
            out.how,
            Fetched::Resumed {
                from: 50_000,
                bytes: 0
            }
        );
        assert_eq!(fs::read(out.path).unwrap(), body);
        assert_eq!(server.ranges(), vec![Some("bytes=50000-".to_owned())]);
    }

    #[test]
    fn oversized_garbage_part_answered_416_is_replaced() {
        let server = Server::start();
        let body = payload(50_000);
        server.put(FILE, body.clone());
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(format!("{FILE}.part")), payload(60_000)).unwrap();
        let out = fetch(&request(server.url(), dir.path(), &sha1_hex(&body))).unwrap();
        assert_eq!(out.how, Fetched::Downloaded { bytes: 50_000 });
        assert_eq!(fs::read(out.path).unwrap(), body);
        assert_eq!(server.ranges(), vec![Some("bytes=60000-".to_owned()), None]);
    }

    #[test]
    fn checksum_mismatch_deletes_everything() {
        let server = Server::start();
        let body = payload(10_000);
        server.put(FILE, body);
        let dir = tempfile::tempdir().unwrap();
        let wrong = "0000000000000000000000000000000000000000";
        let err = fetch(&request(server.url(), dir.path(), wrong)).unwrap_err();
        assert!(
            matches!(err, DownloadError::ChecksumMismatch { .. }),
            "{err:?}"
        );
        let msg = err.to_string();
        assert!(
            msg.contains(wrong) && msg.contains("nothing was installed"),
            "{msg}"
        );
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn validator_rejection_deletes_everything() {
        let server = Server::start();
        let body = payload(10_000);
        server.put(FILE, body.clone());
        let dir = tempfile::tempdir().unwrap();
        let sha = sha1_hex(&body);
        let seen = Mutex::new(None);
        let reject = |p: &Path| {
            *seen.lock().unwrap() = Some(fs::read(p).unwrap());
            Err("bad magic".to_owned())
        };
        let req = FetchRequest {
            validate: Some(&reject),
            ..request(server.url(), dir.path(), &sha)
        };
        let err = fetch(&req).unwrap_err();
        assert!(err.to_string().contains("bad magic"), "{err}");
        assert_eq!(
            seen.lock().unwrap().as_deref(),
            Some(body.as_slice()),
            "validator sees the verified bytes"
        );
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn not_found_names_model_and_url() {
        let server = Server::start();
        let dir = tempfile::tempdir().unwrap();
        let err = fetch(&request(server.url(), dir.path(), &sha1_hex(b""))).unwrap_err();
        assert!(matches!(err, DownloadError::NotFound { .. }), "{err:?}");
        let msg = err.to_string();
        assert!(
            msg.contains("tiny.en") && msg.contains(&format!("{}/{FILE}", server.url())),
            "{msg}"
        );
    }

    #[test]
    fn refused_connection_points_to_offline_route() {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = tempfile::tempdir().unwrap();
        let url = format!("http://127.0.0.1:{port}");
        let err = fetch(&request(&url, dir.path(), &sha1_hex(b""))).unwrap_err();
        assert!(matches!(err, DownloadError::Unreachable { .. }), "{err:?}");
        let msg = err.to_string();
        for needle in [
            "cannot reach",
            "--base-url",
            BASE_URL_ENV,
            "rehearse model import",
        ] {
            assert!(msg.contains(needle), "{needle:?} missing from {msg}");
        }
    }

    #[test]
    fn stalled_server_times_out_and_keeps_part() {
        let server = Server::start();
        let body = payload(100_000);
        server.put(FILE, body.clone());
        server.then(Quirks {
            stall_after: Some(40_000),
            ..Quirks::default()
        });
        let dir = tempfile::tempdir().unwrap();
        let req = request(
            server.url(),
            dir.path(),
            "0000000000000000000000000000000000000000",
        );
        let timeouts = Timeouts {
            connect: Duration::from_secs(2),
            read: Duration::from_millis(300),
        };
        let err = fetch_with(&req, &timeouts).unwrap_err();
        match &err {
            DownloadError::Interrupted { kept, reason, .. } => {
                assert_eq!(*kept, 40_000);
                assert!(reason.contains("stopped sending"), "{reason}");
            }
            other => panic!("expected Interrupted, got {other:?}"),
        }
        assert_eq!(
            fs::metadata(dir.path().join(format!("{FILE}.part")))
                .unwrap()
                .len(),
            40_000
        );
    }

    #[test]
    fn existing_different_file_needs_force_and_survives_failures() {
        let server = Server::start();
        let body = payload(20_000);
        server.put(FILE, body.clone());
        let dir = tempfile::tempdir().unwrap();
        let installed = dir.path().join(FILE);
        fs::write(&installed, b"user's own model").unwrap();
        let sha = sha1_hex(&body);

        let err = fetch(&request(server.url(), dir.path(), &sha)).unwrap_err();
        assert!(
            matches!(err, DownloadError::ExistingDiffers { .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("--force"), "{err}");

        // With --force a failed download leaves the old file alone ...
        let wrong = "0000000000000000000000000000000000000000";
        let forced = FetchRequest {
            force: true,
            ..request(server.url(), dir.path(), wrong)
        };
        assert!(fetch(&forced).is_err());
        assert_eq!(fs::read(&installed).unwrap(), b"user's own model");

        // ... and a verified one replaces it.
        let forced = FetchRequest {
            force: true,
            ..request(server.url(), dir.path(), &sha)
        };
        let out = fetch(&forced).unwrap();
        assert_eq!(out.how, Fetched::Downloaded { bytes: 20_000 });
        assert_eq!(fs::read(&installed).unwrap(), body);
    }

    #[test]
    fn catalogue_size_decides_installed_without_hashing() {
        let dir = tempfile::tempdir().unwrap();
        let model = tiny();
        let path = dir.path().join(model.file_name());
        let cases: &[(u64, bool)] = &[(model.size_bytes, true), (model.size_bytes - 1, false)];
        for &(len, installed) in cases {
            File::create(&path).unwrap().set_len(len).unwrap();
            // Unused port: any network access would fail the installed case.
            let req = FetchRequest {
                model,
                base_url: "http://127.0.0.1:9",
                dest_dir: dir.path(),
                expected_sha1: None,
                force: false,
                show_progress: false,
                validate: None,
            };
            let result = fetch(&req);
            if installed {
                let out = result.unwrap();
                assert_eq!((out.how, out.sha1), (Fetched::AlreadyInstalled, None));
            } else {
                assert!(
                    matches!(result, Err(DownloadError::ExistingDiffers { .. })),
                    "{result:?}"
                );
            }
        }
    }

    #[test]
    fn bad_inputs_are_reported_before_any_network_access() {
        let dir = tempfile::tempdir().unwrap();
        let err = fetch(&request("http://127.0.0.1:9", dir.path(), "abc")).unwrap_err();
        assert!(matches!(err, DownloadError::BadSha1 { .. }), "{err:?}");

        let err = fetch(&request("not a url", dir.path(), &sha1_hex(b""))).unwrap_err();
        assert!(
            matches!(
                err,
                DownloadError::BadUrl { .. } | DownloadError::Unreachable { .. }
            ),
            "{err:?}"
        );
        assert!(err.to_string().contains("not a url"), "{err}");
    }
}
