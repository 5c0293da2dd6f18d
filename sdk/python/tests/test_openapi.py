"""The gateway's OpenAPI document: valid OpenAPI 3.1 (openapi-spec-validator),
served as committed, and every HTTP/JSON answer of these end-to-end tests
validated against it (jsonschema), strictly: a field the gateway sends
that the document lacks fails the test."""

import copy
import json
import urllib.error
import urllib.request
from typing import Any, Dict, Optional, Tuple

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from conftest import MAX_DOCUMENT_BYTES, REPO

STORY = "Zürich — Angela Merkel met Emmanuel Macron in Paris on Tuesday. Merkel was pleased."


def strict(spec: Dict[str, Any]) -> Dict[str, Any]:
    """The document with every object schema closed, for tests only: the
    served one stays open (the gateway ignores unknown fields)."""
    closed = copy.deepcopy(spec)
    for schema in closed["components"]["schemas"].values():
        if "properties" in schema:
            schema["additionalProperties"] = False
    return closed


class Api:
    """POSTs JSON to the gateway and checks each answer against the
    document: its status is documented for the path, its body matches the
    schema of that status."""

    def __init__(self, base: str, spec: Dict[str, Any]) -> None:
        self.base = base
        self.spec = spec
        resource = Resource.from_contents(strict(spec), default_specification=DRAFT202012)
        self.registry = Registry().with_resource("urn:copydesk:openapi", resource)
        self.checked = 0

    def post(self, path: str, body: Any, headers: Optional[Dict[str, str]] = None) -> Tuple[int, Any]:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base + path, data=data, method="POST", headers={"content-type": "application/json", **(headers or {})}
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        answer = json.loads(raw)
        responses = self.spec["paths"][path]["post"]["responses"]
        assert str(status) in responses, f"{path} answered {status}, which the document does not list"
        ref = responses[str(status)]["content"]["application/json"]["schema"]["$ref"]
        schema = {"$ref": "urn:copydesk:openapi" + ref}
        Draft202012Validator(schema, registry=self.registry).validate(answer)
        self.checked += 1
        return status, answer


def get(url: str) -> Tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.headers.get("content-type", ""), response.read()


@pytest.fixture(scope="module")
def spec(suite):
    status, content_type, body = get(f"{suite.http}/openapi.json")
    assert status == 200 and content_type.startswith("application/json")
    return json.loads(body)


@pytest.fixture(scope="module")
def api(suite, spec):
    return Api(suite.http, spec)


def test_the_document_is_valid_openapi_3_1_and_as_committed(spec):
    validate(spec)  # raises on an invalid document
    assert spec["openapi"].startswith("3.1")
    committed = json.loads((REPO / "docs" / "openapi.json").read_text())
    assert spec == committed


def test_the_document_carries_the_json_mapping(spec):
    schemas = spec["components"]["schemas"]
    response = schemas["AnnotateResponse"]["properties"]
    assert "documentSentiment" in response and "document_sentiment" not in response
    assert schemas["AnnotateResult"]["properties"]["index"]["type"] == "string"  # uint64
    assert schemas["StageTiming"]["properties"]["micros"]["type"] == "string"
    assert "PERSON" in schemas["EntityType"]["enum"]
    assert schemas["Document"]["properties"]["text"]["description"]  # the proto comment
    for message in ("EntityLink", "Topic", "Entity", "Features"):
        assert message in schemas
    for status in ("400", "401", "429", "503", "504"):
        assert status in spec["paths"]["/v1/annotate"]["post"]["responses"]


def test_every_http_answer_matches_the_document(api):
    status, answer = api.post("/v1/annotate", {"document": {"text": STORY, "languageCode": "en"}, "encoding": "UTF32"})
    assert status == 200 and any(e["name"] == "Angela Merkel" for e in answer["entities"])
    # snake_case names and enum numbers are accepted on input.
    status, answer = api.post(
        "/v1/annotate", {"document": {"text": STORY, "language_code": "en"}, "features": {"entities": True}, "encoding": 1}
    )
    assert status == 200 and answer["meta"]["encoding"] == "UTF16"
    status, answer = api.post(
        "/v1/batchAnnotate",
        {"documents": [{"id": "a", "text": STORY, "languageCode": "en"}, {"id": "b", "text": "x " * MAX_DOCUMENT_BYTES}],
         "features": {"entities": True, "documentSentiment": True}},
    )
    assert status == 200
    assert [r["index"] for r in answer["results"]] == ["0", "1"]
    assert "response" in answer["results"][0] and answer["results"][1]["error"]["code"] == 3
    # Errors: not JSON, the wrong shape, a limit, no features.
    assert api.post("/v1/annotate", b"{not json")[0] == 400
    assert api.post("/v1/annotate", {"document": {"text": 7}})[0] == 400
    status, answer = api.post("/v1/annotate", {"document": {"text": "x " * MAX_DOCUMENT_BYTES}})
    assert status == 400 and answer["code"] == 3 and "document.text" in answer["message"]
    assert api.post("/v1/annotate", {"document": {"text": STORY}, "features": {}})[0] == 400
    assert api.checked == 7


def test_the_api_page_is_self_contained_and_linked_from_viz(suite):
    status, content_type, body = get(f"{suite.http}/api")
    page = body.decode()
    assert status == 200 and content_type.startswith("text/html")
    assert "/v1/annotate" in page and 'id="AnnotateResponse"' in page and "documentSentiment" in page
    assert "<script" not in page and 'src="http' not in page and "<link" not in page
    _, _, viz = get(f"{suite.http}/viz")
    assert 'href="/api"' in viz.decode()
