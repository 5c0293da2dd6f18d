"""The /viz page in headless Chromium against a real suite.

Starts `copydesk up` on free ports, waits on gRPC health, loads
/viz#text=<a news paragraph> (the page fills it in and analyses it), lets
the page's JavaScript run (--virtual-time-budget) and checks the DOM it
dumps: the entities highlighted by type inside their sentences, sentences
tinted by tone, the document's tone, each linked entity's link to its
knowledge-base page, and the map of the story's places (the land outline
and a dot per place). Then /viz#html=<the same story as a CMS page>: the
page shows the text a reader sees (no tags, no head or script) with the
mentions marked across inline tags. Keeps a screenshot in target/browser/.
Exits non-zero on failure; prints "browser: N passed" at the end.
"""

import os
import socket
import subprocess
import sys
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "target" / "browser"
# Curly quotes and a dash before the names: 3 bytes in UTF-8, 1 unit in
# UTF-16, so offsets in the wrong unit would mark the wrong letters.
STORY = (
    "SEOUL — South Korean President Moon Jae-in praised the “historic” agreement on Tuesday, "
    "saying talks with North Korea would resume “very soon.”\n\n"
    "The National Security Bureau (NSB) called the deal a disaster. "
    "Moon's office said US$1.5 billion in aid was ready."
)
EXPECTED = {("Moon Jae-in", "PERSON"), ("North Korea", "LOCATION"), ("National Security Bureau", "ORGANIZATION")}
# The story as a CMS stores it: a head and a script a reader never sees, a
# name split by an inline tag, a link, character references.
PAGE = (
    "<!doctype html><html><head><title>Head title</title>"
    "<script>var hidden = 'Kim Jong-un';</script></head><body>"
    "<h1>Moon praises deal</h1>"
    "<p>SEOUL &mdash; South Korean President <b>Moon</b> Jae-in praised the &ldquo;historic&rdquo; agreement "
    "on Tuesday, saying talks with <a href=\"/nk\">North Korea</a> would resume.</p>"
    "<p>The National Security Bureau (NSB) called the deal a disaster.</p></body></html>"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_serving(address: str, service: str) -> None:
    with grpc.insecure_channel(address) as channel:
        watch = health_pb2_grpc.HealthStub(channel).Watch(
            health_pb2.HealthCheckRequest(service=service), timeout=180, wait_for_ready=True
        )
        for reply in watch:
            if reply.status == health_pb2.HealthCheckResponse.SERVING:
                return
    raise RuntimeError(f"{service} at {address} never SERVING")


class Marks(HTMLParser):
    """Collects the page's state, entity marks inside #document (text and
    type) and the sentence spans with a background (their tone)."""

    def __init__(self):
        super().__init__()
        self.state = None
        self.in_document = 0
        self.mark = None  # (type, text parts, depth of nested tags)
        self.marks = []
        self.tinted_sentences = 0
        self.doc_tone = None
        self.in_doc_tone = False
        self.in_links = 0
        self.link_hrefs = []
        self.map_land = 0
        self.map_places = []
        self.document_text = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "body":
            self.state = attrs.get("data-state")
        if attrs.get("id") == "document":
            self.in_document = 1
        elif self.in_document:
            self.in_document += 1
            if tag == "span" and "sentence" in (attrs.get("class") or "") and "background" in (attrs.get("style") or ""):
                self.tinted_sentences += 1
            if tag == "mark":
                self.mark = [attrs.get("data-type"), [], 0]
            elif self.mark is not None:
                self.mark[2] += 1
        if attrs.get("id") == "doc-tone":
            self.in_doc_tone = True
        if tag == "td" and "links" in (attrs.get("class") or ""):
            self.in_links = 1
        elif self.in_links:
            self.in_links += 1
            if tag == "a":
                self.link_hrefs.append(attrs.get("href"))
        if tag == "path" and attrs.get("class") == "land" and len(attrs.get("d") or "") > 10_000:
            self.map_land += 1
        if tag == "circle" and attrs.get("class") == "place":
            self.map_places.append(attrs.get("data-kb"))

    def handle_endtag(self, tag):
        if self.in_links:
            self.in_links -= 1
        if self.in_document:
            if tag == "mark" and self.mark is not None:
                self.marks.append(("".join(self.mark[1]).strip(), self.mark[0]))
                self.mark = None
            elif self.mark is not None:
                self.mark[2] -= 1
            self.in_document -= 1
        self.in_doc_tone = False

    def handle_data(self, data):
        if self.in_document:
            self.document_text.append(data)
        # The type label inside a mark (a nested span) is not its text.
        if self.mark is not None and self.mark[2] == 0:
            self.mark[1].append(data)
        if self.in_doc_tone:
            self.doc_tone = (self.doc_tone or "") + data


def chromium(*args: str) -> subprocess.CompletedProcess:
    # --no-sandbox: CI runs as root; a throwaway profile so runs do not share state.
    base = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            f"--user-data-dir={OUT / 'profile'}", "--virtual-time-budget=20000"]
    return subprocess.run(base + list(args), capture_output=True, text=True, timeout=180)


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    binary = os.environ.get("COPYDESK_BIN") or str(REPO / "target" / "debug" / "copydesk")
    ports = {name: free_port() for name in ("gateway", "segmenter", "entities", "sentiment", "knowledge")}
    env = dict(os.environ, COPYDESK_MODELS_DIR=str(REPO / "models"))
    for name, port in ports.items():
        env[f"COPYDESK_{name.upper()}_LISTEN"] = f"127.0.0.1:{port}"
    server = subprocess.Popen([binary, "up"], cwd=REPO, env=env)
    passed = 0
    try:
        for name, service in (
            ("entities", "copydesk.v1.EntityRecognizer"),
            ("knowledge", "copydesk.v1.EntityLinker"),
            ("gateway", "copydesk.v1.Annotator"),
        ):
            wait_until_serving(f"127.0.0.1:{ports[name]}", service)
        url = f"http://127.0.0.1:{ports['gateway']}/viz#text=" + urllib.parse.quote(STORY)

        dom = chromium("--dump-dom", url)
        (OUT / "viz.html").write_text(dom.stdout)
        page = Marks()
        page.feed(dom.stdout)
        checks = [
            ("the page analysed the prefilled text", page.state == "done", f"state {page.state!r}; {dom.stderr[-500:]}"),
            ("the expected entities are highlighted by type", EXPECTED <= set(page.marks), f"marks {page.marks}"),
            ("mentions of one entity are all marked", ("Moon", "PERSON") in page.marks, f"marks {page.marks}"),
            ("sentences are tinted by tone", page.tinted_sentences >= 3, f"{page.tinted_sentences} tinted"),
            ("the document's tone is shown", bool(page.doc_tone) and page.doc_tone != "n/a", f"tone {page.doc_tone!r}"),
            ("linked entities link to their GeoNames page",
             any((h or "").startswith("https://www.geonames.org/") for h in page.link_hrefs), f"links {page.link_hrefs}"),
            ("the map draws the land", page.map_land == 1, f"{page.map_land} land paths"),
            ("the map has a dot per linked place, Seoul's among them",
             "default:geonames:1835848" in page.map_places, f"places {page.map_places}"),
        ]
        html_url = f"http://127.0.0.1:{ports['gateway']}/viz#html=" + urllib.parse.quote(PAGE)
        html_dom = chromium("--dump-dom", html_url)
        (OUT / "viz-html.html").write_text(html_dom.stdout)
        html_page = Marks()
        html_page.feed(html_dom.stdout)
        shown = "".join(html_page.document_text)
        checks += [
            ("an HTML page is analysed", html_page.state == "done", f"state {html_page.state!r}; {html_dom.stderr[-500:]}"),
            ("HTML shows the reader's text: no tags, head or script",
             "<" not in shown and "Kim Jong-un" not in shown and "Head title" not in shown
             and "“historic”" in shown and "Moon praises deal" in shown, f"shown {shown!r}"),
            ("HTML mentions are marked across inline tags",
             {("Moon Jae-in", "PERSON"), ("North Korea", "LOCATION")} <= set(html_page.marks), f"marks {html_page.marks}"),
        ]
        shot = OUT / "viz.png"
        chromium("--window-size=1200,1300", f"--screenshot={shot}", url)
        checks.append(("a screenshot was saved", shot.is_file() and shot.stat().st_size > 10_000, f"{shot}"))
        failed = 0
        for name, ok, detail in checks:
            print(f"{'ok  ' if ok else 'FAIL'} {name}" + ("" if ok else f": {detail}"))
            passed += ok
            failed += not ok
        print(f"screenshot: {shot}")
        print(f"browser: {passed} passed, {failed} failed")
        return 1 if failed else 0
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    sys.exit(main())
