//! ofsearch's tokenizer (being written: see the helper's task).

use tantivy::tokenizer::{
    LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer, TokenizerManager,
};

/// Name of the stemmed English analyzer.
pub const STEMMED: &str = "ofs_stem";
/// Name of the unstemmed analyzer.
pub const EXACT: &str = "ofs_exact";

/// Registers both analyzers.
pub fn register(manager: &TokenizerManager) {
    manager.register(
        STEMMED,
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
            .filter(Stemmer::default())
            .build(),
    );
    manager.register(
        EXACT,
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
            .build(),
    );
}
