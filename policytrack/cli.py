"""The ``policytrack`` command: the same functions as the library, from a terminal.

    policytrack parse PATH [--json]      the provision tree of a file (or every file of a folder)
    policytrack refs PATH [--json]       the citations of a file or folder, resolved
    policytrack tag PATH [--json]        topic tags of every provision
    policytrack link [--register CSV] [--corpus DIR] [--json]   recommendations → provisions
    policytrack compare OLD NEW [--json] articles of two versions aligned
    policytrack report [--register CSV] [--corpus DIR] [--out D]   the main job (see README)
    policytrack summary FOLDER [--out D] parse a folder and write a summary

Errors on bad input name the file and the reason, go to stderr, and set exit status 1;
other files in a folder are still processed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .model import Document, PolicytrackError, Provision


def _provision_record(p: Provision) -> dict:
    return {
        "id": p.id, "kind": p.kind, "number": p.number, "heading": p.heading,
        "start": p.start, "end": p.end, "parent": p.parent,
    }


def document_record(doc: Document) -> dict:
    """The JSON form of a document: header fields and a flat list of provisions."""
    m = doc.meta
    return {
        "id": doc.id,
        "path": doc.source.path,
        "type": m.doc_type,
        "number": m.number,
        "title": m.title,
        "subject": m.subject,
        "issuer": m.issuer,
        "place": m.place,
        "date": m.date.iso() if m.date else None,
        "date_text": m.date.text if m.date else None,
        "date_complete": m.date.complete if m.date else None,
        "recipients": m.recipients,
        "bases": m.bases,
        "signer_title": m.signer_title,
        "signer_name": m.signer_name,
        "noi_nhan": m.noi_nhan,
        "is_draft": m.is_draft,
        "draft_number": m.draft_number,
        "start": doc.start,
        "end": doc.end,
        "warnings": [w.message for w in doc.warnings] + list(m.warnings) + list(doc.source.warnings),
        "provisions": [_provision_record(p) for p in doc.root.walk() if p.kind != "document"],
    }


def _inputs(path: Path) -> tuple[list[Path], int]:
    """The document files of ``path`` (a file, or a folder walked as ``Corpus.load`` walks
    it: notes such as README.md left out), and 1 when part of the folder could not be
    looked into; what was not read, and why, is said on stderr."""
    from .corpus import scan_folder

    if not path.is_dir():
        return [path], 0
    contents = scan_folder(path)
    for err in contents.errors:
        print(f"policytrack: {err.path}: {err.reason} (skipped)", file=sys.stderr)
    for note in contents.skipped:
        print(f"policytrack: {note.path}: {note.reason}", file=sys.stderr)
    return contents.files, 1 if contents.errors else 0


def cmd_parse(args: argparse.Namespace) -> int:
    from .parse import parse

    paths, status = _inputs(Path(args.path))
    documents = []
    for path in paths:
        try:
            docs = parse(path)
        except PolicytrackError as exc:
            print(f"policytrack: {exc}", file=sys.stderr)
            status = 1
            continue
        _say_warnings(path, docs)
        if args.json:
            documents.extend(document_record(d) for d in docs)
        else:
            for d in docs:
                print(d.outline())
                print()
    if args.json:
        json.dump({"documents": documents}, sys.stdout, ensure_ascii=False, indent=1)
        print()
    return status


def _say_warnings(path: Path, docs) -> None:
    """What the reader noticed about a file (an encoding guessed, tracked changes accepted,
    OCR used …) and a document in which no provision was found, on stderr: the output
    alone would not show that a file was read oddly."""
    if docs:
        for warning in docs[0].source.warnings:
            print(f"policytrack: {path}: warning: {warning}", file=sys.stderr)
    for d in docs:
        if not d.root.children:
            print(f"policytrack: {path}: warning: {d.id}: no provision found (no Chương, Điều or numbered "
                  "paragraph): check that the file holds the text of the document", file=sys.stderr)


def _open_corpus(folder: str):
    """A ``Corpus`` with a progress bar in a terminal; every skipped file reported on stderr.
    ``None`` (after saying why) when the folder cannot be opened."""
    from .corpus import Corpus

    try:
        corpus = Corpus.load(folder, progress=True if sys.stderr.isatty() else None)
    except PolicytrackError as exc:
        print(f"policytrack: {exc}", file=sys.stderr)
        return None
    for err in corpus.errors:
        print(f"policytrack: {err.path}: {err.reason} (skipped)", file=sys.stderr)
    for note in corpus.skipped:
        print(f"policytrack: {note.path}: {note.reason}", file=sys.stderr)
    return corpus


def cmd_summary(args: argparse.Namespace) -> int:
    from .report import write_corpus_summary

    corpus = _open_corpus(args.folder)
    if corpus is None:
        return 1
    written = write_corpus_summary(corpus, Path(args.out))
    for path in written:
        print(f"wrote {path}")
    return 1 if corpus.errors and not corpus.docs else 0


def _load(path_arg: str):
    """A folder as a ``Corpus`` (bad files reported), or one file's documents as a corpus
    with the ``sources.csv`` of the file's folder. Returns ``(documents, corpus, status)``;
    ``corpus`` is ``None`` when the file could not be read."""
    from .corpus import Corpus
    from .parse import parse
    from .sources import SourceRegister

    path = Path(path_arg)
    if path.is_dir():
        corpus = Corpus.load(path, progress=None)
        for err in corpus.errors:
            print(f"policytrack: {err.path}: {err.reason} (skipped)", file=sys.stderr)
        return corpus.docs, corpus, 1 if corpus.errors else 0
    sources = SourceRegister.beside(path)
    try:
        docs = parse(path, sources)
    except PolicytrackError as exc:
        print(f"policytrack: {exc}", file=sys.stderr)
        return [], None, 1
    return docs, Corpus(docs, sources), 0


def cmd_refs(args: argparse.Namespace) -> int:
    from .citations import find_references, records, resolve

    docs, corpus, status = _load(args.path)
    if corpus is None:
        return status
    refs = resolve([r for d in docs for r in find_references(d)], corpus)
    for ref in refs:
        for rec in records(ref):
            if args.json:
                print(json.dumps(rec, ensure_ascii=False))
            else:
                target = rec["resolved_id"] or rec["reason"] or ""
                print(f"{rec['start']:>7}  {rec['text']}  →  {target}")
    return status


def cmd_tag(args: argparse.Namespace) -> int:
    docs, corpus, status = _load(args.path)
    if corpus is None:
        return status
    frame = corpus.tags()
    by_id = {pid: group for pid, group in frame.groupby("provision_id", sort=False)}
    for doc in docs:
        for prov in doc.root.walk():
            if prov.kind == "document":
                continue
            group = by_id.get(prov.id)
            topics = [] if group is None else [
                {"topic": r.topic, "subtopic": r.subtopic, "score": r.score, "method": r.method,
                 "evidence": [list(span) for span in r.evidence]}
                for r in group.itertuples()
            ]
            if args.json:
                print(json.dumps({"id": prov.id, "topics": topics}, ensure_ascii=False))
            elif topics:
                labels = ", ".join(f"{t['topic']}{'.' + t['subtopic'] if t['subtopic'] else ''} ({t['score']:.2f}, {t['method']})" for t in topics)
                print(f"{prov.id}: {labels}")
    return status


def cmd_link(args: argparse.Namespace) -> int:
    from .corpus import Corpus
    from .linking import link
    from .register import Register

    try:
        register = Register.load(args.register)
        corpus = Corpus.load(args.corpus, progress=None)
    except PolicytrackError as exc:
        print(f"policytrack: {exc}", file=sys.stderr)
        return 1
    for warning in register.warnings:
        print(f"policytrack: {warning}", file=sys.stderr)
    frame = link(register, corpus, k=args.k)
    for r in frame.itertuples():
        if args.json:
            print(json.dumps({"recommendation": r.recommendation, "provision": r.provision, "method": r.method,
                              "score": r.score, "rank": r.rank, "explanation": r.explanation}, ensure_ascii=False))
        else:
            print(f"{r.recommendation}  {r.method:<9} {r.score:5.2f}  {r.provision or '—'}  {r.explanation}")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from .compare import compare
    from .parse import parse

    try:
        old, new = parse(args.old)[0], parse(args.new)[0]
    except PolicytrackError as exc:
        print(f"policytrack: {exc}", file=sys.stderr)
        return 1
    result = compare(old, new)
    for a in result.alignments:
        record = {"old": a.old, "new": a.new, "label": a.label, "similarity": round(a.similarity, 3),
                  "diff": [list(op) for op in a.diff]}
        if args.json:
            print(json.dumps(record, ensure_ascii=False))
        else:
            print(f"{', '.join(a.old) or '—':>12} → {', '.join(a.new) or '—':<12} {a.label:<9} {a.similarity:.2f}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """The main job (``report.build_report``): corpus summary, register exports, charts,
    dashboard and brief. Every problem is printed here and shown in the dashboard; the
    exit status is 1 when one of them is an error (not only a note)."""
    from .report import build_report

    result = build_report(args.register, args.corpus, args.out, lang=args.lang, document=args.document,
                          progress=True if sys.stderr.isatty() else None)
    for problem in result.problems:
        print(f"policytrack: {problem.step}: {problem}", file=sys.stderr)
    for path in result.written:
        print(f"wrote {path}")
    return 1 if result.errors else 0


COMMANDS = {
    "parse": (cmd_parse, "print the provision tree of a file or folder", [
        (("path",), {"help": "a file or a folder"}),
        (("--json",), {"action": "store_true", "help": "JSON instead of a readable tree"}),
    ]),
    "refs": (cmd_refs, "list the citations of a file or folder, resolved", [
        (("path",), {"help": "a file or a folder"}),
        (("--json",), {"action": "store_true", "help": "one JSON record per cited unit"}),
    ]),
    "tag": (cmd_tag, "tag provisions with topics (discharge control, water resources)", [
        (("path",), {"help": "a file or a folder"}),
        (("--json",), {"action": "store_true", "help": "one JSON record per provision"}),
    ]),
    "link": (cmd_link, "link recommendations to the provisions they target", [
        (("--register",), {"default": "recommendations.csv", "help": "the register CSV"}),
        (("--corpus",), {"default": "corpus", "help": "folder of documents"}),
        (("-k",), {"type": int, "default": 5, "help": "retrieved articles per recommendation"}),
        (("--json",), {"action": "store_true", "help": "one JSON record per link"}),
    ]),
    "compare": (cmd_compare, "align the articles of two versions of a document", [
        (("old",), {"help": "the earlier version"}),
        (("new",), {"help": "the later version"}),
        (("--json",), {"action": "store_true", "help": "one JSON record per alignment"}),
    ]),
    "report": (cmd_report, "write the reports: summary, register exports, dashboard, brief", [
        (("--register",), {"default": "recommendations.csv", "help": "the register CSV"}),
        (("--corpus",), {"default": "corpus", "help": "folder of documents"}),
        (("--out", "-o"), {"default": "reports", "help": "output folder (default: reports)"}),
        (("--lang",), {"choices": ["vi", "en"], "default": "vi", "help": "language of status labels"}),
        (("--document",), {"default": None, "help": "document id the brief is about (default: the most "
                                                    "recent draft the register targets)"}),
    ]),
    "summary": (cmd_summary, "parse a folder and write a summary of its documents", [
        (("folder",), {"nargs": "?", "default": "corpus", "help": "folder of documents (default: corpus)"}),
        (("--out", "-o"), {"default": "reports", "help": "output folder (default: reports)"}),
    ]),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="policytrack", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (func, help_text, arguments) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text)
        for flags, kwargs in arguments:
            p.add_argument(*flags, **kwargs)
        p.set_defaults(func=func)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
