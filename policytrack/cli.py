"""The policytrack command: the same functions as the library, from a terminal.

    policytrack parse PATH [--json]      the provision tree of a file (or every file of a folder)
    policytrack refs PATH [--json]       the citations of a file or folder, resolved
    policytrack tag PATH [--json]        topic tags of every provision
    policytrack link [--register CSV] [--corpus DIR] [--json]   recommendations → provisions
    policytrack compare OLD NEW [--json] articles of two versions aligned
    policytrack amendments PATH [--json] the amendment events of consolidated texts (VBHN)
    policytrack relations PATH [--json] [--validity DATE] relations between documents, validity
    policytrack report [--register CSV] [--corpus DIR] [--out D]   the main job (see README)
    policytrack summary FOLDER [--out D] parse a folder and write a summary

Errors on bad input name the file (or the option) and the reason, go to stderr, and set
exit status 1; other files in a folder are still processed. Usage errors (an unknown
option or choice) exit with 2. Every --json output is strict JSON (no NaN: missing
values are null). When the reader of the output goes away (``| head``), the command stops
quietly with status 141, as a program stopped by SIGPIPE does.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

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


EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: what a shell reports for `cat big | head`


def plain(value):
    """``value`` made strict JSON: NaN, NA and infinities become ``None``, numpy scalars
    and arrays Python values, tuples lists, dates ISO strings. The frames the stages return
    hold NaN for a missing value, which ``json.dumps`` would write as the non-JSON ``NaN``."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    import numpy as np
    import pandas as pd

    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, np.generic):
        return plain(value.item())
    if value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value  # anything else json.dumps refuses with a TypeError naming the type


def _print_json(obj, indent: int | None = None) -> None:
    """Print ``obj`` as strict JSON: every ``--json`` output goes through here."""
    print(json.dumps(plain(obj), ensure_ascii=False, allow_nan=False, indent=indent))


def _count(n: int, noun: str, plural: str | None = None) -> str:
    """``1 document``, ``2 documents``: a count with its noun in the right number."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def _error(message: str) -> int:
    """Say ``message`` on stderr as the command's error; the exit status of bad input."""
    print(f"policytrack: {message}", file=sys.stderr)
    return 1


def _missing(*paths: tuple[str, str | None]) -> bool:
    """Whether one of ``(path, option)`` does not exist, after saying so for each
    (with the option it came from, as a default path is not what the user typed)."""
    absent = [(path, option) for path, option in paths if not os.path.lexists(path)]
    for path, option in absent:
        _error(f"{path}: no such file or folder" + (f" (given by {option})" if option else ""))
    return bool(absent)


def _inputs(path: Path) -> tuple[list[Path], int]:
    """The document files of ``path`` (a file, or a folder walked as ``Corpus.load`` walks
    it: notes such as README.md left out), and 1 when part of the folder could not be
    looked into; what was not read, and why, is said on stderr."""
    from .corpus import scan_folder

    if not path.is_dir():
        return [path], 0
    contents = scan_folder(path)
    for err in contents.errors:
        _error(f"{err.path}: {err.reason} (skipped)")
    for note in contents.skipped:
        _error(f"{note.path}: {note.reason}")
    return contents.files, 1 if contents.errors else 0


def cmd_parse(args: argparse.Namespace) -> int:
    from .parse import parse

    if _missing((args.path, None)):
        return 1
    paths, status = _inputs(Path(args.path))
    documents = []
    for path in paths:
        try:
            docs = parse(path)
        except PolicytrackError as exc:
            status = _error(str(exc))
            continue
        _say_warnings(path, docs)
        if args.json:
            documents.extend(document_record(d) for d in docs)
        else:
            for d in docs:
                print(d.outline())
                print()
    if args.json:
        _print_json({"documents": documents}, indent=1)
    return status


def _say_warnings(path: Path, docs) -> None:
    """What the reader noticed about a file (an encoding guessed, tracked changes accepted,
    OCR used …) and a document in which no provision was found, on stderr: the output
    alone would not show that a file was read oddly."""
    if docs:
        for warning in docs[0].source.warnings:
            _error(f"{path}: warning: {warning}")
    for d in docs:
        if not d.root.children:
            _error(f"{path}: warning: {d.id}: no provision found (no Chương, Điều or numbered "
                   "paragraph): check that the file holds the text of the document")


def _open_corpus(folder: str | Path):
    """A ``Corpus`` with a progress bar in a terminal; every skipped file reported on stderr.
    ``None`` (after saying why) when the folder cannot be opened."""
    from .corpus import Corpus

    try:
        corpus = Corpus.load(folder, progress=True if sys.stderr.isatty() else None)
    except PolicytrackError as exc:
        _error(str(exc))
        return None
    for err in corpus.errors:
        _error(f"{err.path}: {err.reason} (skipped)")
    for note in corpus.skipped:
        _error(f"{note.path}: {note.reason}")
    return corpus


def cmd_summary(args: argparse.Namespace) -> int:
    from .report import write_corpus_summary

    if _missing((args.folder, None)):
        return 1
    corpus = _open_corpus(args.folder)
    if corpus is None:
        return 1
    written = write_corpus_summary(corpus, Path(args.out))
    provisions = len(corpus.provisions())  # the count the summary itself gives
    print(f"read {_count(len(corpus.docs), 'document')} ({_count(provisions, 'provision')}) from {args.folder}; "
          f"{_count(len(corpus.errors), 'file')} skipped")
    for path in written:
        print(f"wrote {path}")
    return 1 if corpus.errors and not corpus.docs else 0


def _load(path_arg: str):
    """A folder as a ``Corpus`` (walked and reported as ``parse`` does), or one file's
    documents as a corpus with the ``sources.csv`` of the file's folder. Returns
    ``(documents, corpus, status)``; ``corpus`` is ``None`` when nothing could be read."""
    from .corpus import Corpus
    from .parse import parse
    from .sources import SourceRegister

    if _missing((path_arg, None)):
        return [], None, 1
    path = Path(path_arg)
    if path.is_dir():
        corpus = _open_corpus(path)
        if corpus is None:
            return [], None, 1
        return corpus.docs, corpus, 1 if corpus.errors else 0
    sources = SourceRegister.beside(path)
    try:
        docs = parse(path, sources)
    except PolicytrackError as exc:
        return [], None, _error(str(exc))
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
                _print_json(rec)
            else:
                target = plain(rec["resolved_id"]) or plain(rec["reason"]) or "—"
                print(f"{rec['start']:>7}  {rec['text']}  →  {target}")
    return status


def _topic_records(group) -> list[dict]:
    """The tags of one provision (rows of ``Corpus.tags()``) as plain records: a tag on a
    topic as a whole has no subtopic (``None``, never NaN)."""
    if group is None:
        return []
    return [plain({"topic": r.topic, "subtopic": r.subtopic, "score": r.score, "method": r.method,
                   "evidence": [list(span) for span in r.evidence]})
            for r in group.itertuples()]


def _topic_label(topic: dict) -> str:
    """``water_resources.water_security (0.90, both)``: one tag as the human output shows it."""
    name = f"{topic['topic']}.{topic['subtopic']}" if topic["subtopic"] else topic["topic"]
    return f"{name} ({topic['score']:.2f}, {topic['method']})"


def cmd_tag(args: argparse.Namespace) -> int:
    docs, corpus, status = _load(args.path)
    if corpus is None:
        return status
    by_id = dict(tuple(corpus.tags().groupby("provision_id", sort=False)))
    for doc in docs:
        for prov in doc.root.walk():
            if prov.kind == "document":
                continue
            topics = _topic_records(by_id.get(prov.id))
            if args.json:
                _print_json({"id": prov.id, "topics": topics})
            elif topics:
                print(f"{prov.id}: {', '.join(_topic_label(t) for t in topics)}")
    return status


def cmd_link(args: argparse.Namespace) -> int:
    from .linking import link
    from .register import Register

    if _missing((args.register, "--register"), (args.corpus, "--corpus")):
        return 1
    try:
        register = Register.load(args.register)
    except PolicytrackError as exc:
        return _error(str(exc))
    corpus = _open_corpus(args.corpus)
    if corpus is None:
        return 1
    for warning in register.warnings:
        _error(str(warning))
    frame = link(register, corpus, k=args.k)
    for r in frame.itertuples():
        record = plain({"recommendation": r.recommendation, "provision": r.provision, "method": r.method,
                        "score": r.score, "rank": r.rank, "explanation": r.explanation})
        if args.json:
            _print_json(record)
        else:
            print(f"{record['recommendation']}  {record['method']:<9} {record['score']:5.2f}  "
                  f"{record['provision'] or '—'}  {record['explanation'] or ''}")
    return 0


def _first_document(path: str) -> Document:
    """The first document of a file, for ``compare``; a file holding none is an error."""
    from .parse import parse

    docs = parse(path)
    if not docs:
        raise PolicytrackError(f"{path}: no document found")
    return docs[0]


def cmd_compare(args: argparse.Namespace) -> int:
    from .compare import compare

    if _missing((args.old, None), (args.new, None)):
        return 1
    try:
        old, new = _first_document(args.old), _first_document(args.new)
    except PolicytrackError as exc:
        return _error(str(exc))
    for a in compare(old, new).alignments:
        if args.json:
            _print_json({"old": a.old, "new": a.new, "label": a.label, "similarity": round(a.similarity, 3),
                         "diff": [list(op) for op in a.diff]})
        else:
            print(f"{', '.join(a.old) or '—':>12} → {', '.join(a.new) or '—':<12} {a.label:<9} {a.similarity:.2f}")
    return 0


def cmd_amendments(args: argparse.Namespace) -> int:
    """One line (or JSON record) per footnote event of each consolidated text; what the
    footnotes could not be read into is said on stderr."""
    from .amendments import event_record, read_history

    docs, corpus, status = _load(args.path)
    if corpus is None:
        return status
    for doc in docs:
        hist = read_history(doc)
        for note, why in hist.unread:
            _error(f"{doc.source.path}: footnote [{note.number}] not read: {why}")
        for event in hist.events:
            record = event_record(event)
            if args.json:
                _print_json(record)
            else:
                change = f" “{event.old_text or ''}” → “{event.new_text or ''}”" if event.operation == "replaced_phrase" else ""
                print(f"[{event.footnote:>3}] {event.provision_id}  {event.operation}{change}  "
                      f"{event.source_provision or '—'}  {event.effective_date or '—'}")
    return status


def cmd_relations(args: argparse.Namespace) -> int:
    """One line (or JSON record) per relation a document states, with the words stating
    it; ``--validity DATE``: the validity of each document on that day, with its reason."""
    from .relations import RELATION_COLUMNS, corpus_relations, validity

    docs, corpus, status = _load(args.path)
    if corpus is None:
        return status
    rels = corpus_relations(corpus)
    if args.validity:
        from .ids import is_iso_date

        if not is_iso_date(args.validity):
            _error(f"--validity: not a date (YYYY-MM-DD): {args.validity!r}")
            return 2
        for doc in docs:
            v = validity(corpus, doc.id, args.validity, rels)
            if args.json:
                _print_json({"document": v.document, "date": v.date, "status": v.status, "reason": v.reason,
                             "evidence": v.evidence})
            else:
                print(f"{v.document}  {v.status or '—'}  ({v.reason})")
        return status
    for r in rels:
        if args.json:
            _print_json({k: (list(v) if isinstance(v, tuple) else v) for k, v in
                         ((k, getattr(r, k)) for k in RELATION_COLUMNS)})
        else:
            units = f" {', '.join(r.target_units)}" if r.target_units else ""
            print(f"{r.subject}  {r.relation_vi}  {r.target_id or r.target}{units}  "
                  f"{r.effective_date or '—'}  [{r.provision_id} {r.start}-{r.end}]")
    return status


def cmd_report(args: argparse.Namespace) -> int:
    """The main job (``report.build_report``): corpus summary, register exports, charts,
    dashboard and brief. Every problem is printed here and shown in the dashboard; the
    exit status is 1 when one of them is an error (not only a note). A register or corpus
    path that does not exist stops it before anything is written: it is a typo, not a
    report to make without its input."""
    from .report import build_report

    if _missing((args.register, "--register"), (args.corpus, "--corpus")):
        return 1
    result = build_report(args.register, args.corpus, args.out, lang=args.lang, document=args.document,
                          progress=True if sys.stderr.isatty() else None)
    for problem in result.problems:
        _error(f"{problem.step}: {problem}")
    for path in result.written:
        print(f"wrote {path}")
    return 1 if result.errors else 0


_PATH = (("path",), {"help": "a document file (.txt, .docx, .pdf …) or a folder of them"})
_REGISTER = (("--register",), {"default": "recommendations.csv", "help": "the register CSV (default: %(default)s)"})
_CORPUS = (("--corpus",), {"default": "corpus", "help": "folder of documents (default: %(default)s)"})
_OUT = (("--out", "-o"), {"default": "reports", "help": "output folder (default: %(default)s)"})

def _json_flag(what: str) -> tuple:
    return ("--json",), {"action": "store_true", "help": what}


class Verb(NamedTuple):
    """A sub-command: its function, its line in the list of verbs, its ``--help`` text and
    its arguments as ``(flags, add_argument keywords)``."""

    func: Callable[[argparse.Namespace], int]
    summary: str
    description: str
    arguments: list[tuple]


COMMANDS = {
    "parse": Verb(cmd_parse, "print the provision tree of a file or folder", (
        "Parse each document and print its tree of provisions (Chương, Điều, khoản, điểm) with their ids; "
        "--json prints the header fields and every provision with its offsets."),
        [_PATH, _json_flag("JSON instead of a readable tree")]),
    "refs": Verb(cmd_refs, "list the citations of a file or folder, resolved", (
        "Find the citations of each document and resolve them to provision ids: a line per cited unit "
        "(offset, citation, target or why it is unresolved), or one JSON record per cited unit."),
        [_PATH, _json_flag("one JSON record per cited unit")]),
    "tag": Verb(cmd_tag, "tag provisions with topics (discharge control, water resources)", (
        "Tag every provision with topics and subtopics, with score and tagger; the text output lists the "
        "tagged provisions only, --json every provision."),
        [_PATH, _json_flag("one JSON record per provision")]),
    "link": Verb(cmd_link, "link recommendations to the provisions they target", (
        "Link each recommendation of the register to the provisions it targets: its explicit citations, "
        "then the best-matching articles of its target document."),
        [_REGISTER, _CORPUS,
         (("-k",), {"type": int, "default": 5, "help": "retrieved articles per recommendation (default: %(default)s)"}),
         _json_flag("one JSON record per link")]),
    "compare": Verb(cmd_compare, "align the articles of two versions of a document", (
        "Align the articles of two versions of a document by their text and label each pair (unchanged, "
        "changed, new, deleted) with its similarity."),
        [(("old",), {"help": "the earlier version"}), (("new",), {"help": "the later version"}),
         _json_flag("one JSON record per alignment, with the diff")]),
    "amendments": Verb(cmd_amendments, "list the amendment events of consolidated texts (VBHN)", (
        "Read the footnotes of each consolidated text into amendment events: the provision the mark is on, the "
        "operation (amended, supplemented, repealed, replaced_phrase, effective_date_changed, other), the source "
        "document and provision, the effective date; footnotes that could not be read are listed on stderr."),
        [_PATH, _json_flag("one JSON record per event")]),
    "relations": Verb(cmd_relations, "list the relations documents state (căn cứ, sửa đổi, thay thế, bãi bỏ…)", (
        "The relations each document states to others in the national database's vocabulary (căn cứ, hướng "
        "dẫn, quy định chi tiết, sửa đổi bổ sung, thay thế, bãi bỏ, hợp nhất, đính chính), read from its title, "
        "legal bases, provisions and a consolidated text's list, with the offsets of the words stating each."),
        [_PATH, _json_flag("one JSON record per relation"),
         (("--validity",), {"default": None, "metavar": "DATE",
                            "help": "instead, the validity of each document on DATE (YYYY-MM-DD), with its reason"})]),
    "report": Verb(cmd_report, "write the reports: summary, register exports, dashboard, brief", (
        "The main job: corpus summary, register exports (CSV, Excel), charts, dashboard and the consultation "
        "brief, written into the output folder. Problems are listed on stderr and in the dashboard; the parts "
        "they do not touch are still written."),
        [_REGISTER, _CORPUS, _OUT,
         (("--lang",), {"choices": ["vi", "en"], "default": "vi", "help": "language of labels (default: %(default)s)"}),
         (("--document",), {"default": None, "help": ("id of the document the brief is about (default: the most "
                                                      "recent draft the register targets)")})]),
    "summary": Verb(cmd_summary, "parse a folder and write a summary of its documents",
                    "Parse a folder and write corpus_summary.md, documents.csv and provisions.csv.",
                    [(("folder",), {"nargs": "?", "default": "corpus",
                                    "help": "folder of documents (default: %(default)s)"}), _OUT]),
}


def _parser() -> argparse.ArgumentParser:
    """The argument parser: one sub-command per verb, each with its description."""
    lines = __doc__.split("\n\n")
    parser = argparse.ArgumentParser(prog="policytrack", description=lines[0].strip(),
                                     epilog=lines[-1].replace("``", "").strip())
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, verb in COMMANDS.items():
        p = sub.add_parser(name, help=verb.summary, description=verb.description)
        for flags, kwargs in verb.arguments:
            p.add_argument(*flags, **kwargs)
        p.set_defaults(func=verb.func)
    return parser


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so that flushing it again at exit (its buffer still holds
    what the closed pipe refused) raises nothing."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):  # not a real file (a test's capture): replace it
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (open until the process ends)
    finally:
        os.close(devnull)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        status = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here at the latest, not at exit
    except BrokenPipeError:
        _quiet_stdout()
        return EXIT_BROKEN_PIPE
    return status


if __name__ == "__main__":
    sys.exit(main())
