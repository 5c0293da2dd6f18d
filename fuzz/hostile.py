#!/usr/bin/env python3
"""Writes the big hostile inputs of issue 18 for each fuzz target into
DIR/TARGET/ (run.sh runs them whole before fuzzing). They are made here
rather than committed: a megabyte of nested <div>s is a line of Python.

    python3 hostile.py DIR
"""

import json
import os
import sys

MIB = 1024 * 1024


def varint(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def field(number, payload):
    """A length-delimited protobuf field."""
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def document(text, doc_id=b"", language=b"", content_type=0):
    body = b""
    if doc_id:
        body += field(1, doc_id)
    body += field(2, text)
    if language:
        body += field(3, language)
    if content_type:
        body += varint(4 << 3) + varint(content_type)
    return body


def texts():
    """(name, text) of the documents issue 18 sent."""
    return [
        ("commas", "," * MIB),
        ("control", "".join(chr(c) for c in range(1, 32)) * (MIB // 31)),
        ("nuls", "\0" * MIB),
        ("paris", "Paris is nice. " * (512 * 1024 // 15)),
        ("one_word", "a" * MIB),
        ("dots", ". " * (MIB // 2)),
        ("mixed_scripts", "Angela Merkel met 中文 Emmanuel Macron in Paris. " * 20000),
        ("nbsp", "\u00a0 \u00a0\n" * 100000),
        ("emoji_joiners", "👩\u200d" * 200000),
    ]


def html_inputs():
    return [
        ("nested_divs", "<div>" * (MIB // 5)),
        ("nested_divs_closed", "<div>" * 100000 + "text" + "</div>" * 100000),
        ("endless_script", "<p>before</p><script>" + "var a = '<p>';" * (MIB // 14)),
        ("endless_comment", "<p>before</p><!--" + "x" * MIB),
        ("huge_attribute", '<a href="' + "x" * MIB + '">link</a>'),
        ("huge_unclosed_attribute", "<a title='" + "y" * MIB),
        ("many_attributes", "<p" + " a=b" * (MIB // 4) + ">text</p>"),
        ("nuls", "<p>" + "\0" * MIB + "</p>"),
        ("references", "&amp;&#x1F600;&nbsp;&notit;&#0;&#xD800;" * 25000),
        ("shortcodes", "[caption]" * 100000 + "text" + "[/caption]" * 100000),
        ("text_blocks", "<p>Paris is nice.</p>" * 50000),
    ]


def json_inputs():
    big = [
        ("nested_arrays", "[" * MIB),
        ("nested_objects", '{"document":' * 100000),
        ("nested_in_field", '{"document": {"text": "a", "id": ' + "[" * 100000 + "]" * 100000 + "}}"),
        ("long_number", '{"encoding": ' + "9" * MIB + "}"),
        ("many_documents", json.dumps({"documents": [{"text": "Paris."}] * 50000})),
        ("unterminated_string", '{"document": {"text": "' + "a" * MIB),
    ]
    for name, text in texts():
        big.append(("text_" + name, json.dumps({"document": {"text": text}})))
    return big


def proto_inputs():
    big = []
    for name, text in texts():
        big.append(("text_" + name, field(1, document(text.encode()))))
    # Groups nested far past prost's recursion limit, in an unknown field.
    big.append(("nested_groups", (varint(9 << 3 | 3)) * 100000))
    # Nested messages: a Document inside a Document inside ...
    nested = b""
    for _ in range(5000):
        nested = field(1, nested)
    big.append(("nested_messages", nested))
    # A length that claims far more than there is.
    big.append(("lying_length", varint(1 << 3 | 2) + varint(1 << 62) + b"x" * 100))
    batch = field(1, document(b"Paris is nice.", b"id")) * 50000
    big.append(("many_documents", batch))
    return big


def write(directory, inputs, prefix=b""):
    os.makedirs(directory, exist_ok=True)
    for name, data in inputs:
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogatepass")
        path = os.path.join(directory, name)
        with open(path, "wb") as out:
            out.write(prefix + data)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    root = sys.argv[1]
    # The segment target reads its first byte as the language: 1 is English.
    write(os.path.join(root, "segment"), texts(), prefix=b"\x01")
    write(os.path.join(root, "html"), html_inputs() + texts())
    write(os.path.join(root, "json_request"), json_inputs())
    write(os.path.join(root, "proto_request"), proto_inputs())


if __name__ == "__main__":
    main()
