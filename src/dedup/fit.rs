//! `dibs dedup fit`: refits the scoring model on labelled sets (`dedup::labelled` layout).
//! The pairs the scan would consider (shared blocking keys) are the examples, labelled by
//! `pairs_same.csv`; one logistic regression per script, then the threshold with the best F1.
//! The result is written as JSON, the format of the shipped `data/dedup_model.json`.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::labelled::{LabelledSet, ordered};
use crate::domain::fit::{Example, best_threshold_with, fit_logistic};
use crate::domain::matching::{candidate_pairs, record_keys};
use crate::domain::model::{Logistic, Model};
use crate::domain::score::{
    HardRule, Keyed, SCRIPTS, Script, Weights, features, hard_rule, script,
};

/// The L2 penalty: small, so that features the sets rarely show do not run off.
pub const DEFAULT_L2: f64 = 0.5;

#[derive(Debug, Clone, Default, Serialize)]
pub struct ScriptFit {
    pub examples: usize,
    pub positives: usize,
    /// True pairs that share no key (never candidates: the fit cannot see them).
    pub unreachable: usize,
    pub threshold: f64,
    /// F1 over the sets' pairs of this script at the chosen threshold (training figure).
    pub f1: f64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct FitReport {
    pub han: ScriptFit,
    pub han_short: ScriptFit,
    pub latin: ScriptFit,
    pub cross: ScriptFit,
}

/// The labelled examples of one set, by script, and how many true pairs share no key.
pub fn examples(set: &LabelledSet, index: usize) -> HashMap<Script, (Vec<Example>, usize)> {
    let weights = Weights {
        typing: false,
        ..Weights::default()
    };
    let keyed: Vec<Keyed> = set.records.iter().map(|r| Keyed::of(&r.draft())).collect();
    let keys: Vec<Vec<String>> = keyed.iter().map(record_keys).collect();
    let (pairs, _) = candidate_pairs(&keys);
    let mut out: HashMap<Script, (Vec<Example>, usize)> = HashMap::new();
    let mut seen = HashSet::new();
    for (a, b) in pairs {
        let (ra, rb) = (&set.records[a as usize], &set.records[b as usize]);
        let pair = ordered(&ra.id, &rb.id);
        if set.branch.contains(&pair) || set.unreachable.contains(&pair) {
            continue;
        }
        let (ka, kb) = (&keyed[a as usize], &keyed[b as usize]);
        let decided = match hard_rule(ka, kb) {
            HardRule::SameCode => Some(true),
            HardRule::TwoEntities => Some(false),
            HardRule::None => None,
        };
        let same = set.same.contains(&pair);
        let script = script(&ka.parts, &kb.parts);
        let examples = &mut out.entry(script).or_default().0;
        let features = features(ka, kb, &weights);
        // Records in a CRM often have no country: every pair with countries also counts as
        // the same pair without them, so the model scores well either way.
        if features
            .iter()
            .any(|(name, _)| name.starts_with("country_"))
        {
            examples.push(Example {
                features: features
                    .iter()
                    .filter(|(name, _)| !name.starts_with("country_"))
                    .copied()
                    .chain([("country_unknown", 1.0)])
                    .collect(),
                same,
                decided,
                set: index,
            });
        }
        examples.push(Example {
            features,
            same,
            decided,
            set: index,
        });
        seen.insert(pair);
    }
    let index: HashMap<&str, usize> = set
        .records
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    for pair in set.same.difference(&seen) {
        if set.unreachable.contains(pair) {
            continue;
        }
        let (Some(a), Some(b)) = (index.get(pair.0.as_str()), index.get(pair.1.as_str())) else {
            continue;
        };
        // (Counted twice when it has countries, as its examples would be.)
        let twice = keyed[*a].country.is_some() && keyed[*b].country.is_some();
        out.entry(script(&keyed[*a].parts, &keyed[*b].parts))
            .or_default()
            .1 += if twice { 2 } else { 1 };
    }
    out
}

/// The precision a script's threshold must keep on the sets. A short name or an English name
/// is weaker evidence than a full Chinese name, and a false "same company" blocks a rep's
/// work: those thresholds are set for precision first, then the best F1.
fn min_precision(script: Script) -> f64 {
    match script {
        Script::Latin => 0.0,
        Script::Han => 0.0,
        Script::HanShort => 0.96,
        Script::Mixed => 0.93,
    }
}

fn fit_script(
    examples: &[Example],
    unreachable: usize,
    l2: f64,
    min_precision: f64,
) -> (Logistic, ScriptFit) {
    let mut model = fit_logistic(examples, l2);
    let (threshold, f1) = best_threshold_with(&model, examples, unreachable, min_precision);
    model.threshold = threshold;
    let report = ScriptFit {
        examples: examples.len(),
        positives: examples.iter().filter(|e| e.same).count(),
        unreachable,
        threshold,
        f1,
    };
    (model, report)
}

/// Which scripts a set teaches, as `--set DIR:han,han_short,latin,cross` says (all when
/// not said): a set of real Chinese names with English ones beside them may teach the
/// Chinese and cross-script models without also retraining the Latin one.
pub fn parse_scripts(list: &str) -> Option<Vec<Script>> {
    list.split(',')
        .map(|name| match name.trim() {
            "han" => Some(Script::Han),
            "han_short" => Some(Script::HanShort),
            "latin" => Some(Script::Latin),
            "cross" => Some(Script::Mixed),
            _ => None,
        })
        .collect()
}

/// Fits a model on `sets` (each with the scripts it may teach, None for all). A script no
/// set has keeps `fallback`'s model for it.
pub fn fit(
    sets: &[(LabelledSet, Option<Vec<Script>>)],
    l2: f64,
    fallback: &Model,
) -> (Model, FitReport) {
    let mut by_script: HashMap<Script, (Vec<Example>, usize)> = HashMap::new();
    for (index, (set, only)) in sets.iter().enumerate() {
        for (script, (examples, unreachable)) in examples(set, index) {
            if only.as_ref().is_some_and(|only| !only.contains(&script)) {
                continue;
            }
            let entry = by_script.entry(script).or_default();
            entry.0.extend(examples);
            entry.1 += unreachable;
        }
    }
    let mut model = fallback.clone();
    let mut report = FitReport::default();
    for script in SCRIPTS {
        let Some((examples, unreachable)) = by_script.get(&script) else {
            continue;
        };
        if !examples.iter().any(|e| e.same) {
            continue;
        }
        let (logistic, fit) = fit_script(examples, *unreachable, l2, min_precision(script));
        match script {
            Script::Han => (model.han, report.han) = (logistic, fit),
            Script::HanShort => (model.han_short, report.han_short) = (logistic, fit),
            Script::Latin => (model.latin, report.latin) = (logistic, fit),
            Script::Mixed => (model.cross, report.cross) = (logistic, fit),
        }
    }
    model.fitted_on = sets.iter().map(|(s, _)| s.name.clone()).collect();
    (model, report)
}
