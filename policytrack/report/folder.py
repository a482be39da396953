"""The report folder: a person's files are never overwritten, the toolkit's own always recognised.

The manifest (``.policytrack-report.json``) holds the digest of every file the report wrote
(``files``) and, while a run moves its new files into place, the digests of the files it is
about to move (``pending``). The pending digests are written before any new file appears
(the run writes into a hidden staging folder first, ``new_stage``), so a run killed half-way
still leaves every file it put in the folder recognisable as its own.

A report file whose digest the manifest does not hold was written by someone else (a brief
edited in Word, a liaison's own ``register.csv``): it is renamed to
``name.edited-YYYYmmdd-HHMMSS.ext`` (``-2``, ``-3`` … when that name is taken) before the new
one is written. Without a manifest, or with one that cannot be trusted, every report file
already in the folder counts as someone else's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .._files import atomic_write

MANIFEST = ".policytrack-report.json"
STAGING_PREFIX = ".policytrack-staging-"
REPORT_FILES = ("corpus_summary.md", "documents.csv", "provisions.csv", "register.csv", "links.csv",
                "register.xlsx", "dashboard.html", "brief.docx", "charts/funnel.png",
                "charts/status_by_theme.png", "charts/topic_heatmap.png", "charts/timeline.png")
_FORMAT = 2
_DIGEST = re.compile(r"[0-9a-f]{64}")


class ManifestError(ValueError):
    """The manifest exists but cannot be trusted (unreadable, not JSON, not a manifest)."""


@dataclass
class Manifest:
    """What the report wrote: ``files`` (relative path → SHA-256), and ``pending``, the files
    a run is moving into place right now (a journal, empty once the run has finished)."""

    files: dict[str, str] = field(default_factory=dict)
    pending: dict[str, str] = field(default_factory=dict)

    def knows(self, rel: str, digest: str) -> bool:
        """Whether ``digest`` is a version of ``rel`` the report itself wrote."""
        return digest in (self.files.get(rel), self.pending.get(rel))

    def names(self) -> set[str]:
        return set(self.files) | set(self.pending)

    def to_json(self) -> str:
        return json.dumps({"format": _FORMAT, "files": self.files, "pending": self.pending}, indent=1,
                          sort_keys=True)


@dataclass
class Published:
    """What ``publish`` did: the files now in place, the foreign files it kept first
    (``[(old name, kept as)]``), and the files it could not put in place (``[(path, why)]``)."""

    written: list[Path] = field(default_factory=list)
    kept: list[tuple[Path, Path]] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)


# --- the manifest ---------------------------------------------------------------------------
def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _entries(value: object, what: str) -> dict[str, str]:
    """``value`` as a map of safe relative paths to digests, or ``ManifestError``. A path that
    climbs out of the folder is refused: the manifest decides which files get renamed."""
    if not isinstance(value, dict):
        raise ManifestError(f"{what} is not a mapping of files to digests")
    for rel, digest in value.items():
        parts = PurePosixPath(rel).parts if isinstance(rel, str) else ()
        if not parts or rel.startswith("/") or ".." in parts or "\\" in rel or ":" in rel:
            raise ManifestError(f"{what} names {rel!r}, which is not a file inside the report folder")
        if not isinstance(digest, str) or not _DIGEST.fullmatch(digest):
            raise ManifestError(f"{what} gives {rel!r} the digest {digest!r}, which is not a SHA-256")
    return dict(value)


def parse_manifest(text: str) -> Manifest:
    """A manifest from its JSON: the current format, or the first one (a flat map of files
    to digests). Anything else is a ``ManifestError`` saying what is wrong."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ManifestError(f"not JSON ({exc})") from None
    if isinstance(data, dict) and "format" not in data:
        return Manifest(_entries(data, "the manifest"))
    if not isinstance(data, dict) or data.get("format") != _FORMAT:
        raise ManifestError("not a report manifest of a format this version knows")
    unknown = set(data) - {"format", "files", "pending"}
    if unknown:
        raise ManifestError(f"unknown fields {sorted(unknown)}")
    return Manifest(_entries(data.get("files", {}), "files"), _entries(data.get("pending", {}), "pending"))


def read_manifest(out: Path) -> Manifest | None:
    """The manifest of ``out``; ``None`` when there is none; ``ManifestError`` when there is
    one that cannot be trusted."""
    path = Path(out) / MANIFEST
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"cannot be read ({exc})") from None
    return parse_manifest(text)


def trusted_manifest(out: Path) -> tuple[Manifest | None, str | None]:
    """``(manifest, None)``, ``(None, None)`` without one, or ``(None, why)`` for a manifest
    that cannot be trusted: it is then treated as absent, and ``why`` names it."""
    try:
        return read_manifest(out), None
    except ManifestError as exc:
        return None, (f"{Path(out) / MANIFEST} is not a usable report manifest: {exc}; treated as "
                      "absent, so every report file already in the folder is kept as an edited copy")


def manifest_trouble(out: Path) -> str | None:
    """Why the manifest of ``out`` cannot be trusted, or ``None`` (absent or sound)."""
    return trusted_manifest(out)[1]


def write_manifest(out: Path, manifest: Manifest) -> Path:
    """Replace the manifest atomically (and flushed to disk: it is the run's journal)."""
    return atomic_write(Path(out) / MANIFEST, manifest.to_json())


# --- keeping a person's files ---------------------------------------------------------------
def _stamp() -> str:
    return dt.datetime.now().strftime("%Y%m%d-%H%M%S")


def _claim_by_placeholder(path: Path, target: Path) -> bool:
    """Where hard links are not supported: reserve ``target`` by creating it exclusively,
    then rename ``path`` over the reservation."""
    try:
        os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        return False
    try:
        os.replace(path, target)
    except BaseException:
        os.unlink(target)
        raise
    return True


def _claim(path: Path, target: Path) -> bool:
    """Move ``path`` to ``target`` only if ``target`` does not exist, as one atomic check:
    ``link`` refuses an existing name, so nothing can appear there between check and move."""
    try:
        os.link(path, target)
    except FileExistsError:
        return False
    except (OSError, NotImplementedError):  # a file system without hard links
        return _claim_by_placeholder(path, target)
    os.unlink(path)
    return True


def keep_copy(path: Path) -> Path:
    """Rename ``path`` to ``name.edited-YYYYmmdd-HHMMSS.ext`` beside it, or ``…-2``, ``…-3``
    when that name is taken: a kept copy never overwrites anything. Returns the new path."""
    path, stamp, n = Path(path), _stamp(), 1
    while True:
        counter = "" if n == 1 else f"-{n}"
        target = path.with_name(f"{path.stem}.edited-{stamp}{counter}{path.suffix}")
        if _claim(path, target):
            return target
        n += 1


def keep_if_foreign(out: Path, rel: str, manifest: Manifest | None) -> Path | None:
    """Keep ``out/rel`` as an edited copy when the report did not write it (its digest is not
    in ``manifest``, or there is no manifest to say). Returns where it was kept, or ``None``."""
    path = Path(out) / rel
    if not path.is_file():
        return None
    if manifest is not None and manifest.knows(rel, _digest(path)):
        return None
    return keep_copy(path)


def keep_edited_copies(out: Path) -> list[tuple[Path, Path]]:
    """Before a report is rewritten: every report file that policytrack did not write in the
    state it is in now (a brief edited in Word, a spreadsheet with a liaison's notes, any
    report file in a folder without a trustworthy manifest) is kept as an edited copy, so a
    rerun never loses a person's work. Returns ``[(old name, kept as)]``."""
    out = Path(out)
    manifest, _ = trusted_manifest(out)
    names = set(REPORT_FILES) | (manifest.names() if manifest else set())
    kept = []
    for rel in sorted(names):
        target = keep_if_foreign(out, rel, manifest)
        if target is not None:
            kept.append((out / rel, target))
    return kept


# --- writing a run's files ------------------------------------------------------------------
def new_stage(out: Path) -> Path:
    """A fresh hidden folder inside ``out`` for a run to write into before ``publish``.
    Staging folders left by interrupted runs (only the toolkit's output is ever in them) are
    removed first; two runs into one folder at the same time are not supported."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob(STAGING_PREFIX + "*"):
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))


def _settled(out: Path) -> Manifest:
    """The trusted manifest (or an empty one) with the journal of an interrupted run
    resolved: a pending file that reached its place becomes known, the rest is dropped."""
    manifest = trusted_manifest(out)[0] or Manifest()
    for rel, digest in manifest.pending.items():
        path = Path(out) / rel
        if path.is_file() and _digest(path) == digest:
            manifest.files[rel] = digest
    manifest.pending = {}
    return manifest


def _move_into_place(staged: Path, target: Path) -> None:
    """Rename a staged file onto its place; an existing file's permissions are kept."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_file():
        os.chmod(staged, target.stat().st_mode & 0o777)
    os.replace(staged, target)


def publish(stage: Path, out: Path, staged: list[Path]) -> Published:
    """Move the files a run wrote into ``stage`` to the same places in ``out``.

    The journal first: the manifest lists every staged file's digest as pending before any
    is moved, so whenever the run stops, each file it put in ``out`` is known as its own.
    Right before each move, a file in the way that the report did not write (a person
    edited it during the run) is kept as an edited copy. Then the manifest records the
    moved files as written."""
    stage, out = Path(stage), Path(out)
    manifest = _settled(out)
    moves = [(path, path.relative_to(stage).as_posix()) for path in staged if path.is_file()]
    manifest.pending = {rel: _digest(path) for path, rel in moves}
    write_manifest(out, manifest)
    done = Published()
    for path, rel in moves:
        target = out / rel
        try:
            kept = keep_if_foreign(out, rel, manifest)
            if kept is not None:
                done.kept.append((target, kept))
            _move_into_place(path, target)
        except OSError as exc:
            done.failed.append((target, f"not written: {exc.strerror or exc}"))
            continue
        manifest.files[rel] = manifest.pending[rel]
        done.written.append(target)
    manifest.pending = {}
    write_manifest(out, manifest)
    return done


def record_written(out: Path, written: list[Path]) -> Path:
    """Remember the digest of files already written into ``out`` (by ``write_brief`` in a
    notebook, say), so that a later report recognises them as its own."""
    out = Path(out)
    manifest = _settled(out)
    for path in written:
        if Path(path).is_file():
            manifest.files[Path(path).relative_to(out).as_posix()] = _digest(Path(path))
    return write_manifest(out, manifest)


def atomic_write_text(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file and a rename."""
    return atomic_write(path, text)
