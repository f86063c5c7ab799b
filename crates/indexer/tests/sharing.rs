//! An index can be shared: every file of it is as readable by the group and others as the
//! umask lets a new file be (tantivy writes `meta.json` and `.managed.json` through temporary
//! files, created 0600, so another user could not open an index built by one).
#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use ofsearch_indexer::{index_paths, IndexOptions};

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o777
}

#[test]
fn every_index_file_is_as_readable_as_the_umask_allows() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    // What the umask lets a new file be.
    let probe = dir.path().join("probe");
    std::fs::File::create(&probe).expect("probe");
    let allowed = mode(&probe) & 0o444;
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/samples");
    let index = dir.path().join("idx");
    for _run in 0..2 {
        index_paths(
            std::slice::from_ref(&samples),
            &index,
            &IndexOptions::default(),
        )
        .expect("index");
        for entry in std::fs::read_dir(&index).expect("read the index") {
            let path = entry.expect("entry").path();
            let readable = mode(&path) & 0o444;
            assert_eq!(
                readable & allowed,
                allowed,
                "{} is {:o}, a new file may be {:o}",
                path.display(),
                mode(&path),
                mode(&probe)
            );
        }
    }
}
