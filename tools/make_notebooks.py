"""Write the notebooks from the cell lists below (keeps them reviewable as Python).

    .venv/bin/python tools/make_notebooks.py

Notebooks are committed without outputs; the test suite runs them top to bottom.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parents[1] / "notebooks"


def md(text: str):
    return new_markdown_cell(text.strip())


def code(text: str):
    return new_code_cell(text.strip())


NOTEBOOKS: dict[str, list] = {}

NOTEBOOKS["00_start_here.ipynb"] = [
    md("""
# 00 · Start here: policytrack in ten minutes

policytrack reads Vietnamese laws, decrees, circulars and official letters, splits them into
their provisions (Chương / Mục / Điều / khoản / điểm), finds what they cite, tags the
provisions on discharge control and water resources, links the network's recommendations to
the articles they target, and tracks whether they were adopted, with evidence.

This tour runs each step once on what the project ships (`../corpus`, `../recommendations.csv`).
Each step has its own notebook that goes further:

| notebook | for |
|---|---|
| [01 · Explore a corpus](01_explore_corpus.ipynb) | load a folder, browse a document's tree, search provisions |
| [02 · Citations](02_references.ipynb) | what a document cites, what cites an article, the citation graph |
| [03 · Topics](03_topics.ipynb) | which provisions are about discharge control or water resources, and why |
| [04 · Recommendations](04_recommendations.ipynb) | the register, links to articles, what a new draft changed |
| [05 · Consultation brief](05_consultation_brief.ipynb) | build the Word brief for a draft, step by step |
| [06 · Amendments](06_amendments.ipynb) | a law's amendments on a timeline, the most amended articles, a provision's history, the law as of a date |

From a terminal, `make demo` writes every report into `reports/` (see the README).
"""),
    md("## 1 · A folder of documents"),
    code("""
from pathlib import Path

import pandas as pd
from IPython.display import display

import policytrack as pt

pd.set_option("display.max_colwidth", 90)
OUT = Path("output")                      # notebooks/output/: what this notebook writes (not committed)
corpus = pt.Corpus.load("../corpus")      # every .txt/.docx/.doc/.pdf/.html in the folder, parsed and cached
print(f"{len(corpus)} documents; files skipped: {len(corpus.errors)}")
corpus.documents()[["id", "type", "number", "title", "date", "is_draft", "articles"]]
"""),
    md("""
## 2 · Provisions, each with a stable id

`d8.k3.a` is điểm a khoản 3 Điều 8. The id is the join key of every table below, and every
provision points to its exact offsets in the source file.
"""),
    code("""
provisions = corpus.provisions()
law = corpus["98/2099/QH-MAU"]
article = next(p for p in law.root.walk() if p.kind == "article" and "giấy phép" in (p.heading or "").lower())
print(article.id, "—", article.heading)
print(article.text[:400])
provisions[provisions["id"].str.startswith(article.id)][["id", "kind", "number", "start", "end"]]
"""),
    md("## 3 · What the documents cite"),
    code("""
refs = corpus.references()
refs[["citing_provision", "text", "document", "article", "clause", "resolved_id"]].head(8)
"""),
    md("## 4 · Topics: discharge control and water resources, with the words that show it"),
    code("""
tags = corpus.tags()
on_law = tags[(tags["document_id"] == law.id) & tags["subtopic"].notna()]
on_law.groupby("subtopic").size().sort_values(ascending=False).head(8).rename("provisions").to_frame()
"""),
    md("## 5 · The recommendations and how far they got"),
    code("""
register = pt.Register.load("../recommendations.csv")
links = pt.link(register, corpus)
funnel = pt.charts.adoption_funnel(register, lang="en")
display(funnel)                       # hover a bar: the recommendations behind it
png = funnel.save_png(OUT / "funnel.png")   # the same chart as a picture, for a paper
print("picture:", png.resolve())
"""),
    md("""
## 6 · The whole report in one call

`build_report` is what `make demo` runs: the corpus summary, the register with statuses and
links (CSV, Excel), the charts (PNG), the dashboard (`dashboard.html`, opens offline in any
browser) and the consultation brief (`brief.docx`). Problems (an unreadable file, a bad
register row) are listed in the dashboard and never stop the rest.
"""),
    code("""
out = OUT / "reports"
result = pt.build_report("../recommendations.csv", "../corpus", out, quiet=True)
print("written to", out.resolve())
print("problems:", [str(p) for p in result.problems] or "none")
pd.DataFrame({"file": [str(p.relative_to(out)) for p in result.written],
              "bytes": [p.stat().st_size for p in result.written]})
"""),
]

NOTEBOOKS["01_explore_corpus.ipynb"] = [
    md("""
# 01 · Explore a corpus

Load a folder of legal documents, browse one document's tree of provisions, search the
provisions, and count them by chapter.

The folder `../corpus` ships with the project: team-written **samples** (fictional, marked
`[MẪU]` in their first line) and the register `sources.csv`. Point `pt.Corpus.load` at your own
folder of `.docx`, `.doc`, `.pdf`, `.html` or `.txt` files to work on real texts. If the
project's test data `../../shared` is present, the last section also loads a real law excerpt.
"""),
    code("""
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

import policytrack as pt

pd.set_option("display.max_colwidth", 80)
corpus = pt.Corpus.load("../corpus")
print(f"{len(corpus)} documents, {len(corpus.errors)} files skipped")
corpus.documents()[["id", "type", "number", "title", "issuer", "date", "is_draft", "articles", "provisions"]]
"""),
    md("""
## One document's tree

Every provision has a stable id `<document id>:<path>` (`d8.k3.a` = điểm a khoản 3 Điều 8).
It is the join key of every table policytrack produces.
"""),
    code("""
draft = corpus["luat-tai-nguyen-nuoc-mau@du-thao-1"]
print(draft.outline(max_depth=2))
"""),
    code("""
article = draft["d9"]
print(article.id, "—", article.heading)
print(article.text)
assert article.text == draft.source.text[article.start:article.end]  # lossless: offsets slice the file exactly
"""),
    md("## All provisions as a table"),
    code("""
provisions = corpus.provisions()
provisions[["id", "kind", "number", "heading", "chapter", "article", "clause", "point", "start", "end"]].head(15)
"""),
    md("""
## Search

Matching ignores case and the tone-mark placement (`thuỷ` finds `thủy`); only the innermost
provisions that contain the words are shown.
"""),
    code("""
hits = corpus.search("nước thải")
hits[["id", "kind", "heading"]].assign(text=hits["text"].str.slice(0, 90))
"""),
    md("## Provisions by chapter"),
    code("""
laws = provisions[provisions["chapter"].notna()]
counts = laws.groupby(["document_id", "chapter", "kind"]).size().unstack(fill_value=0)
counts = counts[[k for k in ["article", "clause", "point"] if k in counts.columns]]
display(counts)

ax = counts.droplevel(0).groupby(level=0).sum().plot.bar(figsize=(7, 3.5), rot=0)
ax.set_xlabel("Chương"); ax.set_ylabel("provisions")
ax.set_title("Sample drafts: provisions per chapter")
plt.tight_layout()
plt.show()
"""),
    md("## What the parser tolerated"),
    code("""
warnings = [
    {"document": d.id, "offset": w.start, "warning": w.message}
    for d in corpus for w in d.warnings
] + [{"document": d.id, "offset": None, "warning": w} for d in corpus for w in d.meta.warnings]
pd.DataFrame(warnings, columns=["document", "offset", "warning"])
"""),
    md("""
## A real law excerpt (when `../../shared` is present)

The shared test data holds an excerpt of the Law on Environmental Protection 2020. Its header
has no number; the register `sources.csv` identifies it as `72/2020/QH14`.
"""),
    code("""
shared = Path("../../shared/corpus")
if shared.is_dir():
    real = pt.Corpus.load(shared, sources="../corpus/sources.csv")  # the project's register names the excerpt
    law = real["72/2020/QH14"]
    print(law.id, law.meta.title)
    frame = law.to_frame()
    display(frame.groupby(["chapter", "kind"]).size().unstack(fill_value=0))
    display(frame[frame["kind"] == "article"][["id", "heading"]])
else:
    print("../../shared is not present: skipping the real-law section")
"""),
]

NOTEBOOKS["02_references.ipynb"] = [
    md("""
# 02 · Citations and cross-references

What do the documents cite, and what cites a given article? `find_references` reads
Vietnamese citations (smallest unit first: *điểm a khoản 2 Điều 39 của Luật này*), expands
lists and ranges into one target per unit, and `resolve` maps each target to a provision id
of the corpus, or says why it cannot.

Runs on the samples in `../corpus`; with the project's test data (`../../shared`) present it
also reads the two official letters of seed 003 and the real law excerpt.
"""),
    code("""
from pathlib import Path

import matplotlib.pyplot as plt
import networkx as nx
import pandas as pd
from IPython.display import HTML, display

import policytrack as pt
from policytrack.citations import cited_by, rests_on

pd.set_option("display.max_colwidth", 90)
SHARED = Path("../../shared")
folders = [Path("../corpus")] + ([SHARED / "corpus"] if (SHARED / "corpus").is_dir() else [])
corpus = pt.Corpus.load(folders[-1], sources="../corpus/sources.csv") if len(folders) > 1 else pt.Corpus.load(folders[0])
samples = pt.Corpus.load("../corpus")
refs = pd.concat([samples.references(), corpus.references() if corpus is not samples else None])
print(f"{len(refs)} cited units in {refs['citing_document'].nunique()} documents")
refs[["citing_provision", "text", "document", "article", "clause", "point", "relation", "resolved_id", "reason"]].head(12)
"""),
    md("""
## What a letter rests on

For each document a letter cites: how often, and with which stated relation. Seed 003 (two
official letters in one scanned file) when `../../shared` is present, else the sample letter.
"""),
    code("""
seed = next((SHARED / "seeds").glob("003_*.txt"), None) if (SHARED / "seeds").is_dir() else None
letters = pt.parse(seed) if seed else [samples["15/2099/MLN-MAU"]]
for letter in letters:
    found = pt.find_references(letter)
    cited = pd.DataFrame(
        [{"cited": t.document.label if t.document else letter.id, "type": t.document.doc_type if t.document else None,
          "date": t.document.date if t.document else None, "issuer": t.document.issuer if t.document else None,
          "as written": r.text}
         for r in found for t in r.targets if t.document is not None]
    )
    print(f"{letter.id} — {letter.meta.subject or letter.meta.title}")
    display(cited.drop_duplicates("cited") if not cited.empty else cited)
"""),
    md("## The citation graph of the sample corpus"),
    code("""
import textwrap

graph = samples.citation_graph()
documents = [n for n, d in graph.nodes(data=True) if d.get("kind") in ("document", "external")]
doc_graph = nx.DiGraph()
for src, dst, data in graph.edges(data=True):
    if src in documents and dst in documents and src != dst:
        doc_graph.add_edge(src, dst, relation=data["relation"] or "cites")
# The documents of the corpus on an inner circle, the ones known by number or name only
# around them; edges coloured by relation instead of labelled (labels would cross).
held = [n for n in doc_graph if graph.nodes[n].get("kind") == "document"]
pos = nx.shell_layout(doc_graph, [held, [n for n in doc_graph if n not in held]])
relations = sorted({d["relation"] for _, _, d in doc_graph.edges(data=True)})
palette = dict(zip(relations, plt.cm.tab10.colors))
fig, ax = plt.subplots(figsize=(11, 8))
nx.draw_networkx_nodes(doc_graph, pos, ax=ax, node_size=500,
                       node_color=["#2b8cbe" if n in held else "#bbbbbb" for n in doc_graph])
nx.draw_networkx_edges(doc_graph, pos, ax=ax, node_size=500, arrowsize=12, connectionstyle="arc3,rad=0.08",
                       edge_color=[palette[d["relation"]] for _, _, d in doc_graph.edges(data=True)])
labels = {n: textwrap.fill(n.replace("@", " @"), 18) for n in doc_graph}
for n, (x, y) in pos.items():
    ax.text(x, y - 0.09, labels[n], ha="center", va="top", fontsize=8,
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1})
ax.legend(handles=[plt.Line2D([], [], color=palette[r], label=r) for r in relations], title="relation",
          loc="lower right", frameon=False)
ax.set_title("Documents citing documents\\n(blue: text in the corpus; grey: known by number or name only)")
ax.margins(0.18)
ax.axis("off")
plt.tight_layout()
plt.show()
"""),
    md("## The most-cited provisions"),
    code("""
resolved = refs.dropna(subset=["resolved_id"])
resolved = resolved[resolved["resolved_id"].str.contains(":")]
top = resolved.groupby("resolved_id").size().sort_values(ascending=False).head(10)
display(top.rename("citations").to_frame())
ax = top.sort_values().plot.barh(figsize=(7, 3.5), color="#2b8cbe")
ax.set_xlabel("citations"); ax.set_ylabel("")
plt.tight_layout()
plt.show()
most = top.index[0]
print(f"Who cites {most}:")
cited_by(samples.citation_graph() if most.split(":")[0] in samples else corpus.citation_graph(), most)
"""),
    md("## A passage with its citations highlighted (hover a mark to see its target)"),
    code("""
decree = samples["99/2099/NĐ-MAU"]
article = decree["d1"]
found = [r for r in pt.resolve(pt.find_references(decree), samples) if article.start <= r.start < article.end]
shifted = [pt.Reference(r.start - article.start, r.end - article.start, r.text, r.targets, r.relation) for r in found]
HTML(pt.annotate(article.text, shifted))
"""),
    md("## Citations that could not be resolved, and why"),
    code("""
refs[refs["resolved_id"].isna()].groupby("reason").size().sort_values(ascending=False).head(10).rename("targets").to_frame()
"""),
    md("""
## Relative citations carry the numbers they stand for

*khoản 2 Điều này* inside Điều 7 is recorded as article 7, clause 2 (`relative` is true), so a
table of cited units can be grouped by article without reading the text again.
"""),
    code("""
refs[refs["relative"] == True][["citing_provision", "text", "article", "clause", "point", "resolved_id"]].head(8)
"""),
    md("""
## The same reader in spaCy

For researchers who already work in spaCy: `nlp.add_pipe("policytrack_references")` (found
through an entry point once policytrack is installed) puts every citation in
`doc.spans["references"]`, each with its targets, relation and, when given a corpus folder,
the provision ids it resolves to. A blank Vietnamese pipeline with spaCy's syllable
tokenizer is enough: no model download, no pyvi.
"""),
    code("""
import spacy

nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
nlp.add_pipe("policytrack_references", config={"corpus": "../corpus"})
doc = nlp("Tổ chức xả nước thải phải tuân thủ khoản 2 Điều 5 Nghị định số 08/2022/NĐ-CP "
          "và các điểm a, b khoản 1 Điều 9 của Luật Bảo vệ môi trường.")
pd.DataFrame([{"citation": s._.pt_text, "relation": s._.pt_relation, **t, "resolved": r}
              for s in doc.spans["references"] for t, r in zip(s._.pt_targets, s._.pt_resolved)])
"""),
]

NOTEBOOKS["03_topics.ipynb"] = [
    md("""
# 03 · Topics: where the law regulates discharge and water resources

Every provision gets topic tags — **discharge control** (kiểm soát xả thải) and **water
resources** (tài nguyên nước), each with subtopics — from rules over the editable vocabulary
`policytrack/data/topics.yaml`: *synonyms* that mean the topic on their own, and *cues*
(general words such as "quan trắc định kỳ") that count only where the provision is already on
the topic, by its own text, its article heading or a lead-in above it. Every tag shows the
words that triggered it.

This notebook draws the topic map of the corpus, shows the evidence behind tags, measures
the tagger against provisions of real law labelled by people (a held-out test part), and
shows why the learned model was taken out of the default tagger.
"""),
    code("""
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import yaml
from IPython.display import HTML, display

import policytrack as pt
from policytrack.tagging import evaluate, load_taxonomy

pd.set_option("display.max_colwidth", 100)
SHARED = Path("../../shared/corpus")
REAL = Path("../../shared/real-corpus")
corpus = pt.Corpus.load(SHARED if SHARED.is_dir() else "../corpus", sources="../corpus/sources.csv")
samples = pt.Corpus.load("../corpus")
tags = pd.concat([samples.tags(), corpus.tags() if corpus.folder != samples.folder else None], ignore_index=True)
taxonomy = load_taxonomy()
print(f"{len(tags)} tags on {tags['provision_id'].nunique()} provisions")
tags.head()
"""),
    md("## Topic map: which articles touch which subtopic"),
    code("""
def article_id(pid):
    doc, _, path = pid.partition(":")
    head = path.split(".")
    keep = [seg for seg in head if seg.startswith("d")][:1]
    return f"{doc}:{keep[0]}" if keep else None

def short(article: str) -> str:
    # "luat-…@du-thao-1:d11" as "dự thảo 1 · Đ11": a column label that fits
    doc, _, path = article.partition(":")
    base, _, draft = doc.partition("@")
    name = draft.replace("du-thao-", "dự thảo ") if draft else base
    return f"{name} · Đ{path[1:]}"

sub = tags[tags["subtopic"].notna()].copy()
sub["article"] = sub["provision_id"].map(article_id)
sub["label"] = [taxonomy.label_vi(f"{t}.{s}") for t, s in zip(sub["topic"], sub["subtopic"])]
heat = sub.dropna(subset=["article"]).groupby(["label", "article"]).size().unstack(fill_value=0)
heat = heat.loc[:, heat.sum().sort_values(ascending=False).index[:30]]
fig, ax = plt.subplots(figsize=(13, 0.4 * len(heat) + 2.5))
image = ax.imshow(heat.values, aspect="auto", cmap="Blues")
ax.set_yticks(range(len(heat)), heat.index, fontsize=9)
ax.set_xticks(range(heat.shape[1]), [short(c) for c in heat.columns], fontsize=8, rotation=55,
              ha="right", rotation_mode="anchor")
fig.colorbar(image, ax=ax, label="tagged provisions", shrink=0.8, pad=0.01)
ax.set_title("Tagged provisions per article and subtopic (30 most-tagged articles)")
plt.tight_layout()
plt.show()
"""),
    md("""
## The evidence behind tags

A sample of subtopic tags, one per subtopic: the provision's text with the words that gave
the tag highlighted. Evidence is always a span of the provision itself or of the article
heading or lead-in above it (shown in grey when it lies there).
"""),
    code("""
from html import escape

def highlighted(doc, prov, spans) -> str:
    text, parts = doc.source.text, []
    article = next((a for a in doc.ancestors(prov, include_self=True) if a.kind == "article"), None)
    above = [(s, e) for s, e in spans if not (prov.start <= s < prov.end)]
    if above and article is not None and article is not prov and article.heading_span:
        hs, he = article.heading_span
        parts.append('<div style="color:#555">' + mark(text, hs, he, above) + "</div>")
    parts.append(mark(text, prov.start, prov.end, [(s, e) for s, e in spans if prov.start <= s < prov.end]))
    return "".join(parts)

def mark(text, start, end, spans) -> str:
    out, pos = [], start
    for s, e in sorted(set(spans)):
        if s < pos or e > end:
            continue
        out += [escape(text[pos:s]), f"<mark>{escape(text[s:e])}</mark>"]
        pos = e
    out.append(escape(text[pos:end][:600]))
    return "".join(out)

docs = {d.id: d for c in (samples, corpus) for d in c}
rows = tags[tags["subtopic"].notna()].drop_duplicates(["topic", "subtopic"]).head(6)
cards = []
for row in rows.itertuples():
    doc = docs[row.document_id]
    prov = doc[row.provision_id]
    cards.append(f"<h4>{escape(taxonomy.label_vi(f'{row.topic}.{row.subtopic}'))} — {escape(row.provision_id)}</h4>"
                 f'<div style="white-space: pre-wrap; border-left: 3px solid #9bc; padding-left: 8px">'
                 f"{highlighted(doc, prov, row.evidence)}</div>")
HTML("".join(cards))
"""),
    md("""
## Measured on real law (when `../../shared/real-corpus` is present)

People labelled 2,000+ provisions of 22 documents of the real corpus by reading
(`tests/data/topics_real/`, labels only: file, provision, offsets). The split is by
document and was fixed before any label was written; no synonym, cue or setting was chosen
by looking at the **test part**, which is what the first table shows.
"""),
    code("""
from policytrack.tagging.gold import agreement, gold_sets, read_labels, tag_files

LABELS = Path("../tests/data/topics_real")
labels = read_labels(sorted(LABELS.glob("labels_*.yaml")))
split = yaml.safe_load((LABELS / "split.yaml").read_text(encoding="utf-8"))
if REAL.is_dir():
    test_files = sorted({g.file for g in labels} & set(split["test"]))
    report = evaluate(tag_files(test_files, REAL, pt.tag), gold_sets(labels, test_files))
    report = report[(report["method"] == "combined") & (report["support"] + report["fp"] > 0)]
    display(report[["label", "support", "tp", "fp", "fn", "precision", "recall", "f1"]].round(3))
else:
    print("../../shared/real-corpus is not present: the labels cannot be scored here")
print("Agreement of two readers who labelled the same provisions independently:")
agreement(labels).query("first > 0 or second > 0")
"""),
    md("""
## The learned model, and why it is not in the default tagger

A TF-IDF + logistic-regression model was trained on the development labels and the team's
passages, its setting chosen by cross-validation over the development documents. On the test
part it added no recall at equal precision (BENCHMARKS.md), so `pt.tag` is the rule tagger;
`pt.TopicModel` remains for a user who trains one on their own labels
(`pt.tag(doc, model=my_model)`). Its probabilities are calibrated (a sigmoid fitted on
held-out folds). The reliability curve below uses out-of-fold probabilities: a calibrated
model's points lie near the diagonal.
"""),
    code("""
from sklearn.calibration import calibration_curve
from policytrack.tagging import TopicModel, load_training
from policytrack.tagging.gold import training_pairs

TOP = ["discharge_control", "water_resources"]
passages, passage_labels = load_training()
groups = [("passages", t, set(y) & set(TOP)) for t, y in zip(passages, passage_labels)]
if REAL.is_dir():
    for name in sorted({g.file for g in labels} & set(split["dev"])):
        doc = pt.parse(REAL / name)[0]
        groups += [(name, t, y) for t, y in training_pairs(labels, doc, name, TOP)]
names = sorted({g for g, _, _ in groups})
folds = [names[i::3] for i in range(3)]
curves = {}
for calibrate in (False, True):
    proba, truth = [], []
    for fold in folds:
        train = [(t, y) for g, t, y in groups if g not in fold]
        held = [(t, y) for g, t, y in groups if g in fold]
        model = TopicModel(TOP, "notebook", C=0.5, ngram_range=(1, 2), calibrate=calibrate)
        model.fit([t for t, _ in train], [y for _, y in train])
        proba.append(model.predict_proba([t for t, _ in held]))
        truth += [[label in y for label in TOP] for _, y in held]
    curves[calibrate] = (np.vstack(proba), np.array(truth))
fig, axes = plt.subplots(1, 2, figsize=(10, 4.2), sharey=True)
for j, (ax, topic) in enumerate(zip(axes, TOP)):
    ax.plot([0, 1], [0, 1], ls=":", color="grey")
    for calibrate, style in ((False, "o--"), (True, "s-")):
        p, y = curves[calibrate]
        frac, mean = calibration_curve(y[:, j], p[:, j], n_bins=6, strategy="quantile")
        ax.plot(mean, frac, style, label="calibrated" if calibrate else "not calibrated")
    ax.set_title(taxonomy.label_vi(topic))
    ax.set_xlabel("predicted probability")
axes[0].set_ylabel("share truly on the topic")
axes[0].legend()
plt.suptitle("Reliability of the model's probabilities (out-of-fold)")
plt.tight_layout()
plt.show()
"""),
]


NOTEBOOKS["04_recommendations.ipynb"] = [
    md("""
# 04 · Recommendations: the register, their links, and what a new draft changed

The register `../recommendations.csv` is a *working register* written from what is documented
about the network's 47 recommendations (see the README): each row says whether it is
`documented` or `illustrative` and where it comes from. Load your official list the same way.
"""),
    code("""
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML, display

import policytrack as pt

pd.set_option("display.max_colwidth", 120)
register = pt.Register.load("../recommendations.csv")
corpus = pt.Corpus.load("../corpus")
frame = register.to_frame()
display(frame[["id", "title", "theme", "target_document", "target_provisions", "status", "provenance"]].head(10))
fig, axes = plt.subplots(1, 2, figsize=(11, 3.2))
frame["status"].map(lambda s: register.statuses.label(s, "vi")).value_counts().plot.barh(ax=axes[0], color="#2b8cbe")
axes[0].set_title("Trạng thái / status")
frame.groupby(["target_document", "provenance"]).size().unstack(fill_value=0).plot.barh(ax=axes[1], stacked=True)
axes[1].set_title("Văn bản mục tiêu / target document")
axes[1].legend(title="provenance", loc="center right")
for ax in axes:
    ax.set_ylabel("")
plt.tight_layout()
plt.show()
"""),
    md("## The links of one recommendation, with their explanations"),
    code("""
links = pt.link(register, corpus, k=3)
# A link reaches a provision only in a document whose text is in the corpus (`doc:d8.k3`), else
# it stops at the document (`72/2020/QH14`) or is not made (no provision, and the reason why).
def lands_on_what(target) -> str:
    if pd.isna(target):
        return "nothing"
    return "a document" if target in corpus or corpus.sources.get(target) else "a provision"

lands_on = links["provision"].map(lands_on_what)
display(links.assign(lands_on=lands_on).groupby(["method", "lands_on"]).size().unstack(fill_value=0))
print("why most are not made:")
display(links[lands_on == "nothing"]["explanation"].str.replace(r"^cites «[^»]*»: ", "", regex=True)
        .value_counts().head(3).rename("links").to_frame())
best = links[lands_on == "a provision"] if (lands_on == "a provision").any() else links[lands_on == "a document"]
rec = best["recommendation"].iloc[0]
print(rec, "—", register[rec]["title"])
print(register[rec]["text_vi"])
links[links["recommendation"] == rec]
"""),
    md("""
The shipped register targets real laws and decrees; `../corpus` holds only the fictional
samples, so its links stop at the document. Against a text the corpus holds, links reach the
articles: here a small register of our own, two illustrative recommendations on the sample
drafts, each linked to the unit it names (`explicit`) and to the article that matches its
wording best (`retrieved`).
"""),
    code("""
import csv
import shutil
from pathlib import Path

work = Path("output") / "04_demo"        # beside this notebook (notebooks/output/ is not committed)
shutil.rmtree(work, ignore_errors=True)  # a fresh register each run: its history is kept beside it
work.mkdir(parents=True)
blank = dict.fromkeys(pt.register.COLUMNS, "")
rows = [
    {**blank, "id": "R01", "title": "Công khai thông tin xả thải", "topics": "discharge_control",
     "text_vi": "Đề nghị giữ quy định công khai thông tin xả nước thải.",
     "target_document": "luat-tai-nguyen-nuoc-mau@du-thao-1", "target_provisions": "Điều 13",
     "status": "proposed", "source": "notebook demo", "provenance": "illustrative", "notes": "illustrative"},
    {**blank, "id": "R02", "title": "Công khai dữ liệu quan trắc", "topics": "discharge_control",
     "text_vi": "Đề nghị công khai dữ liệu quan trắc nước thải tự động cho người dân.",
     "target_document": "luat-tai-nguyen-nuoc-mau@du-thao-2", "target_provisions": "khoản 4 Điều 13",
     "status": "proposed", "source": "notebook demo", "provenance": "illustrative", "notes": "illustrative"},
]
with open(work / "demo.csv", "w", encoding="utf-8", newline="") as fh:
    writer = csv.DictWriter(fh, fieldnames=list(pt.register.COLUMNS))
    writer.writeheader()
    writer.writerows(rows)
print("demo register:", (work / "demo.csv").resolve())
demo = pt.Register.load(work / "demo.csv")
demo_links = pt.link(demo, corpus, k=1)
demo_links
"""),
    md("""
## Draft 1 → draft 2 → enacted: what changed, and what it suggests

The sample law exists in three versions in `../corpus` (two drafts and the enacted text, all
fictional). Articles are aligned by their text, so the renumbering after the inserted Điều 5
of draft 2 does not matter. For a recommendation that targets an article of the earlier
version, the change suggests a status; a person accepts it into the history.
"""),
    code("""
d1, d2 = corpus["luat-tai-nguyen-nuoc-mau@du-thao-1"], corpus["luat-tai-nguyen-nuoc-mau@du-thao-2"]
enacted = corpus["98/2099/QH-MAU"]
drafts = pt.compare(d1, d2)
display(drafts.pairs[drafts.pairs["label"] != "unchanged"])
final = pt.compare(d2, enacted)
display(final.pairs[final.pairs["label"] != "unchanged"])
changed = next(a for a in final.alignments if a.label == "changed")
print(f"draft 2 {changed.old[0]} → enacted {changed.new[0]}")
HTML(final.diff_html(changed))
"""),
    code("""
# The suggestions for the two illustrative recommendations above.
print("Draft 1 → draft 2:")
display(pt.suggest_statuses(drafts, demo_links, demo))
print("Draft 2 → enacted:")
suggestions = pt.suggest_statuses(final, demo_links, demo)
display(suggestions)
"""),
    md("A person reads the diff, then accepts a suggestion: it goes into the history with who, when and why."),
    code("""
first = suggestions.iloc[0]
demo.set_status(first["recommendation"], first["suggested"], evidence=first["evidence"], who="notebook",
                note=first["reason"], document_version="98/2099/QH-MAU")
demo.save()
demo.history_frame()
"""),
]


NOTEBOOKS["05_consultation_brief.ipynb"] = [
    md("""
# 05 · A consultation brief for a draft, step by step

The brief is the Word document an advocate sends to a drafting committee: for one draft,
each recommendation that targets it, the current wording of the targeted provisions, what
changed since the previous draft, the status and the ask. `make demo` writes it with the
defaults; here we build it step by step, review it as a table, choose what goes in, and
export.

The shipped register targets real laws whose texts the repository does not hold, so the
second part uses a small illustrative register of our own against the sample draft in
`../corpus` (fictional, marked `MẪU`).
"""),
    code("""
import csv
from pathlib import Path

import docx
import pandas as pd
from IPython.display import HTML, display

import policytrack as pt
from policytrack.report import plan_brief, write_brief

pd.set_option("display.max_colwidth", 100)
corpus = pt.Corpus.load("../corpus")
register = pt.Register.load("../recommendations.csv")
links = pt.link(register, corpus)
plan = plan_brief(register, links, corpus)      # default document: see the README
print(f"default document: {plan.document} — {plan.title}; text in the corpus: {plan.held}")
print("where to find it:", plan.source_note)
plan.frame().head()
"""),
    md("""
## 1 · Choose a draft

The sample law has two drafts and an enacted version. We brief on draft 2; the changes are
counted from draft 1.
"""),
    code("""
DRAFT = "luat-tai-nguyen-nuoc-mau@du-thao-2"
work = Path("output") / "05_brief"     # beside this notebook (notebooks/output/ is not committed)
work.mkdir(parents=True, exist_ok=True)
print("writing into", work.resolve())
blank = dict.fromkeys(pt.register.COLUMNS, "")
rows = [
    ("R01", "Công khai dữ liệu quan trắc", "minh bạch", "Đề nghị công khai dữ liệu quan trắc nước thải tự động cho người dân.", "Điều 13"),
    ("R02", "Hạn ngạch xả thải theo sức chịu tải", "hạn ngạch", "Đề nghị phân bổ hạn ngạch xả nước thải theo kết quả đánh giá sức chịu tải.", "Điều 10"),
    ("R03", "Tái sử dụng nước thải", "tuần hoàn", "Đề nghị khuyến khích tái sử dụng nước thải sau xử lý trong khu công nghiệp.", "Điều 14"),
    ("R04", "Tham vấn cộng đồng", "minh bạch", "Đề nghị bảo đảm cộng đồng dân cư được tham vấn trước khi cấp giấy phép xả thải.", "Điều 8"),
]
with open(work / "demo.csv", "w", encoding="utf-8", newline="") as fh:
    writer = csv.DictWriter(fh, fieldnames=list(pt.register.COLUMNS))
    writer.writeheader()
    for rec, title, theme, text, target in rows:
        writer.writerow({**blank, "id": rec, "title": title, "theme": theme, "text_vi": text, "topics": "discharge_control",
                         "target_document": DRAFT, "target_provisions": target, "status": "proposed",
                         "source": "notebook 05", "provenance": "illustrative", "notes": "illustrative"})
demo = pt.Register.load(work / "demo.csv")
demo_links = pt.link(demo, corpus, k=1)
demo_links[demo_links["method"] == "explicit"][["recommendation", "provision", "explanation"]]
"""),
    md("## 2 · Review what the brief will say"),
    code("""
plan = plan_brief(demo, demo_links, corpus, DRAFT)
print(f"{plan.title}, draft {plan.draft_number}; changes counted from {plan.previous}")
plan.frame()
"""),
    md("What changed in one targeted article since draft 1 (deleted words struck through, new words underlined):"),
    code("""
changed = next(p for e in plan.entries for p in e.provisions if p.change == "changed")
print(changed.id, "—", changed.change)
parts = [{"equal": w, "delete": f"<del>{w}</del>", "insert": f"<ins>{w}</ins>"}[op] for op, w in changed.diff]
HTML('<div style="white-space: pre-wrap">' + " ".join(parts) + "</div>")
"""),
    md("## 3 · The charts that open the brief"),
    code("""
charts = pt.charts.report_charts(demo, demo_links, corpus, lang="vi")
charts[2]                             # hover a cell for the recommendations behind it; the brief embeds it as a picture
"""),
    md("""
## 4 · Adjust the selection

Keep the recommendations the committee should read first, in the order they should read
them. `select` refuses an id that is not in the brief, so a typo cannot drop one silently.
"""),
    code("""
chosen = plan.select(["R04", "R01", "R02"])
chosen.frame()[["recommendation", "title", "provision", "change"]]
"""),
    md("## 5 · Export, and check what was written"),
    code("""
path = write_brief(chosen, work, charts=charts, name="gop-y-du-thao-2.docx")
written = docx.Document(path)
print(path.resolve(), f"{path.stat().st_size:,} bytes, {len(written.inline_shapes)} charts")
pd.DataFrame([(p.style.name, p.text) for p in written.paragraphs if p.style.name.startswith(("Title", "Heading"))],
             columns=["style", "text"])
"""),
    md("""
Open the file in Word or LibreOffice: the table of contents and the page numbers are fields,
which Word offers to update on opening. Everything in it is ordinary text you can edit before
sending.
"""),
]


NOTEBOOKS["06_amendments.ipynb"] = [
    md("""
# 06 · Amendments: what changed each provision, when, and by which law

A consolidated text (văn bản hợp nhất, VBHN) restates a law with every amendment worked in;
its footnotes say, unit by unit, what happened and from when. `policytrack.amendments` reads
them into events. This notebook shows one law's amendments on a timeline, the most amended
articles, one provision's history and the law as it stood on a date.

It reads a real VBHN from `../../shared/real-corpus` when that folder is present, else a short
sample consolidated text written for this notebook (fictional numbers).
"""),
    code("""
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

import policytrack as pt

REAL = Path("../../shared/real-corpus/133-VBHN-VPQH 2025 Luật Đất đai.txt")
SAMPLE = \"\"\"LUẬT
MẪU THỬ NGHIỆM
[MẪU] Luật Mẫu thử nghiệm số 1/2020/MAU ngày 01 tháng 6 năm 2020, có hiệu lực kể từ ngày 01 tháng 01 năm 2021, được sửa đổi, bổ sung bởi:
1. Luật số 2/2022/MAU ngày 10 tháng 6 năm 2022, có hiệu lực kể từ ngày 01 tháng 01 năm 2023;
2. Luật số 3/2024/MAU ngày 20 tháng 6 năm 2024, có hiệu lực kể từ ngày 01 tháng 7 năm 2025.
Điều 1. Phạm vi
1. Luật này quy định việc thử nghiệm thiết bị lọc nước.
2.[1] Cơ quan quản lý cấp tỉnh[2] kiểm tra thiết bị trước khi lưu hành.
Điều 2. Kiểm định[3]
1. Chủ sở hữu kiểm định thiết bị hằng năm.
2.[4] (được bãi bỏ)
Điều 3. Hiệu lực
Luật này có hiệu lực thi hành từ ngày 01 tháng 01 năm 2021.
[1] Khoản này được sửa đổi, bổ sung theo quy định tại khoản 1 Điều 1 của Luật số 2/2022/MAU, có hiệu lực kể từ ngày 01 tháng 01 năm 2023.
[2] Cụm từ “Ủy ban nhân dân cấp huyện” được thay thế bằng cụm từ “Cơ quan quản lý cấp tỉnh” theo quy định tại khoản 2 Điều 1 của Luật số 3/2024/MAU, có hiệu lực kể từ ngày 01 tháng 7 năm 2025.
[3] Điều này được bổ sung theo quy định tại khoản 2 Điều 1 của Luật số 2/2022/MAU, có hiệu lực kể từ ngày 01 tháng 01 năm 2023.
[4] Khoản này được bãi bỏ theo quy định tại khoản 3 Điều 1 của Luật số 3/2024/MAU, có hiệu lực kể từ ngày 01 tháng 7 năm 2025.
\"\"\"
[law] = pt.parse(REAL) if REAL.is_file() else pt.parse_text(SAMPLE)
history = pt.read_history(law)
print("base:", history.base.number, "in force from", history.base.effective_date)
display(pd.DataFrame([(d.number, d.date, d.effective_date) for d in history.amending],
                     columns=["amending document", "issued", "in force from"]))
print(f"{history.footnotes} footnotes, {len(history.events)} read into events, {len(history.unread)} not read")
"""),
    md("""
## The events

`law.history()` gives one row per footnote: the provision its mark is on, the operation, the
old and new wording of a phrase replacement, the source document and provision, the
effective date.
"""),
    code("""
events = law.history()
events[["provision_id", "operation", "old_text", "new_text", "source_provision", "effective_date"]].head(12)
"""),
    md("""
## The timeline of the law's amendments

Events by the date they take effect, one colour per operation.
"""),
    code("""
timeline = (events[events["operation"] != "other"].dropna(subset=["effective_date"])
            .groupby(["effective_date", "operation"]).size().unstack(fill_value=0))
ax = timeline.plot(kind="bar", stacked=True, figsize=(8, 3.5), title=f"{law.meta.title or law.id}: amendments by effective date")
ax.set_xlabel("in force from")
ax.set_ylabel("footnotes")
ax.set_ylim(0, timeline.sum(axis=1).max() * 1.15)
ax.tick_params(axis="x", labelrotation=0)
ax.legend(title="operation", fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
plt.tight_layout()
plt.show()
"""),
    md("""
## The most amended articles

Every event inside an article counts for it (its clauses and points included).
"""),
    code("""
def article(path: str) -> str | None:
    first = path.split(".")[0]
    return first if first.startswith("d") else None


counted = events.assign(article=events["path"].map(article)).dropna(subset=["article"])
top = counted.groupby("article").agg(events=("footnote", "size"), operations=("operation", lambda s: ", ".join(sorted(set(s)))),
                                     last_change=("effective_date", "max")).sort_values("events", ascending=False).head(10)
top["heading"] = [law[a].heading if f"{law.id}:{a}" in law else None for a in top.index]
top
"""),
    md("""
## One provision's history

`provision.history()` gives the events of one unit and of the units inside it
(`descendants=False`: its own only). A liaison asks of the article a recommendation targets:
has it changed, by which law, from when?
"""),
    code("""
most = top.index[0]
law[most].history()[["provision_id", "operation", "source_provision", "effective_date", "footnote_text"]]
"""),
    md("""
## The law as of a date

`law.as_of(date)` is the text as it stood that day, as far as the footnotes tell: units not
yet added or already repealed are left out, a replaced phrase is put back, and a unit rewritten
since whose earlier wording the consolidated text does not give says so instead of guessing.
`compare` of two dates labels changed exactly the articles whose footnotes take effect between
them.
"""),
    code("""
dates = sorted({d for d in events["effective_date"].dropna() if d > (history.base.effective_date or "")})
before, after = dates[0], dates[-1]
early = law.as_of(str(pd.Timestamp(before) - pd.Timedelta(days=1)).split(" ")[0])
late = law.as_of(after)
display(pd.Series(early.states).value_counts().rename(f"units on {early.date}"))
changed = pt.compare(early, late).pairs.query("label != 'unchanged'")
print(f"between {early.date} and {late.date}: {len(changed)} articles differ")
changed.head(10)
"""),
    code("""
unit = next(pid for pid, state in early.states.items() if state in ("reconstructed", "wording_unknown"))
print(f"{unit} on {early.date} ({early.states[unit]}):")
print(early[unit].text[:400])
print(f"\\nand in the consolidated text:")
print(law[unit].text[:400])
"""),
]


def main(folder: Path = HERE) -> None:
    folder.mkdir(exist_ok=True)
    for name, cells in NOTEBOOKS.items():
        for n, cell in enumerate(cells):
            cell.id = f"{name[:2]}-{n:02d}"  # stable ids: regenerating does not rewrite every cell
        nb = new_notebook(cells=cells, metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        })
        nbformat.write(nb, folder / name)
        print(f"wrote {folder.name}/{name}")


if __name__ == "__main__":
    main()
