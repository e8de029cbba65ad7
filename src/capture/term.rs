//! The terminal around a recording: single keys that stop it, the width to draw in, and the
//! local time that names files.

use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// While alive, the terminal on stdin delivers keys one at a time without echo, so `q` stops
/// the recording without Enter. Ctrl-C still raises SIGINT (`ISIG` stays on). Dropping it puts
/// the terminal back.
pub struct KeyMode {
    saved: Option<libc::termios>,
}

impl KeyMode {
    /// Switches stdin to single keys when it is a terminal; otherwise does nothing.
    pub fn enter() -> KeyMode {
        let fd = std::io::stdin().as_raw_fd();
        // SAFETY: isatty, tcgetattr and tcsetattr only read or write the termios struct we pass,
        // which lives on our stack, for a descriptor that stays open for the whole process.
        unsafe {
            if libc::isatty(fd) != 1 {
                return KeyMode { saved: None };
            }
            let mut t: libc::termios = std::mem::zeroed();
            if libc::tcgetattr(fd, &mut t) != 0 {
                return KeyMode { saved: None };
            }
            let saved = t;
            t.c_lflag &= !(libc::ICANON | libc::ECHO);
            t.c_cc[libc::VMIN] = 1;
            t.c_cc[libc::VTIME] = 0;
            if libc::tcsetattr(fd, libc::TCSANOW, &t) != 0 {
                return KeyMode { saved: None };
            }
            KeyMode { saved: Some(saved) }
        }
    }
}

impl Drop for KeyMode {
    fn drop(&mut self) {
        if let Some(saved) = self.saved.take() {
            // SAFETY: restores the struct tcgetattr filled in for the same descriptor.
            unsafe {
                libc::tcsetattr(std::io::stdin().as_raw_fd(), libc::TCSANOW, &saved);
            }
        }
    }
}

/// Whether a key read from stdin asks to stop: Enter, `q` or `Q`.
pub fn is_stop_key(b: u8) -> bool {
    matches!(b, b'\n' | b'\r' | b'q' | b'Q')
}

/// Watches stdin on a thread of its own and raises `flag` on a stop key, until the returned
/// guard is dropped. End of input (stdin is `/dev/null` or a closed pipe) only ends the watch:
/// no key, no stop. The watch reads one byte at a time straight from the descriptor and stops
/// when the guard goes, so nothing typed after the recording (an answer to `practice`'s next
/// prompt) is taken by it.
pub fn watch_keys(flag: Arc<AtomicBool>) -> KeyWatch {
    let done = Arc::new(AtomicBool::new(false));
    let stop = done.clone();
    let spawned = std::thread::Builder::new()
        .name("rehearse-keys".into())
        .spawn(move || {
            while !stop.load(Ordering::Acquire) {
                match read_byte(Duration::from_millis(50)) {
                    Key::Byte(b) if is_stop_key(b) => {
                        flag.store(true, Ordering::Release);
                        return;
                    }
                    Key::Byte(_) | Key::Timeout => {}
                    Key::End => return,
                }
            }
        });
    // Without the thread Ctrl-C and --max-duration still stop the recording.
    KeyWatch {
        done,
        thread: spawned.ok(),
    }
}

/// Ends the key watch when dropped (within 50 ms).
pub struct KeyWatch {
    done: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for KeyWatch {
    fn drop(&mut self) {
        self.done.store(true, Ordering::Release);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// What one wait on stdin gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Byte(u8),
    /// Nothing arrived in time.
    Timeout,
    /// End of input, or stdin cannot be read.
    End,
}

/// Waits up to `timeout` for one byte on stdin and reads exactly that byte, unbuffered, so that
/// the rest stays for whoever reads next.
pub fn read_byte(timeout: Duration) -> Key {
    let fd = std::io::stdin().as_raw_fd();
    let mut pfd = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    let ms = libc::c_int::try_from(timeout.as_millis()).unwrap_or(libc::c_int::MAX);
    // SAFETY: poll reads and writes the one pollfd we pass, which lives on our stack.
    let ready = unsafe { libc::poll(&mut pfd, 1, ms) };
    if ready == 0 {
        return Key::Timeout;
    }
    if ready < 0 {
        // A signal (Ctrl-C) interrupted the wait: the caller looks at its flags and comes back.
        return if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
            Key::Timeout
        } else {
            Key::End
        };
    }
    let mut byte = 0u8;
    // SAFETY: read writes at most one byte into `byte`, which lives on our stack.
    let n = unsafe { libc::read(fd, (&raw mut byte).cast(), 1) };
    match n {
        1 => Key::Byte(byte),
        n if n < 0 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted => {
            Key::Timeout
        }
        _ => Key::End,
    }
}

/// Drops whatever was typed on the terminal and not yet read (a second Enter that stopped a
/// recording must not answer the next question). Does nothing when stdin is not a terminal:
/// scripted input is never thrown away.
pub fn discard_typeahead() {
    let fd = std::io::stdin().as_raw_fd();
    // SAFETY: isatty and tcflush only act on the descriptor.
    unsafe {
        if libc::isatty(fd) == 1 {
            libc::tcflush(fd, libc::TCIFLUSH);
        }
    }
}

/// While alive, whatever this process writes to stderr goes to `/dev/null`. For libraries that
/// print on their own and cannot be told not to: libjack, which ALSA's `jack` device loads when
/// `rehearse devices` probes it, prints a dozen lines about a server nobody asked for.
pub struct MutedStderr {
    saved: Option<std::os::fd::OwnedFd>,
}

impl MutedStderr {
    pub fn new() -> MutedStderr {
        use std::os::fd::FromRawFd;
        let Ok(null) = std::fs::OpenOptions::new().write(true).open("/dev/null") else {
            return MutedStderr { saved: None };
        };
        // SAFETY: dup returns a new descriptor that we own (or -1); dup2 only swaps what fd 2
        // refers to. Nothing else holds on to the old fd 2's number across this call.
        unsafe {
            let saved = libc::dup(libc::STDERR_FILENO);
            if saved < 0 {
                return MutedStderr { saved: None };
            }
            let saved = std::os::fd::OwnedFd::from_raw_fd(saved);
            if libc::dup2(null.as_raw_fd(), libc::STDERR_FILENO) < 0 {
                return MutedStderr { saved: None };
            }
            MutedStderr { saved: Some(saved) }
        }
    }
}

impl Default for MutedStderr {
    fn default() -> Self {
        MutedStderr::new()
    }
}

impl Drop for MutedStderr {
    fn drop(&mut self) {
        if let Some(saved) = self.saved.take() {
            // SAFETY: puts the descriptor saved above back as fd 2.
            unsafe {
                libc::dup2(saved.as_raw_fd(), libc::STDERR_FILENO);
            }
        }
    }
}

/// Columns of the terminal on stderr, if it is one.
pub fn stderr_width() -> Option<usize> {
    // SAFETY: TIOCGWINSZ fills the winsize struct we pass and touches nothing else.
    unsafe {
        let mut ws: libc::winsize = std::mem::zeroed();
        if libc::ioctl(libc::STDERR_FILENO, libc::TIOCGWINSZ, &mut ws) == 0 && ws.ws_col > 0 {
            Some(usize::from(ws.ws_col))
        } else {
            None
        }
    }
}

/// Local date and time as `2026-11-23_20-55-10`: sorts by time and is safe in file names
/// everywhere.
pub fn local_timestamp() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let t = libc::time_t::try_from(now).unwrap_or(0);
    // SAFETY: localtime_r writes only into the tm struct we pass; both live on our stack.
    let tm = unsafe {
        let mut tm: libc::tm = std::mem::zeroed();
        if libc::localtime_r(&t, &mut tm).is_null() {
            libc::gmtime_r(&t, &mut tm);
        }
        tm
    };
    format!(
        "{:04}-{:02}-{:02}_{:02}-{:02}-{:02}",
        tm.tm_year + 1900,
        tm.tm_mon + 1,
        tm.tm_mday,
        tm.tm_hour,
        tm.tm_min,
        tm.tm_sec
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_keys() {
        for b in [b'\n', b'\r', b'q', b'Q'] {
            assert!(is_stop_key(b));
        }
        for b in [b' ', b'x', 3u8] {
            assert!(!is_stop_key(b));
        }
    }

    #[test]
    fn timestamps_name_files_safely() {
        let t = local_timestamp();
        assert_eq!(t.len(), "2026-11-23_20-55-10".len(), "{t}");
        assert!(
            t.chars()
                .all(|c| c.is_ascii_digit() || c == '-' || c == '_')
        );
    }
}
