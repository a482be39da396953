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
INDEX_FORMAT = 6  # bump when LinkIndex's fields change: older cache entries are then ignored


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


#: Documents whose terms are merged into the vocabulary at a time (``LinkIndex.build``).
VOCABULARY_BATCH = 256


@dataclass
class LinkIndex:
    """TF-IDF over the articles and clauses of a corpus, weighed as scikit-learn's
    ``TfidfVectorizer(sublinear_tf=True)`` would (smoothed idf ``ln((1 + n) / (1 + df)) + 1``,
    tf ``1 + ln(count)``, rows L2-normalised; a test holds the two equal), without holding
    the corpus's matrix.

    What it holds is the vocabulary, sorted by code point (``terms``, an Arrow string
    array), each term's document frequency ``df`` and the number of passages ``n``: about
    the size of the vocabulary, not of the corpus. Each document's passages stay in its own
    term table (``document_terms``, cached per document); a search weighs the rows of the
    documents it looks in when it looks (one document for a recommendation that names its
    target, every document in one pass for those that do not: ``search_many``). ``matrix``
    and ``ids`` assemble the whole matrix on demand, for checks and small corpora."""

    terms: object           # pyarrow string array: the features, sorted (column j is terms[j])
    df: object              # numpy int64 array: passages holding each feature
    n: int                  # passages indexed
    documents: list         # the id of each document, in corpus order
    table_of: object = None  # i -> the term table of document i (``document_terms``)

    def __post_init__(self):
        import numpy as np

        self.idf = np.log((1 + self.n) / (1 + self.df)) + 1

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
        cached per document, so that a changed file recounts only its own), their document
        frequencies merged a batch of documents at a time."""
        from . import _pool

        cache = corpus.cache
        keys = [cache.key("doc-link-terms", INDEX_FORMAT, d) for d in corpus.document_digests()]
        kept: dict[int, object] = {}  # without a cache, the tables searches will need

        def tables():
            missing = [i for i, key in enumerate(keys) if not cache.has_table("doc-link-terms", key)]
            counted = iter(())
            if missing:
                every = corpus.sizes()
                counted = _pool.run(partial(_terms_and_store, cache=cache), _pool.Pairs(corpus.docs, missing, keys),
                                    workers=workers, progress=progress, desc="link index",
                                    sizes=[every[i] for i in missing])
            todo = set(missing)
            for i, key in enumerate(keys):
                table = next(counted) if i in todo else cache.get_table("doc-link-terms", key, TERM_COLUMNS)
                if table is None:  # stored but refused: counted again here
                    table = _terms_and_store((corpus.docs[i], key), cache)
                if cache.folder is None:
                    kept[i] = table
                yield table

        terms, df, n = _vocabulary(tables())
        if n == 0:
            raise PolicytrackError("the corpus holds no articles to link recommendations to")
        return cls(terms, df, n, [h.id for h in corpus.heads()], _table_source(corpus, keys, kept))

    @classmethod
    def cached(cls, corpus: Corpus) -> LinkIndex:
        """Built once per corpus content; its vocabulary kept in the corpus's cache as Parquet."""
        import pyarrow as pa

        if corpus.cache.folder is None:  # held for this corpus object, with the term tables it counted
            return corpus.derived("link-index-held", [str(INDEX_FORMAT), corpus.content_digest()],
                                  lambda: cls.build(corpus))

        def build():
            index = cls.build(corpus)
            return {"terms": pa.table({"term": index.terms, "df": pa.array(index.df)}),
                    "size": pa.table({"n": pa.array([index.n], pa.int64())})}

        tables = corpus.derived_tables("link-index", ("terms", "size"), [str(INDEX_FORMAT), corpus.content_digest()],
                                       build)
        keys = [corpus.cache.key("doc-link-terms", INDEX_FORMAT, d) for d in corpus.document_digests()]
        return cls(_array(tables["terms"].column("term")), _numpy(tables["terms"].column("df")).astype("int64"),
                   int(tables["size"].column("n")[0].as_py()), [h.id for h in corpus.heads()],
                   _table_source(corpus, keys, {}))

    @property
    def vocabulary(self) -> dict[str, int]:
        """``{term: feature index}``, as the fitted vectoriser's ``vocabulary_``."""
        return {term: j for j, term in enumerate(self.terms.to_pylist())}

    def columns(self, terms) -> object:
        """The feature index of each of ``terms`` (an Arrow string array), ``-1`` where the
        vocabulary lacks it: a binary search in the sorted ``terms``."""
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        terms = terms if isinstance(terms, (pa.Array, pa.ChunkedArray)) else pa.array(list(terms), pa.string())
        if len(terms) == 0:
            return np.zeros(0, dtype=np.int64)
        at = _numpy(pc.call_function("search_sorted", [self.terms, terms])).astype(np.int64)
        inside = at < len(self.terms)
        same = np.zeros(len(at), dtype=bool)
        if inside.any():
            same[inside] = _numpy(pc.equal(self.terms.take(pa.array(at[inside])), terms.filter(pa.array(inside))))
        at[~same] = -1
        return at

    def vector(self, text: str):
        """The query's TF-IDF vector (1 × features, CSR), as the fitted vectoriser gives it."""
        import numpy as np
        from scipy.sparse import csr_matrix

        counted = Counter(_terms(text))
        found = self.columns(list(counted))
        counts: dict[int, int] = {}
        for j, c in zip(found.tolist(), counted.values()):
            if j >= 0:
                counts[j] = c
        cols = np.array(sorted(counts), dtype=np.int64)
        weights = (1 + np.log(np.array([counts[j] for j in cols], dtype=float))) * self.idf[cols]
        norm = np.sqrt((weights ** 2).sum())
        if norm:
            weights = weights / norm
        return csr_matrix((weights, cols, [0, len(cols)]), shape=(1, len(self.df)))

    def rows(self, i: int):
        """Document ``i``'s passages weighed: ``(ids, articles, CSR matrix over the global
        features)``, rows as in ``matrix``."""
        import numpy as np
        from scipy.sparse import csr_matrix

        table = self.table_of(i)
        idf = self.idf
        cells = _array(table.column("cells"))
        columns = (self.columns(_array(table.column("new_terms")).flatten())[_numpy(cells.flatten()).astype(np.int64)]
                   if table.num_rows else np.zeros(0, dtype=np.int64))
        lengths = _numpy(cells.value_lengths()).astype(np.int64)
        counts = _numpy(_array(table.column("counts")).flatten()).astype(np.float64)
        weights = (np.log(counts) + 1) * idf[columns]
        rows = np.repeat(np.arange(table.num_rows), lengths)
        norms = np.sqrt(np.bincount(rows, weights=weights * weights, minlength=table.num_rows))
        norms[norms == 0] = 1
        weights /= norms[rows]
        indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        matrix = csr_matrix((weights, columns, indptr), shape=(table.num_rows, len(self.df)))
        matrix.sort_indices()
        return table.column("id").to_pylist(), table.column("article").to_pylist(), matrix

    @property
    def matrix(self):
        """The whole corpus's matrix (one row per passage, in corpus order): for checks and
        small corpora; searching never builds it."""
        from scipy.sparse import vstack

        parts = [self.rows(i)[2] for i in range(len(self.documents))]
        return vstack(parts, format="csr")

    @property
    def ids(self):
        import pyarrow as pa

        return pa.concat_arrays([_array(self.table_of(i).column("id")).cast(pa.string())
                                 for i in range(len(self.documents))])

    def search(self, text: str, k: int, boost: dict[str, float] | None = None,
               document: str | None = None) -> list[tuple[str, float, str, list[str]]]:
        """Best articles for ``text`` (only in ``document`` when given): (article id, score,
        best provision id, shared words)."""
        return self.search_many([(text, k, boost, document)])[0]

    def search_many(self, requests) -> list[list[tuple[str, float, str, list[str]]]]:
        """``search`` for each ``(text, k, boost, document)``: a request naming a document
        reads that document's rows alone; the others share one pass over every document,
        keeping each request's best rows as it goes."""
        import numpy as np

        queries = [self.vector(text) for text, *_ in requests]
        wanted = [max(50, k * 20) for _, k, _, _ in requests]
        best: list[list] = [[] for _ in requests]  # (−score, row order, id, article, terms) per request
        where = {doc: i for i, doc in enumerate(self.documents)}
        per_document: dict[int, list[int]] = {}
        everywhere = []
        for r, (_, _, _, document) in enumerate(requests):
            if document is None:
                everywhere.append(r)
            elif document in where:
                per_document.setdefault(where[document], []).append(r)
        order = range(len(self.documents)) if everywhere else sorted(per_document)
        for i in order:
            asking = per_document.get(i, []) + everywhere
            if not asking:
                continue
            ids, articles, matrix = self.rows(i)
            for r in asking:
                q = queries[r]
                dense = np.zeros(q.shape[1])
                dense[q.indices] = q.data
                scores = matrix @ dense
                top = np.argsort(-scores, kind="stable")[: wanted[r]]
                for j in top:
                    if scores[j] <= 0:
                        break
                    lo, hi = matrix.indptr[j], matrix.indptr[j + 1]
                    cells = (matrix.indices[lo:hi].copy(), matrix.data[lo:hi].copy())
                    best[r].append((-float(scores[j]), (i, int(j)), ids[j], articles[j], cells))
                best[r].sort(key=lambda row: (row[0], row[1]))
                del best[r][wanted[r]:]
        out = []
        for r, (_, k, boost, _) in enumerate(requests):
            by_article: dict[str, tuple[float, str, list[str]]] = {}
            for neg, _, prov, art, cells in best[r]:
                if art not in by_article:
                    by_article[art] = (-neg, prov, cells)
            ranked = sorted(((art, score * (1 + (boost or {}).get(art, 0.0)), prov, cells)
                             for art, (score, prov, cells) in by_article.items()), key=lambda row: -row[1])[:k]
            out.append([(art, score, prov, self._shared_terms(queries[r], cells)) for art, score, prov, cells in ranked])
        return out

    def _shared_terms(self, query, cells, n: int = 6) -> list[str]:
        """The ``n`` features that weigh most in a row's score (``cells``: its columns and weights)."""
        q = dict(zip(query.indices.tolist(), query.data.tolist()))
        weights = sorted(((q[j] * w, j) for j, w in zip(cells[0].tolist(), cells[1].tolist()) if j in q), reverse=True)
        return [self.terms[j].as_py() for _, j in weights[:n]]


def _vocabulary(tables):
    """``(terms, df, n)`` over a stream of ``document_terms`` tables: each document's terms
    with the number of its passages holding them, merged a batch of documents at a time
    (Arrow's group-by), then sorted by code point."""
    import numpy as np
    import pyarrow as pa

    merged, batch, n = None, [], 0

    def merge(merged, batch):
        parts = ([merged] if merged is not None else []) + batch
        return pa.concat_tables(parts).group_by("term").aggregate([("df", "sum")]).rename_columns(["term", "df"])

    for table in tables:
        n += table.num_rows
        terms = _array(table.column("new_terms")).flatten() if table.num_rows else pa.array([], pa.string())
        cells = _numpy(_array(table.column("cells")).flatten()).astype(np.int64) if table.num_rows else []
        df = np.bincount(cells, minlength=len(terms)).astype(np.int64)
        batch.append(pa.table({"term": terms.cast(pa.string()), "df": pa.array(df)}))
        if len(batch) >= VOCABULARY_BATCH:
            merged, batch = merge(merged, batch), []
    if batch or merged is None:
        merged = merge(merged, batch) if batch else pa.table({"term": pa.array([], pa.string()),
                                                               "df": pa.array([], pa.int64())})
    merged = merged.sort_by("term")
    return _array(merged.column("term")), _numpy(merged.column("df")).astype(np.int64), n


def _table_source(corpus, keys: list[str], kept: dict):
    """Document ``i``'s term table: kept in memory (no cache), read from the cache, or
    counted again (and stored) when the cache lost it."""
    cache = corpus.cache

    def table_of(i: int):
        if i in kept:
            return kept[i]
        table = cache.get_table("doc-link-terms", keys[i], TERM_COLUMNS)
        if table is None:
            table = _terms_and_store((corpus.docs[i], keys[i]), cache)
            if cache.folder is None:
                kept[i] = table
        return table.select(TERM_COLUMNS)

    return table_of


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
    per_rec: dict[str, list[dict]] = {}
    taken_by: dict[str, set[str]] = {}
    requests, asking = [], []
    for row in register:
        rec = row["id"]
        rows = per_rec.setdefault(rec, [])
        taken = taken_by.setdefault(rec, set())
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
        requests.append((query, k + len(taken), boost, target or None))
        asking.append(rec)
    # every search at once: those naming no document share one pass over the corpus
    for rec, (query, _, boost, _), hits in zip(asking, requests, index.search_many(requests) if requests else []):
        rows, taken = per_rec[rec], taken_by[rec]
        rank = 0
        for art, score, best, terms in hits:
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
    rows = [r for rec_rows in per_rec.values() for r in rec_rows]
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
