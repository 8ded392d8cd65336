//! What the lab keeps between runs, in the XDG state directory (`$XDG_STATE_HOME/apigw-lab`, or
//! `~/.local/state/apigw-lab`): recovery files for unsaved edits and lesson progress.

use std::io;
use std::path::{Path, PathBuf};

/// The lab's state directory, `None` when neither `XDG_STATE_HOME` nor `HOME` is set.
pub fn state_dir() -> Option<PathBuf> {
    let xdg = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from);
    let base = xdg.filter(|p| p.is_absolute()).or_else(|| {
        std::env::var_os("HOME")
            .filter(|v| !v.is_empty())
            .map(|h| PathBuf::from(h).join(".local/state"))
    })?;
    Some(base.join("apigw-lab"))
}

/// FNV-1a: a stable short name for a scenario's origin (std's hasher is not stable across runs).
fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The recovery file for edits of `origin` (a file path, or a built-in / lesson name).
pub fn recovery_file(dir: &Path, origin: &str) -> PathBuf {
    let stem: String = Path::new(origin)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(40)
        .collect();
    dir.join("recovery")
        .join(format!("{stem}-{:016x}.toml", fnv(origin)))
}

/// Writes `text` to `path` atomically (temporary file in the same directory, then rename).
pub fn write_atomic(path: &Path, text: &str) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)
}

/// The first line of a recovery file names what it recovers.
pub const RECOVERY_HEADER: &str = "# apigw-lab recovery file for: ";

pub fn write_recovery(file: &Path, origin: &str, toml: &str) -> io::Result<()> {
    write_atomic(file, &format!("{RECOVERY_HEADER}{origin}\n{toml}"))
}

/// Solved lessons, one id per line.
pub fn progress_file(dir: &Path) -> PathBuf {
    dir.join("lessons-solved.txt")
}

pub fn solved_lessons(dir: Option<&Path>) -> Vec<String> {
    let Some(dir) = dir else { return Vec::new() };
    std::fs::read_to_string(progress_file(dir))
        .map(|t| {
            t.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

pub fn mark_solved(dir: &Path, id: &str) -> io::Result<()> {
    let mut solved = solved_lessons(Some(dir));
    if solved.iter().any(|s| s == id) {
        return Ok(());
    }
    solved.push(id.to_string());
    write_atomic(&progress_file(dir), &(solved.join("\n") + "\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_files_are_stable_and_distinct() {
        let d = Path::new("/s");
        assert_eq!(recovery_file(d, "/a/x.toml"), recovery_file(d, "/a/x.toml"));
        assert_ne!(recovery_file(d, "/a/x.toml"), recovery_file(d, "/b/x.toml"));
        assert!(
            recovery_file(d, "/a/x.toml")
                .to_string_lossy()
                .contains("/recovery/x-")
        );
    }

    #[test]
    fn progress_round_trips() {
        let dir = std::env::temp_dir().join(format!("apigw-lab-store-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        assert!(solved_lessons(Some(&dir)).is_empty());
        mark_solved(&dir, "01-a").unwrap();
        mark_solved(&dir, "02-b").unwrap();
        mark_solved(&dir, "01-a").unwrap();
        assert_eq!(solved_lessons(Some(&dir)), ["01-a", "02-b"]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
