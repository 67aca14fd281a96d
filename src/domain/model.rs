//! The scoring model (pure): a logistic regression over the part-by-part features of
//! `domain::compare`, one for Chinese names and one for Latin-script names, each with the
//! threshold at which a pair is judged one company. Fitted on labelled sets by
//! `dibs dedup fit` and checked in as data (`data/dedup_model.json`), so anyone can refit it
//! on their own labelled sample.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::compare::Feature;

const SHIPPED: &str = include_str!("../../data/dedup_model.json");

/// One script's model.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Logistic {
    pub bias: f64,
    pub weights: BTreeMap<String, f64>,
    /// A probability at or above this judges a pair one company (scan, import, warnings).
    pub threshold: f64,
}

impl Logistic {
    pub fn logit(&self, features: &[Feature]) -> f64 {
        self.bias
            + features
                .iter()
                .map(|(name, value)| self.weights.get(*name).copied().unwrap_or(0.0) * value)
                .sum::<f64>()
    }

    pub fn probability(&self, features: &[Feature]) -> f64 {
        sigmoid(self.logit(features))
    }

    /// Each feature's part of the logit, largest first (what the reasons say).
    pub fn contributions(&self, features: &[Feature]) -> Vec<(&'static str, f64)> {
        let mut parts: Vec<(&'static str, f64)> = features
            .iter()
            .map(|(name, value)| {
                (
                    *name,
                    self.weights.get(*name).copied().unwrap_or(0.0) * value,
                )
            })
            .collect();
        parts.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
        parts
    }
}

pub fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Model {
    /// Two Chinese names that both carry a legal form.
    pub han: Logistic,
    /// Two Chinese names of which one (or both) has no legal form: a securities short name,
    /// an abbreviation, a name typed in part. Its evidence weighs differently (an industry
    /// word left out is how short names are made).
    #[serde(default)]
    pub han_short: Logistic,
    pub latin: Logistic,
    /// A Chinese and a Latin-script name: pinyin and translated words against the English.
    #[serde(default)]
    pub cross: Logistic,
    /// What the model was fitted on, for whoever reads the file.
    #[serde(default)]
    pub fitted_on: Vec<String>,
}

impl Model {
    pub fn from_json(text: &str) -> Result<Model, serde_json::Error> {
        serde_json::from_str(text)
    }
}

/// The model shipped with dibs. A broken file is a build defect a test catches; should it
/// happen anyway, an empty model scores nothing rather than crash.
pub fn shipped() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| Model::from_json(SHIPPED).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_model_reads_and_weighs_what_matters_the_right_way() {
        let model = Model::from_json(SHIPPED).expect("data/dedup_model.json parses");
        let w = |name: &str| model.han.weights.get(name).copied().unwrap_or(0.0);
        assert!(w("trade_equal") > 0.0);
        assert!(w("region_conflict") < 0.0);
        assert!(w("trade_one_different") < w("trade_homophone"));
        assert!((0.0..1.0).contains(&model.han.threshold));
        assert!((0.0..1.0).contains(&model.latin.threshold));
    }
}
