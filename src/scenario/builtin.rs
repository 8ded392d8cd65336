//! The seed story, built into the binary: `apigw-lab` with no arguments opens the first.

use super::error::LoadError;
use super::load::parse;
use super::model::Scenario;

/// A scenario shipped inside the binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuiltinScenario {
    /// The file's name in the repository's `scenarios/` folder, e.g. `01-returned-400-is-200.toml`.
    pub name: &'static str,
    /// The file's text.
    pub source: &'static str,
}

impl BuiltinScenario {
    /// The parsed scenario (every built-in one loads; the tests make sure of it).
    pub fn scenario(&self) -> Result<Scenario, LoadError> {
        parse(self.source, self.name)
    }
}

macro_rules! builtin {
    ($($name:literal),* $(,)?) => {
        &[$(BuiltinScenario {
            name: $name,
            source: include_str!(concat!("../../scenarios/", $name)),
        }),*]
    };
}

static BUILTIN: &[BuiltinScenario] = builtin![
    "01-returned-400-is-200.toml",
    "02-throw-is-200.toml",
    "03-pattern-selects-500.toml",
    "04-template-keeps-message.toml",
    "05-custom-error-400.toml",
];

/// The seed story in order: the first is what the lab opens with.
pub fn builtin() -> &'static [BuiltinScenario] {
    BUILTIN
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_scenario_loads_and_round_trips() {
        assert_eq!(builtin().len(), 5);
        for b in builtin() {
            let s = b
                .scenario()
                .unwrap_or_else(|e| panic!("{}", e.render_with_source(b.source)));
            assert!(!s.description.is_empty(), "{}", b.name);
            assert!(
                !s.expect.is_empty(),
                "{}: the story's scenarios state what they teach",
                b.name
            );
            let again = parse(&crate::scenario::to_toml(&s), b.name).unwrap();
            assert_eq!(again, s, "{}", b.name);
        }
    }

    #[test]
    fn the_folder_and_the_list_agree() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.ends_with(".toml"))
            .collect();
        files.sort();
        let names: Vec<&str> = builtin().iter().map(|b| b.name).collect();
        assert_eq!(files, names);
    }
}
