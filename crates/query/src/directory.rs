//! The index directory as a reader opens it: tantivy's memory-mapped directory, read without
//! writing where it cannot be written.
//!
//! Opening (or reloading) a reader takes tantivy's meta lock, a file created in the index
//! directory, so that a writer's garbage collection does not remove segment files while their
//! readers are being opened. In a directory the reader cannot write (a read-only mount, an
//! index shared by another user) creating that file fails and no search could run at all.
//! There, the lock is skipped: a process that cannot write the directory runs no writer that
//! could need it, and a writer run by someone else is at worst noticed as a commit whose files
//! went away, which the next refresh reads again. Where the directory can be written, the lock
//! is taken as tantivy takes it.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle, WritePtr,
};

/// A directory that skips the lock file where it cannot create one (see the module doc).
#[derive(Clone, Debug)]
pub struct ReadDirectory<D: Directory + Clone = MmapDirectory>(D);

impl ReadDirectory<MmapDirectory> {
    /// The index directory at `path`, memory-mapped.
    pub fn open(path: &Path) -> Result<ReadDirectory, tantivy::TantivyError> {
        let mmap = MmapDirectory::open(path).map_err(tantivy::TantivyError::from)?;
        Ok(ReadDirectory(mmap))
    }
}

#[cfg(test)]
impl<D: Directory + Clone> ReadDirectory<D> {
    /// `inner`, read as this module says.
    pub fn wrap(inner: D) -> ReadDirectory<D> {
        ReadDirectory(inner)
    }
}

/// Whether creating a file failed because the directory cannot be written.
fn cannot_write(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem
    )
}

impl<D: Directory + Clone> Directory for ReadDirectory<D> {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.0.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.0.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.0.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.0.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.0.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.0.atomic_write(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.0.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        match self.0.acquire_lock(lock) {
            Err(LockError::IoError(e)) if cannot_write(&e) => Ok(DirectoryLock::from(Box::new(
                SkippedLock(lock.filepath.clone()),
            ))),
            taken => taken,
        }
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.0.watch(watch_callback)
    }
}

/// The lock not taken, for a directory that cannot be written.
#[derive(Debug)]
struct SkippedLock(#[allow(dead_code)] PathBuf);

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::directory::RamDirectory;

    /// A directory that refuses every new file, as a read-only mount does.
    #[derive(Clone, Debug, Default)]
    struct ReadOnly(RamDirectory);

    impl Directory for ReadOnly {
        fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
            self.0.get_file_handle(path)
        }
        fn delete(&self, path: &Path) -> Result<(), DeleteError> {
            self.0.delete(path)
        }
        fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
            self.0.exists(path)
        }
        fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
            Err(OpenWriteError::wrap_io_error(
                io::Error::from(io::ErrorKind::ReadOnlyFilesystem),
                path.to_path_buf(),
            ))
        }
        fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
            self.0.atomic_read(path)
        }
        fn atomic_write(&self, _path: &Path, _data: &[u8]) -> io::Result<()> {
            Err(io::Error::from(io::ErrorKind::ReadOnlyFilesystem))
        }
        fn sync_directory(&self) -> io::Result<()> {
            Ok(())
        }
        fn watch(&self, callback: WatchCallback) -> tantivy::Result<WatchHandle> {
            self.0.watch(callback)
        }
    }

    fn meta_lock() -> Lock {
        Lock {
            filepath: PathBuf::from(".tantivy-meta.lock"),
            is_blocking: true,
        }
    }

    #[test]
    fn a_directory_that_cannot_be_written_is_read_without_its_lock() {
        let bare = ReadOnly::default();
        assert!(
            matches!(bare.acquire_lock(&meta_lock()), Err(LockError::IoError(_))),
            "tantivy's own lock fails there"
        );
        let read = ReadDirectory::wrap(bare);
        assert!(read.acquire_lock(&meta_lock()).is_ok());
    }

    #[test]
    fn a_writable_directory_is_locked_as_tantivy_locks_it() {
        let ram = RamDirectory::create();
        let read = ReadDirectory::wrap(ram.clone());
        let held = read.acquire_lock(&meta_lock()).expect("the lock");
        assert!(ram.exists(Path::new(".tantivy-meta.lock")).expect("exists"));
        let busy = Lock {
            filepath: PathBuf::from(".tantivy-meta.lock"),
            is_blocking: false,
        };
        assert!(matches!(read.acquire_lock(&busy), Err(LockError::LockBusy)));
        drop(held);
        assert!(!ram.exists(Path::new(".tantivy-meta.lock")).expect("exists"));
    }
}
