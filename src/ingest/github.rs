//! Importer: github (being written; see issue 5).

use super::imported::{ImportContext, Imported};
use crate::error::IngestError;
use std::path::{Path, PathBuf};

/// Does the head of a file look like this format?
pub fn sniff(_head: &[u8], _path: &Path) -> bool {
    false
}

/// Read every file of this format.
pub fn read_many(_paths: &[PathBuf], _ctx: &ImportContext) -> Result<Imported, IngestError> {
    Ok(Imported::default())
}
