"""The report folder under attack: kept names that collide, folders without a trustworthy
manifest, runs interrupted while their files are moved into place."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from policytrack.report import build_report, folder
from policytrack.report.folder import (
    MANIFEST,
    Manifest,
    keep_copy,
    keep_edited_copies,
    manifest_trouble,
    new_stage,
    publish,
    read_manifest,
    write_manifest,
)

from .conftest import ROOT

STAMP = "20250101-120000"


@pytest.fixture(autouse=True)
def _fixed_stamp(monkeypatch):
    """Every keep happens 'within the same second'."""
    monkeypatch.setattr(folder, "_stamp", lambda: STAMP)


def _user_files(out: Path) -> dict[str, bytes]:
    """A person's own files, under names the report writes."""
    files = {"register.csv": b"id,my notes\nR01,call the ministry\n", "brief.docx": b"my own brief",
             "charts/funnel.png": b"my drawing"}
    for rel, data in files.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(data)
    return files


def _kept_contents(out: Path) -> list[bytes]:
    return sorted(p.read_bytes() for p in out.rglob("*.edited-*"))


# --- kept names never collide ---------------------------------------------------------------
@pytest.mark.parametrize("taken, expected", [
    ([], f"brief.edited-{STAMP}.docx"),
    ([f"brief.edited-{STAMP}.docx"], f"brief.edited-{STAMP}-2.docx"),
    ([f"brief.edited-{STAMP}.docx", f"brief.edited-{STAMP}-2.docx"], f"brief.edited-{STAMP}-3.docx"),
    ([f"brief.edited-{STAMP}-2.docx"], f"brief.edited-{STAMP}.docx"),
])
@pytest.mark.parametrize("hard_links", [True, False])
def test_a_kept_copy_never_overwrites_a_name_that_is_taken(tmp_path, monkeypatch, taken, expected, hard_links):
    if not hard_links:
        def no_links(*args, **kwargs):
            raise PermissionError("hard links not supported here")
        monkeypatch.setattr(os, "link", no_links)
    for name in taken:
        (tmp_path / name).write_bytes(name.encode())
    (tmp_path / "brief.docx").write_bytes(b"the edit")
    kept = keep_copy(tmp_path / "brief.docx")
    assert kept.name == expected and kept.read_bytes() == b"the edit"
    assert not (tmp_path / "brief.docx").exists()
    assert all((tmp_path / name).read_bytes() == name.encode() for name in taken)


def test_two_keeps_of_the_same_file_in_one_second_keep_both_edits(tmp_path):
    for edit in (b"first edit", b"second edit"):
        (tmp_path / "brief.docx").write_bytes(edit)
        keep_copy(tmp_path / "brief.docx")
    assert _kept_contents(tmp_path) == [b"first edit", b"second edit"]


# --- no manifest, or one that cannot be trusted ---------------------------------------------
CORRUPT_MANIFESTS = {
    "garbage bytes": b"\x00\xff not json",
    "not UTF-8": '{"brief.docx": "é"}'.encode("cp1258"),
    "truncated": b'{"format": 2, "files": {"brief.docx": "ab',
    "a list": b'["brief.docx"]',
    "a digest that is not one": b'{"register.csv": 42}',
    "an unknown format": b'{"format": 99, "files": {}}',
    "a path out of the folder": json.dumps({"../outside.txt": "0" * 64}).encode(),
    "an absolute path": json.dumps({"format": 2, "files": {"/etc/hostname": "0" * 64}}).encode(),
}


@pytest.mark.parametrize("manifest", [None, "a folder", *CORRUPT_MANIFESTS])
def test_without_a_trustworthy_manifest_every_report_file_already_there_is_kept(tmp_path, manifest):
    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "outside.txt").write_bytes(b"not in the report folder")
    if manifest == "a folder":
        (out / MANIFEST).mkdir()
    elif manifest is not None:
        (out / MANIFEST).write_bytes(CORRUPT_MANIFESTS[manifest])
    files = _user_files(out)
    kept = keep_edited_copies(out)
    assert sorted(old.relative_to(out).as_posix() for old, _ in kept) == sorted(files)
    assert _kept_contents(out) == sorted(files.values())
    assert not any((out / rel).exists() for rel in files)
    assert (tmp_path / "outside.txt").read_bytes() == b"not in the report folder"
    trouble = manifest_trouble(out)
    assert (trouble is None) == (manifest is None)
    if trouble:
        assert str(out / MANIFEST) in trouble


def test_with_a_manifest_only_files_changed_since_are_kept(tmp_path):
    files = _user_files(tmp_path)
    write_manifest(tmp_path, Manifest({rel: folder._digest(tmp_path / rel) for rel in files}))
    (tmp_path / "brief.docx").write_bytes(b"edited in Word")
    assert [old.name for old, _ in keep_edited_copies(tmp_path)] == ["brief.docx"]
    assert _kept_contents(tmp_path) == [b"edited in Word"]


def test_a_manifest_of_the_first_format_is_still_read(tmp_path):
    (tmp_path / "links.csv").write_bytes(b"ours")
    (tmp_path / MANIFEST).write_text(json.dumps({"links.csv": folder._digest(tmp_path / "links.csv")}))
    assert keep_edited_copies(tmp_path) == [] and manifest_trouble(tmp_path) is None


# --- publishing a run, and interrupting it --------------------------------------------------
class Killed(BaseException):
    """Stands for the process being killed: not an ``Exception``, so nothing catches it."""


def _staged_run(out: Path, version: bytes) -> tuple[Path, list[Path]]:
    """A run's files written into a new staging folder of ``out``: ``(stage, staged)``."""
    stage = new_stage(out)
    staged = []
    for rel in ("corpus_summary.md", "register.csv", "register.xlsx", "charts/funnel.png", "brief.docx"):
        path = stage / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(version + rel.encode())
        staged.append(path)
    return stage, staged


def _publish_run(out: Path, version: bytes) -> None:
    stage, staged = _staged_run(out, version)
    publish(stage, out, staged)


def _kill(monkeypatch, name: str, after: int) -> None:
    """Make ``folder.<name>`` kill the run on its call number ``after + 1``."""
    real, calls = getattr(folder, name), []

    def dying(*args, **kwargs):
        calls.append(1)
        if len(calls) > after:
            raise Killed
        return real(*args, **kwargs)

    monkeypatch.setattr(folder, name, dying)


@pytest.mark.parametrize("first_run", [True, False])
@pytest.mark.parametrize("where, after", [
    ("write_manifest", 0),     # before the journal: nothing moved
    ("_move_into_place", 0),   # journal written, no file moved
    ("_move_into_place", 2),   # some files moved
    ("_move_into_place", 4),   # all but the last moved
    ("write_manifest", 1),     # every file moved, killed before the manifest says so
])
def test_after_an_interrupted_run_the_toolkit_recognises_its_own_files(tmp_path, monkeypatch, first_run, where,
                                                                       after):
    if not first_run:
        _publish_run(tmp_path, b"run 1: ")
    stage, staged = _staged_run(tmp_path, b"run 2: ")
    with monkeypatch.context() as patch:
        _kill(patch, where, after)
        with pytest.raises(Killed):
            publish(stage, tmp_path, staged)
    assert keep_edited_copies(tmp_path) == []
    # the next run settles the journal, and still tells a person's edit from its own files
    _publish_run(tmp_path, b"run 3: ")
    assert read_manifest(tmp_path).pending == {} and keep_edited_copies(tmp_path) == []
    (tmp_path / "register.xlsx").write_bytes(b"a liaison's notes")
    assert [old.name for old, _ in keep_edited_copies(tmp_path)] == ["register.xlsx"]


def test_a_file_that_appears_during_the_run_is_kept_before_it_is_replaced(tmp_path):
    stage, staged = _staged_run(tmp_path, b"run 1: ")
    (tmp_path / "brief.docx").write_bytes(b"saved from Word while the report ran")
    done = publish(stage, tmp_path, staged)
    assert [old.name for old, _ in done.kept] == ["brief.docx"] and len(done.written) == len(staged)
    assert _kept_contents(tmp_path) == [b"saved from Word while the report ran"]


def test_a_published_file_keeps_the_permissions_of_the_one_it_replaces(tmp_path):
    _publish_run(tmp_path, b"run 1: ")
    os.chmod(tmp_path / "register.csv", 0o640)
    _publish_run(tmp_path, b"run 2: ")
    assert (tmp_path / "register.csv").stat().st_mode & 0o777 == 0o640


def test_a_folder_in_the_way_is_listed_and_the_other_files_are_published(tmp_path):
    (tmp_path / "brief.docx").mkdir()
    stage, staged = _staged_run(tmp_path, b"run 1: ")
    done = publish(stage, tmp_path, staged)
    assert [path.name for path, _ in done.failed] == ["brief.docx"] and len(done.written) == len(staged) - 1
    assert "brief.docx" not in read_manifest(tmp_path).files


def test_staging_folders_of_interrupted_runs_are_removed_and_links_not_followed(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_bytes(b"mine")
    out = tmp_path / "out"
    old, _ = _staged_run(out, b"interrupted: ")
    (out / (folder.STAGING_PREFIX + "link")).symlink_to(elsewhere)
    stage = new_stage(out)
    assert not old.exists() and stage.is_dir() and (elsewhere / "keep.txt").read_bytes() == b"mine"


# --- the main job ---------------------------------------------------------------------------
ARGS = (ROOT / "recommendations.csv", ROOT / "corpus")


@pytest.mark.parametrize("manifest", [None, b"{ not json"])
def test_the_report_keeps_a_users_own_files_in_a_folder_without_a_usable_manifest(tmp_path, manifest):
    out = tmp_path / "out"
    out.mkdir()
    files = _user_files(out)
    if manifest is not None:
        (out / MANIFEST).write_bytes(manifest)
    result = build_report(*ARGS, out, quiet=True)
    notes = {p.where: p for p in result.problems if p.step == "report folder"}
    assert {str(out / rel) for rel in files} <= set(notes) and not result.errors
    assert all(p.severity == "note" for p in notes.values())
    assert (str(out / MANIFEST) in notes) == (manifest is not None)
    assert _kept_contents(out) == sorted(files.values())
    assert read_manifest(out).files.keys() == {p.relative_to(out).as_posix() for p in result.written}


def test_an_interrupted_report_leaves_no_file_that_looks_edited(tmp_path, monkeypatch):
    out = tmp_path / "out"
    build_report(*ARGS, out, quiet=True)
    with monkeypatch.context() as patch:
        _kill(patch, "_move_into_place", 4)
        with pytest.raises(Killed):
            build_report(*ARGS, out, quiet=True)
    again = build_report(*ARGS, out, quiet=True)
    assert not again.problems and not list(out.rglob("*.edited-*"))
    assert not list(out.glob(folder.STAGING_PREFIX + "*"))
