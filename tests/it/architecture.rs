//! The shape of the code: data flows one way. Every module of `src/` (a file
//! or a folder's `mod.rs`) may use the modules below it and never one that
//! uses it back, directly or through others, a parent and its children
//! included. This test reads the sources, collects each module's references
//! to other modules (`crate::a::b`, `super::x`, a child's name) outside its
//! unit tests, and fails on the first cycle, naming it. Then the layers
//! of `site/`: the rooms (one folder per kind of output) between what they
//! all read and the plan that calls them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Module path (`site::search`) of a source file, `None` for the binary.
fn module_of(src: &Path, file: &Path) -> Option<Vec<String>> {
    let rel = file.strip_prefix(src).ok()?;
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let last = parts.pop()?;
    match last.as_str() {
        "main.rs" if parts.is_empty() => return None,
        "lib.rs" if parts.is_empty() => {}
        "mod.rs" => {}
        other => parts.push(other.strip_suffix(".rs")?.to_string()),
    }
    Some(parts)
}

/// The code of a file without its `#[cfg(test)]` module and comments.
fn code_without_tests(text: &str) -> String {
    let body = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => text,
    };
    body.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Every path a `use` or expression names from `at`: `a::b::{c, d::e}`
/// gives `a::b::c` and `a::b::d::e`. Only paths that start with one of
/// `roots` are kept.
fn paths(code: &str, roots: &BTreeSet<String>) -> Vec<Vec<String>> {
    let chars: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let starts_word = is_ident(chars[i]) && (i == 0 || !(is_ident(chars[i - 1])));
        let after_colons = i >= 2 && chars[i - 1] == ':' && chars[i - 2] == ':';
        if starts_word && !after_colons {
            let (prefix, end) = read_path(&chars, i);
            if (prefix.len() > 1 || chars.get(end) == Some(&'{')) && roots.contains(&prefix[0]) {
                expand(&chars, &prefix, end, &mut out);
            }
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

/// Reads `a::b::c` from `i`; returns the segments and where it stopped
/// (on the `{` of a group, if one follows `::`).
fn read_path(chars: &[char], mut i: usize) -> (Vec<String>, usize) {
    let mut segs = Vec::new();
    loop {
        let start = i;
        while i < chars.len() && is_ident(chars[i]) {
            i += 1;
        }
        segs.push(chars[start..i].iter().collect::<String>());
        let mut j = i;
        while j < chars.len() && chars[j].is_whitespace() {
            j += 1;
        }
        if chars.get(j) == Some(&':') && chars.get(j + 1) == Some(&':') {
            j += 2;
            while j < chars.len() && chars[j].is_whitespace() {
                j += 1;
            }
            if chars.get(j) == Some(&'{') {
                return (segs, j);
            }
            if chars.get(j).is_some_and(|c| is_ident(*c)) {
                i = j;
                continue;
            }
        }
        return (segs, i);
    }
}

/// Adds `prefix` itself, or each path of the `{…}` group at `at`.
fn expand(chars: &[char], prefix: &[String], at: usize, out: &mut Vec<Vec<String>>) {
    if chars.get(at) != Some(&'{') {
        out.push(prefix.to_vec());
        return;
    }
    let mut i = at + 1;
    while i < chars.len() && chars[i] != '}' {
        if is_ident(chars[i]) {
            let (segs, end) = read_path(chars, i);
            let mut full = prefix.to_vec();
            full.extend(segs);
            if chars.get(end) == Some(&'{') {
                expand(chars, &full, end, out);
                // Skip the nested group.
                let mut depth = 0;
                i = end;
                while i < chars.len() {
                    match chars[i] {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                i += 1;
            } else {
                out.push(full);
                i = end;
            }
        } else {
            i += 1;
        }
    }
}

#[test]
fn modules_depend_on_each_other_one_way() {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files: BTreeMap<Vec<String>, String> = BTreeMap::new();
    for e in walkdir::WalkDir::new(&src) {
        let e = e.unwrap();
        if e.path().extension().is_some_and(|x| x == "rs") {
            if let Some(m) = module_of(&src, e.path()) {
                files.insert(m, std::fs::read_to_string(e.path()).unwrap());
            }
        }
    }
    let modules: BTreeSet<Vec<String>> = files.keys().cloned().collect();
    assert!(
        modules.len() > 10,
        "sources not found under {}",
        src.display()
    );
    let name = |m: &[String]| {
        if m.is_empty() {
            "crate".to_string()
        } else {
            m.join("::")
        }
    };
    // The module a path names: its longest prefix that is a module.
    let owner = |path: &[String]| -> Option<Vec<String>> {
        (1..=path.len())
            .rev()
            .map(|n| path[..n].to_vec())
            .find(|p| modules.contains(p))
    };
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for (module, text) in &files {
        if module.is_empty() {
            continue; // lib.rs only declares the modules.
        }
        let code = code_without_tests(text);
        let children: BTreeSet<String> = modules
            .iter()
            .filter(|m| m.len() == module.len() + 1 && m.starts_with(module))
            .map(|m| m[module.len()].clone())
            .collect();
        let mut roots: BTreeSet<String> = ["crate", "super", "self"].map(String::from).into();
        roots.extend(children.iter().cloned());
        for p in paths(&code, &roots) {
            let absolute: Vec<String> = match p[0].as_str() {
                "crate" => p[1..].to_vec(),
                "super" => {
                    let mut base = module[..module.len() - 1].to_vec();
                    let mut rest = &p[1..];
                    while rest.first().is_some_and(|s| s == "super") {
                        base.pop();
                        rest = &rest[1..];
                    }
                    base.extend(rest.iter().cloned());
                    base
                }
                "self" => module.iter().chain(&p[1..]).cloned().collect(),
                _ => module.iter().chain(&p).cloned().collect(),
            };
            if let Some(target) = owner(&absolute) {
                if target != *module && !target.is_empty() {
                    edges.entry(module.clone()).or_default().insert(target);
                }
            }
        }
    }
    // Depth-first search for a cycle.
    fn visit(
        m: &Vec<String>,
        edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        state: &mut BTreeMap<Vec<String>, u8>,
        stack: &mut Vec<Vec<String>>,
    ) -> Option<Vec<Vec<String>>> {
        match state.get(m) {
            Some(2) => return None,
            Some(1) => {
                let at = stack.iter().position(|s| s == m).unwrap_or(0);
                let mut cycle = stack[at..].to_vec();
                cycle.push(m.clone());
                return Some(cycle);
            }
            _ => {}
        }
        state.insert(m.clone(), 1);
        stack.push(m.clone());
        for next in edges.get(m).into_iter().flatten() {
            if let Some(c) = visit(next, edges, state, stack) {
                return Some(c);
            }
        }
        stack.pop();
        state.insert(m.clone(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for m in &modules {
        let mut stack = Vec::new();
        if let Some(cycle) = visit(m, &edges, &mut state, &mut stack) {
            let shown: Vec<String> = cycle.iter().map(|m| name(m)).collect();
            panic!("modules in a cycle: {}", shown.join(" -> "));
        }
    }
    // The pipeline's order, as lib.rs describes it.
    let uses = |a: &str, b: &str| {
        let a: Vec<String> = a.split("::").map(String::from).collect();
        let b: Vec<String> = b.split("::").map(String::from).collect();
        edges.get(&a).is_some_and(|s| s.contains(&b))
    };
    assert!(uses("import", "reading"));
    assert!(uses("check", "reading"));
    assert!(!uses("import", "site") && !uses("source", "mapping"));
    // The helpers at the bottom import nothing from the project.
    for leaf in ["text", "files", "diagnostic", "date", "parallel"] {
        let deps = edges.get(&vec![leaf.to_string()]);
        assert!(deps.is_none(), "{leaf} uses {deps:?}");
    }
    site_layers(&modules, &edges);
}

/// The rooms of `site/`, each a folder that writes one kind of output.
const ROOMS: [&str; 4] = [
    "site::html",
    "site::search",
    "site::open_data",
    "site::editions",
];
/// What every room reads, beneath them.
const BENEATH: [&str; 5] = [
    "site::tree",
    "site::history",
    "site::layout",
    "site::output",
    "site::error",
];
/// Above the rooms: the reading of a book and serve's preview (the plan,
/// `site` itself, is above them too).
const ABOVE: [&str; 2] = ["site::load", "site::preview"];
/// The one room the others may use: the HTML pages' renderer.
const RENDERER: &str = "site::html";

/// True when `m` is the module `prefix` or lies inside it.
fn under(m: &[String], prefix: &str) -> bool {
    let p: Vec<&str> = prefix.split("::").collect();
    m.len() >= p.len() && m.iter().zip(&p).all(|(a, b)| a == b)
}

/// What lies beneath the rooms uses no room and nothing above; a room uses
/// neither the plan nor what is above it, and no other room but the HTML
/// renderer.
fn site_layers(
    modules: &BTreeSet<Vec<String>>,
    edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
) {
    for m in ROOMS.iter().chain(&BENEATH).chain(&ABOVE) {
        assert!(
            modules.iter().any(|x| under(x, m)),
            "no module {m} in src/: update the layers of tests/architecture.rs"
        );
    }
    let name = |m: &[String]| m.join("::");
    let is_plan = |t: &[String]| t.len() == 1 && t[0] == "site";
    let is_above = |t: &[String]| is_plan(t) || ABOVE.iter().any(|a| under(t, a));
    let room_of = |t: &[String]| ROOMS.iter().find(|r| under(t, r)).copied();
    for (m, targets) in edges {
        for t in targets {
            if BENEATH.iter().any(|b| under(m, b)) {
                assert!(
                    !is_above(t) && room_of(t).is_none(),
                    "{} lies beneath the rooms of site/ and uses {}",
                    name(m),
                    name(t)
                );
            }
            if let Some(room) = room_of(m) {
                assert!(
                    !is_above(t),
                    "the room {room} uses {}, which lies above it",
                    name(t)
                );
                if let Some(other) = room_of(t).filter(|o| *o != room) {
                    assert!(
                        other == RENDERER,
                        "the room {room} uses another room, {} ({} → {})",
                        other,
                        name(m),
                        name(t)
                    );
                }
            }
        }
    }
    // The check reads the paths the rooms name: these are known to be there.
    let uses_under = |a: &str, b: &str| {
        edges
            .iter()
            .any(|(m, ts)| under(m, a) && ts.iter().any(|t| under(t, b)))
    };
    assert!(uses_under("site::editions", RENDERER));
    assert!(uses_under("site::open_data", "site::tree"));
    assert!(uses_under("site", "site::open_data"));
}
