"""The examples against the real suite: the publish hook and the FastAPI
service (through FastAPI's TestClient, which runs its lifespan)."""

import importlib.util
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
STORY = (
    "Zürich — Angela Merkel met Emmanuel Macron in Paris on Tuesday 😀, and the talks with "
    "the European Union went well. Merkel said she was very pleased with the meeting."
)


def load(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_the_publish_hook_tags_an_article(gateway):
    from copydesk import Client

    example = load("tag_on_publish")
    with Client(gateway) as client:
        result = example.tags_for(client, {"id": "summit", "headline": "Leaders meet in Paris", "body": STORY})
    tags = {(t["tag"], t["kind"]) for t in result["tags"]}
    assert ("Angela Merkel", "person") in tags and ("Paris", "place") in tags, tags
    assert result["tone"]["label"] in {"POSITIVE", "NEUTRAL", "NEGATIVE", "MIXED"}


def test_the_fastapi_service_tags_on_publish(gateway, monkeypatch):
    from fastapi.testclient import TestClient

    monkeypatch.setenv("COPYDESK_ADDR", gateway)
    service = load("publish_service")
    with TestClient(service.app) as http:
        answer = http.post("/articles/publish", json={"id": "summit", "headline": "Leaders meet in Paris", "body": STORY})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["tagged"] is True and body["id"] == "summit"
        tags = {(t["tag"], t["kind"]) for t in body["tags"]}
        assert ("Angela Merkel", "person") in tags and ("Paris", "place") in tags, tags
        assert body["tone"]["label"] in {"POSITIVE", "NEUTRAL", "NEGATIVE", "MIXED"}
        # Too long for this suite's limit: not tagged, the field named, publishing goes on.
        refused = http.post("/articles/publish", json={"id": "long", "body": "word " * 20_000}).json()
        assert refused["tagged"] is False and "document.text" in refused["reason"]
        assert http.post("/articles/publish", json={"headline": "no body"}).status_code == 422


def test_the_fastapi_service_says_when_copydesk_is_down(monkeypatch):
    from fastapi.testclient import TestClient

    monkeypatch.setenv("COPYDESK_ADDR", "127.0.0.1:1")
    monkeypatch.setenv("COPYDESK_TIMEOUT", "3")
    service = load("publish_service")
    with TestClient(service.app) as http:
        body = http.post("/articles/publish", json={"id": "x", "body": "Paris."}).json()
    assert body["tagged"] is False and body["reason"].startswith("try again later")
