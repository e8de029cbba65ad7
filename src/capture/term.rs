//! The terminal around a recording: single keys that stop it, the width to draw in, and the
//! local time that names files.

use std::io::Read;
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

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

/// Watches stdin on a thread of its own and raises `flag` on a stop key. End of input (stdin
/// is `/dev/null` or a closed pipe) only ends the watch: no key, no stop.
pub fn watch_keys(flag: Arc<AtomicBool>) {
    let spawned = std::thread::Builder::new()
        .name("rehearse-keys".into())
        .spawn(move || {
            let mut stdin = std::io::stdin();
            let mut byte = [0u8; 1];
            while let Ok(1) = stdin.read(&mut byte) {
                if is_stop_key(byte[0]) {
                    flag.store(true, Ordering::Release);
                    return;
                }
            }
        });
    // Without the thread Ctrl-C and --max-duration still stop the recording.
    drop(spawned);
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
