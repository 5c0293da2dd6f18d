"""Tag an article when it is published.

A CMS calls this on publish (a webhook, a queue consumer, a save hook):
the article's people, organisations and places become tags, most salient
first, and the story's tone is stored with it. Run it on a JSON article:

    copydesk up &                      # or point COPYDESK_ADDR at a gateway
    echo '{"id": "2026/11/summit", "headline": "Leaders meet in Paris",
           "body": "Angela Merkel met Emmanuel Macron in Paris on Tuesday."}' \
      | python sdk/python/examples/tag_on_publish.py
"""

import json
import os
import sys
from typing import Any, Dict

from copydesk import Client, CopydeskError

TAG_TYPES = {"PERSON": "person", "ORGANIZATION": "organisation", "LOCATION": "place"}
MIN_SALIENCE = 0.05  # mentioned in passing: not worth a tag


def tags_for(client: Client, article: Dict[str, Any]) -> Dict[str, Any]:
    text = f"{article.get('headline', '')}\n\n{article['body']}".strip()
    annotation = client.annotate(text, id=article.get("id", ""), features=["entities", "document_sentiment"])
    tags = [
        {"tag": entity.name, "kind": TAG_TYPES[entity.type], "salience": round(entity.salience, 3)}
        for entity in annotation.entities
        if entity.type in TAG_TYPES and entity.salience >= MIN_SALIENCE
    ]
    tone = annotation.document_sentiment
    return {
        "id": article.get("id", ""),
        "tags": tags,
        "tone": {"label": tone.label, "score": round(tone.score, 3)} if tone else None,
        # A service that was down: publish anyway, re-tag later.
        "incomplete": [error.feature for error in annotation.errors],
    }


def main() -> int:
    article = json.load(sys.stdin)
    with Client(os.environ.get("COPYDESK_ADDR", "127.0.0.1:50051"), timeout=10) as client:
        try:
            print(json.dumps(tags_for(client, article), indent=2, ensure_ascii=False))
        except CopydeskError as error:
            # Never block publishing on tagging: report and carry on.
            print(f"tagging skipped: {error}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
