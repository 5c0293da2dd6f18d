"""The dataclasses carry every field of the contract: each message's
fields (from the generated descriptors, so a field added to the protos
fails this test until the SDK has it)."""

import dataclasses

import pytest

from copydesk import types
from copydesk.v1 import annotator_pb2, common_pb2

# Message -> (dataclass, {proto field: dataclass field(s)} where they differ).
SPAN = {"span": ("begin", "end")}
MAPPED = {
    common_pb2.Token: (types.Token, SPAN),
    common_pb2.Sentence: (types.Sentence, SPAN),
    common_pb2.Paragraph: (types.Paragraph, SPAN),
    common_pb2.Mention: (types.Mention, SPAN),
    common_pb2.Entity: (types.Entity, {}),
    common_pb2.EntityLink: (types.EntityLink, {}),
    common_pb2.Topic: (types.Topic, {}),
    common_pb2.Language: (types.Language, {}),
    common_pb2.Sentiment: (types.Sentiment, {}),
    common_pb2.FeatureError: (types.FeatureError, {}),
    common_pb2.ModelInfo: (types.ModelInfo, {}),
    common_pb2.StageTiming: (types.StageTiming, {}),
}
# AnnotateResponse is flattened into Annotation: where each field went.
ANNOTATION = {
    "segmentation": ("paragraphs", "sentences", "tokens"),
    "entities": ("entities",),
    "document_sentiment": ("document_sentiment",),
    "sentences": ("sentences",),  # sentence sentiment: Sentence.sentiment
    "errors": ("errors",),
    "meta": ("language", "models", "timings", "encoding"),
    "document_id": ("document_id",),
    "topics": ("topics",),
    "plain_text": ("plain_text",),
}


@pytest.mark.parametrize("message", list(MAPPED), ids=lambda m: m.DESCRIPTOR.name)
def test_every_field_of_the_message_is_in_its_dataclass(message):
    cls, renamed = MAPPED[message]
    have = {f.name for f in dataclasses.fields(cls)}
    for field in message.DESCRIPTOR.fields:
        wanted = renamed.get(field.name, (field.name,))
        assert set(wanted) <= have, f"{cls.__name__} lacks {field.name} ({wanted})"


def test_every_field_of_annotate_response_is_in_annotation():
    have = {f.name for f in dataclasses.fields(types.Annotation)}
    for field in annotator_pb2.AnnotateResponse.DESCRIPTOR.fields:
        assert field.name in ANNOTATION, f"AnnotateResponse.{field.name} is not mapped"
        assert set(ANNOTATION[field.name]) <= have
    meta = {f.name for f in common_pb2.ResponseMeta.DESCRIPTOR.fields}
    assert meta == {"language", "models", "timings", "encoding"}, "ResponseMeta has a field the SDK lacks"
    segmentation = {f.name for f in common_pb2.Segmentation.DESCRIPTOR.fields}
    assert segmentation == {"paragraphs", "sentences", "tokens", "language"}, "Segmentation has a new field"


def test_tokens_made_without_init_equal_tokens_made_with_it():
    # _convert builds tokens by filling __dict__ (for speed): the result must
    # be what the dataclass's own __init__ makes, for every field.
    from copydesk._convert import _tokens

    assert not hasattr(types.Token, "__post_init__") and not hasattr(types.Token, "__slots__")
    given = [
        common_pb2.Token(span=common_pb2.Span(begin=0, end=5), text="Paris", norm="paris",
                         kind=common_pb2.TokenKind.Value("WORD"), space_after=True),
        common_pb2.Token(span=common_pb2.Span(begin=5, end=6), text=".", norm=".",
                         kind=common_pb2.TokenKind.Value("PUNCTUATION")),
        # A kind newer than this SDK comes as its number.
        common_pb2.Token(span=common_pb2.Span(begin=7, end=9), text="xy", norm="xy", kind=99),
    ]
    made = _tokens(given)
    assert made == [
        types.Token(0, 5, "Paris", "paris", "WORD", True),
        types.Token(5, 6, ".", ".", "PUNCTUATION", False),
        types.Token(7, 9, "xy", "xy", "99", False),
    ]
    assert [hash(t) for t in made] == [hash(dataclasses.replace(t)) for t in made]
    with pytest.raises(dataclasses.FrozenInstanceError):
        made[0].text = "London"  # type: ignore[misc]
