//! Stage 6: write the output only when its bytes changed, so an unchanged build stays fresh.

use std::io;
use std::path::Path;

/// Writes `contents` to `path` unless the file already holds exactly these bytes. Returns
/// whether it wrote.
pub fn write_if_changed(path: &Path, contents: &str) -> io::Result<bool> {
    if std::fs::read(path).is_ok_and(|existing| existing == contents.as_bytes()) {
        return Ok(false);
    }
    if let Some(parent) = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent)?;
    }
    // Write next to the target and rename, so a reader never sees half a file.
    let temporary = path.with_extension("rs.tmp");
    std::fs::write(&temporary, contents)?;
    std::fs::rename(&temporary, path)?;
    Ok(true)
}
