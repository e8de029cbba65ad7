//! Writing audio back out: the 16 kHz mono 16-bit WAV an attempt keeps, which is what the
//! analysis reads and a sixth of what a 48 kHz stereo device delivers.

use std::io::{Seek, Write};

use super::WHISPER_RATE;

/// The layout of the WAV an attempt keeps: 16 kHz, mono, 16-bit PCM.
pub fn analysis_spec() -> hound::WavSpec {
    hound::WavSpec {
        channels: 1,
        sample_rate: WHISPER_RATE,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    }
}

/// One sample in full scale -1..1 as 16-bit PCM. The decoder reads 16-bit PCM as `s / 32768`,
/// so a 16-bit 16 kHz mono source comes back sample for sample.
pub fn to_i16(x: f32) -> i16 {
    (x * 32768.0).round().clamp(-32768.0, 32767.0) as i16
}

/// Writes `samples` (16 kHz mono, full scale -1..1) as a 16-bit PCM WAV into `out`.
pub fn write_analysis_wav<W: Write + Seek>(out: W, samples: &[f32]) -> std::io::Result<()> {
    let hound_io = |e: hound::Error| match e {
        hound::Error::IoError(e) => e,
        other => std::io::Error::other(other.to_string()),
    };
    let mut w = hound::WavWriter::new(out, analysis_spec()).map_err(hound_io)?;
    {
        let mut block = w.get_i16_writer(samples.len() as u32);
        for &x in samples {
            block.write_sample(to_i16(x));
        }
        block.flush().map_err(hound_io)?;
    }
    w.finalize().map_err(hound_io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixteen_bit_samples_come_back_exactly() {
        let original: Vec<i16> = vec![0, 1, -1, 32767, -32768, 1234, -4321];
        let as_f32: Vec<f32> = original.iter().map(|&s| f32::from(s) / 32768.0).collect();
        let mut buf = std::io::Cursor::new(Vec::new());
        write_analysis_wav(&mut buf, &as_f32).expect("written");
        let bytes = buf.into_inner();
        let mut r = hound::WavReader::new(std::io::Cursor::new(&bytes)).expect("readable");
        assert_eq!(r.spec(), analysis_spec());
        let back: Vec<i16> = r.samples::<i16>().map(|s| s.expect("sample")).collect();
        assert_eq!(back, original);
        // Out of range is clipped, not wrapped.
        assert_eq!(to_i16(1.5), 32767);
        assert_eq!(to_i16(-2.0), -32768);
        // The plain 44-byte header every player reads.
        assert_eq!(bytes.len(), 44 + 2 * original.len());
    }
}
