//! The OpenAPI schemas of every message and enum of `copydesk.v1`, made
//! from the compiled descriptors (with their source comments) while the
//! crate builds, so the HTTP/JSON description cannot drift from the protos.
//! The gateway adds the paths and error bodies (`gateway/src/openapi.rs`).
//!
//! Types follow the proto3 JSON mapping as pbjson implements it: field
//! names in lowerCamelCase (`documentSentiment`; the snake_case name is
//! accepted on input too), 64-bit integers as decimal strings, enums as
//! their names, maps as objects, bytes as base64.

use std::collections::BTreeMap;

use prost_types::field_descriptor_proto::{Label, Type};
use prost_types::{DescriptorProto, EnumDescriptorProto, FileDescriptorSet, SourceCodeInfo};
use serde_json::{Map, Value, json};

const PACKAGE: &str = "copydesk.v1";

// Field numbers of the descriptor messages, as SourceCodeInfo paths use them.
const FILE_MESSAGE: i32 = 4;
const FILE_ENUM: i32 = 5;
const FILE_SERVICE: i32 = 6;
const MESSAGE_FIELD: i32 = 2;
const MESSAGE_NESTED: i32 = 3;
const MESSAGE_ENUM: i32 = 4;
const ENUM_VALUE: i32 = 2;
const SERVICE_METHOD: i32 = 2;

/// `{"schemas": {name: schema}, "services": {name: {description, methods:
/// {name: {description, input, output, clientStreaming, serverStreaming}}}}}`.
pub fn components(set: &FileDescriptorSet) -> Value {
    let mut schemas = BTreeMap::new();
    let mut services = BTreeMap::new();
    for file in set.file.iter().filter(|f| f.package() == PACKAGE) {
        let docs = Docs::new(file.source_code_info.as_ref());
        for (i, message) in file.message_type.iter().enumerate() {
            add_message(&mut schemas, &docs, message, "", &[FILE_MESSAGE, i as i32]);
        }
        for (i, enumeration) in file.enum_type.iter().enumerate() {
            schemas.insert(
                enumeration.name().to_owned(),
                enum_schema(&docs, enumeration, &[FILE_ENUM, i as i32]),
            );
        }
        for (i, service) in file.service.iter().enumerate() {
            let path = [FILE_SERVICE, i as i32];
            let mut methods = Map::new();
            for (j, method) in service.method.iter().enumerate() {
                methods.insert(
                    method.name().to_owned(),
                    json!({
                        "description": docs.get(&[FILE_SERVICE, i as i32, SERVICE_METHOD, j as i32]),
                        "input": component_name(method.input_type()),
                        "output": component_name(method.output_type()),
                        "clientStreaming": method.client_streaming(),
                        "serverStreaming": method.server_streaming(),
                    }),
                );
            }
            services.insert(
                service.name().to_owned(),
                json!({ "description": docs.get(&path), "methods": methods }),
            );
        }
    }
    json!({ "schemas": schemas, "services": services })
}

/// Comments by SourceCodeInfo path.
struct Docs(BTreeMap<Vec<i32>, String>);

impl Docs {
    fn new(info: Option<&SourceCodeInfo>) -> Self {
        let mut docs = BTreeMap::new();
        for location in info.map(|i| i.location.as_slice()).unwrap_or_default() {
            let text: Vec<String> = [location.leading_comments(), location.trailing_comments()]
                .iter()
                .map(|c| clean(c))
                .filter(|c| !c.is_empty())
                .collect();
            if !text.is_empty() {
                docs.insert(location.path.clone(), text.join("\n\n"));
            }
        }
        Docs(docs)
    }

    fn get(&self, path: &[i32]) -> String {
        self.0.get(path).cloned().unwrap_or_default()
    }
}

/// A comment without its per-line leading space and trailing blank lines.
fn clean(comment: &str) -> String {
    let lines: Vec<&str> = comment
        .lines()
        .map(|l| l.strip_prefix(' ').unwrap_or(l).trim_end())
        .collect();
    lines.join("\n").trim().to_owned()
}

/// ".copydesk.v1.Outer.Inner" -> "Outer.Inner".
fn component_name(type_name: &str) -> String {
    let name = type_name.trim_start_matches('.');
    name.strip_prefix(PACKAGE)
        .map(|n| n.trim_start_matches('.'))
        .unwrap_or(name)
        .to_owned()
}

fn reference(type_name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{}", component_name(type_name)) })
}

fn add_message(
    schemas: &mut BTreeMap<String, Value>,
    docs: &Docs,
    message: &DescriptorProto,
    outer: &str,
    path: &[i32],
) {
    let name = format!("{outer}{}", message.name());
    // Map entries become `additionalProperties` of the field that uses them.
    if message.options.as_ref().is_some_and(|o| o.map_entry()) {
        return;
    }
    let maps: BTreeMap<String, &DescriptorProto> = message
        .nested_type
        .iter()
        .filter(|n| n.options.as_ref().is_some_and(|o| o.map_entry()))
        .map(|n| (format!(".{PACKAGE}.{name}.{}", n.name()), n))
        .collect();
    let mut properties = Map::new();
    let mut oneofs: BTreeMap<i32, Vec<String>> = BTreeMap::new();
    for (k, field) in message.field.iter().enumerate() {
        let mut field_path = path.to_vec();
        field_path.extend([MESSAGE_FIELD, k as i32]);
        let json_name = match &field.json_name {
            Some(name) if !name.is_empty() => name.clone(),
            _ => lower_camel(field.name()),
        };
        let mut schema = match maps.get(field.type_name()) {
            Some(entry) => {
                let value = entry.field.iter().find(|f| f.number() == 2);
                json!({
                    "type": "object",
                    "additionalProperties": value.map(field_type).unwrap_or(json!({})),
                })
            }
            None if field.label() == Label::Repeated => {
                json!({ "type": "array", "items": field_type(field) })
            }
            None => field_type(field),
        };
        let mut description = docs.get(&field_path);
        if json_name != field.name() {
            let alias = format!("(`{}` is accepted on input too.)", field.name());
            description = if description.is_empty() {
                alias
            } else {
                format!("{description}\n\n{alias}")
            };
        }
        if let (Some(object), false) = (schema.as_object_mut(), description.is_empty()) {
            object.insert("description".to_owned(), Value::String(description));
        }
        if let Some(index) = field.oneof_index
            && !field.proto3_optional()
        {
            oneofs.entry(index).or_default().push(json_name.clone());
        }
        properties.insert(json_name, schema);
    }
    let mut description = docs.get(path);
    for (index, members) in &oneofs {
        let oneof = message
            .oneof_decl
            .get(*index as usize)
            .map(|o| o.name())
            .unwrap_or_default();
        let list: Vec<String> = members.iter().map(|m| format!("`{m}`")).collect();
        description.push_str(&format!(
            "\n\nAt most one of {} is set (oneof `{oneof}`).",
            list.join(", ")
        ));
    }
    let mut schema = json!({ "type": "object", "properties": properties });
    if let Some(object) = schema.as_object_mut() {
        let description = description.trim();
        if !description.is_empty() {
            object.insert("description".to_owned(), json!(description));
        }
        // Not-required and open: proto3 fields may be left out, and the
        // gateway ignores fields it does not know (newer clients).
    }
    schemas.insert(name.clone(), schema);
    for (j, nested) in message.nested_type.iter().enumerate() {
        let mut nested_path = path.to_vec();
        nested_path.extend([MESSAGE_NESTED, j as i32]);
        add_message(schemas, docs, nested, &format!("{name}."), &nested_path);
    }
    for (j, enumeration) in message.enum_type.iter().enumerate() {
        let mut enum_path = path.to_vec();
        enum_path.extend([MESSAGE_ENUM, j as i32]);
        schemas.insert(
            format!("{name}.{}", enumeration.name()),
            enum_schema(docs, enumeration, &enum_path),
        );
    }
}

fn enum_schema(docs: &Docs, enumeration: &EnumDescriptorProto, path: &[i32]) -> Value {
    let names: Vec<&str> = enumeration.value.iter().map(|v| v.name()).collect();
    let mut description = docs.get(path);
    description.push_str("\n\nSent as the value's name; its number is accepted on input too.\n");
    for (k, value) in enumeration.value.iter().enumerate() {
        let mut value_path = path.to_vec();
        value_path.extend([ENUM_VALUE, k as i32]);
        let doc = docs.get(&value_path).replace('\n', " ");
        description.push_str(&format!(
            "\n- `{}` ({}): {doc}",
            value.name(),
            value.number()
        ));
    }
    json!({
        "type": "string",
        "enum": names,
        "description": description.trim(),
    })
}

/// The schema of one value of a field.
fn field_type(field: &prost_types::FieldDescriptorProto) -> Value {
    match field.r#type() {
        Type::Double => json!({ "type": "number", "format": "double" }),
        Type::Float => json!({ "type": "number", "format": "float" }),
        Type::Int64 | Type::Sint64 | Type::Sfixed64 => {
            json!({ "type": "string", "format": "int64", "pattern": "^-?[0-9]+$" })
        }
        Type::Uint64 | Type::Fixed64 => {
            json!({ "type": "string", "format": "uint64", "pattern": "^[0-9]+$" })
        }
        Type::Int32 | Type::Sint32 | Type::Sfixed32 => json!({
            "type": "integer", "format": "int32",
            "minimum": i32::MIN, "maximum": i32::MAX,
        }),
        Type::Uint32 | Type::Fixed32 => json!({
            "type": "integer", "format": "uint32",
            "minimum": 0, "maximum": u32::MAX,
        }),
        Type::Bool => json!({ "type": "boolean" }),
        Type::String => json!({ "type": "string" }),
        Type::Bytes => json!({ "type": "string", "contentEncoding": "base64" }),
        Type::Enum | Type::Message | Type::Group => reference(field.type_name()),
    }
}

/// protoc's json_name: underscores dropped, the next letter upper-cased.
fn lower_camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}
