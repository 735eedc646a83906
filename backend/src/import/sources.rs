//! Where notices come from: files, folders of them (recursively, in name
//! order), and the gzipped tar packages TED publishes daily. Each notice is
//! handed over as soon as it is read, so memory stays flat however many
//! there are.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use flate2::read::GzDecoder;

use super::notice::Problem;

/// The most one notice may weigh; the largest real ones are a few
/// hundred kilobytes.
pub const MAX_NOTICE_BYTES: u64 = 20 * 1024 * 1024;

/// One file to read: a notice, or a package of them.
#[derive(Debug, Clone)]
pub enum Source {
    Notice(PathBuf),
    Package(PathBuf),
}

pub fn is_package(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.ends_with(".tar.gz") || name.ends_with(".tgz")
}

fn is_notice(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".xml")
}

/// Every notice file and package under the paths, in name order per
/// folder; a path that is neither is reported as a notice and fails when
/// read.
pub fn list(paths: &[PathBuf]) -> std::io::Result<Vec<Source>> {
    let mut sources = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut sources)?;
        } else if is_package(&path.to_string_lossy()) {
            sources.push(Source::Package(path.clone()));
        } else {
            sources.push(Source::Notice(path.clone()));
        }
    }
    Ok(sources)
}

fn walk(dir: &Path, sources: &mut Vec<Source>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    entries.sort();
    for path in entries {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if path.is_dir() {
            walk(&path, sources)?;
        } else if is_package(&name) {
            sources.push(Source::Package(path));
        } else if is_notice(&name) {
            sources.push(Source::Notice(path));
        }
    }
    Ok(())
}

/// How many notices the sources hold (a package is read once to count).
pub fn count(sources: &[Source]) -> u64 {
    sources
        .iter()
        .map(|s| match s {
            Source::Notice(_) => 1,
            Source::Package(path) => File::open(path)
                .map(|f| count_package(BufReader::new(f)))
                .unwrap_or(1),
        })
        .sum()
}

fn count_package(reader: impl Read) -> u64 {
    let mut archive = tar::Archive::new(GzDecoder::new(reader));
    archive
        .entries()
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.header().entry_type().is_file())
                .filter(|e| e.path().is_ok_and(|p| is_notice(&p.to_string_lossy())))
                .count() as u64
        })
        .unwrap_or(1)
}

/// Reads every notice of a source and hands each (name, bytes) over.
pub fn read(source: &Source, each: &mut dyn FnMut(String, Result<Vec<u8>, Problem>)) {
    match source {
        Source::Notice(path) => {
            let name = path.display().to_string();
            each(name, read_file(path));
        }
        Source::Package(path) => {
            let name = path.display().to_string();
            match File::open(path) {
                Ok(file) => read_package(&name, BufReader::new(file), each),
                Err(e) => each(
                    name,
                    Err(Problem::Unreadable {
                        field: "file",
                        value: e.to_string(),
                    }),
                ),
            }
        }
    }
}

fn read_file(path: &Path) -> Result<Vec<u8>, Problem> {
    let unreadable = |e: std::io::Error| Problem::Unreadable {
        field: "file",
        value: e.to_string(),
    };
    let file = File::open(path).map_err(unreadable)?;
    let mut bytes = Vec::new();
    file.take(MAX_NOTICE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    too_large(&bytes)?;
    Ok(bytes)
}

fn too_large(bytes: &[u8]) -> Result<(), Problem> {
    if bytes.len() as u64 > MAX_NOTICE_BYTES {
        return Err(Problem::Unreadable {
            field: "file",
            value: format!("larger than {} MB", MAX_NOTICE_BYTES / 1024 / 1024),
        });
    }
    Ok(())
}

/// Every XML file of a gzipped tar package, named `package/entry`.
pub fn read_package(
    package: &str,
    reader: impl Read,
    each: &mut dyn FnMut(String, Result<Vec<u8>, Problem>),
) {
    let mut archive = tar::Archive::new(GzDecoder::new(reader));
    let entries = match archive.entries() {
        Ok(entries) => entries,
        Err(e) => {
            return each(
                package.to_owned(),
                Err(Problem::Unreadable {
                    field: "package",
                    value: e.to_string(),
                }),
            );
        }
    };
    for entry in entries {
        let mut entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                // A broken archive cannot be read past the break.
                return each(
                    package.to_owned(),
                    Err(Problem::Unreadable {
                        field: "package",
                        value: e.to_string(),
                    }),
                );
            }
        };
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let inner = entry
            .path()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !is_notice(&inner) {
            continue;
        }
        let name = format!("{package}/{inner}");
        let mut bytes = Vec::new();
        let read = (&mut entry)
            .take(MAX_NOTICE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Problem::Unreadable {
                field: "package",
                value: e.to_string(),
            })
            .and_then(|_| too_large(&bytes).map(|()| bytes));
        each(name, read);
    }
}
