"""A set of parsed documents with their sources register: the researcher's entry point.

>>> corpus = Corpus.load("corpus/")                     # doctest: +SKIP
>>> corpus.provisions().query("kind == 'article'")      # doctest: +SKIP

``Corpus(documents, sources)`` holds documents however they were obtained (one file, a
test, a folder); ``Corpus.load(folder)`` reads a folder: files are parsed on all cores and
each file's documents are cached (``policytrack.cache``) under a key of the file's bytes,
its name, the sources register and the code, so a second load of an unchanged corpus only
checks file sizes and times and loads the signed entries. A file that cannot be read is
recorded in ``corpus.errors`` with its reason and never stops the others; so are folders
that cannot be read, broken links and link loops (``scan_folder``). Files that are not
documents (unsupported types, a second link to a file read) are listed in
``corpus.skipped``: nothing in the folder is passed over without a word.
"""

from __future__ import annotations

import errno
import gc
import hashlib
import logging
import os
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Callable, Iterable, Iterator

from . import _pool, frames
from .cache import Cache, default_dir
from .ids import number_key
from .model import Document, DocumentMeta, PolicytrackError, Provision
from .parse import parse
from .read import SUPPORTED_EXTENSIONS
from .sources import FILE_NAME, SourceRegister
from .text import match_key

__all__ = ["Corpus", "DocumentHead", "FolderContents", "FolderStream", "LoadError", "StoredDocuments", "corpus_files",
           "scan_folder"]

log = logging.getLogger(__name__)

#: Bump when parsing changes what it returns in a way the code digest cannot see.
CACHE_VERSION = "2"
#: Bump when the provisions table's columns or what they hold change.
PROVISIONS_VERSION = "2"  # 2: `text` is the own text, `own_end` added
PARALLEL_MIN_FILES = _pool.PARALLEL_MIN
PROGRESS_MIN_FILES = _pool.PROGRESS_MIN
#: Notes that describe a corpus folder rather than being one of its documents.
FOLDER_NOTES = {"readme.md", "sources.md", "readme.txt", "license.txt", "license.md"}


@dataclass
class LoadError:
    """A file the corpus could not load, and why."""

    path: str
    reason: str


@dataclass
class FolderContents:
    """What a corpus folder holds: its document ``files`` (in path order), ``errors`` (what
    could not be looked into or followed: unreadable folders, broken links, link loops) and
    ``skipped`` (files that are not documents: an unsupported type, a second way to a file
    or folder already read). Hidden entries, folder notes (README.md …), the folder's
    ``sources.csv`` and the cache folder are left out without a word."""

    files: list[Path]
    errors: list[LoadError]
    skipped: list[LoadError]


def scan_folder(folder: Path, exclude: Iterable[Path] = ()) -> FolderContents:
    """Walk ``folder`` recursively. A linked folder is followed once (a link to a shared
    folder is common), never into a loop: folders are tracked by their real paths, and the
    real tree is walked before any link, so a link never hides the folder it points to.
    ``exclude``: folders left out silently (the cache)."""
    walk = _FolderWalk(folder, exclude)
    walk.run()
    return FolderContents(walk.documents(), walk.errors, walk.skipped)


def corpus_files(folder: Path) -> list[Path]:
    """The document files of a folder, recursively, in path order (see ``scan_folder``)."""
    return scan_folder(folder).files


class _FolderWalk:
    """One walk of a corpus folder (see ``scan_folder``)."""

    def __init__(self, root: Path, exclude: Iterable[Path]):
        self.root = root
        self.exclude = {os.path.realpath(p) for p in exclude}
        self.errors: list[LoadError] = []
        self.skipped: list[LoadError] = []
        self.folders: dict[str, Path] = {}  # real path -> the path it was read by
        self.candidates: list[tuple[bool, Path, str]] = []  # (through a link, path, real path)
        self.links: list[tuple[Path, str]] = []  # linked folders, followed after the tree

    def run(self) -> None:
        self.folders[os.path.realpath(self.root)] = self.root
        self._walk(self.root)
        while self.links:
            self._follow(*self.links.pop(0))

    def _walk(self, folder: Path) -> None:
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except PermissionError:
            self.errors.append(LoadError(str(folder), "unreadable folder: permission denied"))
            return
        except OSError as exc:
            self.errors.append(LoadError(str(folder), f"unreadable folder: {exc.strerror or exc}"))
            return
        for entry in entries:
            if not entry.name.startswith("."):
                self._entry(Path(entry.path), entry)

    def _entry(self, path: Path, entry: os.DirEntry) -> None:
        linked = entry.is_symlink()
        if linked:
            broken = _broken_link(path)
            if broken:
                self.errors.append(LoadError(str(path), broken))
                return
        try:
            is_dir, is_file = entry.is_dir(), entry.is_file()
        except OSError as exc:
            self.errors.append(LoadError(str(path), f"cannot be read: {exc.strerror or exc}"))
            return
        real = os.path.realpath(path)
        if is_dir and linked:
            self.links.append((path, real))
        elif is_dir:
            self._folder(path, real)
        elif is_file:
            self._file(path, real, linked)
        else:
            self.skipped.append(LoadError(str(path), "not a regular file (a device, socket or pipe)"))

    def _follow(self, link: Path, real: str) -> None:
        """A linked folder: read once, unless it holds the link itself (a loop)."""
        here = os.path.realpath(link.parent)
        if os.path.commonpath([real, here]) == real:
            self.errors.append(LoadError(str(link), f"link loop → {os.readlink(link)} (a folder that holds the link)"))
        else:
            self._folder(link, real, linked=True)

    def _folder(self, path: Path, real: str, linked: bool = False) -> None:
        """Walk a folder unless it is the cache or was read already (by another way)."""
        if real in self.exclude:
            return
        if real in self.folders:
            way = "link to a folder" if linked else "folder"
            self.skipped.append(LoadError(str(path), f"{way} already read as {self.folders[real]}"))
            return
        self.folders[real] = path
        self._walk(path)

    def _file(self, path: Path, real: str, linked: bool) -> None:
        name = path.name.lower()
        if name in FOLDER_NOTES or name == FILE_NAME:  # a sources.csv is the register beside its files
            return
        if path.suffix.lower() not in SUPPORTED_EXTENSIONS:
            kind = path.suffix or "(none)"
            self.skipped.append(LoadError(str(path), f"unsupported file type '{kind}' (not read)"))
            return
        self.candidates.append((linked, path, real))

    def documents(self) -> list[Path]:
        """The document files, each real file once (by its own path rather than a link's)."""
        kept: dict[str, Path] = {}
        for _linked, path, real in sorted(self.candidates):
            if real in kept:
                self.skipped.append(LoadError(str(path), f"the same file as {kept[real]} (read once)"))
            else:
                kept[real] = path
        return sorted(kept.values())


def _broken_link(path: Path) -> str | None:
    """Why a link cannot be followed (its target missing, or links that loop), or ``None``."""
    try:
        os.stat(path)
    except OSError as exc:
        target = os.readlink(path)
        if exc.errno == errno.ELOOP:
            return f"link loop → {target}"
        return f"broken link → {target}"
    return None


def warm_text_tables() -> None:
    """Build the Unicode tables of text normalisation and folding (``policytrack.text``,
    built lazily, seconds of work) in this process, before a pool forks: each worker then
    inherits them instead of building its own."""
    from . import text

    text._segment_re()
    text._attach_table()


def _provisions_and_store(item: tuple[Document, str], cache: Cache):
    """Worker: one document's provisions table, stored in the cache under its key."""
    doc, key = item
    table = frames.provisions_table(doc)
    cache.put_table("doc-provisions", key, table)
    return table


def _parse_and_store(item: tuple[str, str], sources: SourceRegister, cache: Cache):
    """Worker: parse one file and store its documents in the cache under its digest."""
    path, digest = item
    result = _parse_file(path, sources)
    if result[2] is None:
        cache.put("docs", digest, result[1])
    return result


def _parse_store_heads(item: tuple[str, str], sources: SourceRegister, cache: Cache):
    """Worker (``lazy=True``): ``_parse_and_store``, sending back only the documents' heads
    (stored too, so that a warm lazy load reads the heads alone)."""
    path, docs, reason = _parse_and_store(item, sources, cache)
    if docs is None:
        return path, None, reason
    heads = [DocumentHead.of(d, item[1], i) for i, d in enumerate(docs)]
    cache.put("doc-heads", item[1], heads)
    return path, heads, reason


def _parse_file(path: str, sources: SourceRegister) -> tuple[str, list[Document] | None, str | None]:
    """Worker: parse one file; an error comes back as a reason, never as an exception."""
    try:
        return path, parse(path, sources), None
    except PolicytrackError as exc:
        return path, None, getattr(exc, "reason", str(exc))
    except Exception as exc:  # a parser bug must not take the corpus down; it is reported
        return path, None, f"unexpected {type(exc).__name__}: {exc}"


def document_digest(doc_id: str, text_digest: str, start: int, end: int, notes: str) -> str:
    """What a per-document stage is keyed on (``Corpus.document_digests``): the document's
    id, the digest of its text, its offsets in its file and its file's notes (``repr``)."""
    return hashlib.sha256(f"{doc_id}\0{text_digest}\0{start}\0{end}\0{notes}".encode()).hexdigest()


def _text_digest(doc: Document) -> str:
    return hashlib.sha1(doc.text.encode()).hexdigest()


@dataclass(frozen=True)
class DocumentHead:
    """What a corpus that leaves its documents on disk (``Corpus.load(lazy=True)``) keeps of
    each: enough to find it by id, number or title, and to key what is computed from it."""

    id: str
    meta: DocumentMeta
    path: str
    entry: str  #: the cache entry (``"docs"``) holding the documents of its file
    index: int  #: its place among them
    size: int  #: bytes of its text, UTF-8
    text_digest: str
    start: int
    end: int
    notes: str  #: ``repr`` of its file's notes

    @classmethod
    def of(cls, doc: Document, entry: str, index: int) -> DocumentHead:
        text = doc.text
        return cls(doc.id, doc.meta, doc.source.path, entry, index, len(text.encode("utf-8")),
                   hashlib.sha1(text.encode()).hexdigest(), doc.start, doc.end, repr(doc.source.notes))

    @property
    def digest(self) -> str:
        return document_digest(self.id, self.text_digest, self.start, self.end, self.notes)


class StoredDocuments(Sequence):
    """The documents of a corpus loaded with ``lazy=True``: a sequence that reads each
    document back from the cache when asked for, keeping the last ``keep`` files' documents
    in memory, so that going through all of them holds only a few at a time. A document
    read twice may be two objects (compare ids, not identity)."""

    def __init__(self, heads: list[DocumentHead], cache: Cache, keep: int = 8):
        self.heads, self.cache, self.keep = heads, cache, keep
        self._files: OrderedDict[str, list[Document]] = OrderedDict()

    def __len__(self) -> int:
        return len(self.heads)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        head = self.heads[i]
        doc = self._file(head)[head.index]
        doc.source.path = head.path
        if doc.id != head.id:  # a second document with one id, renamed when the corpus was loaded
            _rename(doc, head.id)
        return doc

    def _file(self, head: DocumentHead) -> list[Document]:
        docs = self._files.get(head.entry)
        if docs is not None:
            self._files.move_to_end(head.entry)
            return docs
        docs = self.cache.get("docs", head.entry)
        if docs is None:
            raise PolicytrackError(f"{head.path}: its documents are no longer in the cache "
                                   f"({self.cache.folder}); load the folder again")
        self._files[head.entry] = docs
        while len(self._files) > self.keep:
            self._files.popitem(last=False)
        return docs


class Corpus:
    """Documents with unique ids, the register of reference documents they are resolved
    against (``sources``), and a cache for what is computed from them.

    ``documents`` may hold two documents with one id (two files of one law): the later is
    renamed ``<id>~2``, with a warning. ``folder``, ``files``, ``errors`` (what could not be
    loaded, and why) and ``skipped`` (what was deliberately not read, and why: files of an
    unsupported type, second links to what was read) describe where the documents came
    from (``Corpus.load`` fills them; see ``scan_folder``).
    """

    def __init__(self, documents: Iterable[Document] = (), sources: SourceRegister | None = None, *,
                 cache: Cache | None = None, folder: str | os.PathLike | None = None,
                 files: Iterable[Path] = (), errors: Iterable[LoadError] = (),
                 skipped: Iterable[LoadError] = ()):
        if isinstance(documents, (str, os.PathLike)):
            raise TypeError(f"Corpus() takes documents; to read the folder {documents!s} use Corpus.load(folder)")
        self.sources = sources if sources is not None else SourceRegister([])
        self.cache = cache if cache is not None else Cache(None)
        self.folder = Path(folder) if folder is not None else None
        self.files = list(files)
        self.errors = list(errors)
        self.skipped = list(skipped)
        self.cache_hits = 0
        self.docs: Sequence[Document]
        if isinstance(documents, StoredDocuments):  # ids made unique when the heads were made
            self.docs, self._heads = documents, documents.heads
        else:
            self.docs = []
            used: set[str] = set()
            renamed: dict[str, int] = {}  # id -> the last ~N given, so that N copies cost N steps
            for doc in documents:
                if doc.id in used:
                    new_id = _unique(doc.id, used, renamed)
                    log.warning("%s: document id %s already used; renamed %s", doc.source.path, doc.id, new_id)
                    _rename(doc, new_id)
                used.add(doc.id)
                self.docs.append(doc)
            self._heads = self.docs
        self._by_id = {d.id: i for i, d in enumerate(self._heads)}
        self._by_number: dict[str, Document] | None = None
        self._by_title: dict[str, list[Document]] | None = None
        self._drafts: dict[str | None, list[Document]] | None = None
        self._derived: dict[str, tuple[str, Any]] = {}
        self._content_digest: str | None = None
        self._texts: list[str] | None = None
        self._doc_digests: list[str] | None = None

    # --- loading a folder -----------------------------------------------------------------
    @classmethod
    def load(cls, folder: str | os.PathLike, *, cache_dir: str | os.PathLike | None | bool = None,
             workers: int | None = None, progress: bool | None = None,
             sources: str | os.PathLike | SourceRegister | None = None, lazy: bool = False) -> Corpus:
        """Every supported file under ``folder`` (recursively), parsed.

        ``cache_dir``: ``None`` for the default (``policytrack.cache.default_dir``), ``False``
        to disable. ``workers``: default all cores. ``progress``: ``None`` shows a bar when
        more than 20 files are to be parsed (works in notebooks). ``sources``: the register
        of reference documents (a path or a ``SourceRegister``; default the folder's
        ``sources.csv``, else none). ``lazy``: keep only each document's head in memory and
        read the document back from the cache when asked for (``StoredDocuments``), for a
        corpus too large to hold; every table and view gives the same rows.
        """
        loader = _FolderLoader.of(folder, cache_dir, workers, sources)
        if lazy and not loader.cache:
            raise PolicytrackError("lazy=True reads the documents back from the cache: give a cache_dir, not False")
        docs = StoredDocuments(loader.heads(progress), loader.cache) if lazy else loader.run(progress)
        corpus = cls(docs, loader.sources, cache=loader.cache, folder=loader.folder, files=loader.files,
                     errors=loader.errors, skipped=loader.skipped)
        corpus.cache_hits = loader.cache_hits
        return corpus

    @classmethod
    def iter_folder(cls, folder: str | os.PathLike, *, cache_dir: str | os.PathLike | None | bool = None,
                    workers: int | None = None, progress: bool | None = None,
                    sources: str | os.PathLike | SourceRegister | None = None, window: int = 64) -> FolderStream:
        """The documents of ``folder`` one at a time, in the order ``Corpus.load`` gives
        them, without holding them all: ``window`` files at a time (cached ones read back,
        the others parsed on all cores and cached, as ``load`` does). Options as for
        ``load``. A second document with one id is renamed ``<id>~2`` as ``Corpus`` does
        (the stream keeps the ids it gave, nothing else). The stream's ``errors`` and
        ``skipped`` fill in as it goes.

        >>> for doc in Corpus.iter_folder("corpus"):            # doctest: +SKIP
        ...     print(doc.id, len(doc.provisions))
        """
        loader = _FolderLoader.of(folder, cache_dir, workers, sources)
        return FolderStream(loader, progress, max(1, window))

    # --- access ----------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.docs)

    def __iter__(self):
        return iter(self.docs)

    def __getitem__(self, doc_id: str) -> Document:
        return self.docs[self._by_id[doc_id]]

    @property
    def lazy(self) -> bool:
        """Whether the documents stay on disk until asked for (``load(lazy=True)``)."""
        return isinstance(self.docs, StoredDocuments)

    def sizes(self) -> list[int]:
        """Bytes of each document's text (UTF-8), in corpus order."""
        if self.lazy:
            return [h.size for h in self._heads]
        return [len(d.text.encode("utf-8")) for d in self.docs]

    def paths(self) -> list[str]:
        """The file of each document, in corpus order."""
        return [h.path for h in self._heads] if self.lazy else [d.source.path for d in self.docs]

    def heads(self) -> Sequence:
        """What the corpus holds of each document without reading it: the documents
        themselves, or their ``DocumentHead`` for a lazy corpus (``id``, ``meta``)."""
        return self._heads

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._by_id

    def provision(self, provision_id: str) -> Provision:
        """The provision with this id, from whichever document holds it."""
        return self[provision_id.split(":", 1)[0]][provision_id]

    def by_number(self, number: str) -> Document | None:
        """The first document (in corpus order) whose id or printed number is ``number`` in
        any spelling (``08/2022/ND-CP`` finds ``08/2022/NĐ-CP`` and its drafts' base id)."""
        if self._by_number is None:
            index: dict[str, int] = {}
            for i, doc in enumerate(self._heads):
                for n in (doc.id, doc.id.split("@")[0], doc.meta.number):
                    if n:
                        index.setdefault(number_key(n), i)
            self._by_number = index
        found = self._by_number.get(number_key(number))
        return self.docs[found] if found is not None else None

    def by_title(self, doc_type: str | None, name: str | None) -> Document | None:
        """The one enacted document (not a draft) whose type and title are ``doc_type
        name`` (``Luật`` + ``Đất đai`` finds the law titled ``ĐẤT ĐAI``, or the consolidated
        text titled ``LUẬT ĐẤT ĐAI``); ``None`` when none or several are (never guessed)."""
        if not name:
            return None
        if self._by_title is None:
            index: dict[str, list[int]] = {}
            for i, doc in enumerate(self._heads):
                if doc.meta.is_draft or not doc.meta.title:
                    continue
                title = " ".join(match_key(doc.meta.title).split())
                for key in {title, " ".join(match_key(f"{doc.meta.doc_type or ''} {doc.meta.title}").split())}:
                    index.setdefault(key, []).append(i)
            self._by_title = index
        hits = self._by_title.get(" ".join(match_key(f"{doc_type or ''} {name}").split()), [])
        return self.docs[hits[0]] if len(hits) == 1 else None

    def drafts(self, draft_number: str | None) -> list[Document]:
        """The drafts numbered ``draft_number`` (``Dự thảo 2``)."""
        if self._drafts is None:
            index: dict[str | None, list[int]] = {}
            for i, d in enumerate(self._heads):
                if d.meta.is_draft:
                    index.setdefault(d.meta.draft_number, []).append(i)
            self._drafts = index
        return [self.docs[i] for i in self._drafts.get(draft_number, [])]

    def derived(self, kind: str, parts: Iterable[str | bytes], build: Callable[[], Any]) -> Any:
        """A value computed from this corpus, built once: kept in memory for this object and
        in the cache on disk under a key of ``parts`` (which must name everything the value
        depends on besides the code)."""
        return self._remembered(kind, parts, build, self.cache.get, self.cache.put)

    def derived_table(self, kind: str, parts: Iterable[str | bytes], build: Callable[[], Any],
                      columns: list[str] | None = None) -> Any:
        """``derived`` for a ``pyarrow.Table``, kept in the cache as Parquet (read back as
        columns, never unpickled). ``columns``: only these are wanted; a warm cache then
        reads only them (and the partial table is not remembered as the whole)."""
        parts = list(parts)
        if columns is not None:
            known = self._derived.get(kind)
            key = self.cache.key(kind, *parts)
            if known is None or known[0] != key:
                part = self.cache.get_table(kind, key, columns, select=True)
                if part is not None:
                    return part
        whole = self._remembered(kind, parts, build, self.cache.get_table, self.cache.put_table)
        return whole if columns is None else whole.select(columns)

    def _remembered(self, kind: str, parts: Iterable[str | bytes], build: Callable[[], Any],
                    get: Callable[[str, str], Any], put: Callable[[str, str, Any], Any]) -> Any:
        key = self.cache.key(kind, *parts)
        known = self._derived.get(kind)
        if known is not None and known[0] == key:
            return known[1]
        value = get(kind, key)
        if value is None:
            value = build()
            put(kind, key, value)
        self._derived[kind] = (key, value)
        return value

    def derived_tables(self, kind: str, names: Iterable[str], parts: Iterable[str | bytes],
                       build: Callable[[], dict]) -> dict:
        """``derived_table`` for a value made of several ``pyarrow.Table`` (``build`` returns
        ``{name: table}`` for each of ``names``), each kept as Parquet under ``kind-name``;
        one missing or refused entry rebuilds them all."""
        names = list(names)
        key = self.cache.key(kind, *parts)
        known = self._derived.get(kind)
        if known is not None and known[0] == key:
            return known[1]
        value = {name: self.cache.get_table(f"{kind}-{name}", key) for name in names}
        if any(table is None for table in value.values()):
            value = build()
            for name in names:
                self.cache.put_table(f"{kind}-{name}", key, value[name])
        self._derived[kind] = (key, value)
        return value

    def _text_digests(self) -> list[str]:
        if self._texts is None:
            self._texts = ([h.text_digest for h in self._heads] if self.lazy
                           else [_text_digest(d) for d in self.docs])
        return self._texts

    def content_digest(self) -> str:
        """A digest of the documents' ids and texts (what derived values are keyed on),
        computed once: a corpus's documents are not changed after it is built."""
        if self._content_digest is None:
            self._content_digest = hashlib.sha256("\0".join(sorted(
                f"{d.id}:{h}" for d, h in zip(self._heads, self._text_digests()))).encode()).hexdigest()
        return self._content_digest

    def document_digests(self) -> list[str]:
        """One digest per document (in corpus order) of what a per-document stage reads of
        it: its id, text, offsets in its file and the file's notes. Per-document cache
        entries (``references``) are keyed on it, so a changed file invalidates only its own."""
        if self._doc_digests is None:
            self._doc_digests = ([h.digest for h in self._heads] if self.lazy else [
                document_digest(d.id, h, d.start, d.end, repr(d.source.notes))
                for d, h in zip(self.docs, self._text_digests())])
        return list(self._doc_digests)

    # --- tables ----------------------------------------------------------------------------
    def documents(self):
        """One row per document: id, file, type, number, title, issuer, date, counts."""
        return frames.documents_frame(self.docs)

    def provisions(self, *, workers: int | None = None, progress: bool | None = None):
        """One row per provision of every document (see ``frames.provisions_frame``; the same
        rows and dtypes), read from ``provision_table()``: the strings stay in Arrow memory."""
        return frames.provisions_table_frame(self.provision_table(workers=workers, progress=progress))

    def provision_table(self, *, workers: int | None = None, progress: bool | None = None):
        """The provisions as a ``pyarrow.Table`` (``frames.provisions_table`` of each
        document, concatenated): built per document on all cores, each document's table
        cached as Parquet under that document alone (a changed file rebuilds only its own),
        the whole table cached too, so a warm run reads one file of columns."""
        keys = [self.cache.key("doc-provisions", PROVISIONS_VERSION, d) for d in self.document_digests()]

        def build():
            import pyarrow as pa

            names = frames.PROVISION_COLUMNS
            tables: list = [self.cache.get_table("doc-provisions", key, names) for key in keys]
            missing = [i for i, t in enumerate(tables) if t is None]
            if missing:
                work = partial(_provisions_and_store, cache=self.cache)
                every = self.sizes()
                sizes = [every[i] for i in missing]
                found = _pool.run(work, _pool.Pairs(self.docs, missing, keys), workers=workers,
                                  progress=progress, desc="provisions", sizes=sizes)
                for i, table in zip(missing, found):
                    tables[i] = table
            if not tables:
                return frames.provisions_table_schema().empty_table()
            return pa.concat_tables([t.select(names).cast(frames.provisions_table_schema()) for t in tables])

        return self.derived_table("provisions-table", [PROVISIONS_VERSION, *keys], build)

    def errors_frame(self):
        import pandas as pd

        return pd.DataFrame([e.__dict__ for e in self.errors], columns=["path", "reason"])

    def search(self, query: str, kind: str | None = None, innermost: bool = True):
        """Provisions whose own text (``provisions()["text"]``: heading and lead-in, a leaf's
        whole text) contains ``query``, matched on normalised, case-folded text with both
        tone-mark placements (``thủy`` finds ``thuỷ``). That is the innermost unit holding
        the words (the clause, not also its article and chapter); ``innermost=False`` adds
        every unit that holds a match (the article and chapter of the clause)."""
        needle = match_key(query)
        frame = self.provisions()
        if frame.empty:
            return frame
        hit = frame["text"].map(match_key).str.contains(needle, regex=False)
        if not innermost:
            parents = dict(zip(frame["id"], frame["parent"]))
            holding = set(frame.loc[hit, "id"])
            for pid in list(holding):
                while (pid := parents.get(pid)) is not None and pid not in holding:
                    holding.add(pid)
            hit = frame["id"].isin(holding)
        hits = frame[hit]
        return hits[hits["kind"] == kind] if kind else hits

    # --- views computed by other stages (see docs/ARCHITECTURE.md) -------------------------
    def references(self, *, workers: int | None = None, progress: bool | None = None):
        """One row per cited unit of every document, resolved against this corpus (see
        ``policytrack.citations``): ``reference_table()`` as a DataFrame."""
        from .citations.table import frame

        return frame(self.reference_table(workers=workers, progress=progress))

    def reference_table(self, *, workers: int | None = None, progress: bool | None = None,
                        columns: list[str] | None = None):
        """The references as a ``pyarrow.Table`` (columns, not one object per citation): the
        columns of ``references()``, plus what resolution reads (``path``, ``doc_*``) and
        ``target`` (false for a citation naming no unit). Found per document on all cores
        (``workers``, default all; ``progress``: a bar, by default from 20 documents) and
        cached per document and for the whole corpus (``citations.table.corpus_table``).
        ``columns``: only these (read alone from a warm cache)."""
        from .citations.table import corpus_table

        warm_text_tables()
        return corpus_table(self, workers=workers, progress=progress, columns=columns)

    def citation_graph(self):
        """The citation graph of the corpus (``networkx.MultiDiGraph``)."""
        from .citations import citation_graph
        from .citations.graph import TABLE_COLUMNS

        return citation_graph(self, self.reference_table(columns=list(TABLE_COLUMNS)))

    def amendments(self):
        """One row per footnote event of every consolidated text, each source provision
        resolved against this corpus where it holds the amending document
        (``policytrack.amendments``)."""
        from .amendments import corpus_amendments

        return corpus_amendments(self)

    def relations(self):
        """One row per relation a document of the corpus states to another (căn cứ, sửa đổi,
        bổ sung, thay thế, bãi bỏ, hợp nhất…), with the words that state it and the related
        document resolved in this corpus (``policytrack.relations``)."""
        from .relations import corpus_relations, relations_frame

        return relations_frame(self._relations(corpus_relations))

    def _relations(self, build):
        return self.derived("relations", [self.content_digest(), getattr(self.sources, "digest", "")], lambda: build(self))

    def validity(self, doc_id: str, date: str):
        """The validity of a document on ``date`` (``YYYY-MM-DD``) in the national database's
        vocabulary, derived from the relations the corpus states and from ``sources.csv``,
        with the evidence (``policytrack.relations.Validity``; ``.frame()`` for a table)."""
        from .relations import corpus_relations, validity

        return validity(self, doc_id, date, self._relations(corpus_relations))

    def tags(self, threshold: float | None = None, *, workers: int | None = None, progress: bool | None = None):
        """Topic tags of every provision (``policytrack.tagging.tag``; ``threshold`` only
        matters to a learned model, which the default tagger no longer has):
        ``tag_table()`` as a DataFrame."""
        from .tagging import combine

        return combine.tags_frame(self.tag_table(workers=workers, progress=progress))

    def tag_table(self, *, workers: int | None = None, progress: bool | None = None):
        """The tags as a ``pyarrow.Table`` (the columns of ``tags()``, ``evidence`` a list of
        ``{start, end}`` per row). Tagged per document on all cores (``workers``, default
        all; ``progress``: a bar, by default from 20 documents), each document's table
        cached as Parquet under its id, text, offsets and the taxonomy (a changed file
        re-tags only its own documents), the whole table cached too: a warm run reads one
        file of columns."""
        from .tagging import TAXONOMY_PATH, combine
        from .vocab import digest

        taxonomy = digest(TAXONOMY_PATH)[:12]  # what Taxonomy.digest is, without parsing the file
        keys = combine.document_keys(self._heads, self.cache, taxonomy, self.document_digests())
        return self.derived_table("tags-table", [combine.TAG_TABLE_VERSION, taxonomy, *keys], lambda: combine.tag_table(
            self.docs, cache=self.cache, workers=workers, progress=progress, keys=keys, sizes=self.sizes()))


class _FolderLoader:
    """Reads a folder: cached documents where the files are unchanged, parsing the rest."""

    @classmethod
    def of(cls, folder, cache_dir, workers, sources) -> _FolderLoader:
        """The loader ``Corpus.load`` and ``Corpus.iter_folder`` use, from their options."""
        folder = Path(folder)
        if not folder.is_dir():
            raise PolicytrackError(f"{folder}: not a folder")
        cache = Cache(None if cache_dir is False else (cache_dir or default_dir()))
        return cls(folder, _sources(folder, sources), cache, workers or _pool.workers_default())

    def __init__(self, folder: Path, sources: SourceRegister, cache: Cache, workers: int):
        self.folder, self.sources, self.cache, self.workers = folder, sources, cache, workers
        contents = scan_folder(folder, exclude=[cache.folder] if cache.folder else [])
        self.files = contents.files
        self.errors: list[LoadError] = []
        for err in contents.errors:
            self.error(Path(err.path), err.reason)
        self.skipped = contents.skipped
        for item in self.skipped:
            log.info("%s: %s (skipped)", item.path, item.reason)
        self.cache_hits = 0
        self.salt = cache.key("parse", CACHE_VERSION, sources.digest)

    def _digest(self, path: Path) -> str:
        h = hashlib.sha256()
        h.update(f"{self.salt}\0".encode())
        h.update(path.name.encode())
        h.update(path.read_bytes())
        return h.hexdigest()

    def _cached(self, results: dict[str, list[Document]], todo: list[tuple[Path, str]]) -> None:
        """Fill ``results`` from the cache; list the files to parse in ``todo``. A file whose
        size and time are as at the last load is not even re-read (as git does)."""
        index = self.cache.read_json("index.json") or {}
        fresh: dict = {}
        for path in self.files:
            found = self._lookup(path, index, fresh)
            if found is None:
                continue
            digest, cached = found
            if cached is not None:
                results[str(path)] = cached
            else:
                todo.append((path, digest))
        if fresh != index:
            self.cache.write_json("index.json", fresh)

    def _file_digest(self, path: Path, index: dict, fresh: dict) -> str | None:
        """The digest of one file, its index row put in ``fresh`` (a file whose size and time
        are as in ``index`` is not re-read); ``None`` when it cannot be read (in ``errors``)."""
        key = str(path.resolve())
        try:
            st = path.stat()
            known = index.get(key)
            if known and known[0] == st.st_size and known[1] == st.st_mtime_ns and known[3] == self.salt:
                digest = known[2]
            else:
                digest = self._digest(path)
            fresh[key] = [st.st_size, st.st_mtime_ns, digest, self.salt]
        except OSError as exc:
            self.error(path, f"cannot read: {exc.strerror or exc}")
            return None
        return digest

    def _lookup(self, path: Path, index: dict, fresh: dict) -> tuple[str, list[Document] | None] | None:
        """``(digest, cached documents or None)`` of one file, its index row put in ``fresh``;
        ``None`` when it cannot be read (recorded in ``errors``)."""
        digest = self._file_digest(path, index, fresh)
        if digest is None:
            return None
        return digest, self._cached_docs(path, digest)

    def _cached_docs(self, path: Path, digest: str) -> list[Document] | None:
        cached = self.cache.get("docs", digest)
        if cached is not None:
            for doc in cached:
                doc.source.path = str(path)  # the same content may have moved
            self.cache_hits += 1
        return cached

    def _cached_heads(self, path: Path, index: dict, fresh: dict) -> tuple[str, list[DocumentHead] | None] | None:
        """``(digest, heads or None)`` of one file for a lazy load, as ``_lookup``: the heads
        from their own small entry while the documents' entry is there too (the documents
        are not read), else from the cached documents (and stored for the next load)."""
        digest = self._file_digest(path, index, fresh)
        if digest is None:
            return None
        heads = self.cache.get("doc-heads", digest) if self.cache.has("docs", digest) else None
        if heads is not None:
            self.cache_hits += 1
            return digest, [replace(h, path=str(path)) for h in heads]  # the content may have moved
        docs = self._cached_docs(path, digest)
        if docs is None:
            return digest, None
        heads = [DocumentHead.of(d, digest, i) for i, d in enumerate(docs)]
        self.cache.put("doc-heads", digest, heads)
        return digest, heads

    def stream(self, progress: bool | None, window: int) -> Iterator[Document]:
        """The documents file by file, in path order, ``window`` files at a time (the
        misses of each window parsed on all cores): never more than a window in memory."""
        index = self.cache.read_json("index.json") or {}
        fresh = dict(index)
        bar = _pool.Progress(progress if progress is not None else len(self.files) > PROGRESS_MIN_FILES,
                             len(self.files), "reading")
        try:
            for lo in range(0, len(self.files), window):
                chunk = self.files[lo:lo + window]
                results: dict[str, list[Document]] = {}
                todo: list[tuple[Path, str]] = []
                for path in chunk:
                    found = self._lookup(path, index, fresh)
                    if found is not None and found[1] is not None:
                        results[str(path)] = found[1]
                    elif found is not None:
                        todo.append((path, found[0]))
                for path_str, docs, reason in self._parse_all(todo, False):
                    if reason is not None:
                        self.error(Path(path_str), reason)
                    else:
                        results[path_str] = docs
                for path in chunk:
                    docs = results.pop(str(path), [])
                    bar.update(sum(len(d.text.encode("utf-8")) for d in docs))
                    yield from docs
        finally:
            bar.close()
            if fresh != index:
                self.cache.write_json("index.json", fresh)

    def run(self, progress: bool | None) -> list[Document]:
        results: dict[str, list[Document]] = {}
        todo: list[tuple[Path, str]] = []
        gc_was_enabled = gc.isenabled()
        gc.disable()  # unpickling thousands of provisions: no cycles to collect, only overhead
        try:
            self._cached(results, todo)
        finally:
            if gc_was_enabled:
                gc.enable()
        for path_str, docs, reason in self._parse_all(todo, progress):
            if reason is not None:
                self.error(Path(path_str), reason)
                continue
            results[path_str] = docs
        return [doc for path in self.files for doc in results.get(str(path), [])]

    def heads(self, progress: bool | None) -> list[DocumentHead]:
        """``run`` for a lazy corpus: every file's documents in the cache (parsed where
        missing, on all cores), only their heads kept, ids made unique as ``Corpus`` does."""
        index = self.cache.read_json("index.json") or {}
        fresh: dict = {}
        found: dict[str, list[DocumentHead]] = {}
        todo: list[tuple[Path, str]] = []
        for path in self.files:
            looked = self._cached_heads(path, index, fresh)
            if looked is None:
                continue
            digest, heads = looked
            if heads is None:
                todo.append((path, digest))
            else:
                found[str(path)] = heads
        if fresh != index:
            self.cache.write_json("index.json", fresh)
        for path_str, heads, reason in self._parse_all(todo, progress, _parse_store_heads):
            if reason is not None:
                self.error(Path(path_str), reason)
            else:
                found[path_str] = heads
        out: list[DocumentHead] = []
        used: set[str] = set()
        renamed: dict[str, int] = {}
        for head in (h for path in self.files for h in found.get(str(path), [])):
            if head.id in used:
                new_id = _unique(head.id, used, renamed)
                log.warning("%s: document id %s already used; renamed %s", head.path, head.id, new_id)
                head = replace(head, id=new_id)
            used.add(head.id)
            out.append(head)
        return out

    def _parse_all(self, todo: list[tuple[Path, str]], progress: bool | None, worker=None):
        """Parse the files (on all cores, ``_pool``); each worker stores its file's entry
        in the cache itself, so that the writes (each flushed to disk) run in parallel too."""
        sizes = []
        for path, _ in todo:
            try:
                sizes.append(path.stat().st_size)
            except OSError:
                sizes.append(0)
        if len(todo) >= _pool.PARALLEL_MIN and self.workers > 1:
            warm_text_tables()
        work = partial(worker or _parse_and_store, sources=self.sources, cache=self.cache)
        yield from _pool.run(work, [(str(p), d) for p, d in todo], workers=self.workers, progress=progress,
                             desc="parsing", sizes=sizes)

    def error(self, path: Path, reason: str) -> None:
        log.warning("%s: %s (skipped)", path, reason)
        self.errors.append(LoadError(str(path), reason))


def _sources(folder: Path, sources) -> SourceRegister:
    """The sources register given (a path or a register), else the folder's ``sources.csv``."""
    if sources is not None and not isinstance(sources, SourceRegister):
        if not Path(sources).is_file():
            raise PolicytrackError(f"{sources}: the sources register given does not exist")
        return SourceRegister.load(sources)
    return sources if sources is not None else SourceRegister.load(folder / FILE_NAME)


class FolderStream:
    """``Corpus.iter_folder``: an iterable of a folder's documents, with the folder's
    ``files``, and the ``errors`` and ``skipped`` found so far."""

    def __init__(self, loader: _FolderLoader, progress: bool | None, window: int):
        self._loader, self._progress, self._window = loader, progress, window
        self.files = loader.files
        self.errors = loader.errors
        self.skipped = loader.skipped

    def __iter__(self) -> Iterator[Document]:
        used: set[str] = set()  # ids only: a second document with one id is renamed as Corpus does
        renamed: dict[str, int] = {}
        for doc in self._loader.stream(self._progress, self._window):
            if doc.id in used:
                new_id = _unique(doc.id, used, renamed)
                log.warning("%s: document id %s already used; renamed %s", doc.source.path, doc.id, new_id)
                _rename(doc, new_id)
            used.add(doc.id)
            yield doc


def _unique(doc_id: str, used: set[str], renamed: dict[str, int]) -> str:
    k = renamed.get(doc_id, 1) + 1
    while f"{doc_id}~{k}" in used:
        k += 1
    renamed[doc_id] = k
    return f"{doc_id}~{k}"


def _rename(doc: Document, new_id: str) -> None:
    old = doc.id
    doc.id = new_id
    doc.__dict__.pop("_by_id", None)
    for p in doc.root.walk():
        p.id = new_id + p.id[len(old):]
        if p.parent is not None:
            p.parent = new_id + p.parent[len(old):]
