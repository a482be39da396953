"""The register as a transactional store (issue 13): concurrent saves from several processes,
processes killed with SIGKILL in the middle of ``save()``, a full disk. Each test checks
that every acknowledged change is in the register and in the history afterwards, and that
the two agree. Bounded in time: a few seconds each on two cores, no timing thresholds."""

from __future__ import annotations

import csv
import errno
import multiprocessing
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest

from policytrack.linking import confirm_link, read_confirmations
from policytrack.register import Register, RegisterError, RegisterRecovered

from .test_register import row, write

POSIX_FORK = "fork" in multiprocessing.get_all_start_methods() and hasattr(signal, "SIGKILL")


def make_register(folder: Path, n: int = 8) -> Path:
    return write(folder / "r.csv", [row(f"R{i:02d}", title=f"Khuyến nghị {i}") for i in range(1, n + 1)])


def change(reg: Register, rec: str, evidence: str) -> None:
    # proposed → under_consideration, then under_consideration again with new evidence
    reg.set_status(rec, "under_consideration", evidence=evidence, who="liên lạc viên")


def history_rows(path: Path) -> list[dict[str, str]]:
    history = path.with_name(path.stem + "_history.csv")
    if not history.exists():
        return []
    with open(history, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def assert_consistent(path: Path, acknowledged: list[tuple[str, str]]) -> Register:
    """Load (finishing any interrupted save), then: no journal or temporary file left, the
    register's status and evidence are the history's last word for every row, and every
    acknowledged change is in the history exactly once."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RegisterRecovered)
        reg = Register.load(path)
    leftovers = [p.name for p in path.parent.iterdir() if ".tmp-" in p.name or p.name.endswith(".journal")]
    assert not leftovers, leftovers
    entries = history_rows(path)
    last = {e["id"]: e for e in entries}
    for rec in reg:
        if rec["id"] in last:
            assert (rec["status"], rec["evidence"]) == (last[rec["id"]]["new_status"], last[rec["id"]]["evidence"])
        else:
            assert rec["status"] == "proposed"
    written = [(e["id"], e["evidence"]) for e in entries]
    for change_ in acknowledged:
        assert written.count(change_) == 1, change_
    assert not [w for w in reg.warnings if "using the history" in w]  # never a register behind its history
    return reg


# --- concurrency ---------------------------------------------------------------------------------

def _saver(path: str, rows: list[str], saves: int, tag: str) -> tuple[list[tuple[str, str]], int]:
    """Make ``saves`` changes to its own rows, each in its own load and save; a save refused
    because another process saved meanwhile is redone on a fresh load. Returns the changes
    acknowledged (save returned) and how many saves were refused."""
    acknowledged, refused = [], 0
    for i in range(saves):
        rec, evidence = rows[i % len(rows)], f"Công văn {tag}-{i} (2024-05-01)"
        while True:
            reg = Register.load(path)
            change(reg, rec, evidence)
            try:
                reg.save()
            except RegisterError as exc:
                if "changed on disk" not in str(exc):
                    raise
                refused += 1
                continue
            acknowledged.append((rec, evidence))
            break
    return acknowledged, refused


def _confirmer(path: str, worker: int, decisions: int) -> list[tuple[str, str]]:
    reg = Register.load(path)
    done = []
    for i in range(decisions):
        provision = f"72/2020/QH14:d{worker * 100 + i}"
        confirm_link(reg, f"R{worker + 1:02d}", provision, who=f"liên lạc viên {worker}", accept=i % 3 != 0)
        done.append((f"R{worker + 1:02d}", provision))
    return done


def test_concurrent_saves_from_four_processes_lose_nothing(tmp_path):
    path = make_register(tmp_path)
    processes, saves = 4, 10
    jobs = [(str(path), [f"R{2 * p + 1:02d}", f"R{2 * p + 2:02d}"], saves, f"p{p}") for p in range(processes)]
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        results = pool.starmap(_saver, jobs)
    acknowledged = [c for acks, _ in results for c in acks]
    assert len(acknowledged) == processes * saves
    reg = assert_consistent(path, acknowledged)
    assert len(history_rows(path)) == processes * saves  # a refused save wrote nothing
    for job, (acks, _) in zip(jobs, results):
        for rec in job[1]:  # each row ends with the last change its process acknowledged
            assert reg[rec]["evidence"] == [e for r, e in acks if r == rec][-1]


def test_confirm_link_from_four_processes_keeps_every_decision(tmp_path):
    path = make_register(tmp_path)
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        results = pool.starmap(_confirmer, [(str(path), w, 25) for w in range(4)])
    decided = {d for done in results for d in done}
    kept = read_confirmations(Register.load(path))
    assert len(decided) == 100 and set(kept) == decided


# --- kill -9 in the middle of save() --------------------------------------------------------------

def _kill_at_operation(kill_at: int) -> None:
    """From now on, this process kills itself (SIGKILL) on its ``kill_at``-th fsync or rename:
    the points where a save's files change on disk."""
    count = [0]

    def hooked(real):
        def operation(*args, **kwargs):
            count[0] += 1
            if count[0] == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
            return real(*args, **kwargs)
        return operation

    os.fsync, os.replace = hooked(os.fsync), hooked(os.replace)


def _crash_child(path: str, acks: str, run: int, kill_at: int | None) -> None:
    """Save changes in a loop, writing each acknowledged one to ``acks`` (no fsync: a killed
    process's writes stay in the page cache)."""
    if kill_at is not None:
        _kill_at_operation(kill_at)
    fd = os.open(acks, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    rng = random.Random(run)
    for i in range(1000):
        reg = Register.load(path)
        rec, evidence = f"R{rng.randint(1, 8):02d}", f"run {run} save {i}"
        change(reg, rec, evidence)
        reg.save()
        os.write(fd, f"{rec}\t{evidence}\n".encode())
    os._exit(0)


def _read_acks(path: Path) -> list[tuple[str, str]]:
    if not path.exists():
        return []
    return [tuple(line.split("\t")) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.skipif(not POSIX_FORK, reason="needs fork and SIGKILL (POSIX)")
def test_save_killed_at_every_point_loses_nothing(tmp_path):
    """30 runs killed at the 1st, 2nd … 30th file operation (about three saves' worth, so
    every step of a save is hit), then 10 runs killed after a random delay (any point,
    half-written temporary files included). After each: load, check, go on."""
    path = make_register(tmp_path)
    acks = tmp_path / "acks.txt"
    context = multiprocessing.get_context("fork")
    recovered = killed = 0
    rng = random.Random(13)
    for run in range(40):
        kill_at = run + 1 if run < 30 else None
        child = context.Process(target=_crash_child, args=(str(path), str(acks), run, kill_at))
        child.start()
        if kill_at is None:
            time.sleep(rng.uniform(0.05, 0.4))
            os.kill(child.pid, signal.SIGKILL)
        child.join(30)
        assert child.exitcode == -signal.SIGKILL
        killed += 1
        journal = (tmp_path / "r.csv.journal").exists()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", RegisterRecovered)
            Register.load(path)
        if journal:
            assert any("finished a save interrupted" in str(w.message) for w in caught)
            recovered += 1
        assert_consistent(path, _read_acks(acks))
    assert killed == 40 and recovered > 0 and len(_read_acks(acks)) > 0


# --- a full disk ------------------------------------------------------------------------------------

def _failing_fsync(fail_at: int):
    real, count = os.fsync, [0]

    def fsync(fd):
        count[0] += 1
        if count[0] == fail_at:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(fd)
    return fsync


@pytest.mark.parametrize("fail_at", range(1, 10))
def test_no_space_at_any_step_then_the_retry_saves_once(tmp_path, monkeypatch, fail_at):
    """Portable: the ``fail_at``-th fsync of a save reports ENOSPC (as a full disk does)."""
    path = make_register(tmp_path, 3)
    reg = Register.load(path)
    change(reg, "R02", "Công văn 5/BTNMT (2024-06-01)")
    with monkeypatch.context() as patch:
        patch.setattr(os, "fsync", _failing_fsync(fail_at))
        try:
            reg.save()
            failed = False
        except RegisterError as exc:
            failed = True
            assert "No space left on device" in str(exc)
    leftovers = [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name]
    assert not leftovers, leftovers
    if failed and fail_at % 2:  # half the time another process loads (and finishes it) first
        assert_consistent(path, [])
    reg.save()  # the retry works, and writes the change once
    assert_consistent(path, [("R02", "Công văn 5/BTNMT (2024-06-01)")])


def _mount_tmpfs(folder: Path, size: str) -> str | None:
    """Mount a small tmpfs; the reason when this machine does not allow it."""
    if not sys.platform.startswith("linux") or os.geteuid() != 0 or not shutil.which("mount"):
        return "a real full disk needs Linux, root and mount (the portable ENOSPC test covers the rest)"
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                          capture_output=True, text=True, check=False)
    return None if done.returncode == 0 else f"cannot mount a tmpfs here: {done.stderr.strip()}"


def _fill(folder: Path) -> Path:
    filler = folder / "filler.bin"
    with open(filler, "wb", buffering=0) as fh:  # unbuffered: nothing left to flush on close
        try:
            while True:
                fh.write(b"\0" * 4096)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    return filler


def test_a_real_full_disk_on_a_small_tmpfs(tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    reason = _mount_tmpfs(disk, "64k")
    if reason:
        pytest.skip(reason)
    try:
        outcomes = []
        for free_pages in range(8):
            for p in list(disk.iterdir()):
                p.unlink()
            path = make_register(disk, 3)
            reg = Register.load(path)
            evidence = f"Công văn {free_pages}/BTNMT (2024-06-01)"
            change(reg, "R01", evidence)
            filler = _fill(disk)
            os.truncate(filler, max(0, filler.stat().st_size - free_pages * 4096))
            try:
                reg.save()
                outcomes.append("saved")
            except RegisterError as exc:
                assert "No space left on device" in str(exc)
                outcomes.append("refused" if "nothing was changed" in str(exc) else "journal kept")
            filler.unlink()
            reg.save()  # space again: the retry works
            assert_consistent(path, [("R01", evidence)])
        assert "refused" in outcomes and "saved" in outcomes, outcomes
    finally:
        subprocess.run(["umount", str(disk)], check=False)
