//! `GET /viz`: a page to look at an analysis (plain HTML, CSS and
//! JavaScript, compiled into the binary so the gateway needs no files). It
//! calls `POST /v1/annotate` on the same origin.

use axum::response::IntoResponse;
use axum::routing::{MethodRouter, get};
use http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};

const INDEX: &str = include_str!("viz/index.html");
const SCRIPT: &str = include_str!("viz/app.js");
const STYLE: &str = include_str!("viz/style.css");
/// The land outline of the place maps (tools/world_map/build.sh).
const WORLD: &str = include_str!("viz/world.js");

/// Same-origin only: the page loads nothing from elsewhere, so a text that
/// slipped markup past it could not load or send anything either; and no
/// other site may frame it (clickjacking a user who typed in a token).
const POLICY: &str = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'";

fn asset(content_type: &'static str, body: &'static str) -> MethodRouter {
    get(move || async move {
        (
            [
                (CONTENT_TYPE, content_type),
                (CONTENT_SECURITY_POLICY, POLICY),
                // Rebuilt with the binary: a short cache is enough.
                (CACHE_CONTROL, "max-age=300"),
            ],
            body,
        )
            .into_response()
    })
}

/// The page and its assets, by path.
pub fn assets() -> [(&'static str, MethodRouter); 4] {
    [
        ("/viz", asset("text/html; charset=utf-8", INDEX)),
        (
            "/viz/app.js",
            asset("text/javascript; charset=utf-8", SCRIPT),
        ),
        ("/viz/style.css", asset("text/css; charset=utf-8", STYLE)),
        (
            "/viz/world.js",
            asset("text/javascript; charset=utf-8", WORLD),
        ),
    ]
}
