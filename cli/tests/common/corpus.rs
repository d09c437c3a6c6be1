//! A corpus of bad inputs, each case run through the `cdp-codegen` binary: its exit status and
//! its whole standard error must be what `NN_name.expected` holds (first line `# exit N`).
//!
//! A case runs the arguments listed one per line in `NN_name.args`, or by default those its
//! corpus derives from its input file, in the corpus directory, so that file names in messages
//! do not depend on the checkout.

use std::path::{Path, PathBuf};
use std::process::Command;

/// One corpus: its folder under `tests/`, the variable that rewrites it, and the arguments of
/// a case without an `.args` file.
pub struct Corpus {
    pub folder: &'static str,
    pub overwrite_var: &'static str,
    pub default_args: fn(&Path, &str) -> Vec<String>,
}

impl Corpus {
    pub fn dir(&self) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests")
            .join(self.folder)
    }

    /// Every case name (`NN_name`), sorted.
    pub fn cases(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.dir())
            .expect("the corpus directory exists")
            .map(|entry| entry.expect("a directory entry").path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "expected"))
            .map(|path| path.file_stem().unwrap().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// Every `.expected` file, one after the other.
    pub fn all_expected(&self) -> String {
        self.cases()
            .iter()
            .map(|case| {
                std::fs::read_to_string(self.dir().join(format!("{case}.expected"))).unwrap()
            })
            .collect()
    }

    fn arguments(&self, case: &str) -> Vec<String> {
        let dir = self.dir();
        match std::fs::read_to_string(dir.join(format!("{case}.args"))) {
            Ok(args) => args.lines().map(str::to_owned).collect(),
            Err(_) => (self.default_args)(&dir, case),
        }
    }

    /// Runs every case, and checks (or, with `VAR=overwrite`, rewrites) what it printed.
    pub fn check(&self) {
        let overwrite = std::env::var(self.overwrite_var).is_ok_and(|mode| mode == "overwrite");
        let mut failures = Vec::new();
        for case in self.cases() {
            let output = Command::new(env!("CARGO_BIN_EXE_cdp-codegen"))
                .args(self.arguments(&case))
                .current_dir(self.dir())
                .output()
                .expect("the binary runs");
            let stderr = String::from_utf8(output.stderr).expect("standard error is UTF-8");
            assert!(
                !stderr.contains("panicked"),
                "{case}: the binary panicked:\n{stderr}"
            );
            let status = output.status.code().map_or(-1, |code| code);
            let actual = format!("# exit {status}\n{stderr}");
            let path = self.dir().join(format!("{case}.expected"));
            if overwrite {
                std::fs::write(&path, &actual).unwrap();
                continue;
            }
            let expected = std::fs::read_to_string(&path).unwrap();
            if actual != expected {
                failures.push(format!(
                    "--- {case}: expected\n{expected}--- {case}: got\n{actual}"
                ));
            }
        }
        assert!(
            failures.is_empty(),
            "{} case(s) differ (rewrite with {}=overwrite after a deliberate change):\n{}",
            failures.len(),
            self.overwrite_var,
            failures.join("\n")
        );
    }
}
