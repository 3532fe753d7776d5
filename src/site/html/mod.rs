//! The HTML room: every page of the site as HTML, and what pages need
//! beside them. Writes the page of each node (`processi/CODE.html`), the
//! home page, the page of the whole manual (`stampa.html`), the search
//! page, `404.html`, the theme's files and the logo (`assets/`), the
//! images and attachments of `content/` (`contenuti/`).
//!
//! [`pages::Pages`] renders a page with the theme's templates; the other
//! rooms that publish HTML pages (the open data's page, the editions')
//! render theirs with it. [`context`] is what the templates see, [`nav`]
//! the navigation tree, [`markdown`] the authors' text, [`theme`] the
//! templates and assets, [`logo`] the chamber's logo.
//!
//! Not here: the search index (`site::search`), the data files
//! (`site::open_data`).

pub(super) mod context;
pub(super) mod logo;
mod markdown;
mod nav;
pub(super) mod pages;
pub(super) mod theme;

use crate::site::error::{io, BuildError};
use crate::site::layout::MEDIA_DIR;
use crate::site::output::Folder;
use crate::site::tree::Tree;
use std::path::Path;

/// Images and attachments of `content/`, under `contenuti/`.
pub(super) fn copy_attachments(
    tree: &Tree,
    content_dir: &Path,
    folder: &Folder,
) -> Result<(), BuildError> {
    for rel in &tree.assets {
        let from = content_dir.join(rel);
        let at = Path::new(MEDIA_DIR).join(rel);
        if let Some(p) = at.parent() {
            folder.create_dir(p)?;
        }
        std::fs::copy(&from, folder.path(&at)).map_err(io(&from))?;
    }
    Ok(())
}
