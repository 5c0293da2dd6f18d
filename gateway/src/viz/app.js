// Copydesk /viz: calls POST /v1/annotate with UTF-16 offsets, because
// JavaScript strings index UTF-16 code units, so spans slice `text` as is.
// HTML goes as HTML: its spans count in the markup, and the page shows the
// text a reader sees (`plainText`), placed through the tokens (see
// readerSpans).
// Everything from the response reaches the page through textContent, never
// innerHTML: the text and names are the user's.
"use strict";

const $ = (id) => document.getElementById(id);
const TYPES = ["PERSON", "ORGANIZATION", "LOCATION", "MISC", "DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "CARDINAL", "ORDINAL"];

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, props || {});
  for (const child of children) node.append(child);
  return node;
}

// Red for negative, white for neutral, green for positive; stronger with |score|.
function toneColour(score) {
  const s = Math.max(-1, Math.min(1, score || 0));
  const hue = s < 0 ? 0 : 130;
  const light = 100 - 35 * Math.abs(s);
  return `hsl(${hue}, 70%, ${light}%)`;
}

function toneText(sentiment) {
  if (!sentiment) return "";
  const score = sentiment.score || 0;
  return `${(sentiment.label || "").toLowerCase()} ${score >= 0 ? "+" : ""}${score.toFixed(2)}`;
}

function setStatus(state, message) {
  document.body.dataset.state = state;
  $("status").textContent = message;
}

// Whether the text is an HTML page or fragment: by the file's name when one
// was loaded, else by how it starts (a doctype or <html>, after comments).
function looksLikeHtml(text, name) {
  if (name) return /\.x?html?$/i.test(name);
  return /^\s*(<!--[\s\S]*?-->\s*)*<(!doctype\s+html|html[\s>])/i.test(text);
}

async function analyse() {
  const text = $("text").value;
  const html = $("html").checked;
  if (!text.trim()) { setStatus("error", "Nothing to analyse."); return; }
  setStatus("busy", "Analysing…");
  const headers = { "content-type": "application/json" };
  const token = $("token").value.trim();
  if (token) headers.authorization = `Bearer ${token}`;
  try {
    const reply = await fetch("/v1/annotate", {
      method: "POST",
      headers,
      body: JSON.stringify({ document: { text, contentType: html ? "HTML" : "PLAIN_TEXT" }, encoding: "UTF16" }),
    });
    const body = await reply.json();
    if (!reply.ok) { setStatus("error", `${reply.status}: ${body.message || "error"}`); return; }
    if (html) render(body.plainText || "", readerSpans(body));
    else render(text, body);
    const count = (body.entities || []).length;
    setStatus("done", `${count} entities, ${(body.segmentation?.sentences || []).length} sentences.`);
  } catch (error) {
    setStatus("error", `Cannot reach the gateway: ${error}`);
  }
}

function render(text, response) {
  $("result").hidden = false;
  const doc = response.documentSentiment;
  const chip = $("doc-tone");
  chip.textContent = doc ? toneText(doc) : "n/a";
  chip.style.background = doc ? toneColour(doc.score) : "";
  const lang = response.meta?.language;
  $("language").textContent = lang ? `language: ${lang.code}` : "";

  // Mentions, each with its entity, ordered by where they start.
  const mentions = [];
  for (const entity of response.entities || []) {
    for (const mention of entity.mentions || []) {
      const span = mention.span || {};
      mentions.push({ begin: span.begin || 0, end: span.end || 0, entity });
    }
  }
  mentions.sort((a, b) => a.begin - b.begin || b.end - a.end);

  const tones = new Map();
  for (const s of response.sentences || []) tones.set(s.sentence || 0, s.sentiment);

  // Sentences as tinted spans; text between them (spaces, blank lines) kept.
  const sentences = response.segmentation?.sentences || [{ span: { begin: 0, end: text.length } }];
  const article = $("document");
  article.replaceChildren();
  let at = 0;
  let m = 0;
  sentences.forEach((sentence, index) => {
    const begin = sentence.span?.begin || 0;
    const end = sentence.span?.end || 0;
    if (begin > at) article.append(text.slice(at, begin));
    const node = el("span", { className: "sentence" });
    node.dataset.sentence = index;
    const sentiment = tones.get(index);
    if (sentiment) {
      node.style.background = toneColour(sentiment.score);
      node.title = `sentence ${index + 1}: ${toneText(sentiment)}`;
    }
    let inner = begin;
    while (m < mentions.length && mentions[m].begin < end) {
      const mention = mentions[m++];
      if (mention.begin < inner) continue; // overlaps the previous one
      node.append(text.slice(inner, mention.begin));
      node.append(mentionNode(text.slice(mention.begin, mention.end), mention.entity));
      inner = mention.end;
    }
    node.append(text.slice(inner, Math.max(inner, end)));
    article.append(node);
    at = Math.max(at, end);
  });
  if (at < text.length) article.append(text.slice(at));

  renderLegend(response.entities || []);
  renderEntities(response.entities || []);
  renderTopics(response.topics || []);
  renderPlaces(response.entities || []);
  const errors = $("errors");
  errors.replaceChildren(...(response.errors || []).map((e) => el("li", { textContent: `${e.feature}: ${e.message}` })));
}

// The answer to an HTML document with its sentence and mention spans moved
// from the markup to the reader's text. Every token quotes the reader's
// text in order, so finding each token's text from where the previous one
// ended gives its place there; sentences and mentions begin and end with
// tokens. A span that cannot be placed is dropped, never guessed.
function readerSpans(response) {
  const plain = response.plainText || "";
  const begins = new Map();
  const ends = new Map();
  let cursor = 0;
  for (const token of response.segmentation?.tokens || []) {
    const at = plain.indexOf(token.text || "", cursor);
    if (!token.text || at < 0) continue;
    begins.set(token.span?.begin || 0, at);
    ends.set(token.span?.end || 0, at + token.text.length);
    cursor = at + token.text.length;
  }
  const move = (span) => {
    const begin = begins.get(span?.begin || 0);
    const end = ends.get(span?.end || 0);
    return begin !== undefined && end !== undefined && begin <= end ? { begin, end } : null;
  };
  const sentences = (response.segmentation?.sentences || [])
    .map((sentence) => ({ ...sentence, span: move(sentence.span) }))
    .filter((sentence) => sentence.span);
  const entities = (response.entities || []).map((entity) => ({
    ...entity,
    mentions: (entity.mentions || []).map((m) => ({ ...m, span: move(m.span) })).filter((m) => m.span),
  }));
  return { ...response, segmentation: { ...response.segmentation, sentences }, entities };
}

function mentionNode(surface, entity) {
  const type = entity.type || "MISC";
  const node = el("mark", { className: `ent ent-${type}`, title: `${entity.name} (${type})` }, surface, el("span", { className: "type", textContent: type }));
  node.dataset.entity = entity.id;
  node.dataset.type = type;
  node.addEventListener("mouseenter", () => toggleGroup(entity.id, true));
  node.addEventListener("mouseleave", () => toggleGroup(entity.id, false));
  return node;
}

// A mention group: every mention of one entity, and its row, lit together.
function toggleGroup(id, on) {
  for (const node of document.querySelectorAll(`[data-entity="${CSS.escape(id)}"]`)) node.classList.toggle("group-on", on);
}

function renderLegend(entities) {
  const present = new Set(entities.map((e) => e.type));
  $("legend").replaceChildren(...TYPES.filter((t) => present.has(t)).map((t) => el("mark", { className: `ent ent-${t}`, textContent: t })));
}

function renderEntities(entities) {
  const rows = entities.map((entity) => {
    const surfaces = [...new Set((entity.mentions || []).map((m) => m.text))];
    const tone = el("td", { textContent: toneText(entity.sentiment) });
    if (entity.sentiment) tone.style.background = toneColour(entity.sentiment.score);
    const row = el("tr", {},
      el("td", { textContent: entity.name }),
      el("td", {}, el("mark", { className: `ent ent-${entity.type}`, textContent: entity.type })),
      el("td", { textContent: (entity.salience || 0).toFixed(2) }),
      el("td", { textContent: `${(entity.mentions || []).length}×: ${surfaces.join(" · ")}` }),
      tone,
      el("td", { className: "links" }, ...(entity.links || []).map((link) => linkNode(link, entity))));
    row.dataset.entity = entity.id;
    row.addEventListener("mouseenter", () => toggleGroup(entity.id, true));
    row.addEventListener("mouseleave", () => toggleGroup(entity.id, false));
    return row;
  });
  $("entities").tBodies[0].replaceChildren(...rows);
}

// Only web pages are linked: a base's URL is data, and `javascript:` or
// other schemes must not become something a click runs.
function safeUrl(url) {
  return /^https?:\/\//i.test(url || "") ? url : null;
}

// "Ukraine · nationality · default:geonames:690791", the name a hyperlink
// to the entry's page where the base has one.
function linkNode(link, entity) {
  const name = link.name || link.id;
  const url = safeUrl(link.url);
  const title = url
    ? el("a", { href: url, textContent: name, target: "_blank", rel: "noopener noreferrer" })
    : el("span", { textContent: name });
  const node = el("span", { className: "link", title: `${link.description || ""} score ${(link.score || 0).toFixed(2)}`.trim() },
    title, ` · ${link.kind || "?"}`, el("small", { textContent: ` ${link.source}:${link.id}` }));
  node.dataset.kb = `${link.source}:${link.id}`;
  if (entity.origin === "ORIGIN_KNOWLEDGE_BASE") node.append(el("small", { className: "added", textContent: " added from the base" }));
  return node;
}

function renderTopics(topics) {
  $("topics-block").hidden = topics.length === 0;
  $("topics").replaceChildren(...topics.map((topic) => {
    const url = safeUrl(topic.url);
    const name = url
      ? el("a", { href: url, textContent: topic.name, target: "_blank", rel: "noopener noreferrer" })
      : el("span", { textContent: topic.name });
    const item = el("li", {}, name, ` · ${topic.kind} · ${(topic.salience || 0).toFixed(2)}`);
    item.dataset.kb = `${topic.source}:${topic.id}`;
    return item;
  }));
}

const SVG = "http://www.w3.org/2000/svg";
function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
  for (const child of children) node.append(child);
  return node;
}

// Every linked place with coordinates, once per knowledge-base entry.
function places(entities) {
  const seen = new Map();
  for (const entity of entities) {
    for (const link of entity.links || []) {
      const meta = link.metadata || {};
      const lat = parseFloat(meta.latitude);
      const lon = parseFloat(meta.longitude);
      if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) continue;
      const key = `${link.source}:${link.id}`;
      const place = seen.get(key) || { key, name: link.name || entity.name, kind: link.kind, lat, lon, salience: 0, entities: [] };
      place.salience += entity.salience || 0;
      place.entities.push(entity.id);
      seen.set(key, place);
    }
  }
  return [...seen.values()];
}

// A small map of the story's places: Natural Earth's land outline
// (world.js, built into the gateway) and a dot per place, framed around
// the places with a margin so a story about one region shows that region.
function renderPlaces(entities) {
  const found = places(entities);
  const figure = $("places");
  figure.hidden = found.length === 0;
  $("places-title").hidden = found.length === 0;
  if (found.length === 0) { figure.replaceChildren(); return; }
  const x = (lon) => (lon + 180) * WORLD.scale;
  const y = (lat) => (WORLD.north - Math.max(WORLD.south, Math.min(WORLD.north, lat))) * WORLD.scale;
  const xs = found.map((p) => x(p.lon));
  const ys = found.map((p) => y(p.lat));
  // At least 40 by 20 degrees, a fifth of the spread as margin, within the world.
  const margin = (lo, hi, least) => Math.max(least, (hi - lo) * 1.4) / 2;
  const cx = (Math.min(...xs) + Math.max(...xs)) / 2;
  const cy = (Math.min(...ys) + Math.max(...ys)) / 2;
  let half = [margin(Math.min(...xs), Math.max(...xs), 40 * WORLD.scale), margin(Math.min(...ys), Math.max(...ys), 20 * WORLD.scale)];
  // The map's shape is 2:1, so widen whichever side is short.
  half = [Math.max(half[0], half[1] * 2), Math.max(half[1], half[0] / 2)];
  half = [Math.min(half[0], WORLD.width / 2), Math.min(half[1], WORLD.height / 2)];
  const left = Math.max(0, Math.min(WORLD.width - 2 * half[0], cx - half[0]));
  const top = Math.max(0, Math.min(WORLD.height - 2 * half[1], cy - half[1]));
  const unit = (2 * half[0]) / 600; // one screen pixel of a 600 px wide map
  const map = svg("svg", { viewBox: `${left} ${top} ${2 * half[0]} ${2 * half[1]}`, role: "img", "aria-label": `map of ${found.length} places` },
    svg("rect", { x: 0, y: 0, width: WORLD.width, height: WORLD.height, class: "sea" }),
    svg("path", { d: WORLD.land, class: "land" }));
  const biggest = Math.max(...found.map((p) => p.salience)) || 1;
  for (const place of found) {
    const r = (3 + 5 * Math.sqrt(place.salience / biggest)) * unit;
    const dot = svg("circle", { cx: x(place.lon), cy: y(place.lat), r, class: "place" },
      svg("title", {}, `${place.name} (${place.kind}) ${place.lat.toFixed(2)}, ${place.lon.toFixed(2)}`));
    dot.dataset.kb = place.key;
    dot.dataset.entity = place.entities[0];
    dot.addEventListener("mouseenter", () => place.entities.forEach((id) => toggleGroup(id, true)));
    dot.addEventListener("mouseleave", () => place.entities.forEach((id) => toggleGroup(id, false)));
    const label = svg("text", { x: x(place.lon) + r + 2 * unit, y: y(place.lat) + 4 * unit, "font-size": 12 * unit, class: "place-label" });
    label.textContent = place.name;
    map.append(dot, label);
  }
  figure.replaceChildren(map, el("figcaption", { textContent: "Land: Natural Earth (public domain). A dot per linked place, larger for more salient ones." }));
}

$("analyse").addEventListener("click", analyse);
$("file").addEventListener("change", async (event) => {
  const file = event.target.files[0];
  if (!file) return;
  const text = await file.text();
  $("text").value = text;
  $("html").checked = looksLikeHtml(text, file.name);
  analyse();
});
// Pasted markup switches to HTML; the box can still be unticked.
$("text").addEventListener("paste", () => setTimeout(() => {
  if (looksLikeHtml($("text").value)) $("html").checked = true;
}));

// A text in the address (#text=... or ?text=..., URI-encoded; #html=...
// for markup) is filled in and analysed at once, so a link shows a story's
// analysis.
(function prefill() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const query = new URLSearchParams(location.search);
  const html = fragment.get("html") || query.get("html");
  const text = html || fragment.get("text") || query.get("text");
  if (text) { $("text").value = text; $("html").checked = Boolean(html); analyse(); }
})();
