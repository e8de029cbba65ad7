//! The real-time half of capture: the cpal data callback.
//!
//! It runs on the audio thread, where a late return is an audible gap, so it only converts the
//! device's samples to 16-bit and pushes them into the ring: no allocation, no lock, no logging,
//! no I/O. What does not fit is counted, never waited for. Metering, writing and everything
//! else happen on the writer thread.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use cpal::{Sample, SizedSample};

/// Counters the audio thread bumps and everything else reads.
#[derive(Debug, Default)]
pub struct Counters {
    /// Samples (not frames) delivered by the device.
    pub delivered: AtomicU64,
    /// Samples thrown away because the ring was full (the writer fell more than
    /// [`super::RING_SECONDS`] behind).
    pub dropped: AtomicU64,
    /// Set once the file is complete (`--max-duration`) or cannot take more (write error):
    /// what the device still delivers until the stream is stopped is neither kept nor counted.
    pub closed: AtomicBool,
}

/// A device sample as 16-bit PCM.
///
/// Integers keep their top 16 bits (exact for 16-bit devices; what 24- and 32-bit devices
/// hold below that is under the noise floor of any room). Floats are rounded and saturated:
/// a float device's `i16 -> f32` conversion (PulseAudio's, for one) comes back exactly.
pub trait ToI16: Copy {
    fn to_i16(self) -> i16;
}

macro_rules! shift_to_i16 {
    ($($t:ty),*) => {$(
        impl ToI16 for $t {
            #[inline]
            fn to_i16(self) -> i16 {
                self.to_sample::<i16>()
            }
        }
    )*};
}

shift_to_i16!(i8, i16, i32, i64, u8, u16, u32, u64, cpal::I24, cpal::U24);

impl ToI16 for f32 {
    #[inline]
    fn to_i16(self) -> i16 {
        let y = self * 32768.0;
        // Half away from zero, then `as` saturates (and maps NaN to 0): no libm call, so the
        // loop vectorizes.
        (y + 0.5f32.copysign(y)) as i16
    }
}

impl ToI16 for f64 {
    #[inline]
    fn to_i16(self) -> i16 {
        let y = self * 32768.0;
        (y + 0.5f64.copysign(y)) as i16
    }
}

/// The callback for a device delivering `T`: converts and pushes each buffer.
pub fn input_callback<T>(
    mut producer: rtrb::Producer<i16>,
    channels: usize,
    counters: Arc<Counters>,
) -> impl FnMut(&[T], &cpal::InputCallbackInfo) + Send + 'static
where
    T: SizedSample + ToI16,
{
    let channels = channels.max(1);
    move |data: &[T], _: &cpal::InputCallbackInfo| {
        push_converted(&mut producer, data, channels, &counters);
    }
}

/// Pushes as many whole frames of `data` as the ring has room for, as 16-bit, and counts the
/// rest as dropped. Whole frames only, so that channels never shift in the file.
pub fn push_converted<T: ToI16>(
    producer: &mut rtrb::Producer<i16>,
    data: &[T],
    channels: usize,
    counters: &Counters,
) {
    if counters.closed.load(Ordering::Relaxed) {
        return;
    }
    let room = producer.slots();
    let n = data.len().min(room);
    let n = n - n % channels;
    if n > 0
        && let Ok(chunk) = producer.write_chunk_uninit(n)
    {
        chunk.fill_from_iter(data[..n].iter().map(|&s| s.to_i16()));
    }
    counters
        .delivered
        .fetch_add(data.len() as u64, Ordering::Relaxed);
    if n < data.len() {
        counters
            .dropped
            .fetch_add((data.len() - n) as u64, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(c: &mut rtrb::Consumer<i16>) -> Vec<i16> {
        let mut out = Vec::new();
        while let Ok(x) = c.pop() {
            out.push(x);
        }
        out
    }

    #[test]
    fn converts_every_native_format_to_16_bit() {
        let (mut p, mut c) = rtrb::RingBuffer::new(64);
        let k = Counters::default();
        push_converted(&mut p, &[i16::MIN, 0, 16384], 1, &k);
        push_converted(&mut p, &[0u16, 32768, 65535], 1, &k);
        push_converted(&mut p, &[i32::MIN, 0x0001_0000], 1, &k);
        push_converted(&mut p, &[0u8, 128], 1, &k);
        push_converted(&mut p, &[-0.25f32, 0.5, 1.5, -2.0, f32::NAN], 1, &k);
        push_converted(&mut p, &[-0.25f64, 0.4999 / 32768.0], 1, &k);
        push_converted(&mut p, &[cpal::I24::new_unchecked(-(1 << 23))], 1, &k);
        assert_eq!(
            drain(&mut c),
            [
                -32768, 0, 16384, -32768, 0, 32767, -32768, 1, -32768, 0, -8192, 16384, 32767,
                -32768, 0, -8192, 0, -32768
            ]
        );
        assert_eq!(k.dropped.load(Ordering::Relaxed), 0);
        assert_eq!(k.delivered.load(Ordering::Relaxed), 18);
    }

    #[test]
    fn sixteen_bit_through_float_comes_back_exactly() {
        let (mut p, mut c) = rtrb::RingBuffer::new(1 << 17);
        let all: Vec<i16> = (i16::MIN..=i16::MAX).collect();
        let as_float: Vec<f32> = all.iter().map(|&s| f32::from(s) / 32768.0).collect();
        push_converted(&mut p, &as_float, 1, &Counters::default());
        assert_eq!(drain(&mut c), all);
    }

    #[test]
    fn a_full_ring_drops_whole_frames_and_counts_them() {
        let (mut p, mut c) = rtrb::RingBuffer::new(5);
        let k = Counters::default();
        // Stereo: room for 5 samples is room for 2 frames; the odd slot stays empty.
        push_converted(&mut p, &[1i16, 2, 3, 4, 5, 6], 2, &k);
        assert_eq!(drain(&mut c), [1, 2, 3, 4]);
        assert_eq!(k.dropped.load(Ordering::Relaxed), 2);
        // Wrapping around the end of the ring keeps the order.
        push_converted(&mut p, &[7i16, 8, 9, 10], 2, &k);
        assert_eq!(drain(&mut c), [7, 8, 9, 10]);
        assert_eq!(k.dropped.load(Ordering::Relaxed), 2);
        assert_eq!(k.delivered.load(Ordering::Relaxed), 10);
        k.closed.store(true, Ordering::Relaxed);
        push_converted(&mut p, &[1i16, 2], 2, &k);
        assert!(drain(&mut c).is_empty());
        assert_eq!(k.delivered.load(Ordering::Relaxed), 10);
    }
}
