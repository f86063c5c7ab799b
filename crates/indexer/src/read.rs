//! Reading report files: what to read, and why a file is skipped (empty, binary, not UTF-8,
//! unreadable) without stopping the run.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::error::SkipReason;

/// Extensions of report files: text (as `pdftotext -layout` or a Markdown conversion writes
/// it) and PDF (read through `pdf::extract`).
pub const EXTENSIONS: &[&str] = &["txt", "md", "pdf"];
/// Documentation files that live beside reports and are not reports.
pub const DOC_FILES: &[&str] = &["sources.md", "readme.md"];

/// The largest file read as a report: 100 times the largest report of the bundled corpus
/// (157 KB). A larger file is no single report (a bad conversion, several reports run
/// together, a log); it is skipped unread, so that no file costs more than this to parse and
/// index. (`SkipReason::TooLarge` says 16 MiB.)
pub const MAX_FILE_BYTES: u64 = 16 << 20;

/// A file found under the inputs, or a path that could not be walked.
#[derive(Debug)]
pub enum Found {
    /// A report file to read.
    File(PathBuf),
    /// A path that was skipped, and why.
    Skipped(PathBuf, SkipReason),
}

/// Whether a report file is a PDF, by its extension.
pub fn is_pdf_path(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.to_string_lossy().eq_ignore_ascii_case("pdf"))
}

/// Walks files and folders, in a stable order, yielding `.txt`, `.md` and `.pdf` files. Files of other
/// extensions are ignored inside folders and reported when named as inputs.
pub fn walk(inputs: &[PathBuf]) -> Vec<Found> {
    let mut found = Vec::new();
    for input in inputs {
        if !input.exists() {
            found.push(Found::Skipped(input.clone(), SkipReason::Missing));
            continue;
        }
        for entry in WalkDir::new(input).follow_links(true).sort_by_file_name() {
            match entry {
                Ok(entry) if entry.file_type().is_file() => {
                    let path = entry.path();
                    let name = path
                        .file_name()
                        .map(|n| n.to_string_lossy().to_lowercase())
                        .unwrap_or_default();
                    let ext = path
                        .extension()
                        .map(|e| e.to_string_lossy().to_lowercase())
                        .unwrap_or_default();
                    if DOC_FILES.contains(&name.as_str()) {
                        found.push(Found::Skipped(
                            path.to_path_buf(),
                            SkipReason::Documentation,
                        ));
                    } else if EXTENSIONS.contains(&ext.as_str()) {
                        found.push(Found::File(path.to_path_buf()));
                    } else if entry.depth() == 0 {
                        // Named on its own, not met in a folder: say why nothing came of it.
                        found.push(Found::Skipped(path.to_path_buf(), SkipReason::NotReport));
                    }
                }
                Ok(entry) if entry.depth() == 0 && !entry.file_type().is_dir() => {
                    // Named on its own: say what it is rather than pass over it silently.
                    let what = special_file(&entry.file_type());
                    found.push(Found::Skipped(
                        entry.path().to_path_buf(),
                        SkipReason::NotAFile(what),
                    ));
                }
                // Inside a folder, what is not a regular file is passed over like a file that is
                // not a report (reading a pipe would wait for a writer for ever).
                Ok(_) => {}
                Err(err) => {
                    let path = err
                        .path()
                        .map(Path::to_path_buf)
                        .unwrap_or_else(|| input.clone());
                    // The path is reported beside the reason: say only what went wrong.
                    let why = err
                        .io_error()
                        .map_or_else(|| err.to_string(), ToString::to_string);
                    found.push(Found::Skipped(path, SkipReason::Unreadable(why)));
                }
            }
        }
    }
    found
}

/// What a path that is neither a regular file nor a folder is.
#[cfg(unix)]
fn special_file(file_type: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if file_type.is_fifo() {
        "a named pipe (FIFO)"
    } else if file_type.is_char_device() || file_type.is_block_device() {
        "a device"
    } else if file_type.is_socket() {
        "a socket"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn special_file(_: &std::fs::FileType) -> &'static str {
    "a special file"
}

/// A path as text, losslessly: as it is when it is UTF-8 with no backslash; otherwise each
/// backslash doubled and each byte that is not UTF-8 written `\xNN`, so that two names that
/// differ only there stay two names.
pub fn path_text(path: &Path) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let bytes = path.as_os_str().as_bytes();
        if let Ok(text) = std::str::from_utf8(bytes) {
            if !text.contains('\\') {
                return text.to_string();
            }
        }
        let mut out = String::with_capacity(bytes.len() + 8);
        for chunk in bytes.utf8_chunks() {
            out.push_str(&chunk.valid().replace('\\', "\\\\"));
            for byte in chunk.invalid() {
                out.push_str(&format!("\\x{byte:02X}"));
            }
        }
        out
    }
    #[cfg(not(unix))]
    {
        path.to_string_lossy().into_owned()
    }
}

/// Decodes a report file's bytes, or says why it cannot be indexed.
pub fn decode(bytes: &[u8]) -> Result<&str, SkipReason> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(SkipReason::Empty);
    }
    let head = &bytes[..bytes.len().min(8192)];
    let is_control = |b: u8| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c);
    if let Some(offset) = head.iter().position(|&b| b == 0) {
        return Err(SkipReason::Binary { byte: 0, offset });
    }
    let controls = head.iter().filter(|&&b| is_control(b)).count();
    if controls * 10 > head.len() {
        let offset = head.iter().position(|&b| is_control(b)).unwrap_or_default();
        return Err(SkipReason::Binary {
            byte: head[offset],
            offset,
        });
    }
    std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        SkipReason::InvalidUtf8 {
            byte: bytes[offset],
            offset,
            line: 1 + bytes[..offset].iter().filter(|&&b| b == b'\n').count(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn path_text_is_lossless() {
        use std::os::unix::ffi::OsStrExt;
        let text = |bytes: &[u8]| path_text(Path::new(std::ffi::OsStr::from_bytes(bytes)));
        assert_eq!(text(b"in/Slough \xe2\x80\x99s.txt"), "in/Slough ’s.txt");
        assert_eq!(text(b"in/a\xff.txt"), "in/a\\xFF.txt");
        assert_eq!(text(b"in/a\\xFF.txt"), "in/a\\\\xFF.txt");
        assert_ne!(text(b"in/a\xff.txt"), text(b"in/a\xfe.txt"));
    }

    #[test]
    fn decode_says_why() {
        assert_eq!(decode(b"  \n\n"), Err(SkipReason::Empty));
        assert_eq!(decode(b""), Err(SkipReason::Empty));
        assert_eq!(
            decode(b"PK\x03\x04\x00\x00binary"),
            Err(SkipReason::Binary { byte: 0, offset: 4 })
        );
        assert_eq!(
            decode(b"\x1b\x01\x02\x03ab"),
            Err(SkipReason::Binary {
                byte: 0x1b,
                offset: 0
            })
        );
        assert_eq!(
            decode(b"Hartlepool \xff\xfe council"),
            Err(SkipReason::InvalidUtf8 {
                byte: 0xff,
                offset: 11,
                line: 1
            })
        );
        assert_eq!(
            decode(b"a\nb\r\nc \xe9t\xe9"),
            Err(SkipReason::InvalidUtf8 {
                byte: 0xe9,
                offset: 7,
                line: 3
            })
        );
        assert_eq!(
            decode("Children’s services\u{c}".as_bytes()),
            Ok("Children’s services\u{c}")
        );
    }
}
