"""A folder of documents, parsed once and cached: the researcher's entry point.

>>> corpus = Corpus("corpus/")                         # doctest: +SKIP
>>> corpus.provisions().query("kind == 'article'")     # doctest: +SKIP

Files are parsed on all cores; each file's documents are cached under its content hash
(and the parser version), so a second load of an unchanged corpus only hashes and
unpickles. A file that cannot be read is recorded in ``corpus.errors`` with its reason and
never stops the others.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import os
import pickle
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ._files import atomic_write
from .model import Document, PolicytrackError
from .parse import parse
from .read import SUPPORTED_EXTENSIONS
from .sources import DEFAULT_SOURCES, SourceRegister

log = logging.getLogger(__name__)

#: Bump when parsing changes what it returns, so stale cache entries are ignored.
CACHE_VERSION = "1"
PARALLEL_MIN_FILES = 4
PROGRESS_MIN_FILES = 20
#: Notes that describe a corpus folder rather than being one of its documents.
FOLDER_NOTES = {"readme.md", "sources.md", "readme.txt", "license.txt", "license.md"}


@dataclass
class LoadError:
    """A file the corpus could not load, and why."""

    path: str
    reason: str


def default_cache_dir() -> Path:
    """``$POLICYTRACK_CACHE``, else ``$XDG_CACHE_HOME/policytrack``, else ``~/.cache/policytrack``."""
    if os.environ.get("POLICYTRACK_CACHE"):
        return Path(os.environ["POLICYTRACK_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "policytrack"


def _parse_file(path: str, register: SourceRegister) -> tuple[str, list[Document] | None, str | None]:
    """Worker: parse one file; an error comes back as a reason, never as an exception."""
    try:
        return path, parse(path, register=register), None
    except PolicytrackError as exc:
        return path, None, getattr(exc, "reason", str(exc))
    except Exception as exc:  # a parser bug must not take the corpus down; it is reported
        return path, None, f"unexpected {type(exc).__name__}: {exc}"


class Corpus:
    """Every supported file under ``folder`` (recursively), parsed.

    Parameters: ``cache_dir`` (``None`` for the default, ``False`` to disable),
    ``workers`` (default: all cores), ``progress`` (``None``: a bar when there are more
    than 20 files to parse; works in notebooks), ``sources`` (path of the register of
    reference documents; default the folder's ``sources.csv`` else the project's).
    """

    def __init__(
        self,
        folder: str | os.PathLike,
        *,
        cache_dir: str | os.PathLike | None | bool = None,
        workers: int | None = None,
        progress: bool | None = None,
        sources: str | os.PathLike | None = None,
    ):
        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise PolicytrackError(f"{self.folder}: not a folder")
        if sources is None:
            local = self.folder / "sources.csv"
            sources = local if local.exists() else DEFAULT_SOURCES
        self.register = SourceRegister.load(sources)
        self.cache_dir = None if cache_dir is False else Path(cache_dir or default_cache_dir())
        self.workers = workers or os.cpu_count() or 1
        self.errors: list[LoadError] = []
        self.docs: list[Document] = []
        self.files: list[Path] = sorted(
            p for p in self.folder.rglob("*")
            if p.is_file() and p.suffix.lower() in SUPPORTED_EXTENSIONS
            and not any(part.startswith(".") for part in p.relative_to(self.folder).parts)
            and p.name.lower() not in FOLDER_NOTES
        )
        self.cache_hits = 0
        self._references = None
        self._tags = None
        self._load(progress)
        self._by_id = {d.id: d for d in self.docs}

    # --- loading ---------------------------------------------------------------------
    def _cache_path(self, digest: str) -> Path | None:
        return self.cache_dir / f"{digest}.pkl" if self.cache_dir else None

    def _salt(self) -> str:
        """What else a cached parse depends on: parser and package versions, the register."""
        return f"{CACHE_VERSION}:{_package_version()}:{self.register.path}:{len(self.register)}"

    def _digest(self, path: Path) -> str:
        h = hashlib.sha256()
        h.update(f"{self._salt()}\0".encode())
        h.update(path.name.encode())
        h.update(path.read_bytes())
        return h.hexdigest()

    def _stat_index(self) -> dict:
        """``{path: [size, mtime_ns, digest]}`` from the last load, so unchanged files are
        not even re-read (as git does); a changed size or time means re-hashing."""
        if self.cache_dir is None:
            return {}
        try:
            return json.loads((self.cache_dir / "index.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def _save_stat_index(self, index: dict) -> None:
        if self.cache_dir is None:
            return
        try:
            atomic_write(self.cache_dir / "index.json", json.dumps(index))
        except OSError as exc:
            log.warning("cannot write cache index: %s", exc)

    def _load_cached(self, results: dict[str, list[Document]], todo: list[tuple[Path, str]]) -> None:
        """Fill ``results`` from the cache; list the files to parse in ``todo``."""
        index = self._stat_index()
        salt = self._salt()
        fresh = {}
        for path in self.files:
            key = str(path.resolve())
            try:
                st = path.stat()
                known = index.get(key)
                if known and known[0] == st.st_size and known[1] == st.st_mtime_ns and known[3] == salt:
                    digest = known[2]
                else:
                    digest = self._digest(path)
                fresh[key] = [st.st_size, st.st_mtime_ns, digest, salt]
            except OSError as exc:
                self._error(path, f"cannot read: {exc.strerror or exc}")
                continue
            cached = self._from_cache(digest)
            if cached is not None:
                for doc in cached:
                    doc.source.path = str(path)  # the same content may have moved
                results[str(path)] = cached
                self.cache_hits += 1
            else:
                todo.append((path, digest))
        if fresh != index:
            self._save_stat_index(fresh)

    def _load(self, progress: bool | None) -> None:
        results: dict[str, list[Document]] = {}
        todo: list[tuple[Path, str]] = []
        gc_was_enabled = gc.isenabled()
        gc.disable()  # unpickling thousands of provisions: no cycles to collect, only overhead
        try:
            self._load_cached(results, todo)
        finally:
            if gc_was_enabled:
                gc.enable()
        digests = {str(p): d for p, d in todo}
        for path_str, docs, reason in self._parse_all([p for p, _ in todo], progress):
            if reason is not None:
                self._error(Path(path_str), reason)
                continue
            results[path_str] = docs
            self._to_cache(digests[path_str], docs)
        used: set[str] = set()
        for path in self.files:
            for doc in results.get(str(path), []):
                if doc.id in used:
                    new_id = _unique(doc.id, used)
                    log.warning("%s: document id %s already used; renamed %s", path, doc.id, new_id)
                    _rename(doc, new_id)
                used.add(doc.id)
                self.docs.append(doc)

    def _parse_all(self, paths: list[Path], progress: bool | None):
        show = progress if progress is not None else len(paths) > PROGRESS_MIN_FILES
        bar = None
        if show and paths:
            from tqdm.auto import tqdm

            bar = tqdm(total=len(paths), desc="parsing", unit="file")
        try:
            if len(paths) >= PARALLEL_MIN_FILES and self.workers > 1:
                with ProcessPoolExecutor(max_workers=self.workers) as pool:
                    futures = [pool.submit(_parse_file, str(p), self.register) for p in paths]
                    for fut in futures:
                        yield fut.result()
                        if bar:
                            bar.update()
            else:
                for p in paths:
                    yield _parse_file(str(p), self.register)
                    if bar:
                        bar.update()
        finally:
            if bar:
                bar.close()

    def _from_cache(self, digest: str) -> list[Document] | None:
        path = self._cache_path(digest)
        if path is None or not path.exists():
            return None
        try:
            with open(path, "rb") as fh:
                return pickle.load(fh)
        except Exception as exc:  # a truncated or foreign cache file is just a miss
            log.warning("ignoring unreadable cache entry %s: %s", path, exc)
            return None

    def _to_cache(self, digest: str, docs: list[Document]) -> None:
        path = self._cache_path(digest)
        if path is None:
            return
        try:
            atomic_write(path, pickle.dumps(docs, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError as exc:
            log.warning("cannot write cache entry %s: %s", path, exc)

    def _error(self, path: Path, reason: str) -> None:
        log.warning("%s: %s (skipped)", path, reason)
        self.errors.append(LoadError(str(path), reason))

    # --- access ----------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.docs)

    def __iter__(self):
        return iter(self.docs)

    def __getitem__(self, doc_id: str) -> Document:
        return self._by_id[doc_id]

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._by_id

    def provision(self, provision_id: str):
        """The provision with this id, from whichever document holds it."""
        doc_id = provision_id.split(":", 1)[0]
        return self[doc_id][provision_id]

    def documents(self):
        """One row per document: id, file, type, number, title, issuer, date, counts."""
        import pandas as pd

        rows = []
        for d in self.docs:
            m = d.meta
            rows.append({
                "id": d.id, "path": d.source.path, "format": d.source.format,
                "type": m.doc_type, "number": m.number, "title": m.title or m.subject,
                "issuer": m.issuer, "place": m.place,
                "date": m.date.iso() if m.date else None,
                "date_text": m.date.text if m.date else None,
                "is_draft": m.is_draft, "draft_number": m.draft_number,
                "articles": sum(1 for p in d.root.walk() if p.kind == "article"),
                "provisions": sum(1 for _ in d.root.walk()) - 1,
                "warnings": len(d.warnings) + len(m.warnings) + len(d.source.warnings),
                "chars": d.end - d.start,
            })
        return pd.DataFrame(rows)

    def provisions(self):
        """One row per provision of every document (see ``Document.to_frame``)."""
        import pandas as pd

        frames = [d.to_frame() for d in self.docs]
        frames = [f for f in frames if not f.empty]
        if not frames:
            return self.docs[0].to_frame() if self.docs else pd.DataFrame()
        return pd.concat(frames, ignore_index=True)

    def references(self):
        """One row per cited unit of every document, resolved against this corpus (see
        ``policytrack.references``): citing provision, span, target, relation, resolved
        provision id or the reason it is not resolved."""
        from .references import find_references, references_frame, resolve

        if self._references is None:
            self._references = resolve([r for d in self.docs for r in find_references(d)], self)
        return references_frame(self._references)

    def citation_graph(self):
        """The citation graph of the corpus (``networkx.MultiDiGraph``)."""
        from .references import citation_graph

        self.references()
        return citation_graph(self, self._references)

    def tags(self, threshold: float | None = None):
        """Topic tags of every provision (see ``policytrack.tagging.tag``). Each document's
        tags are cached under its text, the taxonomy, the training data and the version,
        so a warm run reads them instead of tagging again."""
        import pandas as pd

        from . import tagging

        threshold = tagging.THRESHOLD if threshold is None else threshold
        if self._tags is not None and self._tags[0] == threshold:
            return self._tags[1].copy()
        salt = (f"{_package_version()}:{tagging.load_taxonomy().digest}:"
                f"{hashlib.sha256(tagging.TRAINING_PATH.read_bytes()).hexdigest()}:{threshold}")
        rules = model = None
        now = None
        rows: list[dict] = []
        for doc in self.docs:
            key = hashlib.sha256(f"{salt}:{doc.id}\0{doc.text}".encode("utf-8")).hexdigest()
            cached = self._from_cache(f"tags-{key}")
            if cached is None:
                if rules is None:
                    import datetime as dt

                    rules, model = tagging.RuleTagger(), tagging.default_model(cache_dir=self.cache_dir)
                    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
                cached = tagging.tag_rows(doc, rules, model, threshold, now)
                self._to_cache(f"tags-{key}", cached)
            rows.extend(cached)
        frame = pd.DataFrame(rows, columns=tagging.TAG_COLUMNS)
        self._tags = (threshold, frame)
        return frame.copy()

    def errors_frame(self):
        import pandas as pd

        return pd.DataFrame([e.__dict__ for e in self.errors], columns=["path", "reason"])

    def search(self, query: str, kind: str | None = None, innermost: bool = True):
        """Provisions whose text contains ``query``, matched on normalised, case-folded
        text with both tone-mark placements (``thủy`` finds ``thuỷ``). By default only the
        innermost matches are kept (the clause, not also its article and chapter)."""
        from .text import fold, normalize

        needle = fold(normalize(query)[0])
        frame = self.provisions()
        if frame.empty:
            return frame
        if kind:
            frame = frame[frame["kind"] == kind]
        hay = frame["text"].map(lambda t: fold(normalize(t)[0]))
        hits = frame[hay.str.contains(needle, regex=False)]
        if innermost and not hits.empty:
            hits = hits[~hits["id"].isin(set(hits["parent"]))]
        return hits


def _unique(doc_id: str, used: set[str]) -> str:
    k = 2
    while f"{doc_id}~{k}" in used:
        k += 1
    return f"{doc_id}~{k}"


def _rename(doc: Document, new_id: str) -> None:
    old = doc.id
    doc.id = new_id
    doc.__dict__.pop("_by_id", None)
    for p in doc.root.walk():
        p.id = new_id + p.id[len(old):]
        if p.parent is not None:
            p.parent = new_id + p.parent[len(old):]


def _package_version() -> str:
    from . import __version__

    return __version__
