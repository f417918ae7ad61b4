//! Every process the end-to-end harness starts (KMS, chromedriver and its Chromium,
//! LocalStack) is marked and owned, so a failing test ends them as surely as a passing one.
//!
//! Each spawned tree runs in a process group of its own and carries two environment
//! variables that its children inherit (Chromium inherits chromedriver's): the test
//! process that owns it ([`OWNER_ENV`]) and the tree itself ([`TREE_ENV`]). Dropping an
//! [`Owned`] — on success, on a failed assertion, on a panic — kills the group, then every
//! process still carrying the tree's mark. The first spawn of a run ends what earlier
//! runs of this suite left (their owner is gone), and says so; other live runs are left alone.

use std::fs;
use std::io::Write;
use std::process::{Child, Command, ExitStatus};
use std::sync::Once;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// Names the test process that owns a tree: `<pid>:<start time in ticks>`.
pub const OWNER_ENV: &str = "BYOK_E2E_OWNER";
/// Names one spawned tree: `<owner>:<n>`.
pub const TREE_ENV: &str = "BYOK_E2E_TREE";

/// This test process's mark (pid plus start time, so a reused pid is not mistaken).
pub fn owner_mark() -> &'static str {
    static MARK: OnceLock<String> = OnceLock::new();
    MARK.get_or_init(|| {
        let pid = std::process::id();
        format!("{pid}:{}", start_time(pid).unwrap_or_default())
    })
}

/// A process tree the harness started, ended when dropped.
pub struct Owned {
    child: Child,
    mark: String,
    what: &'static str,
}

impl Owned {
    /// Starts `command` in a new process group, marked as this run's.
    pub fn spawn(command: &mut Command, what: &'static str) -> Self {
        use std::os::unix::process::CommandExt;
        static TREES: AtomicU32 = AtomicU32::new(0);
        end_leftovers_once();
        let mark = format!("{}:{}", owner_mark(), TREES.fetch_add(1, Ordering::SeqCst));
        let child = command
            .env(OWNER_ENV, owner_mark())
            .env(TREE_ENV, &mark)
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("start {what}: {e}"));
        Self { child, mark, what }
    }

    pub fn try_wait(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// Every live process of this tree (the first process and whatever it started).
    pub fn pids(&self) -> Vec<u32> {
        processes_marked(|owner, tree| owner.is_some() && tree == Some(self.mark.as_str()))
    }

    /// Ends the whole tree: its process group, then anything still marked as its own.
    pub fn end(&mut self) {
        let group = self.child.id() as i32;
        // SAFETY: kill(2) with a negative pid signals the group we created; no memory is touched.
        unsafe {
            libc::kill(-group, libc::SIGKILL);
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let left = self.pids();
            if left.is_empty() {
                return;
            }
            if Instant::now() > deadline {
                let _ = writeln!(
                    std::io::stderr(),
                    "harness: {} processes of {} would not end: {left:?}",
                    left.len(),
                    self.what
                );
                return;
            }
            for pid in left {
                // SAFETY: as above, a signal to a process carrying our own mark.
                unsafe {
                    libc::kill(pid as i32, libc::SIGKILL);
                }
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Owned {
    fn drop(&mut self) {
        self.end();
    }
}

/// Whether `pid` is a process that has not ended (a zombie has ended).
pub fn is_running(pid: u32) -> bool {
    match fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat_fields(&stat)
            .first()
            .is_some_and(|state| *state != "Z"),
        Err(_) => false,
    }
}

/// The fields of `/proc/<pid>/stat` after the command name (state first).
fn stat_fields(stat: &str) -> Vec<&str> {
    stat.rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default()
}

/// When `pid` started, in clock ticks since boot (field 22 of its stat).
fn start_time(pid: u32) -> Option<String> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat_fields(&stat).get(19).map(|s| (*s).to_owned())
}

/// Live processes whose (owner, tree) marks satisfy `keep`.
fn processes_marked(keep: impl Fn(Option<&str>, Option<&str>) -> bool) -> Vec<u32> {
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let Ok(environ) = fs::read(format!("/proc/{pid}/environ")) else {
                return false;
            };
            let value = |name: &str| {
                environ.split(|b| *b == 0).find_map(|pair| {
                    std::str::from_utf8(pair)
                        .ok()?
                        .strip_prefix(name)?
                        .strip_prefix('=')
                })
            };
            keep(value(OWNER_ENV), value(TREE_ENV)) && is_running(*pid)
        })
        .collect()
}

/// Whether the test process named by an owner mark is still running.
fn owner_alive(owner: &str) -> bool {
    let Some((pid, started)) = owner.split_once(':') else {
        return false;
    };
    pid.parse::<u32>()
        .ok()
        .and_then(start_time)
        .is_some_and(|now| now == started)
}

/// Once per run: report and end the processes earlier runs of this suite left
/// behind (their owner has exited); print the browser's versions for the log.
fn end_leftovers_once() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let mut err = std::io::stderr();
        let leftovers = processes_marked(|owner, _| owner.is_some_and(|o| !owner_alive(o)));
        if !leftovers.is_empty() {
            let _ = writeln!(
                err,
                "harness: ending {} processes left by an earlier end-to-end run: {leftovers:?}",
                leftovers.len()
            );
            for pid in leftovers {
                // SAFETY: a signal to a process carrying this suite's mark whose owner is gone.
                unsafe {
                    libc::kill(pid as i32, libc::SIGKILL);
                }
            }
        }
    });
}
