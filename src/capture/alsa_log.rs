//! Keeps alsa-lib's own error lines off the terminal and hands them to our messages instead.
//!
//! alsa-lib prints `ALSA lib pcm.c:2666:(snd_pcm_open_noupdate) Unknown PCM foo` on stderr for
//! every device it fails to open, which buries the one line the user needs. Its handler is per
//! thread, so this covers what the calling thread opens (enumeration, configuration, opening the
//! stream); the stream's own worker thread is cpal's.

use std::cell::RefCell;
use std::rc::Rc;

thread_local! {
    static BUFFER: RefCell<Option<Rc<RefCell<alsa::Output>>>> = const { RefCell::new(None) };
}

/// Routes alsa-lib's messages on this thread into a buffer (once per thread).
pub fn capture_on_this_thread() {
    BUFFER.with_borrow_mut(|b| {
        if b.is_none() {
            // Without the buffer alsa-lib simply keeps printing: nothing to fail over.
            *b = alsa::Output::local_error_handler().ok();
        }
    });
}

/// What alsa-lib said since the last call, as one line: its first message (usually the cause,
/// "cannot find card '0'") and its last (what failed, "Unknown PCM default"). The buffer is
/// emptied.
pub fn take() -> String {
    BUFFER.with_borrow_mut(|b| {
        let Some(out) = b.as_ref() else {
            return String::new();
        };
        let text = out.borrow().to_string();
        // A fresh buffer is the documented way to empty it.
        *b = alsa::Output::local_error_handler().ok();
        let lines: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        match lines.as_slice() {
            [] => String::new(),
            [one] => one.to_string(),
            [first, .., last] => format!("{first} ... {last}"),
        }
    })
}
