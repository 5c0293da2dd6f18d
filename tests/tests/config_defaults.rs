//! Each server config's `Default` is what clap parses from no flags and no
//! environment, so code that builds a config by hand (tests, `copydesk up`)
//! runs the server exactly as the command line does.

#![allow(clippy::unwrap_used)]

use std::fmt::Debug;

use clap::{Args, Command, FromArgMatches};

/// Asserts that clap's reading of an empty command line, environment
/// variables ignored (the test process may have COPYDESK_* set), equals
/// `T::default()`. The config types have no PartialEq; their derived
/// Debug shows every field.
fn default_is_what_no_flags_parse_to<T: Args + FromArgMatches + Default + Debug>() {
    let command = T::augment_args(Command::new("copydesk")).mut_args(|arg| arg.env(None::<&str>));
    let matches = command.try_get_matches_from(["copydesk"]).unwrap();
    let parsed = T::from_arg_matches(&matches).unwrap();
    assert_eq!(format!("{parsed:#?}"), format!("{:#?}", T::default()));
}

#[test]
fn server_config() {
    default_is_what_no_flags_parse_to::<copydesk_runtime::ServerConfig>();
}

#[test]
fn gateway_config() {
    default_is_what_no_flags_parse_to::<copydesk_gateway::GatewayConfig>();
}

#[test]
fn gateway_options() {
    default_is_what_no_flags_parse_to::<copydesk_gateway::GatewayOptions>();
}

#[test]
fn segmenter_config() {
    default_is_what_no_flags_parse_to::<copydesk_segmenter_server::SegmenterConfig>();
}

#[test]
fn entities_config() {
    default_is_what_no_flags_parse_to::<copydesk_entities_server::EntitiesConfig>();
}

#[test]
fn sentiment_config() {
    default_is_what_no_flags_parse_to::<copydesk_sentiment_server::SentimentConfig>();
}

#[test]
fn knowledge_config() {
    default_is_what_no_flags_parse_to::<copydesk_knowledge_server::KnowledgeConfig>();
}
