//! Fitting the scoring model (pure): logistic regression with an L2 penalty by Newton's
//! method over labelled pairs' features, and the threshold that maximises F1. `dibs dedup fit`
//! feeds it the candidate pairs of labelled sets.

use std::collections::BTreeMap;

use super::compare::Feature;
use super::model::{Logistic, sigmoid};

/// One labelled pair as the fit sees it.
#[derive(Debug, Clone)]
pub struct Example {
    pub features: Vec<Feature>,
    pub same: bool,
    /// Decided by a hard rule, whatever the model says (Some(true): same credit code;
    /// Some(false): two entities). Kept out of the regression, counted in the threshold.
    pub decided: Option<bool>,
    /// Which labelled set it comes from: a precision floor holds on each set, so an easy
    /// set cannot carry a hard one under it.
    pub set: usize,
}

/// Fits bias and weights. `l2` penalises the weights (not the bias) so that features seen
/// rarely or always together stay moderate rather than run off to infinity.
pub fn fit_logistic(examples: &[Example], l2: f64) -> Logistic {
    let mut names: Vec<&'static str> = examples
        .iter()
        .flat_map(|e| e.features.iter().map(|(n, _)| *n))
        .collect();
    names.sort_unstable();
    names.dedup();
    let index: BTreeMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i + 1)).collect();
    let d = names.len() + 1;
    let rows: Vec<(Vec<(usize, f64)>, f64)> = examples
        .iter()
        .filter(|e| e.decided.is_none())
        .map(|e| {
            let mut x = vec![(0, 1.0)];
            x.extend(e.features.iter().map(|(n, v)| (index[n], *v)));
            (x, if e.same { 1.0 } else { 0.0 })
        })
        .collect();
    let mut w = vec![0.0; d];
    for _ in 0..50 {
        let mut gradient = vec![0.0; d];
        let mut hessian = vec![vec![0.0; d]; d];
        for (x, y) in &rows {
            let z: f64 = x.iter().map(|(i, v)| w[*i] * v).sum();
            let p = sigmoid(z);
            let s = (p * (1.0 - p)).max(1e-9);
            for (i, vi) in x {
                gradient[*i] += (y - p) * vi;
                for (j, vj) in x {
                    hessian[*i][*j] += s * vi * vj;
                }
            }
        }
        for i in 1..d {
            gradient[i] -= l2 * w[i];
            hessian[i][i] += l2;
        }
        hessian[0][0] += 1e-6;
        let Some(step) = solve(hessian, gradient) else {
            break;
        };
        let size: f64 = step.iter().map(|s| s.abs()).fold(0.0, f64::max);
        for i in 0..d {
            w[i] += step[i];
        }
        if size < 1e-7 {
            break;
        }
    }
    Logistic {
        bias: round(w[0]),
        weights: names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.to_string(), round(w[i + 1])))
            .collect(),
        threshold: 0.5,
    }
}

fn round(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// Solves `a · x = b` by Gaussian elimination with partial pivoting (a is small and
/// positive definite here); None when it is singular.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    for col in 0..n {
        let pivot = (col..n).max_by(|x, y| a[*x][col].abs().total_cmp(&a[*y][col].abs()))?;
        if a[pivot][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        for row in col + 1..n {
            let factor = a[row][col] / a[col][col];
            if factor == 0.0 {
                continue;
            }
            let pivot_row = a[col].clone();
            for (cell, above) in a[row][col..].iter_mut().zip(&pivot_row[col..]) {
                *cell -= factor * above;
            }
            b[row] -= factor * b[col];
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let rest: f64 = (row + 1..n).map(|k| a[row][k] * x[k]).sum();
        x[row] = (b[row] - rest) / a[row][row];
    }
    Some(x)
}

/// How far under the best F1 a threshold may be and still count as as good: the chosen
/// threshold is the middle of that plateau, not its edge, so that data a little unlike the
/// labelled sets does not fall off it.
const PLATEAU: f64 = 0.002;

/// The threshold (on the model's probability) with the best F1 over `examples`, counting
/// `unreachable` true pairs (never candidates) as missed: the middle of the range of
/// thresholds within `PLATEAU` of the best. Returns (threshold, F1 there).
pub fn best_threshold(model: &Logistic, examples: &[Example], unreachable: usize) -> (f64, f64) {
    best_threshold_with(model, examples, unreachable, 0.0)
}

/// The same, among thresholds where the precision is at least `min_precision` (when any is):
/// for pairs where a wrong "same company" costs more than a miss.
pub fn best_threshold_with(
    model: &Logistic,
    examples: &[Example],
    unreachable: usize,
    min_precision: f64,
) -> (f64, f64) {
    let positives = examples.iter().filter(|e| e.same).count() + unreachable;
    let sets = examples.iter().map(|e| e.set + 1).max().unwrap_or(1);
    // Per set: (true, false) positives so far.
    let mut by_set = vec![(0usize, 0usize); sets];
    let mut decided_tp = 0usize;
    let mut decided_fp = 0usize;
    let mut open: Vec<(f64, bool, usize)> = Vec::new();
    for e in examples {
        match e.decided {
            Some(true) if e.same => {
                decided_tp += 1;
                by_set[e.set].0 += 1;
            }
            Some(true) => {
                decided_fp += 1;
                by_set[e.set].1 += 1;
            }
            Some(false) => {}
            None => open.push((model.probability(&e.features), e.same, e.set)),
        }
    }
    open.sort_by(|a, b| b.0.total_cmp(&a.0));
    let precise = |by_set: &[(usize, usize)]| {
        by_set
            .iter()
            .all(|(tp, fp)| (*tp as f64) >= min_precision * (tp + fp) as f64)
    };
    let f1 = |tp: usize, fp: usize, by_set: &[(usize, usize)]| {
        if tp == 0 || !precise(by_set) {
            0.0
        } else {
            let p = tp as f64 / (tp + fp) as f64;
            let r = tp as f64 / positives.max(1) as f64;
            2.0 * p * r / (p + r)
        }
    };
    let (mut tp, mut fp) = (decided_tp, decided_fp);
    // (threshold, F1 there), from the highest threshold down.
    let mut curve = vec![(0.99, f1(tp, fp, &by_set))];
    for (i, (p, same, set)) in open.iter().enumerate() {
        if *same {
            tp += 1;
            by_set[*set].0 += 1;
        } else {
            fp += 1;
            by_set[*set].1 += 1;
        }
        // A threshold between this score and the next lower one.
        let next = open.get(i + 1).map(|n| n.0).unwrap_or(0.0);
        if next < *p {
            curve.push(((p + next) / 2.0, f1(tp, fp, &by_set)));
        }
    }
    let best = curve.iter().map(|c| c.1).fold(0.0, f64::max);
    let plateau: Vec<f64> = curve
        .iter()
        .filter(|c| c.1 >= best - PLATEAU)
        .map(|c| c.0)
        .collect();
    let (low, high) = plateau
        .iter()
        .fold((1.0f64, 0.0f64), |(lo, hi), t| (lo.min(*t), hi.max(*t)));
    let middle = (low + high) / 2.0;
    // The F1 at the chosen threshold: that of the nearest point of the curve.
    let at = curve
        .iter()
        .min_by(|a, b| (a.0 - middle).abs().total_cmp(&(b.0 - middle).abs()))
        .map(|c| c.1)
        .unwrap_or(best);
    (round(middle), at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(x: f64, same: bool) -> Example {
        Example {
            features: vec![("x", x)],
            same,
            decided: None,
            set: 0,
        }
    }

    #[test]
    fn learns_the_direction_of_a_feature_and_a_separating_threshold() {
        let mut examples = Vec::new();
        for i in 0..200 {
            let x = i as f64 / 200.0;
            examples.push(example(x, x > 0.6 || (i % 17 == 0 && x > 0.4)));
        }
        let model = fit_logistic(&examples, 0.01);
        assert!(model.weights["x"] > 5.0, "{model:?}");
        let (threshold, f1) = best_threshold(&model, &examples, 0);
        assert!(f1 > 0.95, "{f1}");
        let cut = model.probability(&[("x", 0.6)]);
        assert!((threshold - cut).abs() < 0.2, "{threshold} vs {cut}");
    }

    #[test]
    fn decided_pairs_count_and_unreachable_ones_are_missed() {
        let model = Logistic::default();
        let examples = vec![Example {
            features: vec![],
            same: true,
            decided: Some(true),
            set: 0,
        }];
        let (_, f1) = best_threshold(&model, &examples, 1);
        assert!((f1 - 2.0 / 3.0).abs() < 1e-9, "{f1}");
    }
}
