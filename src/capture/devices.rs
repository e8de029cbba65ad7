//! The audio hosts and input devices cpal sees, what each supports, and picking one by name.

use cpal::traits::{DeviceTrait, HostTrait};

use super::CaptureError;

/// One audio host (ALSA, ...) and its input devices, for `rehearse devices`.
#[derive(Debug)]
pub struct HostReport {
    pub name: String,
    /// The host cpal uses unless told otherwise (the one `rehearse record` records from).
    pub is_default: bool,
    pub inputs: Vec<InputReport>,
    /// Why the host or its device list could not be read.
    pub error: Option<String>,
}

/// One input device: how to name it with `--device`, and what it can deliver.
#[derive(Debug)]
pub struct InputReport {
    /// The name `--device` takes (ALSA's PCM name: `default`, `pulse`, `hw:CARD=0,DEV=0`).
    pub id: String,
    /// The host's description of it.
    pub description: String,
    pub is_default: bool,
    /// The configuration `rehearse record` would open it with, or why it cannot be opened.
    pub default_config: Result<String, String>,
    /// Supported configurations, one line per sample format and rate range.
    pub configs: Result<Vec<String>, String>,
}

/// A device picked for recording, with the native configuration it will be opened with.
pub struct Picked {
    pub device: cpal::Device,
    /// How messages name it: its `--device` name.
    pub label: String,
    pub config: cpal::SupportedStreamConfig,
}

fn quiet_alsa() {
    #[cfg(target_os = "linux")]
    super::alsa_log::capture_on_this_thread();
}

/// alsa-lib's own explanation of the last failure, as a suffix for our message.
fn alsa_detail() -> String {
    #[cfg(target_os = "linux")]
    {
        let text = super::alsa_log::take();
        if !text.is_empty() {
            return format!(" (ALSA: {text})");
        }
    }
    String::new()
}

fn device_id(d: &cpal::Device) -> String {
    d.id()
        .map(|id| id.id().to_string())
        .unwrap_or_else(|_| d.to_string())
}

fn description(d: &cpal::Device) -> String {
    d.description()
        .map(|desc| desc.name().to_string())
        .unwrap_or_default()
}

/// `2 ch, 48000 Hz, f32`: the way configurations are shown everywhere.
pub fn describe_config(c: &cpal::SupportedStreamConfig) -> String {
    format!(
        "{} ch, {} Hz, {}",
        c.channels(),
        c.sample_rate(),
        c.sample_format()
    )
}

/// Lists every host and its input devices, opening each device to ask what it supports.
pub fn report() -> Vec<HostReport> {
    quiet_alsa();
    let default_host = cpal::default_host().id();
    let mut hosts = Vec::new();
    for host_id in cpal::available_hosts() {
        let mut entry = HostReport {
            name: host_id.name().to_string(),
            is_default: host_id == default_host,
            inputs: Vec::new(),
            error: None,
        };
        let host = match cpal::host_from_id(host_id) {
            Ok(h) => h,
            Err(e) => {
                entry.error = Some(format!("{e}{}", alsa_detail()));
                hosts.push(entry);
                continue;
            }
        };
        let default = host.default_input_device();
        let mut devices: Vec<cpal::Device> = match host.input_devices() {
            Ok(list) => list.collect(),
            Err(e) => {
                entry.error = Some(format!("cannot list devices: {e}{}", alsa_detail()));
                Vec::new()
            }
        };
        // ALSA lists `default` only while something backs it; show it anyway, since it is what
        // a plain `rehearse record` opens, and say why it cannot be opened.
        if let Some(d) = &default
            && !devices.contains(d)
        {
            devices.insert(0, d.clone());
        }
        let muted = super::term::MutedStderr::new();
        for d in devices {
            let default_config = d
                .default_input_config()
                .map(|c| describe_config(&c))
                .map_err(|e| format!("{e}{}", alsa_detail()));
            let configs = d
                .supported_input_configs()
                .map(|ranges| summarize_ranges(ranges.collect()))
                .map_err(|e| format!("{e}{}", alsa_detail()));
            entry.inputs.push(InputReport {
                id: device_id(&d),
                description: description(&d),
                is_default: default.as_ref() == Some(&d),
                default_config,
                configs,
            });
        }
        drop(muted);
        hosts.push(entry);
    }
    hosts
}

/// Folds cpal's ranges (one per channel count and format) into one line per format and rate
/// range: `f32: 1-32 ch, 1000-384000 Hz`.
fn summarize_ranges(ranges: Vec<cpal::SupportedStreamConfigRange>) -> Vec<String> {
    let mut groups: Vec<(cpal::SampleFormat, u32, u32, Vec<u16>)> = Vec::new();
    for r in ranges {
        let key = (r.sample_format(), r.min_sample_rate(), r.max_sample_rate());
        match groups.iter_mut().find(|g| (g.0, g.1, g.2) == key) {
            Some(g) => g.3.push(r.channels()),
            None => groups.push((key.0, key.1, key.2, vec![r.channels()])),
        }
    }
    groups
        .into_iter()
        .map(|(format, min, max, mut channels)| {
            channels.sort_unstable();
            channels.dedup();
            let rates = if min == max {
                format!("{min} Hz")
            } else {
                format!("{min}-{max} Hz")
            };
            format!("{format}: {} ch, {rates}", channel_ranges(&channels))
        })
        .collect()
}

/// `1-8, 12` for a sorted list of channel counts.
fn channel_ranges(sorted: &[u16]) -> String {
    let mut parts = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let start = sorted[i];
        let mut end = start;
        while i + 1 < sorted.len() && sorted[i + 1] == end + 1 {
            i += 1;
            end = sorted[i];
        }
        parts.push(if start == end {
            start.to_string()
        } else {
            format!("{start}-{end}")
        });
        i += 1;
    }
    parts.join(", ")
}

/// Finds the input device to record from (`None`: the host's default) and its native
/// configuration.
pub fn pick(name: Option<&str>) -> Result<Picked, CaptureError> {
    quiet_alsa();
    let host = cpal::default_host();
    let device = match name {
        None => host
            .default_input_device()
            .ok_or_else(|| CaptureError::NoInputDevice {
                reason: format!("{} offers no default input", host.id().name()),
            })?,
        Some(wanted) => find_named(&host, wanted)?,
    };
    let label = device_id(&device);
    let config = device.default_input_config().map_err(|e| {
        let reason = format!("{e}{}", alsa_detail());
        match name {
            None => CaptureError::NoInputDevice {
                reason: format!("the default input ({label}) cannot be opened: {reason}"),
            },
            Some(_) => CaptureError::OpenDevice {
                device: label.clone(),
                reason,
            },
        }
    })?;
    Ok(Picked {
        device,
        label,
        config,
    })
}

/// Matches `--device` against ids (`pulse`, `alsa:pulse`), then descriptions, ignoring case.
fn find_named(host: &cpal::Host, wanted: &str) -> Result<cpal::Device, CaptureError> {
    let default = host.default_input_device();
    if let Some(d) = &default
        && device_id(d) == wanted
    {
        return Ok(d.clone());
    }
    let devices: Vec<cpal::Device> = host
        .input_devices()
        .map(|l| l.collect())
        .unwrap_or_default();
    let by_id = devices.iter().find(|d| {
        d.id()
            .is_ok_and(|id| id.id() == wanted || id.to_string() == wanted)
    });
    let by_description = || {
        devices
            .iter()
            .find(|d| description(d).eq_ignore_ascii_case(wanted))
    };
    if let Some(d) = by_id.or_else(by_description) {
        return Ok(d.clone());
    }
    // ALSA shorthand (`hw:0,0`, `plughw:1`) is resolved by cpal itself.
    if let Some(d) = host.device_by_id(&cpal::DeviceId::new(host.id(), wanted)) {
        return Ok(d);
    }
    let mut known: Vec<String> = default.iter().chain(&devices).map(device_id).collect();
    known.dedup();
    // What alsa-lib said while looking is about devices that do not matter here.
    let _ = alsa_detail();
    Err(CaptureError::UnknownDevice {
        name: wanted.to_string(),
        known: if known.is_empty() {
            "none".to_string()
        } else {
            known.join(", ")
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_lists() {
        assert_eq!(channel_ranges(&[1]), "1");
        assert_eq!(channel_ranges(&[1, 2, 3, 4]), "1-4");
        assert_eq!(channel_ranges(&[1, 2, 6, 8, 9]), "1-2, 6, 8-9");
    }
}
