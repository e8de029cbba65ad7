//! Capture without a sound card, shared by the tests that record (`record`, `practice`): a
//! private PulseAudio daemon with a null sink (recipe B of
//! `../shared/notes/capture-without-sound-card.md`), and the tools it needs, each missing one
//! failing the test with the command that installs it.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const SETUP: &str = "run `bash scripts/setup.sh --for-tests`";

/// The full path of a tool the recipes need; a missing one fails the test, never skips it.
pub fn need(tool: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|d| d.join(tool))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("{tool} not found: {SETUP} (recipe packages: pulseaudio pulseaudio-utils libasound2-plugins sox)"))
}

/// ALSA's PulseAudio plugin (libasound2-plugins), without which `default` is not PulseAudio.
pub fn need_alsa_pulse_plugin() {
    let found = std::fs::read_dir("/usr/lib")
        .into_iter()
        .flatten()
        .flatten()
        .any(|d| {
            d.path()
                .join("alsa-lib/libasound_module_pcm_pulse.so")
                .is_file()
        });
    assert!(
        found,
        "ALSA's pulse plugin is missing: {SETUP} (libasound2-plugins)"
    );
}

pub fn alive(pid: i32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
        && std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .map(|s| !s.contains(") Z "))
            .unwrap_or(false)
}

/// Sends `sig` to `pid` and waits for it to be gone (SIGKILL after 5 s).
pub fn stop_pid(pid: i32, sig: i32) {
    // SAFETY: kill(2) on a pid this test started.
    unsafe { libc::kill(pid, sig) };
    let until = Instant::now() + Duration::from_secs(5);
    while alive(pid) && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
    }
    if alive(pid) {
        unsafe { libc::kill(pid, libc::SIGKILL) };
    }
}

/// Recipe B: a private PulseAudio daemon with a 16 kHz mono null sink as the default sink and
/// its monitor as the default source.
pub struct Pulse {
    dir: tempfile::TempDir,
    pid: Option<i32>,
}

impl Pulse {
    pub fn start() -> Pulse {
        let pulseaudio = need("pulseaudio");
        need("paplay");
        need("pactl");
        need_alsa_pulse_plugin();
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        std::fs::create_dir_all(d.join("run")).expect("run dir");
        std::fs::write(
            d.join("pa.pa"),
            format!(
                "load-module module-native-protocol-unix auth-anonymous=1 socket={0}/native\n\
                 load-module module-null-sink sink_name=speech rate=16000 channels=1 format=s16le sink_properties=device.description=Speech\n\
                 set-default-sink speech\n\
                 set-default-source speech.monitor\n",
                d.display()
            ),
        )
        .expect("pa.pa");
        // Clients must never start a daemon of their own behind the test's back.
        std::fs::write(d.join("client.conf"), "autospawn = no\n").expect("client.conf");
        let mut pulse = Pulse { dir, pid: None };
        let st = pulse
            .env(&mut Command::new(pulseaudio))
            .args(["-n", "-F"])
            .arg(pulse.dir.path().join("pa.pa"))
            .args([
                "--daemonize=yes",
                "--exit-idle-time=-1",
                "--use-pid-file=yes",
            ])
            .arg(format!(
                "--log-target=file:{}",
                pulse.dir.path().join("pa.log").display()
            ))
            .status()
            .expect("start pulseaudio");
        assert!(st.success(), "pulseaudio failed to start: {}", pulse.log());
        let pid_file = pulse.dir.path().join("run/pid");
        let pid: i32 = std::fs::read_to_string(&pid_file)
            .expect("pulseaudio pid file")
            .trim()
            .parse()
            .expect("pid");
        pulse.pid = Some(pid);
        let until = Instant::now() + Duration::from_secs(10);
        loop {
            let ok = pulse
                .env(&mut Command::new("pactl"))
                .arg("info")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if ok {
                break;
            }
            assert!(
                Instant::now() < until,
                "pulseaudio not answering: {}",
                pulse.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        pulse
    }

    /// Points a command at this daemon and nothing else.
    pub fn env<'a>(&self, c: &'a mut Command) -> &'a mut Command {
        let d = self.dir.path();
        c.env("PULSE_SERVER", format!("unix:{}/native", d.display()))
            .env("PULSE_RUNTIME_PATH", d.join("run"))
            .env("PULSE_CLIENTCONFIG", d.join("client.conf"))
            .env("HOME", d)
            .env_remove("ALSA_CONFIG_PATH")
    }

    /// Plays a WAV into the null sink in real time.
    pub fn play(&self, wav: &Path) -> Child {
        self.env(&mut Command::new("paplay"))
            .arg(wav)
            .spawn()
            .expect("paplay")
    }

    /// Stops the daemon now (the sound server going away mid-recording).
    pub fn kill_daemon(&mut self) {
        if let Some(pid) = self.pid.take() {
            stop_pid(pid, libc::SIGTERM);
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("pa.log")).unwrap_or_default()
    }
}

impl Drop for Pulse {
    fn drop(&mut self) {
        self.kill_daemon();
    }
}
