"""Print the provisions of one file, for a person writing gold labels by reading.

    .venv/bin/python tools/show_provisions.py FILE [--articles 5-12,40] [--toc]

Each provision is printed with its id, kind, the offsets of its own text (heading and
lead-in for a unit with children, the whole text for a leaf) and that text, indented by
depth. ``--toc`` prints only the chapters, sections and article headings, to choose what
to read. The labels themselves are the reader's: this tool proposes none.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _wanted(spec: str | None):
    if not spec:
        return None
    keep: set[str] = set()
    for part in spec.split(","):
        lo, _, hi = part.strip().partition("-")
        keep.update(str(n) for n in range(int(lo), int(hi or lo) + 1))
    return keep


def main(argv=None) -> int:
    from policytrack import parse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file")
    ap.add_argument("--articles", help="article numbers to print, e.g. 5-12,40")
    ap.add_argument("--toc", action="store_true", help="headings only")
    args = ap.parse_args(argv)
    [doc] = parse(args.file)
    text = doc.source.text
    keep = _wanted(args.articles)
    print(f"# document id: {doc.id}  ({len(text)} characters)")
    for prov in doc.root.walk():
        if prov.kind == "document":
            continue
        article = next((a for a in doc.ancestors(prov, include_self=True) if a.kind == "article"), None)
        if keep is not None and (article is None or article.number not in keep):
            continue
        depth = sum(1 for a in doc.ancestors(prov) if a.kind != "document")
        s, e = prov.own_text_span()
        if args.toc:
            if prov.kind in ("chapter", "section", "part", "article"):
                print(f"{'  ' * depth}{prov.id}  {text[prov.start:prov.start + 120].splitlines()[0]}")
            continue
        own = " ".join(text[s:e].split())
        print(f"{'  ' * depth}[{prov.id}] {prov.kind} own={s}-{e} whole={prov.start}-{prov.end}")
        print(f"{'  ' * depth}    {own}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
