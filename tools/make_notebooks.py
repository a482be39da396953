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

NOTEBOOKS["01_explore_corpus.ipynb"] = [
    md("""
# 01 · Explore a corpus

Load a folder of legal documents, browse one document's tree of provisions, search the
provisions, and count them by chapter.

The folder `../corpus` ships with the project: team-written **samples** (fictional, marked
`[MẪU]` in their first line) and the register `sources.csv`. Point `pt.Corpus` at your own
folder of `.docx`, `.doc`, `.pdf`, `.html` or `.txt` files to work on real texts. If the
project's test data `../../shared` is present, the last section also loads a real law excerpt.
"""),
    code("""
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

import policytrack as pt

pd.set_option("display.max_colwidth", 80)
corpus = pt.Corpus("../corpus")
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
    real = pt.Corpus(shared)
    law = real["72/2020/QH14"]
    print(law.id, law.meta.title)
    frame = law.to_frame()
    display(frame.groupby(["chapter", "kind"]).size().unstack(fill_value=0))
    display(frame[frame["kind"] == "article"][["id", "heading"]])
else:
    print("../../shared is not present: skipping the real-law section")
"""),
]


def main() -> None:
    HERE.mkdir(exist_ok=True)
    for name, cells in NOTEBOOKS.items():
        nb = new_notebook(cells=cells, metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        })
        nbformat.write(nb, HERE / name)
        print(f"wrote notebooks/{name}")


if __name__ == "__main__":
    main()
