//! PDL input: the full protocol read from PDL matches its JSON, and `binary` fields become
//! base64 bytes in the generated code.

use cdp_test_support as common;

use std::path::{Path, PathBuf};

use cdp_codegen::model::{Field, Model, Ty, TypeKind};
use cdp_codegen::parse::{Property, Schema, Shape};
use cdp_codegen::{pdl, Config};
use common::{devtools_protocol, DEVTOOLS_PROTOCOL_VERSION};

fn model(files: &[PathBuf]) -> Model {
    let mut config = Config::new();
    for file in files {
        config.protocol(file);
    }
    config.model().unwrap_or_else(|err| panic!("{err}"))
}

fn binary_to_string(ty: &mut Ty) {
    match ty {
        Ty::Binary => *ty = Ty::String,
        Ty::Array(item) => binary_to_string(item),
        _ => {}
    }
}

/// Every field and alias type of the model, mutably, with the item that holds it.
fn for_each_ty(model: &mut Model, visit: &mut dyn FnMut(String, &mut Ty)) {
    let fields = |owner: String, fields: &mut [Field], visit: &mut dyn FnMut(String, &mut Ty)| {
        for field in fields {
            visit(format!("{owner}.{}", field.name), &mut field.ty);
        }
    };
    for domain in &mut model.domains {
        for ty in &mut domain.types {
            match &mut ty.kind {
                TypeKind::Object(object) => fields(ty.id.to_string(), object, visit),
                TypeKind::Alias { ty: alias, .. } => visit(ty.id.to_string(), alias),
                TypeKind::Enum(_) => {}
            }
        }
        for command in &mut domain.commands {
            let owner = format!("{}.{}", domain.name, command.name);
            fields(owner.clone(), &mut command.params, visit);
            fields(owner, &mut command.returns, visit);
        }
        for event in &mut domain.events {
            fields(
                format!("{}.{}", domain.name, event.name),
                &mut event.params,
                visit,
            );
        }
    }
}

fn protocol_files(package: &Path, format: &str) -> Vec<PathBuf> {
    ["browser_protocol", "js_protocol"]
        .iter()
        .map(|name| package.join(format).join(format!("{name}.{format}")))
        .collect()
}

#[test]
fn the_full_protocol_from_pdl_and_from_json_gives_the_same_model_but_for_binary() {
    let Some(package) = devtools_protocol(DEVTOOLS_PROTOCOL_VERSION) else {
        return;
    };
    let from_json = model(&protocol_files(&package, "json"));
    let mut from_pdl = model(&protocol_files(&package, "pdl"));

    let mut binary = Vec::new();
    for_each_ty(&mut from_pdl, &mut |path, ty| {
        let before = ty.clone();
        binary_to_string(ty);
        if *ty != before {
            binary.push((path, before));
        }
    });
    assert!(
        binary.contains(&("CacheStorage.CachedResponse.body".to_owned(), Ty::Binary)),
        "{binary:#?}"
    );
    assert!(
        binary.contains(&(
            "WebAuthn.Credential.cmtgKeys".to_owned(),
            Ty::Array(Box::new(Ty::Binary))
        )),
        "{binary:#?}"
    );
    // Every `binary` line of the pinned PDL, which the JSON shows as `string`.
    assert_eq!(binary.len(), 46, "{binary:#?}");

    // Item by item, so a difference names its place instead of dumping two whole models.
    assert_eq!(from_pdl.version, from_json.version);
    let names =
        |model: &Model| -> Vec<String> { model.domains.iter().map(|d| d.name.clone()).collect() };
    assert_eq!(names(&from_pdl), names(&from_json));
    for (pdl, json) in from_pdl.domains.iter().zip(&from_json.domains) {
        assert_eq!(pdl.meta, json.meta, "domain {}", pdl.name);
        assert_eq!(pdl.types.len(), json.types.len(), "types of {}", pdl.name);
        for (a, b) in pdl.types.iter().zip(&json.types) {
            assert_eq!(a, b, "type {}", b.id);
        }
        assert_eq!(
            pdl.commands.len(),
            json.commands.len(),
            "commands of {}",
            pdl.name
        );
        for (a, b) in pdl.commands.iter().zip(&json.commands) {
            assert_eq!(a, b, "command {}.{}", pdl.name, b.name);
        }
        assert_eq!(
            pdl.events.len(),
            json.events.len(),
            "events of {}",
            pdl.name
        );
        for (a, b) in pdl.events.iter().zip(&json.events) {
            assert_eq!(a, b, "event {}.{}", pdl.name, b.name);
        }
    }
    assert_eq!(from_pdl, from_json);
}

fn shape_binary_to_string(shape: &mut Shape) {
    if shape.kind.as_deref() == Some("binary") {
        shape.kind = Some("string".to_owned());
    }
    if let Some(items) = &mut shape.items {
        shape_binary_to_string(items);
    }
    for property in shape.properties.iter_mut().flatten() {
        shape_binary_to_string(&mut property.shape);
    }
}

fn schema_binary_to_string(schema: &mut Schema) {
    let properties = |list: &mut Vec<Property>| {
        list.iter_mut()
            .for_each(|property| shape_binary_to_string(&mut property.shape));
    };
    for domain in &mut schema.domains {
        for ty in &mut domain.types {
            shape_binary_to_string(&mut ty.shape);
        }
        for command in &mut domain.commands {
            properties(&mut command.parameters);
            properties(&mut command.returns);
        }
        for event in &mut domain.events {
            properties(&mut event.parameters);
        }
    }
}

#[test]
fn each_pdl_file_reads_as_the_json_generated_from_it_down_to_dependencies_and_descriptions() {
    let Some(package) = devtools_protocol(DEVTOOLS_PROTOCOL_VERSION) else {
        return;
    };
    for name in ["browser_protocol", "js_protocol"] {
        let pdl_path = package.join("pdl").join(format!("{name}.pdl"));
        let json_path = package.join("json").join(format!("{name}.json"));
        let mut included = Vec::new();
        let text = std::fs::read_to_string(&pdl_path).unwrap();
        let mut from_pdl = pdl::parse_pdl(
            &text,
            &pdl_path.display().to_string(),
            &mut pdl::file_includes(package.join("pdl"), &mut included),
        )
        .unwrap_or_else(|err| panic!("{err}"));
        let json = std::fs::read_to_string(&json_path).unwrap();
        let from_json = cdp_codegen::parse::parse_json(&json, &json_path.display().to_string())
            .unwrap_or_else(|err| panic!("{err}"));
        schema_binary_to_string(&mut from_pdl);
        assert_eq!(from_pdl.version, from_json.version, "{name}");
        assert_eq!(from_pdl.domains.len(), from_json.domains.len(), "{name}");
        for (pdl, json) in from_pdl.domains.iter().zip(&from_json.domains) {
            let at = &json.domain;
            assert_eq!(pdl.domain, json.domain);
            assert_eq!(pdl.description, json.description, "{at}");
            assert_eq!(pdl.experimental, json.experimental, "{at}");
            assert_eq!(pdl.deprecated, json.deprecated, "{at}");
            assert_eq!(pdl.dependencies, json.dependencies, "{at}");
            assert_eq!(pdl.types.len(), json.types.len(), "types of {at}");
            for (a, b) in pdl.types.iter().zip(&json.types) {
                assert_eq!(a, b, "type {at}.{}", b.id);
            }
            assert_eq!(pdl.commands.len(), json.commands.len(), "commands of {at}");
            for (a, b) in pdl.commands.iter().zip(&json.commands) {
                assert_eq!(a, b, "command {at}.{}", b.name);
            }
            assert_eq!(pdl.events.len(), json.events.len(), "events of {at}");
            for (a, b) in pdl.events.iter().zip(&json.events) {
                assert_eq!(a, b, "event {at}.{}", b.name);
            }
        }
        if name == "browser_protocol" {
            assert!(included.len() > 50, "one include per domain: {included:?}");
        }
    }
}

const BLOBS: &str = "\
domain Blobs
  type Chunk extends object
    properties
      # The bytes.
      binary data
      optional array of binary parts
  command upload
    parameters
      binary payload
";

#[test]
fn a_binary_field_is_generated_as_base64_bytes() {
    let code = Config::new()
        .protocol_text("x.pdl", BLOBS)
        .generate_string()
        .unwrap_or_else(|err| panic!("{err}"));
    // Compare without whitespace: the formatter may break a long type over lines, with a
    // trailing comma.
    let compact: String = code
        .split_whitespace()
        .collect::<String>()
        .replace(",>", ">");
    for declaration in [
        "pubdata:__cdp::Binary,",
        "pubparts:Option<Vec<__cdp::Binary>>,",
        "pubpayload:__cdp::Binary,",
    ] {
        assert!(
            compact.contains(declaration),
            "no `{declaration}` in\n{code}"
        );
    }
    assert!(code.contains("(Encoded as a base64 string when passed over JSON)"));
}

#[test]
fn a_pdl_file_on_disk_reads_its_includes_relative_to_itself() {
    let dir = std::env::temp_dir().join(format!("cdp-codegen-pdl-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("domains")).unwrap();
    std::fs::write(
        dir.join("root.pdl"),
        "version\n  major 1\n  minor 3\n\ninclude domains/Blobs.pdl\n",
    )
    .unwrap();
    std::fs::write(dir.join("domains/Blobs.pdl"), BLOBS).unwrap();
    let model = model(&[dir.join("root.pdl")]);
    assert_eq!(model.version.as_deref(), Some("1.3"));
    assert_eq!(model.domains[0].name, "Blobs");

    std::fs::write(dir.join("broken.pdl"), "include domains/Missing.pdl\n").unwrap();
    let err = Config::new()
        .protocol(dir.join("broken.pdl"))
        .model()
        .unwrap_err();
    let diagnostics = err.diagnostics().expect("a schema error");
    assert_eq!(
        diagnostics.0[0].place,
        format!("{}:1:9", dir.join("broken.pdl").display())
    );
    assert!(
        diagnostics.0[0]
            .message
            .starts_with("cannot include `domains/Missing.pdl`: cannot read"),
        "{}",
        diagnostics.0[0].message
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
