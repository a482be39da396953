"""Results kept on disk between runs: keyed by content, signed against tampering.

A cache entry's key hashes everything that affects the result: the package's own code and
data files (``code_digest()``), and whatever the caller adds (a file's bytes, the sources
register, a threshold). Editing any of them gives a new key, so a stale entry is never
served; nothing depends on file paths or row counts.

Entries are pickles, because a parsed corpus must load fast. Unpickling runs code, so
every entry is signed with HMAC-SHA256 under a secret that only this user can read
(``.key`` in the cache folder, mode 0600, owned by the user); an entry whose signature does
not verify, such as a file another user placed in a shared folder, is never unpickled and
counts as a miss. A key file that is not the user's own, or that others can read, disables
the cache with a warning rather than trusting it.

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
import secrets
import stat
from functools import lru_cache
from pathlib import Path
from typing import Any

from ._files import atomic_write

__all__ = ["Cache", "code_digest", "default_dir"]

log = logging.getLogger(__name__)
_MAGIC = b"PTC1"
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

    # --- entries ---------------------------------------------------------------------------
    def get(self, kind: str, key: str) -> Any | None:
        """The value stored under ``kind``/``key``, or ``None`` (absent, unreadable, or not
        signed with this user's key: such a file is never unpickled)."""
        if self.folder is None:
            return None
        path = self._path(kind, key)
        try:
            blob = path.read_bytes()
        except OSError:
            return None
        secret = self._key()
        if secret is None:
            return None
        head, mac, payload = blob[:4], blob[4:36], blob[36:]
        if head != _MAGIC or not hmac.compare_digest(mac, hmac.new(secret, payload, hashlib.sha256).digest()):
            log.warning("ignoring cache entry %s: not signed by this user's cache key", path)
            return None
        try:
            return pickle.loads(payload)
        except Exception as exc:  # noqa: BLE001 - a signed but unloadable entry (old classes) is a miss
            log.warning("ignoring unreadable cache entry %s: %s", path, exc)
            return None

    def put(self, kind: str, key: str, value: Any) -> None:
        """Store ``value`` (atomically; a failure to write is a warning, never an error)."""
        if self.folder is None:
            return
        secret = self._key()
        if secret is None:
            return
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        mac = hmac.new(secret, payload, hashlib.sha256).digest()
        try:
            atomic_write(self._path(kind, key), _MAGIC + mac + payload)
        except OSError as exc:
            log.warning("cannot write cache entry %s: %s", self._path(kind, key), exc)

    # --- plain JSON (never executed) --------------------------------------------------------
    def read_json(self, name: str) -> Any | None:
        if self.folder is None:
            return None
        try:
            return json.loads((self.folder / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def write_json(self, name: str, value: Any) -> None:
        if self.folder is None:
            return
        try:
            atomic_write(self.folder / name, json.dumps(value))
        except OSError as exc:
            log.warning("cannot write %s: %s", self.folder / name, exc)
