//! The sequence of generated reports, and writing it to disk.
//!
//! Report `k` (from 0) is decided by the seed and `k` alone, so a corpus is the same on every
//! machine, and a smaller `--size` with the same seed gives a prefix of a larger one:
//! - its template: reports come in rounds of `G + T` (G framework groups, T templates). A
//!   round opens with one template of each group (each group's templates in turn, round after
//!   round), so every framework appears within the first G reports however rare it is in the
//!   bundled corpus, then takes every template once in an order shuffled for the round. Each
//!   framework thus appears in proportion to its templates, the rare ones a little more;
//! - its authority: each group deals out the authorities that existed in its period, in an
//!   order shuffled anew each time round, so every authority (former ones included) appears
//!   in every framework of its time. Each deal starts with the authorities that existed in
//!   the fewest frameworks' periods (Bedfordshire and Cheshire, abolished in 2009, only in the
//!   JAR's), so that they appear early even though their frameworks are rare;
//! - its year: drawn among the framework's years in which the authority existed on the
//!   template's date moved to that year (if none, the next authority is dealt);
//! - its sentences: drawn with a generator seeded from the seed and `k`.
//!
//! Files go to `OUT/0000/gen-0000000.txt`, 1000 to a folder; `OUT/manifest.csv` gets one row
//! per report as it is written. Only one report is held in memory at a time.

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use ofsearch_schema::Date;

use crate::model::Model;
use crate::render::Renderer;
use crate::rng::{derive, SplitMix64};
use crate::GenError;

/// Reports per output folder.
pub const FILES_PER_FOLDER: u64 = 1000;

/// Labels of the generator's random streams.
const TEMPLATE_ROUND: u64 = 1 << 40;
const AUTHORITY_DEAL: u64 = 2 << 40;

/// What one generated report is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// Its number in the sequence, from 0.
    pub index: u64,
    /// Its template (index into [`Model::templates`]).
    pub template: usize,
    /// Its authority (index into [`Model::targets`]).
    pub target: usize,
    /// The year it carries.
    pub year: i32,
}

/// One group's deal of authorities.
#[derive(Debug, Clone, Default)]
struct Deal {
    order: Vec<usize>,
    next: usize,
    rounds: u64,
}

/// Generates the sequence of reports for a seed.
#[derive(Debug)]
pub struct Generator<'m> {
    model: &'m Model,
    seed: u64,
    index: u64,
    round: Option<(u64, Vec<usize>)>,
    deals: Vec<Deal>,
    renderer: Renderer,
}

/// `date` moved to `year` (29 February to 28 February where needed).
fn moved(date: Date, year: i32) -> Option<Date> {
    Date::new(year, date.month, date.day).or_else(|| Date::new(year, date.month, 28))
}

impl<'m> Generator<'m> {
    /// The sequence for `seed`, from its first report.
    pub fn new(model: &'m Model, seed: u64) -> Generator<'m> {
        Generator {
            model,
            seed,
            index: 0,
            round: None,
            deals: vec![Deal::default(); model.groups().len()],
            renderer: Renderer::default(),
        }
    }

    /// The template of report `k`.
    fn template_of(&mut self, k: u64) -> usize {
        let groups = self.model.groups();
        let g = groups.len() as u64;
        let t = self.model.templates().len() as u64;
        let (round, at) = (k / (g + t), k % (g + t));
        if at < g {
            let members = &groups[at as usize].templates;
            return members[(round % members.len() as u64) as usize];
        }
        if self.round.as_ref().is_none_or(|(r, _)| *r != round) {
            let mut order: Vec<usize> = (0..t as usize).collect();
            SplitMix64::new(derive(self.seed, TEMPLATE_ROUND + round)).shuffle(&mut order);
            self.round = Some((round, order));
        }
        self.round
            .as_ref()
            .map_or(0, |(_, order)| order[(at - g) as usize])
    }

    /// The next authority of a group's deal.
    fn deal(&mut self, group: usize) -> Option<usize> {
        let targets = &self.model.groups()[group].targets;
        let deal = &mut self.deals[group];
        if deal.next >= deal.order.len() {
            deal.order.clone_from(targets);
            let label = AUTHORITY_DEAL + ((group as u64) << 24) + deal.rounds;
            SplitMix64::new(derive(self.seed, label)).shuffle(&mut deal.order);
            let spread = &self.model.spread;
            deal.order
                .sort_by_key(|&t| spread.get(t).copied().unwrap_or(0));
            deal.next = 0;
            deal.rounds += 1;
        }
        let target = deal.order.get(deal.next).copied();
        deal.next += 1;
        target
    }

    /// Appends the next report to `out` and says what it is.
    pub fn next_into(&mut self, out: &mut String) -> Generated {
        let k = self.index;
        self.index += 1;
        let model = self.model;
        let template_index = self.template_of(k);
        let template = &model.templates()[template_index];
        let group = &model.groups()[template.group];
        let mut rng = SplitMix64::new(derive(self.seed, k));
        let mut choice = None;
        for _ in 0..group.targets.len() {
            let Some(target) = self.deal(template.group) else {
                break;
            };
            let years: Vec<i32> = group
                .years
                .clone()
                .filter(|&y| {
                    moved(template.date, y).is_some_and(|d| model.targets()[target].exists_on(d))
                })
                .collect();
            if !years.is_empty() {
                choice = Some((target, years[rng.below(years.len())]));
                break;
            }
        }
        // No authority of the period fits this template's date: keep its own.
        let (target, year) = choice.unwrap_or_else(|| {
            let own = model
                .targets()
                .iter()
                .position(|t| t.authority == template.authority)
                .unwrap_or(0);
            (own, template.year)
        });
        self.renderer.report(
            model,
            template,
            &model.targets()[target],
            year,
            &mut rng,
            out,
        );
        Generated {
            index: k,
            template: template_index,
            target,
            year,
        }
    }
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    /// Stop once the reports written reach this many bytes.
    pub size: u64,
    /// The seed.
    pub seed: u64,
    /// The output folder: new, or empty.
    pub out: PathBuf,
}

/// What was generated.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Reports written.
    pub reports: u64,
    /// Bytes of reports written (the manifest not counted).
    pub bytes: u64,
}

/// The path of report `k` under the output folder, relative.
pub fn report_path(k: u64) -> String {
    format!("{:04}/gen-{k:07}.txt", k / FILES_PER_FOLDER)
}

/// An error maker for an I/O action on a path.
fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> GenError {
    let path = path.to_path_buf();
    move |source| GenError::Io {
        action,
        path,
        source,
    }
}

/// Creates the output folder, or checks that it is empty.
pub fn prepare_out(out: &Path) -> Result<(), GenError> {
    fs::create_dir_all(out).map_err(io("create", out))?;
    if fs::read_dir(out).map_err(io("read", out))?.next().is_some() {
        return Err(GenError::OutNotEmpty {
            path: out.to_path_buf(),
        });
    }
    Ok(())
}

/// Writes reports to `options.out` until their bytes reach `options.size` (so the total is at
/// most one report over), with `manifest.csv` beside them.
pub fn generate(model: &Model, options: &Options) -> Result<Summary, GenError> {
    let out = &options.out;
    prepare_out(out)?;
    let manifest_path = out.join("manifest.csv");
    let file = fs::File::create(&manifest_path).map_err(io("create", &manifest_path))?;
    let mut manifest = csv::Writer::from_writer(BufWriter::new(file));
    let csv_error = |source| GenError::Csv {
        path: manifest_path.clone(),
        source,
    };
    manifest
        .write_record([
            "file",
            "authority",
            "ons_code",
            "year",
            "report_type",
            "framework",
            "template",
        ])
        .map_err(csv_error)?;

    let mut generator = Generator::new(model, options.seed);
    let mut summary = Summary::default();
    let mut text = String::new();
    let mut year_text = String::new();
    while summary.bytes < options.size {
        text.clear();
        let g = generator.next_into(&mut text);
        if g.index % FILES_PER_FOLDER == 0 {
            let folder = out.join(format!("{:04}", g.index / FILES_PER_FOLDER));
            fs::create_dir_all(&folder).map_err(io("create", &folder))?;
        }
        let rel = report_path(g.index);
        let path = out.join(&rel);
        fs::write(&path, text.as_bytes()).map_err(io("write", &path))?;
        let template = &model.templates()[g.template];
        let authority = &model.targets()[g.target].authority;
        year_text.clear();
        year_text.push_str(&g.year.to_string());
        manifest
            .write_record([
                rel.as_str(),
                authority.name.as_str(),
                authority.ons_code.as_str(),
                year_text.as_str(),
                template.report_type.as_str(),
                template.framework.as_deref().unwrap_or(""),
                template.file.as_str(),
            ])
            .map_err(csv_error)?;
        summary.reports += 1;
        summary.bytes += text.len() as u64;
    }
    manifest
        .into_inner()
        .map_err(|e| GenError::Io {
            action: "write",
            path: manifest_path.clone(),
            source: e.into_error(),
        })?
        .flush()
        .map_err(io("write", &manifest_path))?;
    Ok(summary)
}
