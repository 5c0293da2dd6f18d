//! One knowledge-base entry, as read from a line of a base file
//! (`/work/helpers/KB_FORMAT.md`, mirrored in this crate's docs).

use std::collections::BTreeMap;

/// The coarse entity type an entity linked to an entry has: the four name
/// types of `copydesk.v1.EntityType`. Numeric and temporal entities never
/// link.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CoarseType {
    Person,
    Organization,
    Location,
    Misc,
}

impl CoarseType {
    /// Parses the `type` field of a base line.
    pub fn parse(text: &str) -> Option<CoarseType> {
        match text {
            "PERSON" => Some(CoarseType::Person),
            "ORGANIZATION" => Some(CoarseType::Organization),
            "LOCATION" => Some(CoarseType::Location),
            "MISC" => Some(CoarseType::Misc),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CoarseType::Person => "PERSON",
            CoarseType::Organization => "ORGANIZATION",
            CoarseType::Location => "LOCATION",
            CoarseType::Misc => "MISC",
        }
    }
}

/// What an entry is. The shipped base uses the named kinds; a newsroom base
/// may use its own words, kept as they are.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Country,
    Territory,
    Region,
    City,
    Organisation,
    Agency,
    Company,
    Person,
    Topic,
    Other(Box<str>),
}

impl Kind {
    /// The `kind` field of a base line; an empty one is taken from the
    /// coarse type.
    pub fn parse(text: &str, coarse: CoarseType) -> Kind {
        match text {
            "country" => Kind::Country,
            "territory" => Kind::Territory,
            "region" => Kind::Region,
            "city" => Kind::City,
            "organisation" | "organization" => Kind::Organisation,
            "agency" => Kind::Agency,
            "company" => Kind::Company,
            "person" => Kind::Person,
            "topic" => Kind::Topic,
            "" => match coarse {
                CoarseType::Person => Kind::Person,
                CoarseType::Organization => Kind::Organisation,
                CoarseType::Location | CoarseType::Misc => Kind::Topic,
            },
            other => Kind::Other(other.into()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Kind::Country => "country",
            Kind::Territory => "territory",
            Kind::Region => "region",
            Kind::City => "city",
            Kind::Organisation => "organisation",
            Kind::Agency => "agency",
            Kind::Company => "company",
            Kind::Person => "person",
            Kind::Topic => "topic",
            Kind::Other(other) => other,
        }
    }

    /// Countries and territories: the places that give a story its country
    /// context, and what a demonym links to.
    pub fn is_country(&self) -> bool {
        matches!(self, Kind::Country | Kind::Territory)
    }

    /// Places with a government (the OntoNotes GPE type).
    pub fn is_political_place(&self) -> bool {
        matches!(
            self,
            Kind::Country | Kind::Territory | Kind::Region | Kind::City
        )
    }
}

/// One entry of a knowledge base.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// Unique within its base, stable across reloads.
    pub id: String,
    /// The canonical name.
    pub name: String,
    /// Other names it goes by.
    pub aliases: Vec<String>,
    /// Nationality words that link here with kind "nationality".
    pub demonyms: Vec<String>,
    pub coarse: CoarseType,
    pub kind: Kind,
    pub description: String,
    pub url: String,
    /// How likely a bare mention of the name means this entry, in [0, 1].
    pub prior: f32,
    /// ISO 3166-1 alpha-2 of the country it is in (or is), upper case.
    pub country_code: Option<String>,
    /// The id of the entry it lies in.
    pub parent: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub population: Option<u64>,
    /// Every other field of the line, as text.
    pub metadata: BTreeMap<String, String>,
}

/// The prior from which a company's name is taken to mean the company
/// wherever it is written capitalised: the default base gives companies
/// whose names include an English word ("Shell", "Target") less.
const DISTINCT_COMPANY_PRIOR: f32 = 0.6;

impl Entry {
    /// Whether the entry is a company whose name is no English word, so
    /// that the NER's missing or mistyping it may be mended.
    pub fn is_distinct_company(&self) -> bool {
        self.kind == Kind::Company && self.prior >= DISTINCT_COMPANY_PRIOR
    }

    /// Whether a name the NER typed otherwise is this organisation's: an
    /// organisation or news agency of the hand-written table, or a
    /// distinct company.
    pub fn is_distinct_organisation(&self) -> bool {
        matches!(self.kind, Kind::Organisation | Kind::Agency) || self.is_distinct_company()
    }

    /// A bare entry: for tests and tools that build bases in code.
    pub fn new(id: &str, name: &str, coarse: CoarseType, kind: Kind, prior: f32) -> Entry {
        Entry {
            id: id.to_owned(),
            name: name.to_owned(),
            aliases: Vec::new(),
            demonyms: Vec::new(),
            coarse,
            kind,
            description: String::new(),
            url: String::new(),
            prior,
            country_code: None,
            parent: None,
            latitude: None,
            longitude: None,
            population: None,
            metadata: BTreeMap::new(),
        }
    }

    /// The entry's name form number `form` as the index numbers them: the
    /// name, then the aliases, then the demonyms.
    pub fn form(&self, form: usize) -> &str {
        if form == 0 {
            return &self.name;
        }
        let form = form - 1;
        if let Some(alias) = self.aliases.get(form) {
            return alias;
        }
        self.demonyms
            .get(form - self.aliases.len())
            .map_or("", String::as_str)
    }

    /// Whether form number `form` is a demonym.
    pub fn is_demonym_form(&self, form: usize) -> bool {
        form > self.aliases.len()
    }

    /// Every name form, numbered as [`Entry::form`] numbers them.
    pub fn forms(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str())
            .chain(self.aliases.iter().map(String::as_str))
            .chain(self.demonyms.iter().map(String::as_str))
    }

    /// Small facts for `EntityLink.metadata`: coordinates, country code,
    /// population and the line's extra fields.
    pub fn link_metadata(&self) -> BTreeMap<String, String> {
        let mut metadata = self.metadata.clone();
        if let Some(latitude) = self.latitude {
            metadata.insert("latitude".to_owned(), latitude.to_string());
        }
        if let Some(longitude) = self.longitude {
            metadata.insert("longitude".to_owned(), longitude.to_string());
        }
        if let Some(code) = &self.country_code {
            metadata.insert("country_code".to_owned(), code.clone());
        }
        if let Some(population) = self.population {
            metadata.insert("population".to_owned(), population.to_string());
        }
        if let Some(geonames) = self.id.strip_prefix("geonames:") {
            metadata
                .entry("geonames_id".to_owned())
                .or_insert_with(|| geonames.to_owned());
        }
        metadata
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_are_numbered_name_aliases_demonyms() {
        let mut entry = Entry::new("x", "Ukraine", CoarseType::Location, Kind::Country, 1.0);
        entry.aliases = vec!["Ukraina".to_owned()];
        entry.demonyms = vec!["Ukrainian".to_owned(), "Ukrainians".to_owned()];
        let forms: Vec<&str> = entry.forms().collect();
        assert_eq!(forms, ["Ukraine", "Ukraina", "Ukrainian", "Ukrainians"]);
        for (i, form) in forms.iter().enumerate() {
            assert_eq!(entry.form(i), *form);
        }
        assert!(!entry.is_demonym_form(1));
        assert!(entry.is_demonym_form(2));
        assert_eq!(entry.form(9), "");
    }
}
