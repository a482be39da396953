"""Every data file people edit fails the same way: DataFileError(file, entry, reason)."""

from __future__ import annotations

import pytest

from policytrack.citations import load_vocabulary
from policytrack.header import load_doc_types
from policytrack.linking import load_concepts
from policytrack.register import load_statuses
from policytrack.tagging import load_taxonomy, load_training
from policytrack.units import load_units
from policytrack.vocab import DataFileError, need_strings, read_yaml

LOADERS = [load_vocabulary, load_doc_types, load_concepts, load_statuses, load_taxonomy, load_training, load_units]


@pytest.mark.parametrize("loader", LOADERS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("content, reason", [
    (None, "cannot read"),
    (b"\xff\xfe not utf-8 \x80", "not UTF-8"),
    (b"key: [unclosed", "not valid YAML"),
    (b"- just\n- a list\n", None),
])
def test_every_loader_raises_data_file_error(tmp_path, loader, content, reason):
    path = tmp_path / "file.yaml"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(DataFileError) as info:
        loader(path)
    assert info.value.file == str(path)
    if reason:
        assert reason in info.value.reason


def test_the_message_names_file_entry_and_reason():
    err = DataFileError("topics.yaml", "subtopic 'x.y'", "needs a non-empty 'label_vi'")
    assert str(err) == "topics.yaml: subtopic 'x.y': needs a non-empty 'label_vi'"


@pytest.mark.parametrize("value, ok", [(None, True), ([], True), (["a", "b"], True), (["a", ""], False),
                                       ("a", False), ([1], False)])
def test_need_strings(value, ok):
    if ok:
        need_strings(value, "f", "e")
    else:
        with pytest.raises(DataFileError):
            need_strings(value, "f", "e")


def test_read_yaml_reads_the_shipped_files():
    from policytrack.vocab import DATA

    for path in DATA.glob("*.yaml"):
        assert read_yaml(path) is not None, path
