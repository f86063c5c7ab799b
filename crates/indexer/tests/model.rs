//! A model-based property test of indexing: random sequences of writing, changing and deleting
//! report files, indexing their folder or one file, removing a report, and runs interrupted
//! part-way, checked after every step against a model of which reports the index should hold.
//!
//! The model: a successful run over the folder makes the index hold exactly the folder's files
//! (of two files with the same bytes, the first by name); a run over one file indexes it in
//! place of any report with its bytes, or removes its report if the file is gone; `remove`
//! takes out an indexed file's report and refuses any other; a run interrupted before its
//! commit changes nothing, and an interrupted first build leaves an index recognised as
//! unfinished until a run completes.

use std::collections::BTreeMap;
use std::path::PathBuf;

use ofsearch_indexer::authority::AuthorityTable;
use ofsearch_indexer::parse;
use ofsearch_indexer::report::content_id;
use ofsearch_indexer::{index_paths, remove, IndexOptions, IndexerError};
use ofsearch_schema::schema::RECORD_REPORT;
use ofsearch_schema::{Fields, UNFINISHED_FILE};
use proptest::prelude::*;
use tantivy::collector::Count;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{Index, Term};
use tempfile::TempDir;

/// File names the steps draw from, and contents (few, so that copies happen).
const FILES: usize = 4;
const CONTENTS: usize = 5;

#[derive(Debug, Clone)]
enum Step {
    /// Write (create or change) file `.0` with content `.1`.
    Write(usize, usize),
    /// Delete file `.0` if it exists.
    Delete(usize),
    /// Index the folder.
    IndexFolder,
    /// Index file `.0` alone (it may be gone).
    IndexFile(usize),
    /// Index the folder, interrupted after `.0` files.
    Interrupted(usize),
    /// `remove` file `.0`'s report by its path.
    Remove(usize),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (0..FILES, 0..CONTENTS).prop_map(|(f, c)| Step::Write(f, c)),
        1 => (0..FILES).prop_map(Step::Delete),
        3 => Just(Step::IndexFolder),
        1 => (0..FILES).prop_map(Step::IndexFile),
        1 => (0..FILES).prop_map(Step::Interrupted),
        1 => (0..FILES).prop_map(Step::Remove),
    ]
}

fn text(content: usize) -> String {
    format!(
        "Children's services in Nowhere\n\nInspectors found version{content} of this \
         paragraph about care leavers.\n\nA second paragraph on neglect.\n"
    )
}

/// The world: files on disk, and the reports the index should hold (source -> content).
struct World {
    _dir: TempDir,
    folder: PathBuf,
    index: PathBuf,
    files: BTreeMap<usize, usize>,
    indexed: BTreeMap<String, usize>,
    /// Whether no run has completed since an interrupted first build.
    unfinished: bool,
}

impl World {
    fn new() -> World {
        let dir = TempDir::new().expect("temp dir");
        let folder = dir.path().join("in");
        std::fs::create_dir(&folder).expect("mkdir");
        let index = dir.path().join("idx");
        World {
            _dir: dir,
            folder,
            index,
            files: BTreeMap::new(),
            indexed: BTreeMap::new(),
            unfinished: false,
        }
    }

    fn path(&self, file: usize) -> PathBuf {
        self.folder.join(format!("f{file}.txt"))
    }

    fn source(&self, file: usize) -> String {
        self.path(file).to_string_lossy().into_owned()
    }

    fn run(&self, inputs: &[PathBuf]) -> Result<(), IndexerError> {
        let options = IndexOptions {
            threads: 2,
            ..IndexOptions::default()
        };
        index_paths(inputs, &self.index, &options).map(drop)
    }

    fn apply(&mut self, step: &Step) {
        match *step {
            Step::Write(file, content) => {
                std::fs::write(self.path(file), text(content)).expect("write");
                self.files.insert(file, content);
            }
            Step::Delete(file) => {
                if self.files.remove(&file).is_some() {
                    std::fs::remove_file(self.path(file)).expect("delete");
                }
            }
            Step::IndexFolder => {
                self.run(std::slice::from_ref(&self.folder))
                    .expect("index folder");
                self.indexed.clear();
                let mut claimed = Vec::new();
                for (&file, &content) in &self.files {
                    if !claimed.contains(&content) {
                        claimed.push(content);
                        self.indexed.insert(self.source(file), content);
                    }
                }
                self.unfinished = false;
            }
            Step::IndexFile(file) => {
                self.run(&[self.path(file)]).expect("index file");
                let source = self.source(file);
                self.indexed.remove(&source);
                if let Some(&content) = self.files.get(&file) {
                    self.indexed.retain(|_, c| *c != content);
                    self.indexed.insert(source, content);
                }
                self.unfinished = false;
            }
            Step::Interrupted(after) => self.interrupted(after),
            Step::Remove(file) => {
                let source = self.source(file);
                let result = remove(std::slice::from_ref(&source), &self.index);
                match (result, self.indexed.remove(&source)) {
                    (Ok(removal), Some(_)) => assert_eq!(removal.removed, vec![source]),
                    (Err(IndexerError::NotIndexed(_)), None) => {}
                    (Err(IndexerError::NoIndex(_)), None) if !self.index.exists() => {}
                    (Err(IndexerError::Unfinished(_)), None) if self.unfinished => {}
                    (result, expected) => panic!("remove {source}: {result:?}, model {expected:?}"),
                }
            }
        }
    }

    /// A run over the folder that stops (panics, as a kill would stop it) after `after` files.
    fn interrupted(&mut self, after: usize) {
        let first_build = !self.index.join("meta.json").exists() || self.unfinished;
        let stop = |done: usize, _total: usize| {
            if done > after {
                panic!("interrupted");
            }
        };
        let options = IndexOptions {
            threads: 1,
            progress: Some(&stop),
            ..IndexOptions::default()
        };
        let folder = self.folder.clone();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            index_paths(&[folder], &self.index, &options)
        }));
        match result {
            // Fewer files than `after`: the run completed.
            Ok(done) => {
                done.expect("uninterrupted run");
                self.apply(&Step::IndexFolder);
            }
            Err(_) => self.unfinished |= first_build,
        }
    }

    /// The index holds what the model says.
    fn check(&self) {
        if self.unfinished {
            assert!(self.index.join(UNFINISHED_FILE).exists());
            return;
        }
        if !self.index.join("meta.json").exists() {
            assert!(self.indexed.is_empty());
            return;
        }
        let index = Index::open_in_dir(&self.index).expect("open index");
        let fields = Fields::new(&index.schema()).expect("fields");
        let searcher = index.reader().expect("reader").searcher();
        let count = |field, value: &str| {
            let query = TermQuery::new(
                Term::from_field_text(field, value),
                IndexRecordOption::Basic,
            );
            searcher.search(&query, &Count).expect("count")
        };
        assert_eq!(count(fields.record, RECORD_REPORT), self.indexed.len());
        for (source, &content) in &self.indexed {
            let text = text(content);
            let id = content_id(text.as_bytes());
            // The report record and its paragraphs, under this source and this id.
            let parsed = parse(&text, source, text.as_bytes(), AuthorityTable::bundled());
            let documents = parsed.paragraphs.len() + 1;
            assert_eq!(count(fields.source, source), documents, "{source}");
            assert_eq!(count(fields.report_id, &id), documents, "{source}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn the_index_holds_what_the_model_says(steps in proptest::collection::vec(step(), 1..14)) {
        let mut world = World::new();
        for step in &steps {
            world.apply(step);
            world.check();
        }
    }
}
