"""Link each recommendation to the provisions it targets: explicit, retrieved, confirmed.

- **explicit**: the recommendation's ``target_provisions`` (``khoản 3 Điều 8; Điều 9``,
  read against its ``target_document``) and any citation in its text, resolved through
  ``policytrack.references``;
- **retrieved**: articles ranked by TF-IDF similarity over syllable 1–2-grams of the
  normalised, case-folded text (articles scored by their best clause), boosted when the
  article shares a topic tag with the recommendation; a recommendation that evokes a
  drafting concept ("who must comply" → *đối tượng áp dụng*, ``data/legal_concepts.yaml``)
  also searches for that concept's heading; the explanation lists the words the two share;
- **confirmed**: a person's decision (``confirm_link``), stored beside the register in
  ``<register>_links.csv`` so it survives re-runs; a rejected link is no longer proposed.
"""

from __future__ import annotations

import csv
import datetime as _dt
import logging
import re
from collections import Counter
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from .corpus import Corpus
from .model import PolicytrackError
from .register import Register, append_csv
from .text import match_key
from .vocab import DATA, DataFileError, need_mapping, read_yaml

__all__ = ["link", "confirm_link", "LinkIndex", "LINK_COLUMNS"]

LINK_COLUMNS = ["recommendation", "provision", "method", "score", "rank", "explanation"]
CONFIRM_COLUMNS = ("recommendation", "provision", "decision", "who", "when", "note")
TOPIC_BOOST = 0.15
INDEXED_KINDS = ("article", "clause")
INDEX_FORMAT = 5  # bump when LinkIndex's fields change: older cache entries are then ignored


_prep = match_key
log = logging.getLogger(__name__)

TOKEN = re.compile(r"(?u)\b\w+\b")


def _terms(text: str) -> list[str]:
    """Syllables and syllable pairs of normalised, folded text: the index's features."""
    words = TOKEN.findall(_prep(text))
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


TERM_COLUMNS = ["id", "article", "new_terms", "cells", "counts"]


def document_passages(doc) -> list[tuple[str, str, str]]:
    """``(provision id, article id, text)`` of each article and clause of ``doc`` the link
    index holds: its text with its article's heading in front."""
    out = []
    for prov in doc.root.walk():
        if prov.kind not in INDEXED_KINDS:
            continue
        article = doc.enclosing(prov, "article")
        if article is not None:
            out.append((prov.id, article.id, f"{article.heading or ''} {prov.text}"))
    return out


def document_terms(doc):
    """One row per indexed passage of ``doc``: its ids, the terms (``_terms``) the document
    had not shown before this passage (``new_terms``: each term is stored once per
    document), and each of the passage's terms as its place in the document's terms so far
    (``cells``) with how often it occurs (``counts``). A ``pyarrow.Table``, a pure function
    of the document, cached per document."""
    import pyarrow as pa

    ids, articles, new_terms, cells, counts = [], [], [], [], []
    known: dict[str, int] = {}
    for prov_id, article_id, text in document_passages(doc):
        counted = Counter(_terms(text))
        new = [t for t in counted if t not in known]
        for term in new:
            known[term] = len(known)
        ids.append(prov_id)
        articles.append(article_id)
        new_terms.append(new)
        cells.append([known[t] for t in counted])
        counts.append(list(counted.values()))
    return pa.table([ids, articles, new_terms, cells, counts], schema=_term_schema())


def _term_schema():
    import pyarrow as pa

    return pa.schema([("id", pa.string()), ("article", pa.string()), ("new_terms", pa.list_(pa.string())),
                      ("cells", pa.list_(pa.int32())), ("counts", pa.list_(pa.int32()))])


def _terms_and_store(item, cache):
    """Worker: one document's term table, stored in the cache under its key."""
    doc, key = item
    table = document_terms(doc)
    if cache:
        cache.put_table("doc-link-terms", key, table)
    return table


@dataclass
class LinkIndex:
    """TF-IDF vectors of the articles and clauses of a corpus, and the article of each.

    Weighed as scikit-learn's ``TfidfVectorizer`` would (``from_terms``; a test holds the
    two equal), from term counts taken per document on all cores, and kept as columns (``ids`` and ``articles`` as Arrow string
    arrays; ``terms``, the features in sorted order, an Arrow string array; ``idf`` a numpy
    array; ``matrix`` a scipy CSR matrix over numpy arrays), so that the cache holds it as
    Parquet (``tables``/``from_tables``) and loading it rebuilds no Python object per
    provision or per term, and searching it does not import scikit-learn. ``vector``
    weighs a query exactly as the fitted vectoriser would (sublinear tf × idf,
    L2-normalised); a query's terms are found by binary search in ``terms``."""

    ids: object       # pyarrow string array, one per indexed provision
    articles: object  # pyarrow string array: the article of each
    terms: object     # pyarrow string array: the features, sorted (column j is terms[j])
    idf: object       # numpy array, one weight per feature
    matrix: object    # scipy CSR matrix, one row per indexed provision

    @staticmethod
    def passages(corpus) -> tuple[list[str], list[str], list[str]]:
        """What is indexed: every article and clause, with its article's heading in front.
        Returns ``(provision ids, article ids, texts)``."""
        ids, articles, texts = [], [], []
        for doc in corpus:
            for prov_id, article_id, text in document_passages(doc):
                ids.append(prov_id)
                articles.append(article_id)
                texts.append(text)
        return ids, articles, texts

    @classmethod
    def build(cls, corpus, *, workers: int | None = None, progress: bool | None = None) -> LinkIndex:
        """The index of ``corpus``: each document's terms counted on the worker pool (and
        cached per document, so that a changed file recounts only its own), then weighed
        over the whole corpus (``from_terms``)."""
        import pyarrow as pa

        from . import _pool

        cache = corpus.cache
        keys = [cache.key("doc-link-terms", INDEX_FORMAT, d) for d in corpus.document_digests()]
        tables: list = [cache.get_table("doc-link-terms", key, TERM_COLUMNS) for key in keys]
        missing = [i for i, t in enumerate(tables) if t is None]
        if missing:
            work = partial(_terms_and_store, cache=cache)
            every = corpus.sizes()
            found = _pool.run(work, _pool.Pairs(corpus.docs, missing, keys), workers=workers,
                              progress=progress, desc="link index", sizes=[every[i] for i in missing])
            for i, table in zip(missing, found):
                tables[i] = table
        if not tables or sum(t.num_rows for t in tables) == 0:
            raise PolicytrackError("the corpus holds no articles to link recommendations to")
        return cls.from_terms([t.select(TERM_COLUMNS).cast(_term_schema()) for t in tables])

    @classmethod
    def from_terms(cls, tables: list) -> LinkIndex:
        """The index from each document's ``document_terms``: the weights scikit-learn's
        ``TfidfVectorizer(sublinear_tf=True)`` gives (smoothed idf ``ln((1 + n) / (1 + df))
        + 1``, tf ``1 + ln(count)``, rows L2-normalised), computed on columns, the
        vocabulary sorted by code point (UTF-8 byte order). Each document's terms are
        looked up once, not once per passage."""
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc
        from scipy.sparse import csr_matrix

        terms = pa.concat_tables(tables)
        # where each document's terms start in the concatenation of all documents' terms
        sizes = [int(pc.sum(pc.list_value_length(t.column("new_terms"))).as_py() or 0) for t in tables]
        starts = np.repeat(np.cumsum([0, *sizes[:-1]]), [t.num_rows for t in tables]).astype(np.int64)
        every = pc.list_flatten(terms.column("new_terms"))
        vocabulary = pc.unique(every)
        vocabulary = vocabulary.take(pc.sort_indices(vocabulary))
        place = _numpy(pc.index_in(every, value_set=vocabulary)).astype(np.int32)
        lengths = _numpy(pc.list_value_length(terms.column("cells"))).astype(np.int64)
        local = _numpy(pc.list_flatten(terms.column("cells"))).astype(np.int64)
        columns = place[local + np.repeat(starts, lengths)]
        del local, place
        counts = _numpy(pc.list_flatten(terms.column("counts"))).astype(np.float64)
        n = terms.num_rows
        df = np.bincount(columns, minlength=len(vocabulary))
        idf = np.log((1 + n) / (1 + df)) + 1
        weights = (np.log(counts) + 1) * idf[columns]
        rows = np.repeat(np.arange(n, dtype=np.int32), lengths)
        norms = np.sqrt(np.bincount(rows, weights=weights * weights, minlength=n))
        norms[norms == 0] = 1
        weights /= norms[rows]
        del rows
        indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        matrix = csr_matrix((weights, columns, indptr), shape=(n, len(vocabulary)))
        matrix.sort_indices()
        return cls(_array(terms.column("id")), _array(terms.column("article")), _array(vocabulary).cast(pa.string()),
                   idf, matrix)

    # --- as columns (the cache) -----------------------------------------------------------
    TABLES = ("rows", "terms", "cells")

    def tables(self) -> dict:
        """The index as three Arrow tables: ``rows`` (id, article, cells of the row),
        ``terms`` (term, idf), ``cells`` (column, weight: the matrix's non-zeros, row by row)."""
        import numpy as np
        import pyarrow as pa

        m = self.matrix
        return {
            "rows": pa.table({"id": self.ids, "article": self.articles,
                              "cells": pa.array(np.diff(m.indptr).astype(np.int64))}),
            "terms": pa.table({"term": self.terms, "idf": pa.array(self.idf)}),
            "cells": pa.table({"column": pa.array(m.indices.astype(np.int32, copy=False)),
                               "weight": pa.array(m.data.astype(np.float64, copy=False))}),
        }

    @classmethod
    def from_tables(cls, tables: dict) -> LinkIndex:
        """The index from ``tables()`` (read back from Parquet): numpy views of the columns."""
        import numpy as np
        from scipy.sparse import csr_matrix

        rows, terms, cells = (tables[n] for n in cls.TABLES)
        indptr = np.concatenate([[0], np.cumsum(_numpy(rows.column("cells")))]).astype(np.int64)
        matrix = csr_matrix((_numpy(cells.column("weight")), _numpy(cells.column("column")), indptr),
                            shape=(rows.num_rows, terms.num_rows))
        return cls(_array(rows.column("id")), _array(rows.column("article")), _array(terms.column("term")),
                   _numpy(terms.column("idf")), matrix)

    @property
    def vocabulary(self) -> dict[str, int]:
        """``{term: feature index}``, as the fitted vectoriser's ``vocabulary_`` (built on
        demand: searching does not need it)."""
        return {term: j for j, term in enumerate(self.terms.to_pylist())}

    def _column(self, term: str) -> int | None:
        """The feature index of ``term``, by binary search in the sorted ``terms``."""
        lo, hi = 0, len(self.terms)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.terms[mid].as_py() < term:
                lo = mid + 1
            else:
                hi = mid
        return lo if lo < len(self.terms) and self.terms[lo].as_py() == term else None

    def vector(self, text: str):
        """The query's TF-IDF vector (1 × features, CSR), as the fitted vectoriser gives it."""
        import numpy as np
        from scipy.sparse import csr_matrix

        found: dict[str, int | None] = {}
        counts: dict[int, int] = {}
        for term in _terms(text):
            if term not in found:
                found[term] = self._column(term)
            j = found[term]
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        cols = np.fromiter(sorted(counts), dtype=np.int64, count=len(counts))
        weights = (1 + np.log(np.array([counts[j] for j in cols], dtype=float))) * self.idf[cols]
        norm = np.sqrt((weights ** 2).sum())
        if norm:
            weights = weights / norm
        return csr_matrix((weights, cols, [0, len(cols)]), shape=(1, len(self.idf)))

    @classmethod
    def cached(cls, corpus: Corpus) -> LinkIndex:
        """Built once per corpus content and kept in the corpus's cache, as Parquet tables."""
        return cls.from_tables(corpus.derived_tables("link-index", cls.TABLES, [str(INDEX_FORMAT), corpus.content_digest()],
                                                     lambda: cls.build(corpus).tables()))

    def search(self, text: str, k: int, boost: dict[str, float] | None = None,
               document: str | None = None) -> list[tuple[str, float, str, list[str]]]:
        """Best articles for ``text`` (only in ``document`` when given): (article id, score,
        best provision id, shared words)."""
        import numpy as np

        query = self.vector(text)
        dense = np.zeros(query.shape[1])
        dense[query.indices] = query.data
        scores = self.matrix @ dense  # CSR × dense vector: one pass over the matrix
        if document is not None:
            import pyarrow.compute as pc

            inside = pc.starts_with(self.articles, document + ":").to_numpy(zero_copy_only=False)
            scores = scores * inside.astype(bool)
        best: dict[str, tuple[float, int]] = {}
        for i in np.argsort(-scores)[: max(50, k * 20)]:
            if scores[i] <= 0:
                break
            art = self.articles[int(i)].as_py()
            if art not in best or scores[i] > best[art][0]:
                best[art] = (float(scores[i]), int(i))
        ranked = sorted(((art, score * (1 + (boost or {}).get(art, 0.0)), i) for art, (score, i) in best.items()),
                        key=lambda r: -r[1])[:k]
        return [(art, score, self.ids[i].as_py(), self._shared_terms(query, i)) for art, score, i in ranked]

    def _shared_terms(self, query, i: int, n: int = 6) -> list[str]:
        start, end = self.matrix.indptr[i], self.matrix.indptr[i + 1]
        q = dict(zip(query.indices.tolist(), query.data.tolist()))
        weights = [(q[j] * w, j) for j, w in zip(self.matrix.indices[start:end].tolist(),
                                                  self.matrix.data[start:end].tolist()) if j in q]
        weights = [(w, self.terms[j].as_py()) for w, j in weights]
        weights.sort(reverse=True)
        return [term for _, term in weights[:n]]


def _numpy(column):
    """A numeric Arrow column as a numpy array (zero-copy where it is one chunk)."""
    import pyarrow as pa

    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    return array.to_numpy(zero_copy_only=False)


def _array(column):
    import pyarrow as pa

    return column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column


CONCEPTS_PATH = DATA / "legal_concepts.yaml"


def load_concepts(path: str | Path = CONCEPTS_PATH) -> list[tuple[str, list[str]]]:
    """``(heading words, cues)`` of each drafting concept, checked on load."""
    data = need_mapping(read_yaml(path) or {}, path, "")
    concepts = []
    for i, entry in enumerate(data.get("concepts") or [], start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("heading"), str) or not entry.get("cues"):
            raise DataFileError(path, f"concept {i}", "needs a 'heading' and a list of 'cues'")
        concepts.append((_prep(entry["heading"]), [_prep(c) for c in entry["cues"] if isinstance(c, str)]))
    return concepts


def expand_query(text: str, concepts: list[tuple[str, list[str]]]) -> str:
    """``text`` with the heading words of every drafting concept it evokes appended."""
    folded = _prep(text)
    extra = [heading for heading, cues in concepts if any(re.search(rf"(?<!\w){re.escape(c)}(?!\w)", folded) for c in cues)]
    return " ".join([text, *extra])


def _confirmations_path(register: Register) -> Path | None:
    return register.path.with_name(register.path.stem + "_links.csv") if register.path else None


def read_confirmations(register: Register) -> dict[tuple[str, str], dict[str, str]]:
    """The last decision on each (recommendation, provision) pair."""
    path = _confirmations_path(register)
    if path is None or not path.exists():
        return {}
    with open(path, encoding="utf-8", newline="") as fh:
        return {(row["recommendation"], row["provision"]): row for row in csv.DictReader(fh)}


def confirm_link(register: Register, recommendation: str, provision: str, *, who: str,
                 accept: bool = True, note: str = "") -> dict[str, str]:
    """Record a person's decision on a link (append-only, atomic); it wins over any
    automatic link from then on."""
    register[recommendation]  # raises KeyError for an unknown recommendation
    if not who:
        raise PolicytrackError("say who confirms or rejects the link")
    path = _confirmations_path(register)
    if path is None:
        raise PolicytrackError("the register has no file to store confirmations beside")
    entry = {"recommendation": recommendation, "provision": provision, "decision": "confirm" if accept else "reject",
             "who": who, "when": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"), "note": note}
    append_csv(path, CONFIRM_COLUMNS, [entry])
    return entry


def _explicit(register: Register, corpus: Corpus) -> dict[str, list[tuple[str | None, str]]]:
    """Per recommendation: (provision id or None, explanation) from its citations."""
    from .citations import DocRef, find_references, resolve

    out: dict[str, list[tuple[str | None, str]]] = {}
    for row in register:
        refs = []
        for part in filter(None, (p.strip() for p in row["target_provisions"].split(";"))):
            for ref in find_references(f"tại {part}"):  # "tại": a bare "Điều 9" is not a heading
                for t in ref.targets:
                    if t.document is None and row["target_document"]:
                        t.document = DocRef("number", row["target_document"], number=row["target_document"])
                refs.append(ref)
        refs += find_references(row["text_vi"])
        resolve(refs, corpus)
        seen = set()
        for ref in refs:
            for t in ref.targets:
                key = t.resolved_id or f"?{ref.text}"
                if key in seen or (t.document is None and not t.units()):
                    continue
                seen.add(key)
                why = f"cites «{ref.text}»" + ("" if t.resolved_id else f": {t.reason}")
                out.setdefault(row["id"], []).append((t.resolved_id, why))
    return out


def link(register: Register, corpus: Corpus, *, k: int = 5, retrieve: bool = True):
    """The links of every recommendation as a DataFrame: ``recommendation, provision,
    method (explicit | retrieved | confirmed), score, rank, explanation``.

    Explicit links score 1.0; an explicit target the corpus cannot resolve is kept with
    ``provision`` empty and the reason. Retrieved links are the ``k`` best articles of the
    recommendation's ``target_document`` (of the whole corpus when it names none); when the
    corpus does not hold that document, one row with an empty ``provision`` says so.
    """
    import pandas as pd

    confirmations = read_confirmations(register)
    explicit = _explicit(register, corpus)
    index = LinkIndex.cached(corpus) if retrieve else None
    topic_articles = _topic_articles(corpus) if retrieve else {}
    concepts = load_concepts() if retrieve else []
    rows = []
    for row in register:
        rec = row["id"]
        taken: set[str] = set()
        for (r, prov), decision in confirmations.items():
            if r == rec and decision["decision"] == "confirm":
                rows.append({"recommendation": rec, "provision": prov, "method": "confirmed", "score": 1.0,
                             "rank": 0, "explanation": f"confirmed by {decision['who']} {decision['when'][:10]}"
                             + (f": {decision['note']}" if decision["note"] else "")})
                taken.add(prov)
        for prov, why in explicit.get(rec, []):
            if prov in taken or (rec, prov) in confirmations and confirmations[(rec, prov)]["decision"] == "reject":
                continue
            rows.append({"recommendation": rec, "provision": prov, "method": "explicit", "score": 1.0,
                         "rank": 0, "explanation": why})
            if prov:
                taken.add(prov)
        if index is None:
            continue
        target = row["target_document"]
        if target and target not in corpus:
            rows.append({"recommendation": rec, "provision": None, "method": "retrieved", "score": 0.0, "rank": 0,
                         "explanation": f"not searched: the text of {target} is not in the corpus (see corpus/sources.csv)"})
            continue
        topics = {t.strip() for t in row["topics"].split(";") if t.strip()}
        boost = {art: TOPIC_BOOST for t in topics for art in topic_articles.get(t, ())}
        query = expand_query(f"{row['title']} {row['text_vi']}", concepts)
        rank = 0
        for art, score, best, terms in index.search(query, k + len(taken), boost, target or None):
            if art in taken or confirmations.get((rec, art), {}).get("decision") == "reject":
                continue
            rank += 1
            detail = "" if best == art else f"; best match in {best.split(':', 1)[1]}"
            boosted = " (+topic)" if art in boost else ""
            words = shared_words(query, _passage(corpus, art, best), terms)
            rows.append({"recommendation": rec, "provision": art, "method": "retrieved", "score": round(score, 4),
                         "rank": rank, "explanation": f"shared words: {', '.join(words)}{detail}{boosted}"})
            if rank >= k:
                break
    return pd.DataFrame(rows, columns=LINK_COLUMNS)


MAX_PHRASE = 12  # syllables; a longer shared stretch (a quoted sentence) is cut with "…"


def _passage(corpus: Corpus, article: str, best: str) -> str:
    """The text the index scored for ``best``: its article's heading, then its own text."""
    return f"{corpus.provision(article).heading or ''} {corpus.provision(best).text}"


def shared_words(query: str, passage: str, terms: list[str]) -> list[str]:
    """The words behind the shared index ``terms`` (syllables and syllable pairs, best
    first), for a person to read: each term widened to the longest stretch of syllables the
    query and the passage both contain around it. The index counts "tế tuần" and "ban
    nhân"; the explanation says "kinh tế tuần hoàn" and "ủy ban nhân dân". A term inside a
    stretch already listed is not repeated."""
    q, p = TOKEN.findall(_prep(query)), TOKEN.findall(_prep(passage))
    phrases: list[str] = []
    for term in terms:
        run = _longest_shared_run(q, p, term.split())
        phrase = " ".join(run[:MAX_PHRASE]) + (" …" if len(run) > MAX_PHRASE else "")
        if not any(f" {phrase} " in f" {other} " for other in phrases):
            phrases = [other for other in phrases if f" {other} " not in f" {phrase} "] + [phrase]
    return phrases


def _longest_shared_run(q: list[str], p: list[str], words: list[str]) -> list[str]:
    """The longest run of syllables common to ``q`` and ``p`` that contains ``words``."""
    n, best = len(words), words
    for i in (i for i in range(len(q) - n + 1) if q[i:i + n] == words):
        for j in (j for j in range(len(p) - n + 1) if p[j:j + n] == words):
            start_q, start_p = i, j
            while start_q and start_p and q[start_q - 1] == p[start_p - 1]:
                start_q, start_p = start_q - 1, start_p - 1
            end_q, end_p = i + n, j + n
            while end_q < len(q) and end_p < len(p) and q[end_q] == p[end_p]:
                end_q, end_p = end_q + 1, end_p + 1
            if end_q - start_q > len(best):
                best = q[start_q:end_q]
    return best


def _topic_articles(corpus: Corpus) -> dict[str, set[str]]:
    """Articles tagged with each top topic (from the corpus's cached tag table, read as
    columns). A broken taxonomy file only loses the boost (with a warning); any other error
    is a bug and surfaces."""
    import pyarrow.compute as pc

    try:
        tags = corpus.tag_table()
    except DataFileError as exc:
        log.warning("links ranked without topic boosts: %s", exc)
        return {}
    top = tags.filter(pc.is_null(tags.column("subtopic"))).select(["provision_id", "topic"])
    out: dict[str, set[str]] = {}
    for pid, topic in zip(top.column("provision_id").to_pylist(), top.column("topic").to_pylist()):
        path = pid.split(":", 1)[1] if ":" in pid else ""
        if path.startswith("d") and "." not in path:
            out.setdefault(topic, set()).add(pid)
    return out
