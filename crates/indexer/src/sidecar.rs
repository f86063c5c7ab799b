//! Where the originals are published: a `metadata.csv` beside report files, with a `file`
//! column and a URL column (`ofsted_url` or `url`), gives each file's address, which citations
//! carry. It is read only for these links, never to recognise a report (a report is known by
//! its content alone). A folder without one, or with one that cannot be read, gives no links
//! and costs nothing else.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

/// The sidecar's file name.
pub const SIDECAR: &str = "metadata.csv";

/// The largest sidecar read (the bundled one is 140 KB).
const MAX_SIDECAR_BYTES: u64 = 16 << 20;

/// File name (and file stem) to address, for one folder.
type Links = HashMap<String, String>;

/// The sidecars of the folders met in one run, each read once.
#[derive(Debug, Default)]
pub struct Sidecars {
    by_folder: Mutex<HashMap<PathBuf, Arc<Links>>>,
}

impl Sidecars {
    /// The address the sidecar beside `path` gives for it: by its file name, else by its stem
    /// (a row for `report-0002.txt` also serves `report-0002.pdf`). Only `http` and `https`
    /// addresses are kept.
    pub fn url_for(&self, path: &Path) -> Option<String> {
        let folder = path.parent()?.to_path_buf();
        let links = {
            let mut cache = self
                .by_folder
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            Arc::clone(
                cache
                    .entry(folder.clone())
                    .or_insert_with(|| Arc::new(read_links(&folder.join(SIDECAR)))),
            )
        };
        let name = path.file_name()?.to_string_lossy();
        let stem = path.file_stem()?.to_string_lossy();
        links
            .get(name.as_ref())
            .or_else(|| links.get(stem.as_ref()))
            .cloned()
    }
}

/// The links of one sidecar file; none if it is missing, too large or unreadable.
fn read_links(path: &Path) -> Links {
    let Ok(meta) = std::fs::metadata(path) else {
        return Links::new();
    };
    if !meta.is_file() || meta.len() > MAX_SIDECAR_BYTES {
        return Links::new();
    }
    std::fs::read_to_string(path)
        .map(|text| parse_links(&text))
        .unwrap_or_default()
}

/// File names and stems to addresses, from CSV text with a `file` column and an `ofsted_url`
/// (or `url`) column; rows that cannot be read, or whose address is not http(s), are left out.
fn parse_links(text: &str) -> Links {
    let mut links = Links::new();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let Ok(headers) = reader.headers().cloned() else {
        return links;
    };
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let (Some(file), Some(url)) = (
        column("file"),
        column("ofsted_url").or_else(|| column("url")),
    ) else {
        return links;
    };
    for record in reader.records().flatten() {
        let (Some(name), Some(address)) = (record.get(file), record.get(url)) else {
            continue;
        };
        let (name, address) = (name.trim(), address.trim());
        let web = address.starts_with("https://") || address.starts_with("http://");
        if name.is_empty() || !web || address.chars().any(char::is_whitespace) {
            continue;
        }
        if let Some(stem) = Path::new(name).file_stem() {
            links
                .entry(stem.to_string_lossy().into_owned())
                .or_insert_with(|| address.to_string());
        }
        links.insert(name.to_string(), address.to_string());
    }
    links
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sidecar_maps_files_and_their_stems_to_web_addresses_only() {
        let dir = tempfile::TempDir::new().expect("temp dir");
        std::fs::write(
            dir.path().join(SIDECAR),
            "file,authority,ofsted_url\n\
             report-0001.txt,Sefton,https://files.ofsted.gov.uk/v1/file/50284335\n\
             report-0002.txt,Milton Keynes,javascript:alert(1)\n\
             \"report-0003.txt\",x\n\
             report-0004.txt,Leeds,http://example.org/a b\n",
        )
        .expect("write");
        let sidecars = Sidecars::default();
        let url = |name: &str| sidecars.url_for(&dir.path().join(name));
        let sefton = Some("https://files.ofsted.gov.uk/v1/file/50284335".to_string());
        assert_eq!(url("report-0001.txt"), sefton);
        assert_eq!(url("report-0001.pdf"), sefton);
        assert_eq!(url("report-0002.txt"), None);
        assert_eq!(url("report-0003.txt"), None);
        assert_eq!(url("report-0004.txt"), None);
        assert_eq!(url("report-0099.txt"), None);
    }

    #[test]
    fn no_sidecar_or_a_broken_one_gives_no_links() {
        let dir = tempfile::TempDir::new().expect("temp dir");
        let sidecars = Sidecars::default();
        assert_eq!(sidecars.url_for(&dir.path().join("a.txt")), None);
        let other = tempfile::TempDir::new().expect("temp dir");
        std::fs::write(other.path().join(SIDECAR), b"\xff\xfe not csv").expect("write");
        assert_eq!(sidecars.url_for(&other.path().join("a.txt")), None);
        std::fs::write(
            other.path().join(SIDECAR),
            "name,link\na.txt,https://x.org\n",
        )
        .expect("write");
        assert_eq!(
            Sidecars::default().url_for(&other.path().join("a.txt")),
            None
        );
    }
}
