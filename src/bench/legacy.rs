//! The duplicate matcher as it was before names were parsed into parts (commit 3411b38): the
//! core form (region words and legal forms stripped), Jaro-Winkler on it, a few caps, a
//! noisy-or with phone and domain; candidates by core prefix and trigrams. Kept only as the
//! same-run baseline of `bench dedup-quality` and `bench dedup-speed`.

use std::collections::HashMap;

use tokio_postgres::GenericClient;

use crate::dedup::scan::Record;
use crate::domain::names::{branch_part, core_form, region_of};
use crate::domain::{email, phone, uscc};
use crate::error::Error;

/// The old weights and thresholds (the shipped duplicate rules).
const NAME_THRESHOLD: f64 = 0.88;
const PHONE: f64 = 0.35;
const DOMAIN: f64 = 0.4;
/// The old batch threshold.
pub const DUPLICATE_AT: f64 = 0.85;

#[derive(Debug, Clone, Default)]
pub struct LegacyKeys {
    pub name: String,
    pub core: String,
    pub uscc: Option<String>,
    pub phone_e164: Option<String>,
    pub domain: Option<String>,
}

impl LegacyKeys {
    pub fn of(record: &Record) -> LegacyKeys {
        LegacyKeys {
            name: record.name.clone(),
            core: core_form(&record.name),
            uscc: record.uscc.as_deref().and_then(|c| uscc::validate(c).ok()),
            phone_e164: record
                .phone
                .as_deref()
                .and_then(|p| phone::normalize(p).ok())
                .map(|p| p.e164),
            domain: record.email.as_deref().and_then(email::company_domain),
        }
    }
}

fn differs_in_trade_name(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    a.len() == b.len() && a.len() >= 4 && a[..2] != b[..2] && a[2..] == b[2..]
}

/// The old score of `stored` for `draft`.
pub fn score(draft: &LegacyKeys, stored: &LegacyKeys, typing: bool) -> f64 {
    if draft.uscc.is_some() && draft.uscc == stored.uscc {
        return 1.0;
    }
    let mut similarity = if draft.core.is_empty() || stored.core.is_empty() {
        0.0
    } else if draft.core == stored.core {
        1.0
    } else {
        strsim::jaro_winkler(&draft.core, &stored.core)
    };
    if draft.core != stored.core
        && typing
        && draft.core.chars().count() >= 2
        && stored.core.starts_with(&draft.core)
    {
        similarity = similarity.max(0.9);
    }
    if similarity >= 0.9 && branch_part(&stored.name) != branch_part(&draft.name) {
        similarity = similarity.min(0.7);
    }
    if let (Some(mine), Some(theirs)) = (region_of(&draft.name), region_of(&stored.name))
        && mine != theirs
        && similarity >= 0.8
    {
        similarity = similarity.min(0.8);
    }
    if (0.8..1.0).contains(&similarity) && differs_in_trade_name(&draft.core, &stored.core) {
        similarity = similarity.min(0.8);
    }
    let name_signal = if similarity >= NAME_THRESHOLD {
        similarity
    } else {
        similarity * similarity * 0.5
    };
    let same_phone = draft.phone_e164.is_some() && draft.phone_e164 == stored.phone_e164;
    let same_domain = draft.domain.is_some() && draft.domain == stored.domain;
    let miss = (1.0 - name_signal)
        * (1.0 - if same_phone { PHONE } else { 0.0 })
        * (1.0 - if same_domain { DOMAIN } else { 0.0 });
    let mut total = 1.0 - miss;
    if draft.uscc.is_some() && stored.uscc.is_some() && draft.uscc != stored.uscc {
        total = total.min(0.5);
    }
    total
}

/// The old scan: candidates by credit code, phone, domain, equal cores, and cores with the
/// same first two characters and lengths within three; pairs at `DUPLICATE_AT` or above.
pub fn scan(records: &[Record]) -> Vec<(usize, usize)> {
    let keys: Vec<LegacyKeys> = records.iter().map(LegacyKeys::of).collect();
    let mut blocks: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, k) in keys.iter().enumerate() {
        for key in [
            k.uscc.as_ref().map(|c| format!("u:{c}")),
            k.phone_e164.as_ref().map(|p| format!("p:{p}")),
            k.domain.as_ref().map(|d| format!("d:{d}")),
            (k.core.chars().count() >= 2).then(|| format!("c:{}", k.core)),
            (k.core.chars().count() >= 3)
                .then(|| format!("f:{}", k.core.chars().take(2).collect::<String>())),
        ]
        .into_iter()
        .flatten()
        {
            blocks.entry(key).or_default().push(i);
        }
    }
    let mut pairs = std::collections::HashSet::new();
    for (key, members) in &blocks {
        for (n, a) in members.iter().enumerate() {
            for b in &members[n + 1..] {
                if key.starts_with("f:") {
                    let (la, lb) = (keys[*a].core.chars().count(), keys[*b].core.chars().count());
                    if la.abs_diff(lb) > 3 || keys[*a].core == keys[*b].core {
                        continue;
                    }
                }
                pairs.insert(((*a).min(*b), (*a).max(*b)));
            }
        }
    }
    let mut found: Vec<(usize, usize)> = pairs
        .into_iter()
        .filter(|(a, b)| {
            score(&keys[*a], &keys[*b], false).max(score(&keys[*b], &keys[*a], false))
                >= DUPLICATE_AT
        })
        .collect();
    found.sort_unstable();
    found
}

/// The old live check: its candidates (`db::api::dedup::legacy_candidates`), scored the old
/// way, best first; the ids of the top `k`.
pub async fn check<C: GenericClient>(
    client: &C,
    draft: &Record,
    k: usize,
) -> Result<Vec<i64>, Error> {
    Ok(check_scored(client, draft, k)
        .await?
        .into_iter()
        .map(|(_, id)| id)
        .collect())
}

/// The old live check's top `k` as (score, id).
pub async fn check_scored<C: GenericClient>(
    client: &C,
    draft: &Record,
    k: usize,
) -> Result<Vec<(f64, i64)>, Error> {
    let keys = LegacyKeys::of(draft);
    let found = crate::db::api::dedup::legacy_candidates(
        client,
        &draft.name,
        keys.uscc.as_deref(),
        keys.phone_e164.as_deref(),
        keys.domain.as_deref(),
    )
    .await?;
    let mut scored: Vec<(f64, i64)> = found
        .into_iter()
        .map(|(id, name, code, phone, domain)| {
            let stored = LegacyKeys {
                core: core_form(&name),
                name,
                uscc: code,
                phone_e164: phone,
                domain,
            };
            (score(&keys, &stored, true), id)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.truncate(k);
    Ok(scored)
}
