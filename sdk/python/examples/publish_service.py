"""A FastAPI service that tags an article when the CMS publishes it.

The CMS posts the article to ``POST /articles/publish``; the service awaits
Copydesk (``AsyncClient``: the event loop keeps serving other requests
meanwhile) and answers with the article's tags, people, organisations and
places, most salient first, and its tone. Tagging never blocks
publishing: when the gateway is down or overloaded the answer says
``"tagged": false`` with the reason, and the CMS re-tags later.

    pip install ./sdk/python fastapi uvicorn
    copydesk up &
    COPYDESK_ADDR=127.0.0.1:50051 uvicorn publish_service:app --app-dir sdk/python/examples
    curl -s localhost:8000/articles/publish -H 'content-type: application/json' \\
      -d '{"id": "2026/11/summit", "headline": "Leaders meet in Paris",
           "body": "Angela Merkel met Emmanuel Macron in Paris on Tuesday."}'
"""

from __future__ import annotations

import os
from contextlib import asynccontextmanager
from typing import AsyncIterator, List, Optional

from fastapi import FastAPI, Request
from pydantic import BaseModel

from copydesk import AsyncClient, CopydeskError, InvalidArgument, Overloaded, Unavailable

TAG_TYPES = {"PERSON": "person", "ORGANIZATION": "organisation", "LOCATION": "place"}
MIN_SALIENCE = 0.05  # mentioned in passing: not worth a tag


class Article(BaseModel):
    id: str
    headline: str = ""
    body: str


class Tag(BaseModel):
    tag: str
    kind: str
    salience: float
    link: Optional[str] = None  # the knowledge base's URL, when linked


class Tone(BaseModel):
    label: str
    score: float


class Tagged(BaseModel):
    id: str
    tagged: bool
    tags: List[Tag] = []
    tone: Optional[Tone] = None
    incomplete: List[str] = []  # features a service could not serve
    reason: Optional[str] = None  # why it was not tagged


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # One client (one HTTP/2 connection) for the whole service, made in the
    # event loop that serves the requests.
    async with AsyncClient(
        os.environ.get("COPYDESK_ADDR", "127.0.0.1:50051"),
        timeout=float(os.environ.get("COPYDESK_TIMEOUT", "10")),
        token=os.environ.get("COPYDESK_TOKEN"),
    ) as client:
        app.state.copydesk = client
        yield


app = FastAPI(title="Tag on publish", lifespan=lifespan)


@app.post("/articles/publish")
async def publish(article: Article, request: Request) -> Tagged:
    client: AsyncClient = request.app.state.copydesk
    text = f"{article.headline}\n\n{article.body}".strip()
    try:
        annotation = await client.annotate(text, id=article.id, features=["entities", "document_sentiment", "links"])
    except (Unavailable, Overloaded) as error:
        return Tagged(id=article.id, tagged=False, reason=f"try again later: {error}")
    except InvalidArgument as error:
        return Tagged(id=article.id, tagged=False, reason=f"not taggable ({error.field}): {error.message}")
    except CopydeskError as error:
        return Tagged(id=article.id, tagged=False, reason=str(error))
    tags = [
        Tag(
            tag=entity.name,
            kind=TAG_TYPES[entity.type],
            salience=round(entity.salience, 3),
            link=entity.links[0].url if entity.links else None,
        )
        for entity in annotation.entities
        if entity.type in TAG_TYPES and entity.salience >= MIN_SALIENCE
    ]
    tone = annotation.document_sentiment
    return Tagged(
        id=article.id,
        tagged=True,
        tags=tags,
        tone=Tone(label=tone.label, score=round(tone.score, 3)) if tone else None,
        incomplete=[error.feature for error in annotation.errors],
    )
