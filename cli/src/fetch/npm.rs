//! The `devtools-protocol` npm package at a pinned version, through `npm pack`, unpacked once
//! into a cache.

use std::io;
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

use cdp_transport::TempDir;

use super::{merge, tail, to_stable_json, FetchError, Origin};

/// The npm package that publishes the protocol.
pub const NPM_PACKAGE: &str = "devtools-protocol";

/// The unpacked `devtools-protocol` package of one version, in the cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NpmProtocol {
    /// The package version, e.g. `0.0.1734725`.
    pub version: String,
    /// The unpacked package: `cache_dir/<version>/` for [`npm`], the directory given to
    /// [`npm_into`].
    pub dir: PathBuf,
    /// `json/browser_protocol.json`.
    pub browser_protocol: PathBuf,
    /// `json/js_protocol.json`.
    pub js_protocol: PathBuf,
    /// `pdl/`, holding `browser_protocol.pdl` and `js_protocol.pdl` (and, in newer versions,
    /// the `domains/` they include); `None` for a version that ships no PDL.
    pub pdl_dir: Option<PathBuf>,
}

impl NpmProtocol {
    /// The package spec, `devtools-protocol@VERSION`.
    pub fn spec(&self) -> String {
        format!("{NPM_PACKAGE}@{}", self.version)
    }

    /// The browser and JS protocols merged into one schema, as stable JSON with
    /// `"source": {"npm": "devtools-protocol@VERSION"}`.
    pub fn to_stable_json(&self) -> Result<String, FetchError> {
        let read = |path: &Path| {
            std::fs::read_to_string(path)
                .map_err(|err| FetchError::io(format!("cannot read {}", path.display()), err))
        };
        let browser = read(&self.browser_protocol)?;
        let js = read(&self.js_protocol)?;
        let browser_name = self.browser_protocol.display().to_string();
        let js_name = self.js_protocol.display().to_string();
        let merged = merge(&[(&browser_name, &browser), (&js_name, &js)])?;
        to_stable_json(
            &merged,
            &Origin::Npm {
                version: self.version.clone(),
            },
        )
    }
}

/// Checks that `version` is digits separated by single dots (`0.0.1734725`), so that nothing
/// but a plain version reaches npm: no ranges, tags, URLs, paths or options.
pub fn validate_version(version: &str) -> Result<(), FetchError> {
    let valid = version.len() <= 64
        && version
            .split('.')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()));
    if valid {
        Ok(())
    } else {
        Err(FetchError::BadVersion {
            version: version.to_owned(),
        })
    }
}

/// Where the CLI keeps unpacked packages unless told otherwise:
/// `$XDG_CACHE_HOME/cdp-codegen/npm`, else `$HOME/.cache/cdp-codegen/npm`, else under the
/// temporary directory.
pub fn default_cache_dir() -> PathBuf {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|dir| !dir.is_empty())
                .map(|home| PathBuf::from(home).join(".cache"))
        })
        .unwrap_or_else(std::env::temp_dir);
    base.join("cdp-codegen").join("npm")
}

/// The `devtools-protocol` package at `version`, from `cache_dir/<version>/` when an earlier
/// call unpacked it there, otherwise fetched with `npm pack` and unpacked.
///
/// The package is unpacked into a fresh directory beside its final place and renamed into it:
/// a rename is atomic, so concurrent callers each see either no package or a whole one.
pub fn npm(version: &str, cache_dir: &Path) -> Result<NpmProtocol, FetchError> {
    validate_version(version)?;
    npm_into(version, &cache_dir.join(version))
}

/// The `devtools-protocol` package at `version`, unpacked into `target` itself (which then holds
/// `json/` and `pdl/`): from there when an earlier call unpacked it, otherwise fetched with
/// `npm pack` and unpacked, as [`npm`] does, beside `target` first.
pub fn npm_into(version: &str, target: &Path) -> Result<NpmProtocol, FetchError> {
    validate_version(version)?;
    let spec = format!("{NPM_PACKAGE}@{version}");
    if let Ok(package) = locate(version, target) {
        return Ok(package);
    }
    let parent = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(parent)
        .map_err(|err| FetchError::io(format!("cannot create {}", parent.display()), err))?;
    let create_temp = |prefix: &str| {
        TempDir::new_in(parent, prefix).map_err(|err| {
            FetchError::io(
                format!("cannot create a directory in {}", parent.display()),
                err,
            )
        })
    };
    let download = create_temp(&format!(".download-{version}"))?;
    let tarball = pack(&spec, download.path())?;
    let staging = create_temp(&format!(".unpack-{version}"))?;
    unpack(&tarball, staging.path())?;
    locate(version, staging.path())?;
    match std::fs::rename(staging.path(), target) {
        Ok(()) => {
            staging.keep();
        }
        // Another caller renamed its copy first; ours is dropped, and removed with it.
        Err(_) if locate(version, target).is_ok() => {}
        Err(err) => {
            return Err(FetchError::io(
                format!(
                    "cannot move {} to {}",
                    staging.path().display(),
                    target.display()
                ),
                err,
            ))
        }
    }
    locate(version, target)
}

/// The package's files under `dir`, or which one is missing.
fn locate(version: &str, dir: &Path) -> Result<NpmProtocol, FetchError> {
    let browser_protocol = dir.join("json/browser_protocol.json");
    let js_protocol = dir.join("json/js_protocol.json");
    for (path, file) in [
        (&browser_protocol, "json/browser_protocol.json"),
        (&js_protocol, "json/js_protocol.json"),
    ] {
        if !path.is_file() {
            return Err(FetchError::MissingFile {
                spec: format!("{NPM_PACKAGE}@{version}"),
                file: file.to_owned(),
            });
        }
    }
    let pdl_dir = dir.join("pdl");
    Ok(NpmProtocol {
        version: version.to_owned(),
        dir: dir.to_owned(),
        browser_protocol,
        js_protocol,
        pdl_dir: pdl_dir.is_dir().then_some(pdl_dir),
    })
}

/// Runs `npm pack SPEC` in `dir` and returns the tarball it wrote.
fn pack(spec: &str, dir: &Path) -> Result<PathBuf, FetchError> {
    let output = Command::new("npm")
        .args(["pack", spec, "--ignore-scripts", "--loglevel=error"])
        .current_dir(dir)
        .env("NPM_CONFIG_UPDATE_NOTIFIER", "false")
        .env("NPM_CONFIG_FUND", "false")
        .env("NPM_CONFIG_AUDIT", "false")
        .stdin(Stdio::null())
        .output()
        .map_err(|source| FetchError::NpmMissing { source })?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        let stderr = tail(&stderr, 6);
        return Err(FetchError::NpmFailed {
            spec: spec.to_owned(),
            status: output.status.to_string(),
            stderr: if stderr.is_empty() {
                "npm wrote nothing to its standard error".to_owned()
            } else {
                stderr
            },
        });
    }
    // npm names the tarball on its last line of output; looking in the directory (which holds
    // nothing else) does not depend on that.
    let entries = std::fs::read_dir(dir)
        .map_err(|err| FetchError::io(format!("cannot list {}", dir.display()), err))?;
    let mut tarballs = Vec::new();
    for entry in entries {
        let entry =
            entry.map_err(|err| FetchError::io(format!("cannot list {}", dir.display()), err))?;
        let path = entry.path();
        if path.extension().is_some_and(|ext| ext == "tgz") {
            tarballs.push(path);
        }
    }
    match <[PathBuf; 1]>::try_from(tarballs) {
        Ok([tarball]) => Ok(tarball),
        Err(found) => Err(FetchError::NpmFailed {
            spec: spec.to_owned(),
            status: output.status.to_string(),
            stderr: format!(
                "expected one .tgz in {}, found {}; npm said: {}",
                dir.display(),
                found.len(),
                tail(&stderr, 6)
            ),
        }),
    }
}

/// Unpacks an npm tarball into `dest`, dropping the leading `package/` of its paths. Only
/// regular files and directories are written, and only at plain relative paths: no link,
/// device, absolute path or `..` can reach outside `dest`.
fn unpack(tarball: &Path, dest: &Path) -> Result<(), FetchError> {
    let unpack_error =
        |err: io::Error| FetchError::io(format!("cannot unpack {}", tarball.display()), err);
    let file = std::fs::File::open(tarball).map_err(unpack_error)?;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(io::BufReader::new(file)));
    for entry in archive.entries().map_err(unpack_error)? {
        let mut entry = entry.map_err(unpack_error)?;
        let path = entry.path().map_err(unpack_error)?.into_owned();
        let Some(relative) = package_relative(&path) else {
            return Err(unpack_error(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "the archive holds a path outside its package: {}",
                    path.display()
                ),
            )));
        };
        if relative.as_os_str().is_empty() {
            continue;
        }
        let out = dest.join(&relative);
        match entry.header().entry_type() {
            tar::EntryType::Directory => {
                std::fs::create_dir_all(&out).map_err(unpack_error)?;
            }
            tar::EntryType::Regular | tar::EntryType::Continuous => {
                if let Some(parent) = out.parent() {
                    std::fs::create_dir_all(parent).map_err(unpack_error)?;
                }
                let mut file = std::fs::File::create(&out).map_err(unpack_error)?;
                io::copy(&mut entry, &mut file).map_err(unpack_error)?;
            }
            // npm packages hold files and directories only; anything else is not needed.
            _ => {}
        }
    }
    Ok(())
}

/// `package/json/x.json` -> `json/x.json`; `None` for a path that is absolute, climbs with
/// `..`, or is not under a single top directory.
fn package_relative(path: &Path) -> Option<PathBuf> {
    let mut components = path.components();
    match components.next() {
        Some(Component::Normal(_)) => {}
        Some(Component::CurDir) => return package_relative(components.as_path()),
        _ => return None,
    }
    let mut relative = PathBuf::new();
    for component in components {
        match component {
            Component::Normal(part) => relative.push(part),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(relative)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_digits_and_dots_only() {
        for good in ["0.0.1734725", "1", "10.20.30"] {
            assert!(validate_version(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "latest",
            "^0.0.1",
            "0.0.1 --registry=x",
            "0..1",
            ".1",
            "1.",
            "0.0.1-rc",
            "../../x",
            "0.0.1;rm -rf",
            "１.2",
        ] {
            let err = validate_version(bad).expect_err(bad);
            assert!(err.is_bad_input());
            assert!(err
                .to_string()
                .contains("expected digits separated by dots"));
        }
        assert!(validate_version(&"1".repeat(65)).is_err());
    }

    #[test]
    fn bad_versions_never_reach_npm() {
        let cache = std::env::temp_dir().join("cdp-codegen-never-created");
        let err = npm("1.0; echo hi", &cache).expect_err("refused");
        assert!(matches!(err, FetchError::BadVersion { .. }));
        assert!(!cache.exists());
    }

    #[test]
    fn package_paths_lose_their_top_directory_and_may_not_escape() {
        assert_eq!(
            package_relative(Path::new("package/json/a.json")),
            Some(PathBuf::from("json/a.json"))
        );
        assert_eq!(
            package_relative(Path::new("./package/pdl/")),
            Some(PathBuf::from("pdl"))
        );
        assert_eq!(package_relative(Path::new("package")), Some(PathBuf::new()));
        assert_eq!(package_relative(Path::new("package/../../etc/x")), None);
        assert_eq!(package_relative(Path::new("/etc/passwd")), None);
    }

    #[test]
    fn unpack_writes_files_under_dest_without_the_package_prefix() {
        let base = std::env::temp_dir();
        let work = TempDir::new_in(&base, "cdp-codegen-unpack-test").expect("temp dir");
        let tarball = work.path().join("p.tgz");
        {
            let file = std::fs::File::create(&tarball).expect("create");
            let gz = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
            let mut builder = tar::Builder::new(gz);
            let data = br#"{"domains": []}"#;
            let mut header = tar::Header::new_gnu();
            header.set_size(data.len() as u64);
            header.set_mode(0o644);
            header.set_cksum();
            builder
                .append_data(&mut header, "package/json/browser_protocol.json", &data[..])
                .expect("append");
            builder.into_inner().expect("tar").finish().expect("gz");
        }
        let dest = work.path().join("out");
        std::fs::create_dir(&dest).expect("mkdir");
        unpack(&tarball, &dest).expect("unpack");
        let text = std::fs::read_to_string(dest.join("json/browser_protocol.json")).expect("read");
        assert_eq!(text, r#"{"domains": []}"#);
        let missing = locate("9.9.9", &dest).expect_err("no js_protocol.json");
        assert_eq!(
            missing.to_string(),
            "devtools-protocol@9.9.9 has no `json/js_protocol.json`; is it really the \
             devtools-protocol package?"
        );
    }
}
