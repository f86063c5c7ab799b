//! tantivy's errors in words: several of its messages print their cause as a Rust `Debug` dump
//! (`IoError { io_error: Custom { kind: StorageFull, error: PathError { .. } } }`). Both the
//! indexer and the query crate say them through [`tantivy_error`], which names the file and the
//! operating system's reason once.

use std::io;

use tantivy::directory::error::{LockError, OpenDirectoryError, OpenReadError, OpenWriteError};
use tantivy::TantivyError;

/// `error` as one line a user can act on: what failed, on which file, and why.
pub fn tantivy_error(error: &TantivyError) -> String {
    match error {
        TantivyError::IoError(io) => io_error(io),
        TantivyError::OpenWriteError(OpenWriteError::IoError {
            io_error: io,
            filepath,
        }) => {
            format!(
                "cannot write {}: {}",
                filepath.display(),
                self::io_error(io)
            )
        }
        TantivyError::OpenWriteError(OpenWriteError::FileAlreadyExists(path)) => {
            format!("{} already exists", path.display())
        }
        TantivyError::OpenReadError(OpenReadError::FileDoesNotExist(path)) => {
            format!("{} is missing", path.display())
        }
        TantivyError::OpenReadError(OpenReadError::IoError {
            io_error: io,
            filepath,
        }) => {
            format!("cannot read {}: {}", filepath.display(), self::io_error(io))
        }
        TantivyError::OpenReadError(other) => other.to_string(),
        TantivyError::OpenDirectoryError(e) => directory_error(e),
        TantivyError::LockFailure(LockError::LockBusy, _) => {
            "another process is writing this index (it holds the writer's lock file); \
             wait for it to finish"
                .to_string()
        }
        TantivyError::LockFailure(LockError::IoError(io), _) => {
            format!("cannot take the index's lock file: {}", io_error(io))
        }
        TantivyError::DataCorruption(corruption) => format!("{corruption:?}"),
        TantivyError::IncompatibleIndex(incompatibility) => format!("{incompatibility:?}"),
        other => other.to_string(),
    }
}

fn directory_error(error: &OpenDirectoryError) -> String {
    match error {
        OpenDirectoryError::IoError {
            io_error: io,
            directory_path,
        } => format!("cannot open {}: {}", directory_path.display(), io_error(io)),
        OpenDirectoryError::FailedToCreateTempDir(io) => {
            format!("cannot create a temporary directory: {}", io_error(io))
        }
        other => other.to_string(),
    }
}

/// The operating system's reason, without the wrappers tantivy adds (its temporary file's path
/// error keeps the reason as its source).
pub fn io_error(error: &io::Error) -> String {
    let mut reason: &dyn std::error::Error = error;
    // tantivy's atomic writes wrap the reason in a `PathError` naming a temporary file.
    while let Some(inner) = reason.source() {
        reason = inner;
    }
    reason.to_string()
}

/// Whether `error` is the device or a quota running out of space (or a file size limit).
pub fn is_out_of_space(error: &TantivyError) -> bool {
    let io = match error {
        TantivyError::IoError(io) => Some(io.as_ref()),
        TantivyError::OpenWriteError(OpenWriteError::IoError { io_error, .. }) => {
            Some(io_error.as_ref())
        }
        TantivyError::LockFailure(LockError::IoError(io), _) => Some(io.as_ref()),
        _ => None,
    };
    io.is_some_and(|io| {
        matches!(
            io.kind(),
            io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded | io::ErrorKind::FileTooLarge
        )
    })
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::sync::Arc;

    use super::*;

    fn full() -> io::Error {
        io::Error::from_raw_os_error(28)
    }

    #[test]
    fn causes_are_worded_once_without_debug_dumps() {
        let wrapped = io::Error::new(io::ErrorKind::StorageFull, io::Error::other(full()));
        let error = TantivyError::OpenWriteError(OpenWriteError::IoError {
            io_error: Arc::new(wrapped),
            filepath: PathBuf::from("abc.fieldnorm"),
        });
        let said = tantivy_error(&error);
        assert_eq!(
            said,
            "cannot write abc.fieldnorm: No space left on device (os error 28)"
        );
        assert!(is_out_of_space(&error));
        let busy = TantivyError::LockFailure(LockError::LockBusy, Some("x".into()));
        assert!(tantivy_error(&busy).starts_with("another process is writing"));
        let denied = TantivyError::LockFailure(
            LockError::IoError(Arc::new(io::Error::from_raw_os_error(13))),
            None,
        );
        assert_eq!(
            tantivy_error(&denied),
            "cannot take the index's lock file: Permission denied (os error 13)"
        );
        for error in [error, busy, denied] {
            let said = tantivy_error(&error);
            assert!(!said.contains("Os {") && !said.contains("kind:"), "{said}");
        }
    }
}
