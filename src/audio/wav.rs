//! WAV's own reader: walks the RIFF chunks with every size checked against the file's real
//! length, and decodes integer and float PCM. Compressed WAV (mu-law, A-law, ADPCM, ...) is
//! handed to the general decoder, which knows those codecs.
//!
//! Written by hand rather than through hound's reader because a header's sizes must never be
//! trusted: hound reserves memory by the declared data size (a damaged header of 4 GB reserves
//! 17 GB before reading) and stops at an odd-sized chunk's pad byte.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use super::AudioError;
use super::clipping::ClipCounter;
use super::mono::{Limits, MAX_RATE, MIN_RATE, MonoAudio, too_long};

/// What the `fmt ` chunk says.
#[derive(Debug, Clone, Copy)]
pub(super) struct Fmt {
    /// WAVE format tag; for WAVE_FORMAT_EXTENSIBLE, the tag inside its sub-format GUID.
    pub tag: u16,
    pub channels: u16,
    pub rate: u32,
    pub block_align: u16,
    pub bits: u16,
}

/// Where the samples are.
pub(super) struct Layout {
    pub fmt: Fmt,
    /// Byte offset of the first sample.
    pub data_start: u64,
    /// Bytes of samples present in the file.
    pub data_len: u64,
}

/// What a WAV file turned out to hold.
pub(super) enum Wav {
    Pcm(MonoAudio),
    /// A codec other than PCM, for the general decoder.
    Compressed(Fmt),
}

/// Names a WAVE format tag the way a person would look it up.
pub(super) fn format_tag_name(tag: u16) -> String {
    match tag {
        0x0002 => "Microsoft ADPCM".into(),
        0x0006 => "A-law".into(),
        0x0007 => "mu-law".into(),
        0x0011 => "IMA ADPCM".into(),
        0x0031 => "GSM 6.10".into(),
        0x0050 => "MPEG".into(),
        0x0055 => "MP3".into(),
        0x00FF | 0x1610 => "AAC".into(),
        other => format!("format tag 0x{other:04x}"),
    }
}

/// Reads until `buf` is full or the input ends; returns how much was read.
pub(super) fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// A chunk id is four printable ASCII characters ("fmt ", "LIST", "data").
fn plausible_id(id: &[u8]) -> bool {
    id.len() == 4 && id.iter().all(|b| (0x20..0x7f).contains(b))
}

/// Walks the chunks of a RIFF/WAVE (or RF64) file of `len` bytes to its `fmt ` and `data`.
pub(super) fn layout<R: Read + Seek>(
    path: &Path,
    r: &mut R,
    len: u64,
) -> Result<Layout, AudioError> {
    let io = |e| AudioError::open(path, e);
    let mut head = [0u8; 12];
    r.seek(SeekFrom::Start(0)).map_err(io)?;
    if read_up_to(r, &mut head).map_err(io)? < 12 {
        return Err(AudioError::invalid(path, "truncated WAV header"));
    }
    let rf64 = &head[0..4] != b"RIFF";
    let mut fmt: Option<Fmt> = None;
    let mut pos = 12u64;
    let mut hdr = [0u8; 8];
    while pos.saturating_add(8) <= len {
        r.seek(SeekFrom::Start(pos)).map_err(io)?;
        if read_up_to(r, &mut hdr).map_err(io)? < 8 {
            break;
        }
        let size = u64::from(u32::from_le_bytes([hdr[4], hdr[5], hdr[6], hdr[7]]));
        let body = pos + 8;
        let available = len - body;
        match &hdr[0..4] {
            b"fmt " => fmt = Some(read_fmt(path, r, size, available)?),
            b"data" => {
                let Some(fmt) = fmt else {
                    return Err(AudioError::invalid(
                        path,
                        "the `data` chunk comes before the `fmt ` chunk that describes it",
                    ));
                };
                // RF64 keeps the real size in its `ds64` chunk and writes 0xFFFFFFFF here, as
                // do recorders that stream a WAV without coming back to fix its header: the
                // samples then run to the end of the file.
                let data_len = if size == u64::from(u32::MAX) || (rf64 && size == 0) {
                    available
                } else if size > available {
                    let bytes = u64::from(fmt.block_align.max(1)) / u64::from(fmt.channels.max(1));
                    let per = bytes.max(1);
                    return Err(AudioError::Truncated {
                        path: path.to_path_buf(),
                        declared: usize::try_from(size / per).unwrap_or(usize::MAX),
                        found: usize::try_from(available / per).unwrap_or(usize::MAX),
                    });
                } else {
                    size
                };
                return Ok(Layout {
                    fmt,
                    data_start: body,
                    data_len,
                });
            }
            _ => {}
        }
        let mut next = body.saturating_add(size).saturating_add(size & 1);
        if size & 1 == 1 && next < len {
            // Chunks of odd size are followed by a pad byte, which some writers leave out:
            // take whichever position starts a plausible chunk.
            let mut id = [0u8; 4];
            r.seek(SeekFrom::Start(next)).map_err(io)?;
            let padded = read_up_to(r, &mut id).map_err(io)? == 4 && plausible_id(&id);
            r.seek(SeekFrom::Start(next - 1)).map_err(io)?;
            let unpadded = read_up_to(r, &mut id).map_err(io)? == 4 && plausible_id(&id);
            if !padded && unpadded {
                next -= 1;
            }
        }
        pos = next;
    }
    Err(match fmt {
        None => AudioError::invalid(path, "truncated WAV header: no `fmt ` chunk"),
        Some(_) => AudioError::invalid(
            path,
            "no `data` chunk: the WAV holds no audio samples (it is damaged or was cut short)",
        ),
    })
}

fn read_fmt<R: Read>(path: &Path, r: &mut R, size: u64, available: u64) -> Result<Fmt, AudioError> {
    if size < 16 {
        return Err(AudioError::invalid(
            path,
            &format!("the `fmt ` chunk is {size} bytes; a WAV's holds at least 16"),
        ));
    }
    let want = size.min(40).min(available) as usize;
    let mut b = [0u8; 40];
    let n = read_up_to(r, &mut b[..want]).map_err(|e| AudioError::open(path, e))?;
    if n < 16 {
        return Err(AudioError::invalid(
            path,
            "truncated inside the `fmt ` chunk",
        ));
    }
    let u16_at = |k: usize| u16::from_le_bytes([b[k], b[k + 1]]);
    let mut tag = u16_at(0);
    if tag == 0xFFFE {
        // WAVE_FORMAT_EXTENSIBLE: the real tag is the first two bytes of the sub-format GUID.
        if n < 26 {
            return Err(AudioError::invalid(
                path,
                "truncated inside the `fmt ` chunk",
            ));
        }
        tag = u16_at(24);
    }
    Ok(Fmt {
        tag,
        channels: u16_at(2),
        rate: u32::from_le_bytes([b[4], b[5], b[6], b[7]]),
        block_align: u16_at(12),
        bits: u16_at(14),
    })
}

/// Reads a RIFF/WAVE file of `len` bytes: PCM is decoded here, anything else is left to the
/// caller.
pub(super) fn decode<R: Read + Seek>(
    path: &Path,
    r: &mut R,
    len: u64,
    limits: &Limits,
) -> Result<Wav, AudioError> {
    let Layout {
        fmt,
        data_start,
        data_len,
    } = layout(path, r, len)?;
    if !matches!(fmt.tag, 1 | 3) {
        return Ok(Wav::Compressed(fmt));
    }
    if fmt.channels == 0 {
        return Err(AudioError::invalid(path, "the header says 0 channels"));
    }
    if !(MIN_RATE..=MAX_RATE).contains(&fmt.rate) {
        return Err(AudioError::invalid(
            path,
            &format!(
                "sample rate {} Hz is outside the supported {MIN_RATE}..{MAX_RATE} Hz",
                fmt.rate
            ),
        ));
    }
    let float = fmt.tag == 3;
    match (float, fmt.bits) {
        (false, 8 | 16 | 24 | 32) | (true, 32 | 64) => {}
        (false, bits) => {
            return Err(AudioError::invalid(
                path,
                &format!("{bits}-bit integer samples are not supported (8, 16, 24 or 32)"),
            ));
        }
        (true, bits) => {
            return Err(AudioError::invalid(
                path,
                &format!("{bits}-bit float samples are not supported (32 or 64)"),
            ));
        }
    }
    let channels = usize::from(fmt.channels);
    let width = usize::from(fmt.bits / 8);
    let frame = channels * width;
    // A header's block align smaller than a frame cannot be right; a larger one pads frames.
    let block = usize::from(fmt.block_align).max(frame);
    let frames = usize::try_from(data_len / block as u64).unwrap_or(usize::MAX);
    if frames == 0 {
        return Err(AudioError::Empty {
            path: path.to_path_buf(),
        });
    }
    let max_frames = limits.max_frames(fmt.rate);
    if frames > max_frames {
        return Err(too_long(path, frames as f64 / f64::from(fmt.rate), limits));
    }
    r.seek(SeekFrom::Start(data_start))
        .map_err(|e| AudioError::open(path, e))?;
    // Reserved by what the file holds, never by what its header claims.
    let mut mono = Vec::with_capacity(frames);
    let inv_ch = 1.0 / channels as f32;
    let mut buf = vec![0u8; block * (65536 / block).max(1)];
    let mut left = frames * block;
    let mut clipped = 0usize;
    // Counted on every channel before mixing, as the recorder counts.
    let mut clips = ClipCounter::new(fmt.rate);
    let mut peak = 0.0f64;
    while left > 0 {
        let want = left.min(buf.len());
        let got = read_up_to(r, &mut buf[..want]).map_err(|e| AudioError::open(path, e))?;
        let whole = got - got % block;
        for f in buf[..whole].chunks_exact(block) {
            let mut acc = 0.0f32;
            let at = mono.len() as u64;
            for s in f[..frame].chunks_exact(width) {
                let v = if float {
                    let v = if width == 4 {
                        f64::from(f32::from_le_bytes([s[0], s[1], s[2], s[3]]))
                    } else {
                        f64::from_le_bytes([s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]])
                    };
                    // Float WAV may hold anything, even infinities; Whisper is only defined on
                    // [-1, 1], and samples of 1e38 kept it decoding for minutes.
                    if v.is_finite() && v.abs() <= 1.0 {
                        v as f32
                    } else {
                        clipped += 1;
                        if v.is_finite() {
                            peak = peak.max(v.abs());
                            v.clamp(-1.0, 1.0) as f32
                        } else {
                            0.0
                        }
                    }
                } else {
                    int_sample(s)
                };
                clips.sample(at, v);
                acc += v;
            }
            mono.push(acc * inv_ch);
        }
        left -= whole;
        if got < want {
            break;
        }
    }
    let mut notes = Vec::new();
    if clipped > 0 {
        notes.push(format!(
            "{clipped} float samples were outside full scale [-1, 1]{} and were clipped; the recording may be damaged",
            if peak > 0.0 {
                format!(" (up to {peak:.3e})")
            } else {
                " (or not numbers)".to_string()
            }
        ));
    }
    Ok(Wav::Pcm(MonoAudio {
        samples: mono,
        sample_rate: fmt.rate,
        channels: fmt.channels,
        bits_per_sample: fmt.bits,
        sample_format: if float { "float" } else { "int" },
        container: "WAV",
        notes,
        clipping: clips.finish(),
    }))
}

/// One little-endian integer sample as a value in [-1, 1). 8-bit WAV is unsigned.
fn int_sample(s: &[u8]) -> f32 {
    match *s {
        [a] => (f32::from(a) - 128.0) / 128.0,
        [a, b] => f32::from(i16::from_le_bytes([a, b])) / 32_768.0,
        [a, b, c] => (i32::from_le_bytes([0, a, b, c]) >> 8) as f32 / 8_388_608.0,
        [a, b, c, d] => i32::from_le_bytes([a, b, c, d]) as f32 / 2_147_483_648.0,
        _ => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    /// A WAV of `chunks` (id, body) after the RIFF header, pad bytes added after odd bodies
    /// unless `pad` is false.
    pub(crate) fn riff(form: &[u8], chunks: &[(&[u8], Vec<u8>)], pad: bool) -> Vec<u8> {
        let mut body = b"WAVE".to_vec();
        for (id, data) in chunks {
            body.extend_from_slice(id);
            body.extend_from_slice(&(data.len() as u32).to_le_bytes());
            body.extend_from_slice(data);
            if pad && data.len() % 2 == 1 {
                body.push(0);
            }
        }
        let mut out = form.to_vec();
        out.extend_from_slice(&(body.len() as u32).to_le_bytes());
        out.extend(body);
        out
    }

    pub(crate) fn fmt_chunk(tag: u16, channels: u16, rate: u32, bits: u16) -> Vec<u8> {
        let align = channels * bits / 8;
        let mut f = Vec::new();
        f.extend_from_slice(&tag.to_le_bytes());
        f.extend_from_slice(&channels.to_le_bytes());
        f.extend_from_slice(&rate.to_le_bytes());
        f.extend_from_slice(&(rate * u32::from(align)).to_le_bytes());
        f.extend_from_slice(&align.to_le_bytes());
        f.extend_from_slice(&bits.to_le_bytes());
        f
    }

    fn run(bytes: &[u8]) -> Result<MonoAudio, AudioError> {
        let mut c = Cursor::new(bytes);
        match decode(
            Path::new("t.wav"),
            &mut c,
            bytes.len() as u64,
            &Limits::default(),
        )? {
            Wav::Pcm(m) => Ok(m),
            Wav::Compressed(f) => panic!("compressed {:?}", f.tag),
        }
    }

    fn pcm16(v: &[i16]) -> Vec<u8> {
        v.iter().flat_map(|s| s.to_le_bytes()).collect()
    }

    #[test]
    fn odd_chunks_with_and_without_their_pad_byte_are_walked() {
        for pad in [true, false] {
            let bytes = riff(
                b"RIFF",
                &[
                    (b"fmt ", fmt_chunk(1, 1, 16000, 16)),
                    (b"LIST", b"odd".to_vec()),
                    (b"data", pcm16(&[0, 16384, -16384])),
                ],
                pad,
            );
            let m = run(&bytes).expect("decodes");
            assert_eq!(m.samples, vec![0.0, 0.5, -0.5], "pad {pad}");
        }
    }

    #[test]
    fn a_huge_declared_data_size_reads_what_is_there() {
        // 16 KB of 8-bit samples whose data chunk says 0xFFFFFFFF bytes.
        let mut bytes = riff(
            b"RIFF",
            &[(b"fmt ", fmt_chunk(1, 1, 16000, 8)), (b"data", vec![])],
            true,
        );
        let n = bytes.len();
        bytes[n - 4..].copy_from_slice(&u32::MAX.to_le_bytes());
        bytes.extend(std::iter::repeat_n(128u8, 16_000));
        let m = run(&bytes).expect("decodes");
        assert_eq!(m.samples.len(), 16_000);
        assert!(m.samples.capacity() < 20_000, "{}", m.samples.capacity());
    }

    #[test]
    fn rf64_reads_to_the_end_of_the_file() {
        let mut bytes = riff(
            b"RF64",
            &[
                (b"ds64", vec![0; 28]),
                (b"fmt ", fmt_chunk(1, 2, 16000, 16)),
                (b"data", vec![]),
            ],
            true,
        );
        let n = bytes.len();
        bytes[n - 4..].copy_from_slice(&u32::MAX.to_le_bytes());
        bytes.extend(pcm16(&[16384, 16384, -16384, 0]));
        let m = run(&bytes).expect("decodes");
        assert_eq!(m.samples, vec![0.5, -0.25]);
    }

    #[test]
    fn out_of_range_floats_are_clipped_with_a_note() {
        let data: Vec<u8> = [0.5f32, 1e38, -1e38, f32::NAN]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        let bytes = riff(
            b"RIFF",
            &[(b"fmt ", fmt_chunk(3, 1, 16000, 32)), (b"data", data)],
            true,
        );
        let m = run(&bytes).expect("decodes");
        assert_eq!(m.samples, vec![0.5, 1.0, -1.0, 0.0]);
        assert_eq!(m.notes.len(), 1);
        assert!(m.notes[0].contains("3 float samples"), "{}", m.notes[0]);
        assert!(m.notes[0].contains("1.000e38"), "{}", m.notes[0]);
    }

    #[test]
    fn every_integer_width_and_64_bit_float() {
        let cases: Vec<(u16, u16, Vec<u8>, f32)> = vec![
            (1, 8, vec![192], 0.5),
            (1, 16, pcm16(&[-16384]), -0.5),
            (1, 24, vec![0, 0, 0x40], 0.5),
            (1, 32, (-1_073_741_824i32).to_le_bytes().to_vec(), -0.5),
            (3, 64, 0.25f64.to_le_bytes().to_vec(), 0.25),
        ];
        for (tag, bits, data, want) in cases {
            let bytes = riff(
                b"RIFF",
                &[(b"fmt ", fmt_chunk(tag, 1, 16000, bits)), (b"data", data)],
                true,
            );
            let m = run(&bytes).expect("decodes");
            assert_eq!(m.samples, vec![want], "{bits} bits");
        }
    }

    #[test]
    fn damaged_layouts_say_what_is_wrong() {
        let no_data = riff(b"RIFF", &[(b"fmt ", fmt_chunk(1, 1, 16000, 16))], true);
        let data_first = riff(
            b"RIFF",
            &[
                (b"data", pcm16(&[1])),
                (b"fmt ", fmt_chunk(1, 1, 16000, 16)),
            ],
            true,
        );
        let short_fmt = riff(b"RIFF", &[(b"fmt ", vec![1, 0, 1, 0])], true);
        let mut cut = riff(
            b"RIFF",
            &[
                (b"fmt ", fmt_chunk(1, 1, 16000, 16)),
                (b"data", pcm16(&[1; 100])),
            ],
            true,
        );
        cut.truncate(cut.len() - 100);
        for (bytes, want) in [
            (no_data, "no `data` chunk"),
            (data_first, "comes before the `fmt ` chunk"),
            (short_fmt, "the `fmt ` chunk is 4 bytes"),
            (
                cut,
                "truncated WAV: the header announces 100 samples but the file holds 50",
            ),
            (b"RIFF\0\0\0\0WAVE".to_vec(), "no `fmt ` chunk"),
        ] {
            let e = run(&bytes).expect_err(want).to_string();
            assert!(e.contains(want), "{e}");
        }
    }
}
