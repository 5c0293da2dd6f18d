"""The Python SDK against a real suite."""

import grpc
import pytest

from copydesk import NO_RETRIES, Annotation, Client, CopydeskError, Entity, InvalidArgument, Sentiment, Unavailable
from conftest import MAX_DOCUMENT_BYTES

# Non-ASCII before the names, so byte, UTF-16 and code point offsets differ.
STORY = (
    "Zürich — Angela Merkel met Emmanuel Macron in Paris on Tuesday 😀, and the talks with "
    "the European Union went well. Merkel said she was very pleased with the meeting."
)


@pytest.fixture(scope="module")
def client(gateway):
    with Client(gateway, timeout=60) as client:
        yield client


def test_annotate_returns_typed_results_with_code_point_offsets(client):
    annotation = client.annotate(STORY)
    assert isinstance(annotation, Annotation)
    names = {e.name: e for e in annotation.entities}
    merkel = names["Angela Merkel"]
    assert isinstance(merkel, Entity) and merkel.type == "PERSON"
    assert len(merkel.mentions) == 2
    for entity in annotation.entities:
        for mention in entity.mentions:
            assert STORY[mention.begin:mention.end] == mention.text
    for sentence in annotation.sentences:
        assert STORY[sentence.begin:sentence.end] == sentence.text
        assert isinstance(sentence.sentiment, Sentiment)
    assert annotation.encoding == "UTF32"
    assert isinstance(annotation.document_sentiment, Sentiment)
    assert annotation.document_sentiment.label in {"POSITIVE", "NEUTRAL", "NEGATIVE", "MIXED"}
    assert annotation.language.code == "en"
    assert annotation.errors == []
    assert annotation.tokens and annotation.paragraphs


def test_other_encodings_and_fewer_features(client):
    utf8 = client.annotate(STORY, encoding="utf8", features=["entities"])
    assert utf8.sentences == [] and utf8.document_sentiment is None
    first = next(e for e in utf8.entities if e.name == "Angela Merkel").mentions[0]
    encoded = STORY.encode()
    assert encoded[first.begin:first.end].decode() == "Angela Merkel"
    with pytest.raises(ValueError):
        client.annotate(STORY, features=["nonsense"])
    with pytest.raises(ValueError):
        client.annotate(STORY, encoding="latin1")


def test_a_refused_document_raises_invalid_argument_naming_the_field(client):
    with pytest.raises(InvalidArgument) as refused:
        client.annotate("word " * MAX_DOCUMENT_BYTES)
    assert refused.value.code == grpc.StatusCode.INVALID_ARGUMENT
    assert refused.value.code_name == "INVALID_ARGUMENT"
    assert refused.value.field == "document.text", refused.value.message
    assert isinstance(refused.value, CopydeskError)


def test_annotate_many_keeps_order_reports_per_document_and_skips(client):
    documents = [(f"doc-{i}", f"Story {i}: Apple hired {i} engineers in London last week.") for i in range(12)]
    documents[5] = ("doc-5", "too long " * MAX_DOCUMENT_BYTES)
    results = list(client.annotate_many(documents, concurrency=4, skip={"doc-2"}, language="en"))
    assert [r.id for r in results] == [d for d, _ in documents if d != "doc-2"]
    assert [r.index for r in results][:3] == [0, 1, 3]
    failed = [r for r in results if not r.ok]
    assert [r.id for r in failed] == ["doc-5"]
    assert isinstance(failed[0].error, InvalidArgument) and failed[0].error.field == "document.text"
    london = results[0].annotation.entities
    assert any(e.name == "London" and e.type == "LOCATION" for e in london)
    # Plain strings and dicts work too.
    plain = list(client.annotate_many(["Paris is big.", {"id": "x", "text": "Rome too."}], language="en"))
    assert [r.id for r in plain] == ["0", "x"] and all(r.ok for r in plain)


def test_an_unreachable_gateway_is_unavailable():
    with Client("127.0.0.1:1", timeout=5, retry=NO_RETRIES) as client:
        with pytest.raises(Unavailable) as down:
            client.annotate("Hello.")
    assert down.value.code == grpc.StatusCode.UNAVAILABLE


def test_html_is_analysed_as_its_text_with_offsets_in_the_markup(client):
    html = "<h1>Storm</h1><p><b>Tsai</b> Ing-wen visited Taipei&rsquo;s port.</p>"
    annotation = client.annotate(html, content_type="html")
    assert annotation.plain_text == "Storm\n\nTsai Ing-wen visited Taipei\u2019s port."
    # Code points of the HTML as sent: a span slices the markup behind it.
    assert [html[s.begin:s.end] for s in annotation.sentences] == [
        "Storm",
        "Tsai</b> Ing-wen visited Taipei&rsquo;s port.",
    ]
    with pytest.raises(ValueError):
        client.annotate(html, content_type="pdf")
