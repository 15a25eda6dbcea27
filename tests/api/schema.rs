//! `schema.graphql` is the SDL generated from the code.

#[test]
fn committed_sdl_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql");
    let generated = jixiao::graphql::sdl();
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "schema.graphql is out of date with the code; regenerate it with:\n\n    cargo run -q -- schema > schema.graphql\n"
    );
}
