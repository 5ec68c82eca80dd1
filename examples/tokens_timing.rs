//! Times semantic tokens on each stress file of the shared corpus; run it with
//! `cargo run --release --example tokens_timing`. Only `tokens()` is timed, not the parse.
//!
//! Besides wall-clock time it reports the thread's CPU time (on Linux), which a busy machine
//! disturbs less, and the CPU time of a bare walk over every node of the tree, the floor for
//! anything that visits the whole tree.

use std::path::Path;
use std::time::{Duration, Instant};

use dockls::analysis::Analysis;
use dockls::tokens::tokens;

const RUNS: u32 = 20;

#[repr(C)]
struct Timespec {
    seconds: i64,
    nanoseconds: i64,
}

extern "C" {
    fn clock_gettime(clock: i32, time: *mut Timespec) -> i32;
}

/// Linux's `CLOCK_THREAD_CPUTIME_ID`.
const THREAD_CPU_CLOCK: i32 = 3;

/// The CPU time this thread has used, on 64-bit Linux.
fn cpu_time() -> Option<Duration> {
    if !(cfg!(target_os = "linux") && cfg!(target_pointer_width = "64")) {
        return None;
    }
    let mut time = Timespec {
        seconds: 0,
        nanoseconds: 0,
    };
    // SAFETY: `time` is a valid, writable timespec with the C layout of 64-bit Linux.
    let status = unsafe { clock_gettime(THREAD_CPU_CLOCK, &mut time) };
    let seconds = u64::try_from(time.seconds).ok()?;
    let nanoseconds = u32::try_from(time.nanoseconds).ok()?;
    (status == 0).then(|| Duration::new(seconds, nanoseconds))
}

/// The least wall-clock and CPU time `work` takes over [`RUNS`] runs.
fn best_of(mut work: impl FnMut()) -> (Duration, Option<Duration>) {
    let mut wall = Duration::MAX;
    let mut cpu: Option<Duration> = None;
    for _ in 0..RUNS {
        let cpu_start = cpu_time();
        let start = Instant::now();
        work();
        wall = wall.min(start.elapsed());
        if let (Some(before), Some(after)) = (cpu_start, cpu_time()) {
            let used = after.saturating_sub(before);
            cpu = Some(cpu.map_or(used, |best| best.min(used)));
        }
    }
    (wall, cpu)
}

fn walk_every_node(analysis: &Analysis) -> usize {
    let mut cursor = analysis.tree().walk();
    let mut count = 0;
    loop {
        count += 1;
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return count;
            }
        }
    }
}

fn milliseconds(duration: Option<Duration>) -> String {
    duration.map_or("n/a".to_owned(), |d| {
        format!("{:.3} ms", d.as_secs_f64() * 1e3)
    })
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/stress");
    let mut paths: Vec<_> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(error) => {
            eprintln!("cannot list {}: {error}", dir.display());
            std::process::exit(1);
        }
    };
    paths.sort();
    for path in paths {
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        let analysis = Analysis::from_text(&text);
        let count = tokens(&analysis, None).len();
        let (wall, cpu) = best_of(|| {
            std::hint::black_box(tokens(&analysis, None));
        });
        let middle = text.len() / 2;
        let (ranged_wall, _) = best_of(|| {
            std::hint::black_box(tokens(&analysis, Some(middle..middle + 4000)));
        });
        let nodes = walk_every_node(&analysis);
        let (_, walk_cpu) = best_of(|| {
            std::hint::black_box(walk_every_node(&analysis));
        });
        println!(
            "{}: {} bytes, {count} tokens; full {} wall, {} CPU; 4 kB range {} wall; bare walk of {nodes} nodes {} CPU",
            path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default(),
            text.len(),
            milliseconds(Some(wall)),
            milliseconds(cpu),
            milliseconds(Some(ranged_wall)),
            milliseconds(walk_cpu),
        );
    }
}
