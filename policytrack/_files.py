"""Atomic file writes: every file policytrack writes goes through a temporary file in the
same folder and a rename, so an interrupted run never leaves half a file behind."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def _new_file_mode() -> int:
    """The mode a new file gets from the user's umask (``mkstemp`` alone would give 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_save(path: Path, save: Callable[[str], None]) -> Path:
    """Call ``save(temporary_path)``, then rename the result onto ``path``. An existing
    file keeps its permissions; a new one gets the umask's."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # The temporary file keeps the extension: some writers (Excel) choose the format by it.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.tmp-", suffix=path.suffix)
    os.close(fd)
    try:
        save(tmp)
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else _new_file_mode())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def atomic_write(path: Path, data: bytes | str) -> Path:
    """Write bytes (or UTF-8 text) to ``path`` atomically, flushed to disk first."""
    payload = data.encode("utf-8") if isinstance(data, str) else data

    def save(tmp: str) -> None:
        with open(tmp, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())

    return atomic_save(path, save)


def temporary_files(path: Path) -> list[Path]:
    """The temporary files ``atomic_save`` makes for ``path`` that are still there: left by a
    process killed while writing (any other run removes its own)."""
    path = Path(path)
    prefix, suffix = f".{path.stem}.tmp-", path.suffix
    try:
        names = os.listdir(path.parent)
    except OSError:
        return []
    return sorted(path.parent / n for n in names if n.startswith(prefix) and n.endswith(suffix))


def fsync_folder(folder: Path) -> None:
    """Flush a folder's entries (renames, removals) to disk where the system allows it
    (POSIX; Windows has no handle on a folder to flush, and some file systems refuse)."""
    if os.name == "nt":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
