//! Each config's `Default` is what clap parses from no flags and no
//! environment, so code that builds a config by hand (tests, `copydesk up`)
//! runs the server exactly as the command line does.

#![allow(clippy::unwrap_used)]

use clap::{Args, Command, FromArgMatches};

/// What clap makes of an empty command line, environment variables ignored
/// (the test process may have COPYDESK_* set).
fn parsed<T: Args + FromArgMatches>() -> T {
    let command = T::augment_args(Command::new("copydesk")).mut_args(|arg| arg.env(None::<&str>));
    let matches = command.try_get_matches_from(["copydesk"]).unwrap();
    T::from_arg_matches(&matches).unwrap()
}

#[test]
fn knowledge_config_default_is_what_no_flags_parse_to() {
    // The config types have no PartialEq; their derived Debug shows every field.
    let parsed: copydesk_knowledge_server::KnowledgeConfig = parsed();
    assert_eq!(
        format!("{parsed:#?}"),
        format!(
            "{:#?}",
            copydesk_knowledge_server::KnowledgeConfig::default()
        )
    );
}
