//! Writing a whisper.cpp model file: the header, then each tensor's header and data, with the
//! sizes checked as they go.

use std::io::{self, Write};

use super::{Hparams, MAGIC, MelFilters, TensorType};

/// Writes a whisper.cpp model file: header first, then tensors one by one.
pub struct GgmlWriter<W: Write> {
    out: W,
    written: u64,
    pending: u64,
    current: String,
}

/// Bytes taken by the magic, hparams, mel filters and vocabulary.
pub fn header_size(mel: &MelFilters, vocab: &[Vec<u8>]) -> u64 {
    4 + 11 * 4
        + 8
        + (mel.data.len() as u64) * 4
        + 4
        + vocab.iter().map(|t| 4 + t.len() as u64).sum::<u64>()
}

/// Bytes of a tensor's header.
pub fn tensor_header_size(name: &str, n_dims: usize) -> u64 {
    12 + 4 * n_dims as u64 + name.len() as u64
}

pub(super) fn invalid(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, msg)
}

pub(super) fn i32_of(v: usize, what: &str) -> io::Result<i32> {
    i32::try_from(v).map_err(|_| invalid(format!("{what} {v} does not fit the file format")))
}

impl<W: Write> GgmlWriter<W> {
    /// Writes the magic, hparams, mel filters and vocabulary (raw token bytes, by id).
    pub fn new(out: W, hparams: &Hparams, mel: &MelFilters, vocab: &[Vec<u8>]) -> io::Result<Self> {
        if mel.data.len() != mel.n_mel * mel.n_fft {
            return Err(invalid(format!(
                "mel filters hold {} values, not {} x {}",
                mel.data.len(),
                mel.n_mel,
                mel.n_fft
            )));
        }
        let mut w = GgmlWriter {
            out,
            written: 0,
            pending: 0,
            current: String::new(),
        };
        w.put(&MAGIC.to_le_bytes())?;
        for v in hparams.to_array() {
            w.put(&v.to_le_bytes())?;
        }
        w.put(&i32_of(mel.n_mel, "n_mel")?.to_le_bytes())?;
        w.put(&i32_of(mel.n_fft, "n_fft")?.to_le_bytes())?;
        let mel_bytes: Vec<u8> = mel.data.iter().flat_map(|x| x.to_le_bytes()).collect();
        w.put(&mel_bytes)?;
        w.put(&i32_of(vocab.len(), "vocabulary size")?.to_le_bytes())?;
        for token in vocab {
            let len = u32::try_from(token.len())
                .map_err(|_| invalid("token longer than 4 GiB".into()))?;
            w.put(&len.to_le_bytes())?;
            w.put(token)?;
        }
        Ok(w)
    }

    fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(bytes)?;
        self.written += bytes.len() as u64;
        Ok(())
    }

    /// Starts a tensor; its data (exactly `ttype.data_size(shape)` bytes) follows through
    /// [`GgmlWriter::write_data`].
    pub fn begin_tensor(
        &mut self,
        name: &str,
        shape: &[usize],
        ttype: TensorType,
    ) -> io::Result<()> {
        self.check_complete()?;
        if shape.is_empty() || shape.len() > 4 {
            return Err(invalid(format!(
                "tensor {}: {} dimensions",
                crate::quote::snippet(name),
                shape.len()
            )));
        }
        let size = ttype.data_size(shape).ok_or_else(|| {
            invalid(format!(
                "tensor {}: shape {shape:?} does not split into {ttype} blocks",
                crate::quote::snippet(name)
            ))
        })?;
        self.put(&i32_of(shape.len(), "n_dims")?.to_le_bytes())?;
        self.put(&i32_of(name.len(), "name length")?.to_le_bytes())?;
        self.put(&ttype.ggml_code().to_le_bytes())?;
        for &d in shape.iter().rev() {
            self.put(&i32_of(d, "dimension")?.to_le_bytes())?;
        }
        self.put(name.as_bytes())?;
        self.pending = size;
        self.current = name.into();
        Ok(())
    }

    /// Data of the current tensor, in as many pieces as convenient.
    pub fn write_data(&mut self, data: &[u8]) -> io::Result<()> {
        if data.len() as u64 > self.pending {
            return Err(invalid(format!(
                "tensor {}: {} more bytes than its shape allows",
                self.current,
                data.len() as u64 - self.pending
            )));
        }
        self.pending -= data.len() as u64;
        self.put(data)
    }

    fn check_complete(&self) -> io::Result<()> {
        if self.pending != 0 {
            return Err(invalid(format!(
                "tensor {}: {} bytes of data missing",
                self.current, self.pending
            )));
        }
        Ok(())
    }

    /// Bytes written so far.
    pub fn bytes_written(&self) -> u64 {
        self.written
    }

    /// Checks the last tensor is complete, flushes, and hands the output back.
    pub fn finish(mut self) -> io::Result<W> {
        self.check_complete()?;
        self.out.flush()?;
        Ok(self.out)
    }
}
