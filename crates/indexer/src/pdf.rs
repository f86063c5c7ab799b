//! Text from PDF files, as the bundled corpus was made: Poppler's `pdftotext -layout`, run as
//! a subprocess. Measured against the pure-Rust extractors on Ofsted's PDFs
//! (`docs/pdf-extraction.md`), it is the only one whose output the parser reads as it reads the
//! bundled text (byte-identical on every PDF measured); the others lose the column layout the
//! judgement tables are read from.
//!
//! The PDF's bytes are given on standard input and the text read from standard output, at most
//! `read::MAX_FILE_BYTES` of it, within `TIME_LIMIT`. A missing `pdftotext`, an encrypted PDF, a
//! PDF with no text (a scan) or a damaged one is a `SkipReason`, never a failed run.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::error::SkipReason;
use crate::read::MAX_FILE_BYTES;

/// The extractor's program, looked up on the `PATH`.
pub const PDFTOTEXT: &str = "pdftotext";

/// Longest one PDF may take to extract: Ofsted's take well under a second.
pub const TIME_LIMIT: Duration = Duration::from_secs(120);

/// Whether `pdftotext` can be run here (for a caller that wants to say so before a run).
pub fn available() -> bool {
    Command::new(PDFTOTEXT)
        .arg("-v")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// Whether bytes start as a PDF does.
pub fn is_pdf(bytes: &[u8]) -> bool {
    bytes.starts_with(b"%PDF-")
}

/// The text of a PDF, laid out as `pdftotext -layout` lays it out (UTF-8, a form feed after
/// each page); the program's name is a parameter for tests.
pub fn extract_with(program: &str, bytes: &[u8]) -> Result<String, SkipReason> {
    if !is_pdf(bytes) {
        return Err(SkipReason::NotPdf);
    }
    let mut child = Command::new(program)
        .args(["-layout", "-enc", "UTF-8", "-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => SkipReason::NoPdfExtractor,
            _ => SkipReason::PdfUnreadable(format!("cannot run {program}: {e}")),
        })?;
    let (Some(mut stdin), Some(stdout), Some(stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(SkipReason::PdfUnreadable(format!("{program}: no pipes")));
    };
    let output = std::thread::scope(|scope| {
        // Fed and drained beside each other, so that neither pipe fills and stalls the other.
        let feeder = scope.spawn(move || {
            let _ = stdin.write_all(bytes);
        });
        let errors = scope.spawn(move || {
            let mut text = String::new();
            let _ = stderr.take(64 << 10).read_to_string(&mut text);
            text
        });
        let reader = scope.spawn(move || {
            let mut out = Vec::new();
            let read = stdout.take(MAX_FILE_BYTES + 1).read_to_end(&mut out);
            read.map(|_| out)
        });
        let status = wait(&mut child);
        let _ = feeder.join();
        (status, reader.join(), errors.join())
    });
    let (status, out, errors) = output;
    let errors = errors.unwrap_or_default();
    let status = status?;
    let out = match out {
        Ok(Ok(out)) => out,
        _ => {
            return Err(SkipReason::PdfUnreadable(format!(
                "{program}: output unreadable"
            )))
        }
    };
    if !status.success() {
        return Err(failure(&errors));
    }
    if out.len() as u64 > MAX_FILE_BYTES {
        return Err(SkipReason::TooLarge(out.len() as u64));
    }
    let text = String::from_utf8(out).map_err(|e| {
        SkipReason::PdfUnreadable(format!("{program} wrote text that is not UTF-8: {e}"))
    })?;
    if text.trim().is_empty() {
        return Err(SkipReason::PdfNoText);
    }
    Ok(text)
}

/// The text of a PDF with the `pdftotext` on the `PATH` (see [`extract_with`]).
pub fn extract(bytes: &[u8]) -> Result<String, SkipReason> {
    extract_with(PDFTOTEXT, bytes)
}

/// Waits for the extractor, killing it past `TIME_LIMIT`.
fn wait(child: &mut std::process::Child) -> Result<std::process::ExitStatus, SkipReason> {
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok(status),
            Ok(None) if started.elapsed() < TIME_LIMIT => {
                std::thread::sleep(Duration::from_millis(5));
            }
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(SkipReason::PdfUnreadable(format!(
                    "extraction took over {} s",
                    TIME_LIMIT.as_secs()
                )));
            }
            Err(e) => return Err(SkipReason::PdfUnreadable(e.to_string())),
        }
    }
}

/// Why the extractor failed, from what it wrote on standard error.
fn failure(errors: &str) -> SkipReason {
    if errors.contains("Incorrect password") {
        return SkipReason::PdfEncrypted;
    }
    let first = errors
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("the extractor failed");
    SkipReason::PdfUnreadable(first.chars().take(200).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `pdftotext` can be run here. CI installs it and sets
    /// `OFSEARCH_REQUIRE_PDFTOTEXT=1`, which makes its absence a failure; elsewhere the tests
    /// that need it say they were skipped.
    fn pdftotext_here() -> bool {
        let here = available();
        if !here {
            assert!(
                std::env::var_os("OFSEARCH_REQUIRE_PDFTOTEXT").is_none(),
                "pdftotext is required (OFSEARCH_REQUIRE_PDFTOTEXT is set): apt install poppler-utils"
            );
            eprintln!("pdftotext not installed: PDF extraction not tested");
        }
        here
    }

    fn fixture(name: &str) -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/pdf")
            .join(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    #[test]
    fn what_is_not_a_pdf_or_has_no_extractor_is_said_without_running_it() {
        assert!(matches!(extract(b"plain text"), Err(SkipReason::NotPdf)));
        assert!(matches!(extract(b""), Err(SkipReason::NotPdf)));
        let missing = extract_with("ofsearch-no-such-pdftotext", &fixture("hello.pdf"));
        assert!(
            matches!(missing, Err(SkipReason::NoPdfExtractor)),
            "{missing:?}"
        );
        let message = SkipReason::NoPdfExtractor.to_string();
        assert!(message.contains("poppler-utils"), "{message}");
    }

    #[test]
    fn text_pdfs_are_extracted_and_the_others_say_why_not() {
        if !pdftotext_here() {
            return;
        }
        let text = extract(&fixture("hello.pdf")).expect("text");
        assert!(text.contains("Hello from a PDF"), "{text:?}");
        assert!(
            text.contains('\u{c}'),
            "pages end with a form feed: {text:?}"
        );
        assert!(matches!(
            extract(&fixture("blank.pdf")),
            Err(SkipReason::PdfNoText)
        ));
        assert!(matches!(
            extract(&fixture("encrypted.pdf")),
            Err(SkipReason::PdfEncrypted)
        ));
        let hello = fixture("hello.pdf");
        match extract(&hello[..300]) {
            Err(SkipReason::PdfUnreadable(why)) => {
                assert!(!why.is_empty() && !why.contains('\n'), "{why:?}");
            }
            other => panic!("truncated PDF: {other:?}"),
        }
    }
}
