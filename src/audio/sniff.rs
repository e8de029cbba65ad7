//! What a file is, judged by its first bytes and never by its name: a WAV named `.mp3` is still
//! read as WAV, and a text file named `.wav` is refused as text.

use std::path::Path;

/// Audio containers told apart by their first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    /// RIFF/WAVE.
    Wav,
    /// RF64: WAV with 64-bit sizes, written for recordings over 4 GB (and by some broadcast tools).
    Rf64,
    /// RIFX: big-endian WAV.
    Rifx,
    Flac,
    /// Ogg: Vorbis, Opus, FLAC or Speex inside.
    Ogg,
    /// MPEG audio (MP3), with or without an ID3 tag.
    Mp3,
    /// Raw AAC in ADTS frames (`.aac`).
    Adts,
    /// ISO media: MP4, M4A, MOV, 3GP.
    Mp4,
    /// Matroska or WebM.
    Matroska,
    Aiff,
    /// Apple's Core Audio Format.
    Caf,
    /// Windows Media (WMA, WMV).
    Asf,
    /// AMR voice recordings (old phones).
    Amr,
}

impl Container {
    /// The name people know it by.
    pub fn name(self) -> &'static str {
        match self {
            Container::Wav => "WAV",
            Container::Rf64 => "RF64 WAV",
            Container::Rifx => "RIFX (big-endian WAV)",
            Container::Flac => "FLAC",
            Container::Ogg => "Ogg",
            Container::Mp3 => "MP3",
            Container::Adts => "AAC",
            Container::Mp4 => "MP4/M4A",
            Container::Matroska => "Matroska/WebM",
            Container::Aiff => "AIFF",
            Container::Caf => "CAF",
            Container::Asf => "Windows Media (WMA/WMV)",
            Container::Amr => "AMR",
        }
    }

    /// Whether rehearse has a decoder for the container (the codec inside may still be one it
    /// cannot decode, such as Opus).
    pub fn readable(self) -> bool {
        !matches!(self, Container::Rifx | Container::Asf | Container::Amr)
    }
}

/// The container `head` (the first bytes of a file) opens, if it is audio.
pub fn sniff(head: &[u8]) -> Option<Container> {
    let at = |k: usize, tag: &[u8]| head.get(k..k + tag.len()) == Some(tag);
    if at(0, b"RIFF") && at(8, b"WAVE") {
        return Some(Container::Wav);
    }
    if at(0, b"RF64") || at(0, b"BW64") {
        return Some(Container::Rf64);
    }
    if at(0, b"RIFX") {
        return Some(Container::Rifx);
    }
    if at(0, b"fLaC") {
        return Some(Container::Flac);
    }
    if at(0, b"OggS") {
        return Some(Container::Ogg);
    }
    if at(0, b"ID3") {
        return Some(Container::Mp3);
    }
    if at(4, b"ftyp") || at(4, b"moov") || at(4, b"mdat") || at(4, b"wide") {
        return Some(Container::Mp4);
    }
    if at(0, &[0x1A, 0x45, 0xDF, 0xA3]) {
        return Some(Container::Matroska);
    }
    if at(0, b"FORM") && (at(8, b"AIFF") || at(8, b"AIFC")) {
        return Some(Container::Aiff);
    }
    if at(0, b"caff") {
        return Some(Container::Caf);
    }
    if at(0, &[0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11]) {
        return Some(Container::Asf);
    }
    if at(0, b"#!AMR") {
        return Some(Container::Amr);
    }
    // An MPEG audio frame header: 11 sync bits. Layer bits 00 are ADTS (AAC), 01 and 10 are
    // MPEG layers III and II; layer I (11) is left out, as FF FE also opens UTF-16 text. The
    // bitrate index 1111 is invalid in both.
    if let [0xFF, b1, b2, ..] = *head
        && b1 & 0xE0 == 0xE0
        && b2 & 0xF0 != 0xF0
    {
        let layer = (b1 >> 1) & 0x3;
        if layer == 0 && b1 & 0xF6 == 0xF0 {
            return Some(Container::Adts);
        }
        if matches!(layer, 1 | 2) && (b1 >> 3) & 0x3 != 1 {
            return Some(Container::Mp3);
        }
    }
    None
}

/// What a file that is not audio looks like, for the message that refuses it.
pub fn describe_other(head: &[u8]) -> &'static str {
    let at = |k: usize, tag: &[u8]| head.get(k..k + tag.len()) == Some(tag);
    if head.is_empty() {
        "the file is empty"
    } else if at(0, b"RIFF") {
        "a RIFF file that is not WAVE audio"
    } else if at(0, b"%PDF") {
        "it is a PDF document"
    } else if at(0, b"PK\x03\x04") {
        "it is a ZIP archive"
    } else if at(0, b"\x89PNG") || at(0, &[0xFF, 0xD8, 0xFF]) || at(0, b"GIF8") {
        "it is an image"
    } else if at(0, b"ggml") || at(0, b"lmgg") {
        "it is a model file"
    } else if head.contains(&0) {
        "binary data of an unknown kind"
    } else {
        let trimmed = head
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .map_or(head, |k| &head[k..]);
        // A multi-byte character cut at the end of `head` is still text.
        let text = match std::str::from_utf8(trimmed) {
            Ok(_) => true,
            Err(e) => e.error_len().is_none(),
        };
        match (text, trimmed.first()) {
            (true, Some(b'{' | b'[')) => "it holds JSON text",
            (true, _) => "it holds text",
            (false, _) => "binary data of an unknown kind",
        }
    }
}

/// Extensions people give audio and video files; a file named so is read as audio, and is
/// refused as audio (not taken for a transcript) when its content is something else.
pub const AUDIO_EXTENSIONS: &[&str] = &[
    "wav", "wave", "rf64", "bwf", "mp3", "m4a", "m4b", "mp4", "m4v", "mov", "3gp", "aac", "flac",
    "ogg", "oga", "opus", "weba", "webm", "mkv", "mka", "aif", "aiff", "aifc", "caf", "wma", "amr",
];

/// Whether `path`'s extension is one audio or video files have.
pub fn has_audio_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| AUDIO_EXTENSIONS.iter().any(|a| a.eq_ignore_ascii_case(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn containers_by_their_first_bytes() {
        let cases: &[(&[u8], Option<Container>)] = &[
            (b"RIFF\x24\0\0\0WAVEfmt ", Some(Container::Wav)),
            (b"RF64\xff\xff\xff\xffWAVEds64", Some(Container::Rf64)),
            (b"RIFX\0\0\0\x24WAVE", Some(Container::Rifx)),
            (b"fLaC\0\0\0\x22", Some(Container::Flac)),
            (b"OggS\0\x02", Some(Container::Ogg)),
            (b"ID3\x04\0", Some(Container::Mp3)),
            (&[0xFF, 0xFB, 0x90, 0x64], Some(Container::Mp3)),
            (&[0xFF, 0xF3, 0x48, 0xC4], Some(Container::Mp3)),
            (&[0xFF, 0xF1, 0x50, 0x80], Some(Container::Adts)),
            (b"\0\0\0\x20ftypM4A ", Some(Container::Mp4)),
            (&[0x1A, 0x45, 0xDF, 0xA3, 0x9f], Some(Container::Matroska)),
            (b"FORM\0\0\0\0AIFF", Some(Container::Aiff)),
            (b"#!AMR\n", Some(Container::Amr)),
            (b"RIFF\x24\0\0\0AVI LIST", None),
            (b"these are my notes", None),
            (b"{\"schema\": 1}", None),
            (&[0xFF, 0xFF, 0xFF, 0xFF], None),
            // UTF-16 text: its byte-order mark is no frame header.
            (b"\xFF\xFEn\0a\0", None),
            (b"", None),
        ];
        for (head, want) in cases {
            assert_eq!(sniff(head), *want, "{head:?}");
        }
    }

    #[test]
    fn other_files_are_described() {
        assert_eq!(describe_other(b"these are my notes\n"), "it holds text");
        assert_eq!(describe_other(b"  {\"a\": 1}"), "it holds JSON text");
        assert_eq!(describe_other(b"%PDF-1.7"), "it is a PDF document");
        assert_eq!(
            describe_other(b"RIFF\0\0\0\0AVI "),
            "a RIFF file that is not WAVE audio"
        );
        assert_eq!(describe_other(&[1, 0, 2]), "binary data of an unknown kind");
        // "é" cut in half at the end of the sniffed bytes.
        assert_eq!(describe_other(b"caf\xc3"), "it holds text");
    }

    #[test]
    fn audio_extensions_ignore_case() {
        assert!(has_audio_extension(Path::new("memo.M4A")));
        assert!(has_audio_extension(Path::new("a/b.wav")));
        assert!(!has_audio_extension(Path::new("answer.srt")));
        assert!(!has_audio_extension(Path::new("wav")));
    }
}
