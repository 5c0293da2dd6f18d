//! The HTTP/JSON API described: `GET /openapi.json` (OpenAPI 3.1) and
//! `GET /api` (the same as a self-contained page for people).
//!
//! Nothing here is written by hand twice: the schemas of every message and
//! enum, with their documentation, come from the protos at build time
//! (`copydesk_proto::OPENAPI_COMPONENTS`); the paths are the routes of
//! [`crate::http_json`]; the HTTP status of each error comes from
//! [`http_json::http_status`]. `docs/openapi.json` is a committed copy that
//! a test keeps equal to [`document`] (`COPYDESK_UPDATE_OPENAPI=1 cargo
//! test -p copydesk-gateway openapi` rewrites it).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::LazyLock;

use axum::response::IntoResponse;
use axum::routing::get;
use http::StatusCode;
use http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use serde_json::{Map, Value, json};
use tonic::Code;

use crate::http_json;

/// The HTTP/JSON calls: path, the Annotator method it serves.
const CALLS: [(&str, &str); 2] = [
    ("/v1/annotate", "Annotate"),
    ("/v1/batchAnnotate", "BatchAnnotate"),
];

/// Why each gRPC code reaches an HTTP caller of these calls; its HTTP
/// status is `http_json::http_status(code)`.
const ERRORS: [(Code, &str); 7] = [
    (
        Code::InvalidArgument,
        "the body is not the request in proto3 JSON, or breaks the contract or a limit (the message names the field or the limit); also a body over --max-http-body-bytes (413)",
    ),
    (
        Code::Unauthenticated,
        "the gateway has a token (--auth-token) and the `Authorization: Bearer <token>` header is missing or wrong",
    ),
    (
        Code::ResourceExhausted,
        "overloaded: the gateway sheds the request rather than queue it; retry with backoff",
    ),
    (
        Code::DeadlineExceeded,
        "the deadline passed before the answer was ready",
    ),
    (
        Code::Unavailable,
        "a service the whole answer needs (the segmenter) is down; other services being down only fills `errors`",
    ),
    (Code::Cancelled, "the request body broke off"),
    (Code::Internal, "a bug: please report it"),
];

/// Refusals of the HTTP layer itself, before the body is read whole:
/// (HTTP status, gRPC code in the body, why).
const HTTP_REFUSALS: [(StatusCode, Code, &str); 2] = [
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        Code::InvalidArgument,
        "the body is over the server's limit (--max-http-body-bytes; the runtime's own limit says RESOURCE_EXHAUSTED)",
    ),
    (
        StatusCode::REQUEST_TIMEOUT,
        Code::DeadlineExceeded,
        "the body did not arrive in time",
    ),
];

const INTRODUCTION: &str = "Copydesk's gateway over HTTP/JSON: the `copydesk.v1.Annotator` calls, \
with the same port serving gRPC.\n\nBodies are the proto3 JSON mapping of the protobuf messages: \
field names in lowerCamelCase (`documentSentiment`; the proto's snake_case name is accepted on input \
too), 64-bit integers as decimal strings, enums as their names (their numbers are accepted on input), \
every scalar and list field present in answers even when empty or zero, and unknown fields in requests \
ignored. Offsets (`span.begin`, `span.end`, end-exclusive) count in the unit the request's `encoding` \
asks for: UTF-8 bytes by default, UTF-16 code units or code points.\n\nErrors have the body \
`{\"code\": <gRPC code>, \"message\": ...}` with the HTTP status grpc-gateway uses for that code.";

static DOCUMENT: LazyLock<Value> = LazyLock::new(build);

/// The OpenAPI 3.1 document of the HTTP/JSON API.
pub fn document() -> &'static Value {
    &DOCUMENT
}

/// The document as served and committed: pretty JSON, one final newline.
pub fn document_json() -> String {
    let mut json = serde_json::to_string_pretty(document()).unwrap_or_default();
    json.push('\n');
    json
}

fn build() -> Value {
    let generated: Value = match serde_json::from_str(copydesk_proto::OPENAPI_COMPONENTS) {
        Ok(value) => value,
        // Made by the proto crate's build script; a test parses it.
        Err(error) => json!({ "schemas": {}, "error": error.to_string() }),
    };
    let mut schemas = generated["schemas"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    schemas.insert("Error".to_owned(), error_schema());
    let annotator = &generated["services"]["Annotator"];
    let mut paths = Map::new();
    for (path, method) in CALLS {
        let rpc = &annotator["methods"][method];
        let input = rpc["input"].as_str().unwrap_or_default();
        let output = rpc["output"].as_str().unwrap_or_default();
        paths.insert(
            path.to_owned(),
            json!({
                "post": {
                    "operationId": lower_first(method),
                    "summary": first_sentence(rpc["description"].as_str().unwrap_or_default()),
                    "description": rpc["description"],
                    "tags": ["Annotator"],
                    "requestBody": {
                        "required": true,
                        "content": { "application/json": { "schema": schema_ref(input) } },
                    },
                    "responses": responses(output),
                }
            }),
        );
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Copydesk HTTP/JSON API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": format!("{INTRODUCTION}\n\n{}", annotator["description"].as_str().unwrap_or_default()),
            "license": { "name": "MIT", "identifier": "MIT" },
        },
        "servers": [{ "url": "/", "description": "the gateway (gRPC and HTTP/JSON on one port)" }],
        "tags": [{ "name": "Annotator", "description": annotator["description"] }],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "Only when the gateway runs with --auth-token (COPYDESK_AUTH_TOKEN).",
                }
            },
        },
        // The token is optional: a gateway without --auth-token takes none.
        "security": [{}, { "bearer": [] }],
    })
}

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

/// 200 with `output`, then one entry per HTTP status an error can have,
/// listing the gRPC codes and reasons behind it.
fn responses(output: &str) -> Value {
    let mut by_status: BTreeMap<u16, Vec<String>> = BTreeMap::new();
    for (code, why) in ERRORS {
        by_status
            .entry(http_json::http_status(code).as_u16())
            .or_default()
            .push(format!("{} ({}): {why}", code_name(code), code as i32));
    }
    for (status, code, why) in HTTP_REFUSALS {
        by_status.entry(status.as_u16()).or_default().push(format!(
            "{} ({}): {why}",
            code_name(code),
            code as i32
        ));
    }
    let mut responses = Map::new();
    responses.insert(
        "200".to_owned(),
        json!({
            "description": "The answer. Features a service could not serve are listed in `errors`; the rest stands.",
            "content": { "application/json": { "schema": schema_ref(output) } },
        }),
    );
    for (status, reasons) in by_status {
        let mut response = json!({
            "description": reasons.join("; "),
            "content": { "application/json": { "schema": schema_ref("Error") } },
        });
        if status == StatusCode::UNAUTHORIZED.as_u16() {
            response["headers"] = json!({
                "WWW-Authenticate": { "schema": { "type": "string", "const": "Bearer" } }
            });
        }
        responses.insert(status.to_string(), response);
    }
    Value::Object(responses)
}

fn error_schema() -> Value {
    let codes: Vec<i32> = (0..=16).collect();
    json!({
        "type": "object",
        "description": "Why a request failed as a whole.",
        "required": ["code", "message"],
        "properties": {
            "code": {
                "type": "integer",
                "enum": codes,
                "description": "The gRPC status code (google.rpc.Code numbering: 3 INVALID_ARGUMENT, 4 DEADLINE_EXCEEDED, 8 RESOURCE_EXHAUSTED, 14 UNAVAILABLE, 16 UNAUTHENTICATED, ...).",
            },
            "message": { "type": "string", "description": "What went wrong, for people." },
        },
    })
}

fn code_name(code: Code) -> String {
    // "InvalidArgument" -> "INVALID_ARGUMENT".
    let mut name = String::new();
    for (i, c) in format!("{code:?}").chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            name.push('_');
        }
        name.push(c.to_ascii_uppercase());
    }
    name
}

fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|c| c.to_lowercase().chain(chars).collect())
        .unwrap_or_default()
}

fn first_sentence(text: &str) -> String {
    let flat = text.replace('\n', " ");
    match flat.find(". ") {
        Some(end) => flat[..=end].to_owned(),
        None => flat,
    }
}

/// Adds `GET /openapi.json` and `GET /api` to `server`. Both are public,
/// like `/viz`: they describe the API and hold no data.
pub fn routes(server: copydesk_runtime::Server) -> copydesk_runtime::Server {
    server
        .add_http_route(
            "/openapi.json",
            get(|| async {
                (
                    [
                        (CONTENT_TYPE, "application/json"),
                        (CACHE_CONTROL, "max-age=300"),
                    ],
                    document_json(),
                )
                    .into_response()
            }),
        )
        .add_http_route(
            "/api",
            get(|| async {
                (
                    [
                        (CONTENT_TYPE, "text/html; charset=utf-8"),
                        // Inline style only; nothing is loaded from anywhere.
                        (
                            CONTENT_SECURITY_POLICY,
                            "default-src 'none'; style-src 'unsafe-inline'",
                        ),
                        (CACHE_CONTROL, "max-age=300"),
                    ],
                    page(),
                )
                    .into_response()
            }),
        )
}

static PAGE: LazyLock<String> = LazyLock::new(|| render(document()));

fn page() -> &'static str {
    &PAGE
}

/// The document for people: the calls, their errors, then every schema
/// with its fields, types and documentation. Self-contained HTML.
fn render(doc: &Value) -> String {
    let mut out = String::new();
    let title = text(&doc["info"]["title"]);
    let _ = write!(
        out,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<header><h1>{title} \
         <small>{}</small></h1>\n<p><a href=\"/openapi.json\">openapi.json</a> (OpenAPI 3.1) · \
         <a href=\"/viz\">try it in /viz</a></p>\n{}</header>\n<main>\n<h2>Calls</h2>\n",
        text(&doc["info"]["version"]),
        paragraphs(&doc["info"]["description"]),
    );
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        let op = &item["post"];
        let input = ref_name(&op["requestBody"]["content"]["application/json"]["schema"]);
        let _ = write!(
            out,
            "<section class=\"call\" id=\"{id}\"><h3><span class=\"verb\">POST</span> <code>{path}</code></h3>\n{}\
             <p>Body: {}</p>\n<table><tr><th>Status</th><th>Body</th><th>When</th></tr>\n",
            paragraphs(&op["description"]),
            type_link(&input),
            id = escape(op["operationId"].as_str().unwrap_or_default()),
            path = escape(path),
        );
        for (status, response) in op["responses"].as_object().into_iter().flatten() {
            let body = ref_name(&response["content"]["application/json"]["schema"]);
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(status),
                type_link(&body),
                escape(&text(&response["description"])).replace("; ", "<br>")
            );
        }
        let example = format!(
            "curl -s http://HOST:50051{path} -H 'content-type: application/json' -d '{{\"document\": {{\"text\": \"Angela Merkel visited Paris.\"}}}}'"
        );
        if path == "/v1/annotate" {
            let _ = writeln!(out, "</table>\n<pre>{}</pre>", escape(&example));
        } else {
            out.push_str("</table>\n");
        }
        out.push_str("</section>\n");
    }
    out.push_str("<h2>Types</h2>\n");
    for (name, schema) in doc["components"]["schemas"]
        .as_object()
        .into_iter()
        .flatten()
    {
        let _ = write!(
            out,
            "<section class=\"type\" id=\"{id}\"><h3>{id}</h3>\n{}",
            paragraphs(&schema["description"]),
            id = escape(name)
        );
        if let Some(values) = schema["enum"].as_array()
            && schema["type"] == "string"
        {
            let names: Vec<String> = values
                .iter()
                .map(|v| format!("<code>{}</code>", escape(&text(v))))
                .collect();
            let _ = writeln!(out, "<p>One of: {}</p>", names.join(" "));
        }
        if let Some(properties) = schema["properties"].as_object() {
            out.push_str("<table><tr><th>Field</th><th>Type</th><th>Meaning</th></tr>\n");
            for (field, property) in properties {
                let _ = writeln!(
                    out,
                    "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                    escape(field),
                    type_of(property),
                    paragraphs(&property["description"])
                );
            }
            out.push_str("</table>\n");
        }
        out.push_str("</section>\n");
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

const STYLE: &str = "body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:62rem;padding:1rem 1.5rem;color:#1d1d1f}\
h1 small{font-weight:normal;color:#666;font-size:.6em}h2{border-bottom:2px solid #ddd;margin-top:2.5rem}\
h3{margin-bottom:.3rem}section{margin-bottom:1.8rem}table{border-collapse:collapse;width:100%}\
th,td{border-bottom:1px solid #e5e5e5;padding:.35rem .5rem;text-align:left;vertical-align:top}\
th{background:#f5f5f7}td p{margin:0 0 .4rem}code,pre{font:13px ui-monospace,monospace;background:#f5f5f7;padding:0 .2rem}\
pre{padding:.6rem;overflow-x:auto}.verb{background:#2a6;color:#fff;border-radius:3px;padding:0 .4rem;font-size:.8em}\
a{color:#0a58ca}";

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Documentation as paragraphs, `code` spans kept.
fn paragraphs(value: &Value) -> String {
    let mut out = String::new();
    for paragraph in text(value).split("\n\n").filter(|p| !p.trim().is_empty()) {
        let mut html = String::new();
        for (i, part) in escape(paragraph).split('`').enumerate() {
            if i % 2 == 1 {
                let _ = write!(html, "<code>{part}</code>");
            } else {
                html.push_str(part);
            }
        }
        let html = html.replace("\n- ", "<br>• ");
        let _ = write!(out, "<p>{html}</p>");
    }
    out
}

fn ref_name(schema: &Value) -> String {
    schema["$ref"]
        .as_str()
        .and_then(|r| r.rsplit('/').next())
        .unwrap_or_default()
        .to_owned()
}

fn type_link(name: &str) -> String {
    format!("<a href=\"#{0}\">{0}</a>", escape(name))
}

fn type_of(schema: &Value) -> String {
    if schema.get("$ref").is_some() {
        return type_link(&ref_name(schema));
    }
    match schema["type"].as_str() {
        Some("array") => format!("list of {}", type_of(&schema["items"])),
        Some("object") => format!(
            "map of string to {}",
            type_of(&schema["additionalProperties"])
        ),
        Some(kind) => match schema["format"].as_str() {
            Some(format) if kind == "string" => format!("{format} (as a string)"),
            Some(format) => escape(format),
            None => escape(kind),
        },
        None => "any".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn the_generated_components_parse_and_cover_the_contract() {
        let generated: Value = serde_json::from_str(copydesk_proto::OPENAPI_COMPONENTS).unwrap();
        let schemas = &document()["components"]["schemas"];
        assert_eq!(
            generated["schemas"].as_object().unwrap().len() + 1,
            schemas.as_object().unwrap().len()
        );
        // Names as pbjson emits them, types of the JSON mapping.
        let response = &schemas["AnnotateResponse"]["properties"];
        assert_eq!(
            response["documentSentiment"]["$ref"],
            "#/components/schemas/Sentiment"
        );
        assert!(response.get("document_sentiment").is_none());
        let result = &schemas["AnnotateResult"]["properties"];
        assert_eq!(result["index"]["type"], "string");
        assert_eq!(schemas["EntityType"]["enum"][1], "PERSON");
        assert_eq!(
            schemas["Entity"]["properties"]["metadata"]["additionalProperties"]["type"],
            "string"
        );
        assert!(schemas.get("Entity.MetadataEntry").is_none());
        // The protos' comments.
        let text = schemas["Document"]["properties"]["text"]["description"]
            .as_str()
            .unwrap();
        assert!(!text.is_empty());
    }

    #[test]
    fn every_message_the_gateway_serialises_matches_its_field_names() {
        use copydesk_proto::v1::*;
        let response = AnnotateResponse {
            document_sentiment: Some(Sentiment::default()),
            segmentation: Some(Segmentation::default()),
            meta: Some(ResponseMeta::default()),
            ..Default::default()
        };
        let json = serde_json::to_value(&response).unwrap();
        let schemas = &document()["components"]["schemas"];
        for (key, value) in json.as_object().unwrap() {
            assert!(
                schemas["AnnotateResponse"]["properties"].get(key).is_some(),
                "{key} not in the schema"
            );
            if let Some(object) = value.as_object() {
                assert!(!object.is_empty() || key != "meta");
            }
        }
        let result = serde_json::to_value(AnnotateResult {
            index: 7,
            ..Default::default()
        })
        .unwrap();
        assert_eq!(result["index"], "7");
    }

    #[test]
    fn errors_have_the_http_statuses_the_gateway_answers_with() {
        let responses = &document()["paths"]["/v1/annotate"]["post"]["responses"];
        for (code, _) in ERRORS {
            let status = http_json::http_status(code).as_u16().to_string();
            assert_eq!(
                responses[&status]["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/Error",
                "{status}"
            );
        }
        for status in [
            "200", "400", "401", "408", "413", "429", "500", "503", "504",
        ] {
            assert!(responses.get(status).is_some(), "{status}");
        }
        assert_eq!(code_name(Code::InvalidArgument), "INVALID_ARGUMENT");
    }

    #[test]
    fn the_page_is_self_contained_and_escaped() {
        let page = page();
        assert!(page.contains("<code>/v1/annotate</code>"));
        assert!(page.contains("id=\"AnnotateResponse\""));
        assert!(!page.contains("<script"));
        assert!(!page.contains("src=\"http"));
        assert!(!page.contains("href=\"http"));
        assert_eq!(escape("<a & \"b\">"), "&lt;a &amp; &quot;b&quot;&gt;");
    }

    /// docs/openapi.json is the document as generated now.
    #[test]
    fn the_committed_openapi_json_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/openapi.json");
        let current = document_json();
        if std::env::var_os("COPYDESK_UPDATE_OPENAPI").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &current).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == current,
            "docs/openapi.json is stale: run COPYDESK_UPDATE_OPENAPI=1 cargo test -p copydesk-gateway openapi"
        );
    }
}
