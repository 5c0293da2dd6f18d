//! Latency percentiles and CPU time of processes.

use std::time::Duration;

/// The `p`-th percentile (0 < p <= 100) of `sorted` by the nearest-rank
/// method: the smallest value with at least p% of the values at or below
/// it. `None` when there are no values.
pub fn percentile(sorted: &[Duration], p: f64) -> Option<Duration> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    let index = rank.clamp(1, sorted.len()) - 1;
    sorted.get(index).copied()
}

/// p50, p95 and p99 of `latencies` (sorted here).
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct Latency {
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub mean_ms: f64,
}

impl Latency {
    pub fn of(latencies: &mut [Duration]) -> Latency {
        latencies.sort_unstable();
        let ms = |d: Option<Duration>| d.map_or(0.0, |d| d.as_secs_f64() * 1e3);
        let mean_ms = if latencies.is_empty() {
            0.0
        } else {
            latencies.iter().map(Duration::as_secs_f64).sum::<f64>() * 1e3 / latencies.len() as f64
        };
        Latency {
            p50_ms: ms(percentile(latencies, 50.0)),
            p95_ms: ms(percentile(latencies, 95.0)),
            p99_ms: ms(percentile(latencies, 99.0)),
            mean_ms,
        }
    }
}

/// User plus system CPU time of process `pid` (all its threads, children
/// not included), from `/proc/<pid>/stat`. `None` where there is no procfs
/// or no such process.
pub fn cpu_time(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    parse_stat_cpu(&stat, clock_ticks_per_second())
}

/// `VmHWM` (peak) and `VmRSS` (now) of process `pid`, in MB (10^6
/// bytes), from `/proc/<pid>/status`.
pub fn resident_memory(pid: u32) -> Option<(f64, f64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    parse_status_memory(&status)
}

fn parse_status_memory(status: &str) -> Option<(f64, f64)> {
    let kb = |key: &str| -> Option<f64> {
        let line = status.lines().find(|l| l.starts_with(key))?;
        let value: f64 = line
            .get(key.len()..)?
            .split_whitespace()
            .next()?
            .parse()
            .ok()?;
        Some(value * 1024.0 / 1e6)
    };
    Some((kb("VmHWM:")?, kb("VmRSS:")?))
}

/// utime + stime (fields 14 and 15) of a `/proc/<pid>/stat` line, in ticks
/// of `ticks_per_second`. The command name (field 2) is in parentheses and
/// may hold spaces, so fields are counted after its closing parenthesis.
pub fn parse_stat_cpu(stat: &str, ticks_per_second: u64) -> Option<Duration> {
    let after_name = stat.get(stat.rfind(')')? + 1..)?;
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // After the name: field 3 (state) is fields[0], so field n is fields[n - 3].
    let utime: u64 = fields.get(14 - 3)?.parse().ok()?;
    let stime: u64 = fields.get(15 - 3)?.parse().ok()?;
    let ticks = utime + stime;
    Some(Duration::from_secs_f64(
        ticks as f64 / ticks_per_second.max(1) as f64,
    ))
}

/// `getconf CLK_TCK`, or 100 (Linux's value everywhere in practice).
fn clock_ticks_per_second() -> u64 {
    static TICKS: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        std::process::Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|out| String::from_utf8(out.stdout).ok())
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(100)
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn ms(values: &[u64]) -> Vec<Duration> {
        values.iter().map(|&v| Duration::from_millis(v)).collect()
    }

    #[test]
    fn nearest_rank_percentiles() {
        let sorted = ms(&(1..=100).collect::<Vec<_>>());
        assert_eq!(percentile(&sorted, 50.0), Some(Duration::from_millis(50)));
        assert_eq!(percentile(&sorted, 95.0), Some(Duration::from_millis(95)));
        assert_eq!(percentile(&sorted, 99.0), Some(Duration::from_millis(99)));
        assert_eq!(percentile(&sorted, 100.0), Some(Duration::from_millis(100)));
        let few = ms(&[10, 20, 30]);
        assert_eq!(percentile(&few, 50.0), Some(Duration::from_millis(20)));
        assert_eq!(percentile(&few, 99.0), Some(Duration::from_millis(30)));
        assert_eq!(percentile(&ms(&[7]), 1.0), Some(Duration::from_millis(7)));
        assert_eq!(percentile(&[], 50.0), None);
    }

    #[test]
    fn latency_summary_sorts_first() {
        let mut values = ms(&[30, 10, 20, 40]);
        let latency = Latency::of(&mut values);
        assert_eq!(latency.p50_ms, 20.0);
        assert_eq!(latency.p99_ms, 40.0);
        assert_eq!(latency.mean_ms, 25.0);
        assert_eq!(Latency::of(&mut []), Latency::default());
    }

    #[test]
    fn stat_line_with_spaces_in_the_name() {
        let line = "4242 (copydesk serve) S 1 4242 4242 0 -1 4194560 500 0 0 0 250 50 0 0 20 0 9 0 100 0 0";
        assert_eq!(parse_stat_cpu(line, 100), Some(Duration::from_secs(3)));
        assert_eq!(parse_stat_cpu("garbage", 100), None);
    }

    #[test]
    fn peak_and_current_memory_from_status() {
        let status =
            "Name:\tcopydesk\nVmPeak:\t 900 kB\nVmHWM:\t  2000000 kB\nVmRSS:\t  1000000 kB\n";
        assert_eq!(parse_status_memory(status), Some((2048.0, 1024.0)));
        assert_eq!(parse_status_memory("Name:\tx\n"), None);
    }

    #[test]
    fn own_cpu_time_is_readable() {
        if std::path::Path::new("/proc/self/stat").exists() {
            assert!(cpu_time(std::process::id()).is_some());
        }
    }
}
