//! The finer, OntoNotes-style type a link decides: a country, territory,
//! region or city is a GPE, a nationality a NORP, an organisation, news
//! agency or company an ORG. Other kinds (a newsroom's topics, people)
//! decide nothing, and the coarse type keeps its meaning either way.

use crate::document::Link;
use crate::entry::Kind;

/// `copydesk.v1.FineType`, the values a link can decide.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FineType {
    Gpe,
    Norp,
    Org,
}

/// The finer type `link` decides, if any.
pub fn of_link(link: &Link) -> Option<FineType> {
    if link.nationality {
        return Some(FineType::Norp);
    }
    let entry = link.entry()?;
    match entry.kind {
        Kind::Country | Kind::Territory | Kind::Region | Kind::City => Some(FineType::Gpe),
        Kind::Organisation | Kind::Agency | Kind::Company => Some(FineType::Org),
        Kind::Person | Kind::Topic | Kind::Other(_) => None,
    }
}

/// The finer type of an entity with `links`: from the first link (in
/// search order) that decides one.
pub fn of_links(links: &[Link]) -> Option<FineType> {
    links.iter().find_map(of_link)
}
