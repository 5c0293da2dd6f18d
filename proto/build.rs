//! Compiles `copydesk/v1/*.proto` with protox (no system protoc), generates the
//! tonic clients and servers, the proto3 JSON mapping (pbjson) and the
//! descriptor set that gRPC reflection serves, and the OpenAPI schemas of
//! the messages (see build_openapi.rs).

#[path = "build_openapi.rs"]
mod openapi;

use std::path::PathBuf;

use prost::Message;

const PROTOS: &[&str] = &[
    "copydesk/v1/common.proto",
    "copydesk/v1/info.proto",
    "copydesk/v1/segmenter.proto",
    "copydesk/v1/entities.proto",
    "copydesk/v1/sentiment.proto",
    "copydesk/v1/knowledge.proto",
    "copydesk/v1/annotator.proto",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    let descriptor_path = out_dir.join("copydesk_descriptor.bin");

    let descriptors = protox::compile(PROTOS, ["."])?;
    let descriptor_bytes = descriptors.encode_to_vec();
    std::fs::write(&descriptor_path, &descriptor_bytes)?;
    let components = serde_json::to_string_pretty(&openapi::components(&descriptors))?;
    std::fs::write(out_dir.join("openapi_components.json"), components)?;

    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        .compile_fds(descriptors)?;

    pbjson_build::Builder::new()
        .register_descriptors(&descriptor_bytes)?
        // Clients may be newer than the server: unknown fields are not errors.
        .ignore_unknown_fields()
        // JSON readers should see `"begin": 0`, not a missing field.
        .emit_fields()
        .build(&[".copydesk"])?;

    println!("cargo:rerun-if-changed=build_openapi.rs");
    for proto in PROTOS {
        println!("cargo:rerun-if-changed={proto}");
    }
    Ok(())
}
