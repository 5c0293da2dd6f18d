// Copydesk /viz: calls POST /v1/annotate with UTF-16 offsets, because
// JavaScript strings index UTF-16 code units, so spans slice `text` as is.
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

async function analyse() {
  const text = $("text").value;
  if (!text.trim()) { setStatus("error", "Nothing to analyse."); return; }
  setStatus("busy", "Analysing…");
  const headers = { "content-type": "application/json" };
  const token = $("token").value.trim();
  if (token) headers.authorization = `Bearer ${token}`;
  try {
    const reply = await fetch("/v1/annotate", {
      method: "POST",
      headers,
      body: JSON.stringify({ document: { text }, encoding: "UTF16" }),
    });
    const body = await reply.json();
    if (!reply.ok) { setStatus("error", `${reply.status}: ${body.message || "error"}`); return; }
    render(text, body);
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
  const errors = $("errors");
  errors.replaceChildren(...(response.errors || []).map((e) => el("li", { textContent: `${e.feature}: ${e.message}` })));
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
      tone);
    row.dataset.entity = entity.id;
    row.addEventListener("mouseenter", () => toggleGroup(entity.id, true));
    row.addEventListener("mouseleave", () => toggleGroup(entity.id, false));
    return row;
  });
  $("entities").tBodies[0].replaceChildren(...rows);
}

$("analyse").addEventListener("click", analyse);
$("file").addEventListener("change", async (event) => {
  const file = event.target.files[0];
  if (file) { $("text").value = await file.text(); analyse(); }
});

// A text in the address (#text=... or ?text=..., URI-encoded) is filled in
// and analysed at once, so a link shows a story's analysis.
(function prefill() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const query = new URLSearchParams(location.search);
  const text = fragment.get("text") || query.get("text");
  if (text) { $("text").value = text; analyse(); }
})();
