pub struct IndexOptions; pub struct Summary; pub fn index_paths() {}
