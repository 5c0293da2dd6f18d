//! Linking a document's entities: candidates from the entity's name and its
//! other mentions, filtered by type, weighed by prior and by the document's
//! context, and given only when the linker is confident.
//!
//! A candidate's weight is `10^(4 * prior)` (for places, whose prior is
//! `log10(population + 1) / 8`, the square root of the population), times
//! - 0.3 when only another mention of the entity names it, not its fullest
//!   name (and such candidates are out when the fullest name has some);
//! - 4 when its country is one other places of the story are in (or are);
//! - 6 when a place of the story lies in it, or it lies in one (Atlanta in
//!   the story: Georgia the state; Tbilisi: Georgia the country);
//! - 3 when its country is the dateline's ("CAMBRIDGE, Mass. (AP) -").
//!
//! The confidence of the heaviest candidate is its share of the weight of
//! all the candidates (two Congos with no context: 0.5 each), times 0.8
//! when the story's places are all in other countries than it, and times
//! 0.5 when only a shorter mention names it, not the entity's name. Below the
//! threshold there is no link. The context comes from a first pass: the
//! entities whose best candidate holds 90% of the weight without context,
//! each entity's own contribution left out when it is weighed.
//!
//! A subdivision that is a city itself (Kaohsiung City, a special
//! municipality) and a city candidate of the same country are one place:
//! the subdivision is dropped and the city stands for both.
//!
//! Compass points ("the South", "the West") are regions of a story's own
//! framing, not places of a gazetteer: they are never linked.

use std::collections::HashMap;
use std::sync::Arc;

use crate::document::{InputEntity, Link};
use crate::entry::{CoarseType, Entry, Kind};
use crate::fold::fold;
use crate::knowledge::KnowledgeBase;
use crate::lookup::compatible;

/// Weight exponent per unit of prior.
const PRIOR_EXPONENT: f32 = 4.0;
/// Candidates per name form: the highest priors of a name shared by many
/// entries.
pub const MAX_CANDIDATES_PER_FORM: usize = 64;
const OTHER_MENTION: f32 = 0.3;
const OTHER_MENTION_FIT: f32 = 0.7;
const SAME_COUNTRY: f32 = 4.0;
const CONTAINMENT: f32 = 6.0;
const DATELINE_COUNTRY: f32 = 3.0;
const FOREIGN: f32 = 0.8;
/// Share without context that makes an entity part of the context.
const CONTEXT_SHARE: f32 = 0.9;
/// The default confidence threshold (tuned on the development set, see the
/// README).
pub const DEFAULT_THRESHOLD: f32 = 0.6;

const COMPASS: &[&str] = &[
    "north",
    "south",
    "east",
    "west",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
    "north east",
    "north west",
    "south east",
    "south west",
    "midwest",
    "far east",
    "middle east",
    "deep south",
];

/// Generic words after a place name and the kind they say it is.
const PLACE_WORDS: &[(&str, Kind)] = &[
    ("city", Kind::City),
    ("county", Kind::Region),
    ("province", Kind::Region),
    ("state", Kind::Region),
    ("prefecture", Kind::Region),
    ("region", Kind::Region),
    ("district", Kind::Region),
];

/// Whether a folded name is a compass point.
pub fn is_compass(key: &str) -> bool {
    COMPASS.contains(&key)
}

/// One candidate entry for one entity in one base.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Candidate {
    pub entry: u32,
    /// 1 when the entity's name matched, [`OTHER_MENTION`] when only
    /// another mention did.
    pub form_weight: f32,
    pub nationality: bool,
}

/// The candidates for `entity` in each of `bases`, looked up as type
/// `coarse` (none without a type).
pub(crate) fn candidates_per_base(
    bases: &[&Arc<KnowledgeBase>],
    entity: &InputEntity,
    coarse: Option<CoarseType>,
) -> Vec<Vec<Candidate>> {
    bases
        .iter()
        .map(|base| coarse.map_or_else(Vec::new, |c| candidates(base, entity, c)))
        .collect()
}

/// The candidates for `entity` in `base`, looked up as type `coarse`
/// (the NER's, or the one [`crate::retype`] tries).
fn candidates(base: &KnowledgeBase, entity: &InputEntity, coarse: CoarseType) -> Vec<Candidate> {
    let name = fold(&entity.name);
    let mut forms: Vec<(String, f32)> = vec![(name, 1.0)];
    for mention in &entity.mentions {
        let key = fold(&mention.text);
        if !forms.iter().any(|(k, _)| *k == key) {
            forms.push((key, OTHER_MENTION));
        }
    }
    let mut out: Vec<Candidate> = Vec::new();
    for (key, weight) in forms {
        if key.is_empty() || is_compass(&key) {
            continue;
        }
        let (postings, kind) = match base.index.exact(&key) {
            [] => match strip_place_word(&key) {
                Some((stem, kind)) => (base.index.exact(stem), Some(kind)),
                None => continue,
            },
            postings => (postings, None),
        };
        for posting in postings.iter().take(MAX_CANDIDATES_PER_FORM) {
            let Some(entry) = base.entry(posting.entry) else {
                continue;
            };
            let demonym = entry.is_demonym_form(posting.form as usize);
            if !compatible(coarse, entry.coarse, demonym) {
                continue;
            }
            if kind.as_ref().is_some_and(|k| *k != entry.kind) {
                continue;
            }
            match out.iter_mut().find(|c| c.entry == posting.entry) {
                Some(c) => {
                    c.form_weight = c.form_weight.max(weight);
                    c.nationality &= demonym;
                }
                None => out.push(Candidate {
                    entry: posting.entry,
                    form_weight: weight,
                    nationality: demonym,
                }),
            }
        }
    }
    // The fullest name is the strongest evidence: when it names entries,
    // those the shorter mentions alone name are out.
    if out.iter().any(|c| c.form_weight >= 1.0) {
        out.retain(|c| c.form_weight >= 1.0);
    }
    let twins: Vec<u32> = out
        .iter()
        .filter(|c| is_city_twin(base, c, &out))
        .map(|c| c.entry)
        .collect();
    out.retain(|c| !twins.contains(&c.entry));
    out
}

/// Whether `candidate` is a subdivision that is a city itself
/// ([`KnowledgeBase::is_city_level`]) named like a city candidate of the
/// same country: one place, which the city stands for (it has coordinates
/// and a population), rather than two rivals that would split the
/// confidence and leave "Kaohsiung" without a link.
fn is_city_twin(base: &KnowledgeBase, candidate: &Candidate, all: &[Candidate]) -> bool {
    if !base.is_city_level(candidate.entry) {
        return false;
    }
    let Some(region) = base.entry(candidate.entry) else {
        return false;
    };
    all.iter().any(|other| {
        other.form_weight >= candidate.form_weight
            && base.entry(other.entry).is_some_and(|city| {
                city.kind == Kind::City
                    && city.country_code.is_some()
                    && city.country_code == region.country_code
            })
    })
}

/// "taitung county" -> ("taitung", region).
fn strip_place_word(key: &str) -> Option<(&str, Kind)> {
    let (stem, last) = key.rsplit_once(' ')?;
    PLACE_WORDS
        .iter()
        .find(|(word, _)| *word == last)
        .map(|(_, kind)| (stem, kind.clone()))
}

/// The country code of an entry: its own field, or a country's ISO code.
fn country_of(entry: &Entry) -> Option<&str> {
    entry
        .country_code
        .as_deref()
        .or_else(|| entry.metadata.get("iso_3166").map(String::as_str))
}

/// What the story's places say about where it is.
#[derive(Debug, Default)]
pub(crate) struct Context {
    /// Country codes of the places the story names confidently.
    countries: HashMap<String, u32>,
    /// "base\0id" of those places and of every place they lie in.
    places: HashMap<String, u32>,
    dateline_country: Option<String>,
}

/// What one entity adds to the context.
#[derive(Debug, Default, Clone)]
pub(crate) struct Contribution {
    countries: Vec<String>,
    places: Vec<String>,
}

impl Context {
    fn add(&mut self, contribution: &Contribution) {
        for c in &contribution.countries {
            *self.countries.entry(c.clone()).or_default() += 1;
        }
        for p in &contribution.places {
            *self.places.entry(p.clone()).or_default() += 1;
        }
    }

    fn has_country(&self, code: &str, own: &Contribution) -> bool {
        let mine = own.countries.iter().filter(|c| *c == code).count() as u32;
        self.countries.get(code).is_some_and(|n| *n > mine)
    }

    fn has_place(&self, key: &str, own: &Contribution) -> bool {
        let mine = own.places.iter().filter(|c| *c == key).count() as u32;
        self.places.get(key).is_some_and(|n| *n > mine)
    }

    fn any_country_besides(&self, own: &Contribution) -> bool {
        self.countries
            .keys()
            .any(|code| self.has_country(code, own))
            || self.dateline_country.is_some()
    }
}

fn place_key(base: &KnowledgeBase, id: &str) -> String {
    format!("{}\0{id}", base.name())
}

/// What linking `entry` of `base` adds to the context.
fn contribution_of(base: &KnowledgeBase, entry: u32, into: &mut Contribution) {
    let Some(e) = base.entry(entry) else {
        return;
    };
    if let Some(code) = country_of(e) {
        into.countries.push(code.to_owned());
    }
    into.places.push(place_key(base, &e.id));
    for ancestor in base.ancestors(entry) {
        into.places.push(place_key(base, ancestor));
    }
}

/// The weights of `candidates` in `context`, without the entity's own
/// contribution.
fn weights(
    base: &KnowledgeBase,
    candidates: &[Candidate],
    context: Option<(&Context, &Contribution)>,
) -> Vec<f32> {
    candidates
        .iter()
        .map(|c| {
            let Some(entry) = base.entry(c.entry) else {
                return 0.0;
            };
            let mut w = 10f32.powf(PRIOR_EXPONENT * entry.prior) * c.form_weight;
            if let Some((context, own)) = context {
                let country = country_of(entry);
                if country.is_some_and(|code| context.has_country(code, own)) {
                    w *= SAME_COUNTRY;
                }
                let contains = context.has_place(&place_key(base, &entry.id), own);
                let inside = entry
                    .parent
                    .as_deref()
                    .is_some_and(|p| context.has_place(&place_key(base, p), own));
                if contains || inside {
                    w *= CONTAINMENT;
                }
                if country.is_some() && country == context.dateline_country.as_deref() {
                    w *= DATELINE_COUNTRY;
                }
            }
            w
        })
        .collect()
}

/// The best candidate and its share of the weight.
fn best(weights: &[f32]) -> Option<(usize, f32)> {
    let total: f32 = weights.iter().sum();
    let (i, w) = weights
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))?;
    (total > 0.0).then(|| (i, w / total))
}

/// Links every entity of a document in each of `bases` (search order),
/// given its candidates per base ([`candidates_per_base`]): at most one
/// link per base.
pub(crate) fn link_entities(
    bases: &[&Arc<KnowledgeBase>],
    text: &str,
    candidates: &[Vec<Vec<Candidate>>],
    threshold: f32,
) -> Vec<Vec<Link>> {
    let mut context = Context {
        dateline_country: dateline_country(text, bases),
        ..Context::default()
    };
    let mut contributions = vec![Contribution::default(); candidates.len()];
    for (e, per_base) in candidates.iter().enumerate() {
        for (base, cands) in bases.iter().zip(per_base) {
            if let Some((i, share)) = best(&weights(base, cands, None))
                && share >= CONTEXT_SHARE
            {
                contribution_of(base, cands[i].entry, &mut contributions[e]);
            }
        }
        context.add(&contributions[e]);
    }

    candidates
        .iter()
        .zip(&contributions)
        .map(|(per_base, own)| {
            bases
                .iter()
                .zip(per_base)
                .filter_map(|(base, cands)| {
                    let (i, share) = best(&weights(base, cands, Some((&context, own))))?;
                    let c = cands[i];
                    let entry = base.entry(c.entry)?;
                    let foreign = context.any_country_besides(own)
                        && country_of(entry).is_some_and(|code| {
                            !context.has_country(code, own)
                                && context.dateline_country.as_deref() != Some(code)
                        });
                    let mut fit = if foreign { FOREIGN } else { 1.0 };
                    if c.form_weight < 1.0 {
                        // Only a shorter mention names it, not the entity's
                        // name: "America" of "North America", "Cardiff" of
                        // "Cardiff Arms Park".
                        fit *= OTHER_MENTION_FIT;
                    }
                    let score = (share * fit).clamp(0.0, 1.0);
                    (score >= threshold).then(|| Link {
                        base: Arc::clone(base),
                        entry: c.entry,
                        score,
                        nationality: c.nationality,
                    })
                })
                .collect()
        })
        .collect()
}

/// The country of the dateline opening the story ("KAOHSIUNG, Taiwan
/// (CNA) --", "CAMBRIDGE, Mass. (AP) —", "LONDON -"), when its place is
/// clear.
pub(crate) fn dateline_country(text: &str, bases: &[&Arc<KnowledgeBase>]) -> Option<String> {
    let (place, qualifier) = dateline(text)?;
    let mut found: Vec<(f32, &Entry, &KnowledgeBase)> = Vec::new();
    if let Some(qualifier) = qualifier {
        // "Mass.", "Taiwan": a region or a country says it outright.
        for base in bases {
            for p in base
                .index
                .exact(&fold(qualifier))
                .iter()
                .take(MAX_CANDIDATES_PER_FORM)
            {
                if let Some(e) = base.entry(p.entry)
                    && matches!(e.kind, Kind::Country | Kind::Territory | Kind::Region)
                    && !e.is_demonym_form(p.form as usize)
                {
                    found.push((10f32.powf(PRIOR_EXPONENT * e.prior), e, base));
                }
            }
        }
    } else {
        for base in bases {
            for p in base
                .index
                .exact(&fold(place))
                .iter()
                .take(MAX_CANDIDATES_PER_FORM)
            {
                if let Some(e) = base.entry(p.entry)
                    && e.coarse == CoarseType::Location
                {
                    found.push((10f32.powf(PRIOR_EXPONENT * e.prior), e, base));
                }
            }
        }
    }
    let total: f32 = found.iter().map(|f| f.0).sum();
    let (weight, entry, _) = found.into_iter().max_by(|a, b| a.0.total_cmp(&b.0))?;
    (weight / total >= 0.5)
        .then(|| country_of(entry).map(str::to_owned))
        .flatten()
}

/// The place and its qualifier of a dateline at the start of `text`.
pub(crate) fn dateline(text: &str) -> Option<(&str, Option<&str>)> {
    let line = text.trim_start().lines().next()?;
    // A dateline is short: look for its dash in the first 60 bytes.
    let head_end = line
        .char_indices()
        .map(|(i, _)| i)
        .find(|i| *i >= 60)
        .unwrap_or(line.len());
    let head = &line[..head_end];
    let dash = ["—", "–", " -- ", " - "]
        .iter()
        .filter_map(|d| head.find(d))
        .min()?;
    let mut before = head[..dash].trim();
    if let Some(open) = before.find('(')
        && before.ends_with(')')
    {
        before = before[..open].trim();
    }
    let (place, qualifier) = match before.split_once(',') {
        Some((place, qualifier)) => (place.trim(), Some(qualifier.trim())),
        None => (before, None),
    };
    let words: Vec<&str> = place.split_whitespace().collect();
    let looks_like_place = !words.is_empty()
        && words.len() <= 4
        && words
            .iter()
            .all(|w| crate::fold::is_capitalised(w) && !w.chars().any(|c| c.is_ascii_digit()));
    let qualifier = qualifier.filter(|q| !q.is_empty() && q.split_whitespace().count() <= 4);
    looks_like_place.then_some((place, qualifier))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datelines() {
        assert_eq!(
            dateline("CAMBRIDGE, Mass. (AP) — The university said"),
            Some(("CAMBRIDGE", Some("Mass.")))
        );
        assert_eq!(
            dateline("KAOHSIUNG (CNA) -- The city"),
            Some(("KAOHSIUNG", None))
        );
        assert_eq!(dateline("LONDON - Shares fell"), Some(("LONDON", None)));
        assert_eq!(dateline("Shares fell on Monday - a drop"), None);
        assert_eq!(dateline("No dash at all"), None);
    }

    #[test]
    fn place_words() {
        assert_eq!(
            strip_place_word("taitung county"),
            Some(("taitung", Kind::Region))
        );
        assert_eq!(
            strip_place_word("taitung city"),
            Some(("taitung", Kind::City))
        );
        assert_eq!(strip_place_word("taitung"), None);
    }
}
