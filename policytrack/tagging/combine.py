"""Both taggers, one table: tags carried up the tree, scored and explained."""

from __future__ import annotations

import datetime as _dt
import hashlib
from functools import partial
from collections.abc import Sequence
from typing import Iterable

from ..cache import Cache
from ..model import Document, Provision
from .learned import THRESHOLD, TopicModel
from .rules import RuleTagger
from .taxonomy import load_taxonomy
from .texts import _ancestors, own_spans

CONTEXT_CHARS = 300


def _model_texts(doc: Document) -> tuple[list[Provision], list[str]]:
    """Own text of each provision with its ancestors' headings and lead-ins as context."""
    text = doc.source.text
    provs, texts = [], []
    own = {p.id: text[s:e][:CONTEXT_CHARS] for p, s, e in own_spans(doc)}
    for prov, s, e in own_spans(doc):
        context = " ".join(own[a.id] for a in _ancestors(doc, prov) if a.id in own)
        provs.append(prov)
        texts.append(f"{context} {text[s:e]}".strip())
    return provs, texts


def _model_tags(doc: Document, model: TopicModel) -> dict[str, dict[str, float]]:
    provs, texts = _model_texts(doc)
    if not provs:
        return {}
    proba = model.predict_proba(texts)
    out: dict[str, dict[str, float]] = {}
    for prov, row in zip(provs, proba):
        scores = {label: float(p) for label, p in zip(model.labels, row)}
        for node in doc.ancestors(prov, include_self=True):
            current = out.setdefault(node.id, {})
            for label, p in scores.items():
                if p > current.get(label, 0.0):
                    current[label] = p
    return out


def tag(subject: Document | Iterable[Document], *, model: TopicModel | None = None,
        rules: RuleTagger | None = None, threshold: float | None = None, cache: Cache | None = None,
        workers: int | None = None, progress: bool | None = None):
    """Topic tags of every provision of a document or of documents, as a DataFrame.

    Columns: ``provision_id, document_id, topic, subtopic, score, method, evidence,
    labeller, tagged_at``. ``subtopic`` is empty for a top-topic row. The tagger is the
    rule tagger (``method`` ``rule``, ``score`` 0.75): on real law the learned model added
    no recall at equal precision, so it was removed from the default (BENCHMARKS.md, issue
    15). A ``model`` you trained on your own labels is combined when given: ``model``
    (probability ≥ ``threshold``) or ``both``, the score raised to at least 0.9 when the
    rule agrees. ``evidence`` lists ``(start, end)`` spans in the source: the words found
    in the provision itself or in its article heading or a lead-in above it.

    The default tagger runs per document on all cores (``policytrack._pool``; ``workers``,
    default all; ``progress``: a bar, by default from 20 documents). With a ``cache``
    (``Corpus.tags()`` passes the corpus's), each document's rows are kept as a signed
    Parquet table (``tag_table``) under a key of its id, text and offsets and the taxonomy,
    so a warm run reads columns instead of tagging again; a changed document costs only
    its own entry. A given ``model`` or ``rules`` runs in this process, uncached.
    """
    import pandas as pd

    threshold = THRESHOLD if threshold is None else threshold
    docs = [subject] if isinstance(subject, Document) else list(subject)
    if model is None and rules is None:
        return tags_frame(tag_table(docs, cache=cache, workers=workers, progress=progress))
    now = _now()
    rules = rules or RuleTagger()
    rows: list[dict] = []
    for doc in docs:
        rows.extend(tag_rows(doc, rules, model, threshold, now))
    return pd.DataFrame(rows, columns=TAG_COLUMNS)


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


# --- tags as columns (Arrow), per document ------------------------------------------------------
#: Bump when the columns of a document's tag table, or what they hold, change.
TAG_TABLE_VERSION = "1"


def tag_schema():
    """The columns of a tag table: ``TAG_COLUMNS``; ``evidence`` a list of ``{start, end}``
    per row (the ``(start, end)`` spans, in their order)."""
    import pyarrow as pa

    span = pa.struct([pa.field("start", pa.int64()), pa.field("end", pa.int64())])
    types = {"score": pa.float64(), "evidence": pa.list_(span)}
    return pa.schema([pa.field(n, types.get(n, pa.string())) for n in TAG_COLUMNS])


def rows_table(rows: list[dict]):
    """``tag_rows``'s rows as an Arrow table of ``tag_schema()``."""
    import pyarrow as pa

    schema = tag_schema()
    offsets, starts, ends = [0], [], []
    for row in rows:
        for s, e in row["evidence"]:
            starts.append(s)
            ends.append(e)
        offsets.append(len(starts))
    spans = pa.StructArray.from_arrays([pa.array(starts, pa.int64()), pa.array(ends, pa.int64())],
                                       fields=list(schema.field("evidence").type.value_type))
    columns = {n: pa.array([row[n] for row in rows], schema.field(n).type) for n in TAG_COLUMNS if n != "evidence"}
    columns["evidence"] = pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), spans)
    return pa.table([columns[n] for n in TAG_COLUMNS], schema=schema)


def tags_frame(table):
    """The DataFrame of a tag table, value for value what ``pd.DataFrame(rows,
    columns=TAG_COLUMNS)`` gives: text columns as Python strings (``None`` for a top
    topic's subtopic), ``score`` as floats, ``evidence`` as lists of ``(start, end)`` tuples."""
    import pandas as pd

    if table.num_rows == 0:
        return pd.DataFrame([], columns=TAG_COLUMNS)
    data = {}
    for name in TAG_COLUMNS:
        column = table.column(name)
        if name == "score":
            data[name] = column.to_numpy()
        elif name == "evidence":
            data[name] = _evidence_lists(column)
        else:
            data[name] = column.to_pandas()  # Arrow-backed strings, the dtype pandas infers from the rows
    frame = pd.DataFrame(data, columns=TAG_COLUMNS)
    frame.index = pd.RangeIndex(len(frame))
    return frame


def _evidence_lists(column):
    """An Arrow list<struct<start, end>> column as an object array of lists of tuples."""
    import numpy as np
    import pyarrow as pa

    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    offsets = array.offsets.to_numpy()
    spans = array.values
    pairs = list(zip(spans.field("start").to_numpy().tolist(), spans.field("end").to_numpy().tolist()))
    out = np.empty(len(array), dtype=object)
    base = int(offsets[0])
    for i in range(len(array)):
        out[i] = pairs[offsets[i] - base:offsets[i + 1] - base]
    return out


def document_digest(doc: Document) -> str:
    """What the rule tagger reads of a document: its id, its offsets in the file and its text."""
    return hashlib.sha256(f"{doc.id}\0{doc.start}\0{doc.end}\0{doc.text}".encode("utf-8")).hexdigest()


def document_keys(docs: list[Document], cache: Cache, taxonomy_digest: str | None = None,
                  digests: list[str] | None = None) -> list[str]:
    """The cache key of each document's tag table (``digests``: one per document of what
    the tagger reads of it, such as ``Corpus.document_digests()``; default ``document_digest``)."""
    salt = taxonomy_digest if taxonomy_digest is not None else load_taxonomy().digest
    digests = digests if digests is not None else [document_digest(d) for d in docs]
    return [cache.key("doc-tags", TAG_TABLE_VERSION, salt, digest) for digest in digests]


def tag_table(docs: Iterable[Document], *, cache: Cache | None = None, workers: int | None = None,
              progress: bool | None = None, keys: list[str] | None = None, sizes: list[int] | None = None):
    """The default tagger's rows of ``docs`` as one Arrow table (``tag_schema``), in the
    order of ``tag``. Documents whose table is in ``cache`` are read back as columns; the
    others are tagged on the worker pool, each worker storing its document's table."""
    import pyarrow as pa

    from .. import _pool

    docs = docs if isinstance(docs, Sequence) else list(docs)  # a lazy corpus's stay on disk
    cache = cache if cache is not None else Cache(None)
    rules = RuleTagger()
    if cache and keys is None:
        keys = document_keys(docs, cache, rules.taxonomy.digest)
    names = tag_schema().names
    tables: list = [cache.get_table("doc-tags", key, names) for key in keys] if cache else [None] * len(docs)
    missing = [i for i, t in enumerate(tables) if t is None]
    if missing:
        if len(missing) >= _pool.PARALLEL_MIN:  # the Unicode tables of folding, built once before the fork
            rules.find("nước thải")
        work = partial(_tag_and_store, rules=rules, now=_now(), cache=cache)
        every = sizes if sizes is not None else [len(d.text.encode("utf-8")) for d in docs]
        found = _pool.run(work, _pool.Pairs(docs, missing, keys if cache else [""] * len(docs)), workers=workers,
                          progress=progress, desc="tags", sizes=[every[i] for i in missing])
        for i, table in zip(missing, found):
            tables[i] = table
    if not tables:
        return tag_schema().empty_table()
    return pa.concat_tables([t.select(names).cast(tag_schema()) for t in tables])


def _tag_and_store(item, rules: RuleTagger, now: str, cache: Cache):
    """Worker: one document's tag table, stored in the cache under its key."""
    doc, key = item
    table = rows_table(tag_rows(doc, rules, None, THRESHOLD, now))
    if cache:
        cache.put_table("doc-tags", key, table)
    return table


TAG_COLUMNS = ["provision_id", "document_id", "topic", "subtopic", "score", "method", "evidence",
               "labeller", "tagged_at"]


def tag_rows(doc: Document, rules: RuleTagger, model: TopicModel | None, threshold: float, now: str) -> list[dict]:
    """The tag rows of one document (see ``tag``)."""
    rule_tags = rules.tag_document(doc)
    model_tags = _model_tags(doc, model) if model is not None else {}
    rule_labeller = f"policytrack.rules(topics.yaml {rules.taxonomy.digest})"
    rows = []
    for prov in doc.root.walk():
        if prov.kind == "document":
            continue
        found = rule_tags.get(prov.id, {})
        probs = model_tags.get(prov.id, {})
        labels = set(found) | {label for label, p in probs.items() if p >= threshold}
        for label in sorted(labels):
            by_rule = label in found
            p = probs.get(label)
            by_model = p is not None and p >= threshold
            method = "both" if by_rule and by_model else ("rule" if by_rule else "model")
            score = max(p or 0.0, 0.9 if by_model else 0.75) if by_rule else p
            topic, _, sub = label.partition(".")
            labeller = {"rule": rule_labeller, "model": model.labeller if model else "",
                        "both": f"{rule_labeller} + {model.labeller if model else ''}"}[method]
            rows.append({
                "provision_id": prov.id, "document_id": doc.id, "topic": topic, "subtopic": sub or None,
                "score": round(float(score), 4), "method": method, "evidence": sorted(set(found.get(label, []))),
                "labeller": labeller, "tagged_at": now,
            })
    return rows
