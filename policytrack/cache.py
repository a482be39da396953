"""Results kept on disk between runs: keyed by content, signed against tampering.

A cache entry's key hashes everything that affects the result: the package's own code and
data files (``code_digest()``), and whatever the caller adds (a file's bytes, the sources
register, a threshold). Editing any of them gives a new key, so a stale entry is never
served; nothing depends on file paths or row counts.

Entries are pickles, because a parsed corpus must load fast. Unpickling runs code, so
every entry is signed with HMAC-SHA256 under a secret that only this user can read
(``.key`` in the cache folder, mode 0600, owned by the user); an entry whose signature does
not verify, such as a file another user placed in a shared folder, is never unpickled and
counts as a miss. The signature covers the kind and key the entry is stored under, so an
entry copied under another name is refused too. A key file that is not the user's own, or
that others can read, disables the cache with a warning rather than trusting it.

Tables (``put_table``/``get_table``: the references of each document and of the corpus)
are Parquet, sealed and signed the same way, and read as columns by pyarrow, never unpickled.

Every read checks what it gets: an entry must hold what its kind holds (``EXPECTED``: a list
of ``Document`` for ``docs``…), and the JSON side files (the file index) are signed and
checked the same way (``EXPECTED_JSON``). Anything else (truncated, altered, of another
entry, of the wrong type, malformed) is a miss with a warning naming the file, never an
error: the caller computes the value again and the next ``put`` replaces the file.

>>> cache = Cache(None)                 # a disabled cache: every get misses
>>> cache.get("parse", "abc") is None
True
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import pickle
import re
import secrets
import stat
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Protocol

from ._files import atomic_save, atomic_write

__all__ = ["EXPECTED", "EXPECTED_JSON", "Cache", "Check", "Expect", "ExpectIndex", "code_digest", "default_dir"]

log = logging.getLogger(__name__)
_MAGIC = b"PTC2"  # PTC1 entries (no label) are refused as from an older version
_HEAD = 38  # magic, signature, label length
_JSON_MAGIC = b"PTJ1"
_TABLE_MAGIC = b"PTT1"  # a signed Parquet table (``put_table``)
_HEX = re.compile(r"[0-9a-f]{64}")
_KEY_FILE = ".key"


def default_dir() -> Path:
    """``$POLICYTRACK_CACHE``, else ``$XDG_CACHE_HOME/policytrack``, else ``~/.cache/policytrack``."""
    if os.environ.get("POLICYTRACK_CACHE"):
        return Path(os.environ["POLICYTRACK_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "policytrack"


@lru_cache(maxsize=1)
def code_digest() -> str:
    """SHA-256 over the package's Python files and data files: any change to the code or to
    a vocabulary invalidates every cached result."""
    root = Path(__file__).parent
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".py", ".yaml", ".csv", ".html")):
        h.update(str(path.relative_to(root)).encode())
        h.update(b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()




class Cache:
    """A folder of signed cache entries, or nothing (``Cache(None)``: every ``get`` misses,
    ``put`` does nothing)."""

    def __init__(self, folder: str | os.PathLike | None):
        self.folder = Path(folder) if folder is not None else None
        self._secret: bytes | None = None

    def __bool__(self) -> bool:
        return self.folder is not None

    def key(self, *parts: str | bytes) -> str:
        """A hex digest of the code digest and ``parts`` (texts or bytes)."""
        h = hashlib.sha256(code_digest().encode())
        for part in parts:
            h.update(b"\0")
            h.update(part if isinstance(part, bytes) else str(part).encode("utf-8"))
        return h.hexdigest()

    # --- the secret ------------------------------------------------------------------------
    def _key(self) -> bytes | None:
        if self._secret is not None:
            return self._secret or None
        self._secret = b""
        path = self.folder / _KEY_FILE
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass
            else:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(secrets.token_bytes(32))
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            with os.fdopen(fd, "rb") as fh:
                st = os.fstat(fh.fileno())
                if hasattr(os, "getuid") and st.st_uid != os.getuid():
                    log.warning("cache disabled: %s belongs to another user", path)
                    return None
                if st.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
                    log.warning("cache disabled: %s can be read or written by others (chmod 600 it)", path)
                    return None
                secret = fh.read()
        except OSError as exc:
            log.warning("cache disabled: cannot use %s: %s", path, exc)
            return None
        if len(secret) < 32:
            log.warning("cache disabled: %s is not a cache key", path)
            return None
        self._secret = secret
        return secret

    def _path(self, kind: str, key: str) -> Path:
        return self.folder / f"{kind}-{key}.pkl"

    def _read(self, path: Path) -> bytes | None:
        """The bytes of a cache file; ``None`` when absent (quietly) or unreadable (with a warning)."""
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.warning("ignoring cache file %s: cannot be read (%s)", path, exc.strerror or exc)
            return None

    # --- entries ---------------------------------------------------------------------------
    def get(self, kind: str, key: str, expect: Check | None = None) -> Any | None:
        """The value stored under ``kind``/``key``, or ``None``: absent, unreadable, truncated,
        not signed with this user's key (never unpickled), signed for another entry, or not
        what ``expect`` (default: ``EXPECTED[kind]``) accepts. Each but the first is a warning
        naming the file; none is an error."""
        if self.folder is None:
            return None
        path = self._path(kind, key)
        blob = self._read(path)
        secret = self._key() if blob is not None else None
        if blob is None or secret is None:
            return None
        payload, why = _unseal(secret, blob, _label(kind, key))
        if why:
            log.warning("ignoring cache entry %s: %s", path, why)
            return None
        try:
            value = pickle.loads(payload)
        except Exception as exc:  # noqa: BLE001 - a signed but unloadable entry (old classes) is a miss
            log.warning("ignoring unreadable cache entry %s: %s", path, exc)
            return None
        check = expect or EXPECTED.get(kind)
        if check is not None and not check.accepts(value):
            log.warning("ignoring cache entry %s: holds %s, where %s belongs", path, _describe(value), check)
            return None
        return value

    def has(self, kind: str, key: str) -> bool:
        """Whether an entry is stored under ``kind``/``key`` (not whether it will be accepted:
        ``get`` checks that)."""
        return self.folder is not None and self._path(kind, key).is_file()

    def put(self, kind: str, key: str, value: Any) -> None:
        """Store ``value`` (atomically; a failure to write is a warning, never an error)."""
        secret = self._key() if self.folder is not None else None
        if secret is None:
            return
        path = self._path(kind, key)
        try:
            payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # noqa: BLE001 - what cannot be pickled is simply not cached
            log.warning("cannot write cache entry %s: %s cannot be pickled (%s)", path, _describe(value), exc)
            return
        try:
            atomic_write(path, _seal(secret, _label(kind, key), payload))
        except OSError as exc:
            log.warning("cannot write cache entry %s: %s", path, exc)

    # --- tables (Parquet: read as columns, never unpickled) ----------------------------------
    def _table_path(self, kind: str, key: str) -> Path:
        return self.folder / f"{kind}-{key}.parquet"

    def has_table(self, kind: str, key: str) -> bool:
        """Whether a table is stored under ``kind``/``key`` (not whether it will be accepted:
        ``get_table`` checks that)."""
        return self.folder is not None and self._table_path(kind, key).is_file()

    def get_table(self, kind: str, key: str, columns: list[str] | None = None, *, select: bool = False):
        """The ``pyarrow.Table`` stored under ``kind``/``key`` by ``put_table``, or ``None``:
        absent, unreadable, not signed with this user's key for this entry (the Parquet is
        then never read), not Parquet, or without the ``columns`` named. Each but the first
        is a warning naming the file; none is an error. ``select``: read only ``columns``
        (a stage that needs a few columns of a large table)."""
        if self.folder is None:
            return None
        path = self._table_path(kind, key)
        blob = self._read(path)
        secret = self._key() if blob is not None else None
        if blob is None or secret is None:
            return None
        payload, why = _unseal(secret, blob, _label(kind, key), _TABLE_MAGIC)
        if not why:
            try:
                import pyarrow as pa
                import pyarrow.parquet as pq

                table = _read_parquet(payload, list(columns) if select and columns else None)
                del payload, blob
            except Exception as exc:  # noqa: BLE001 - a signed but unreadable table is a miss
                why = f"not a Parquet table ({exc})"
            else:
                missing = [c for c in columns or () if c not in table.column_names]
                if missing:
                    why = f"lacks the columns {', '.join(missing)}"
        if why:
            log.warning("ignoring cache entry %s: %s", path, why)
            return None
        return table

    def put_table(self, kind: str, key: str, table) -> None:
        """Store a ``pyarrow.Table`` as Parquet, signed (atomically; a failure is a warning)."""
        secret = self._key() if self.folder is not None else None
        if secret is None:
            return
        path = self._table_path(kind, key)
        try:
            atomic_save(path, partial(_write_sealed_parquet, table, secret, _label(kind, key)))
        except Exception as exc:  # noqa: BLE001 - what cannot be written is simply not cached
            log.warning("cannot write cache entry %s: %s", path, exc)

    # --- plain JSON (never executed, still signed: it says which entry belongs to which file) ---
    def read_json(self, name: str, expect: Check | None = None) -> Any | None:
        """The JSON value written by ``write_json(name, …)``, or ``None``: absent, unreadable,
        not signed with this user's key (altered, or from an older version), not JSON, or not
        what ``expect`` (default: ``EXPECTED_JSON[name]``) accepts. A caller that gets
        ``None`` rebuilds the file; each case but the first is a warning naming it."""
        if self.folder is None:
            return None
        path = self.folder / name
        blob = self._read(path)
        secret = self._key() if blob is not None else None
        if blob is None or secret is None:
            return None
        body, why = _unseal_json(secret, blob, name)
        try:
            value = json.loads(body) if not why else None
        except ValueError as exc:
            why = f"not JSON ({exc})"
        check = expect or EXPECTED_JSON.get(name)
        if not why and check is not None and not check.accepts(value):
            why = f"holds {_describe(value)}, where {check} belongs"
        if why:
            log.warning("ignoring cache file %s (it will be rebuilt): %s", path, why)
            return None
        return value

    def write_json(self, name: str, value: Any) -> None:
        """Store ``value`` as signed JSON (atomically; a failure is a warning, never an error)."""
        secret = self._key() if self.folder is not None else None
        if secret is None:
            return
        path = self.folder / name
        try:
            atomic_write(path, _seal_json(secret, name, json.dumps(value)))
        except (OSError, TypeError, ValueError) as exc:
            log.warning("cannot write %s: %s", path, exc)


# --- signing --------------------------------------------------------------------------------
def _label(kind: str, key: str) -> bytes:
    return f"{kind}/{key}".encode()


def _mac(secret: bytes, *parts: bytes) -> bytes:
    """HMAC-SHA256 over ``parts``, each prefixed by its length so that no two splits agree."""
    h = hmac.new(secret, digestmod=hashlib.sha256)
    for part in parts:
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.digest()


#: Rows per Parquet row group: a table is read back one group at a time, so that decoding
#: needs a group's worth of memory beside the table, not the whole table's again.
ROW_GROUP = 65536


def _read_parquet(payload, columns: list[str] | None = None):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pool = pa.default_memory_pool()
    file = pq.ParquetFile(pa.BufferReader(payload))
    if columns is not None:
        columns = [c for c in columns if c in file.schema_arrow.names]  # the caller names what is missing
    groups = []
    for i in range(file.num_row_groups):
        groups.append(file.read_row_group(i, columns=columns))
        pool.release_unused()  # decoding leaves freed pages in Arrow's pool
    if not groups:
        empty = file.schema_arrow.empty_table()
        return empty if columns is None else empty.select(columns)
    return groups[0] if len(groups) == 1 else pa.concat_tables(groups)


def _write_sealed_parquet(table, secret: bytes, label: bytes, tmp: str) -> None:
    """``_seal(secret, label, <table as Parquet>, _TABLE_MAGIC)`` written to ``tmp`` without
    holding the Parquet bytes in memory: the table is written after a blank signature,
    then read back in chunks to sign it (a whole corpus's table is gigabytes)."""
    import pyarrow.parquet as pq

    head = _TABLE_MAGIC + bytes(32) + len(label).to_bytes(2, "big") + label
    with open(tmp, "w+b") as fh:
        fh.write(head)
        pq.write_table(table, fh, row_group_size=ROW_GROUP)
        size = fh.tell() - len(head)
        h = hmac.new(secret, digestmod=hashlib.sha256)  # as ``_mac(secret, label, payload)``
        h.update(len(label).to_bytes(8, "big"))
        h.update(label)
        h.update(size.to_bytes(8, "big"))
        fh.seek(len(head))
        while chunk := fh.read(1 << 20):
            h.update(chunk)
        fh.seek(len(_TABLE_MAGIC))
        fh.write(h.digest())
        fh.flush()
        os.fsync(fh.fileno())


def _seal(secret: bytes, label: bytes, payload: bytes, magic: bytes = _MAGIC) -> bytes:
    """An entry's bytes: magic, signature, the label (kind and key) it is stored under, the
    pickle. The label is signed with the pickle, so an entry copied under another name is refused."""
    return magic + _mac(secret, label, payload) + len(label).to_bytes(2, "big") + label + payload


def _unseal(secret: bytes, blob: bytes, label: bytes, magic: bytes = _MAGIC) -> tuple[bytes, str | None]:
    """``(payload, None)`` when ``blob`` is this user's entry for ``label``, else ``(b"", why)``."""
    if blob[:4] != magic:
        return b"", "not a cache entry of this version"
    if len(blob) < _HEAD:
        return b"", f"truncated ({len(blob)} bytes)"
    size = int.from_bytes(blob[36:38], "big")
    if len(blob) < _HEAD + size:
        return b"", f"truncated ({len(blob)} bytes)"
    stored, payload = blob[_HEAD:_HEAD + size], memoryview(blob)[_HEAD + size:]
    if not hmac.compare_digest(blob[4:36], _mac(secret, stored, payload)):
        return b"", "not signed by this user's cache key (altered, truncated, or placed by someone else)"
    if stored != label:
        return b"", f"holds the entry {stored.decode('utf-8', 'replace')}, not {label.decode('utf-8')}"
    return payload, None


def _seal_json(secret: bytes, name: str, text: str) -> bytes:
    """A JSON side file: a first line with the magic and the signature (over its name and
    body), then the JSON."""
    body = text.encode("utf-8")
    return _JSON_MAGIC + b" " + _mac(secret, name.encode("utf-8"), body).hex().encode() + b"\n" + body


def _unseal_json(secret: bytes, blob: bytes, name: str) -> tuple[bytes, str | None]:
    """``(JSON body, None)`` when ``blob`` is this user's side file ``name``, else ``(b"", why)``."""
    head, _, body = blob.partition(b"\n")
    magic, _, mac = head.partition(b" ")
    if magic != _JSON_MAGIC:
        return b"", "not a signed cache file (altered, or from an older version)"
    expected = _mac(secret, name.encode("utf-8"), body).hex().encode()
    if not hmac.compare_digest(mac, expected):
        return b"", "not signed by this user's cache key (altered, truncated, or placed by someone else)"
    return body, None


# --- what entries hold ----------------------------------------------------------------------
class Check(Protocol):
    """What ``get`` and ``read_json`` check a value with: ``accepts``, and ``str()`` for the warning."""

    def accepts(self, value: Any) -> bool: ...


def _type_names(value: Any) -> set[str]:
    return {f"{c.__module__}.{c.__qualname__}" for c in type(value).__mro__}


def _describe(value: Any) -> str:
    """``a list of 3 str`` or ``a dict``: what a rejected value is, for the warning."""
    if isinstance(value, (list, tuple)) and value:
        kinds = sorted({type(v).__name__ for v in value})
        return f"a {type(value).__name__} of {len(value)} {'/'.join(kinds)}"
    return f"a {type(value).__name__}"


@dataclass(frozen=True)
class Expect:
    """What a cache value must be: an instance of the type named ``name`` (``module.Class``,
    named rather than imported: the cache sits below the modules whose types it checks), or,
    with ``each``, a list of them; ``fields`` are attributes that must hold the named types."""

    name: str
    each: bool = False
    fields: tuple[tuple[str, str], ...] = ()

    def _one(self, value: Any) -> bool:
        return self.name in _type_names(value) and all(
            type_name in _type_names(getattr(value, attr, None)) for attr, type_name in self.fields)

    def accepts(self, value: Any) -> bool:
        if self.each:
            return isinstance(value, list) and all(self._one(v) for v in value)
        return self._one(value)

    def __str__(self) -> str:
        return f"a list of {self.name}" if self.each else f"a {self.name}"


@dataclass(frozen=True)
class ExpectIndex:
    """A file index: a mapping of paths to ``[size, mtime_ns, digest, salt]`` (the rows
    ``Corpus.load`` keeps to know which entry holds which file without re-reading it)."""

    def accepts(self, value: Any) -> bool:
        return isinstance(value, dict) and all(isinstance(path, str) and _index_row(row)
                                               for path, row in value.items())

    def __str__(self) -> str:
        return "a file index (path → [size, mtime_ns, digest, salt])"


def _index_row(row: Any) -> bool:
    return (isinstance(row, list) and len(row) == 4
            and all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in row[:2])
            and all(isinstance(h, str) and _HEX.fullmatch(h) for h in row[2:]))


#: What each kind of entry the package stores holds; ``get`` refuses anything else.
EXPECTED: dict[str, Check] = {
    "docs": Expect("policytrack.model.Document", each=True, fields=(("source", "policytrack.model.Source"),)),
    "doc-heads": Expect("policytrack.corpus.DocumentHead", each=True),
    "tags": Expect("builtins.dict", each=True),
    "references": Expect("policytrack.citations.model.Reference", each=True),
    "link-index": Expect("policytrack.linking.LinkIndex"),
    "topic-model": Expect("policytrack.tagging.learned.TopicModel"),
    "provisions-csv": Expect("builtins.str"),
}
#: The same for the JSON side files.
EXPECTED_JSON: dict[str, Check] = {"index.json": ExpectIndex()}
