"""The cache: content keys, signed entries, refusal of foreign files."""

from __future__ import annotations

import os
import pickle

import pytest

from policytrack.cache import Cache, code_digest


def test_a_disabled_cache_misses_and_writes_nothing(tmp_path):
    cache = Cache(None)
    cache.put("x", "k", 1)
    assert cache.get("x", "k") is None and not cache


def test_round_trip_and_keys(tmp_path):
    cache = Cache(tmp_path)
    cache.put("x", cache.key("a", b"b"), {"v": [1, 2]})
    assert cache.get("x", cache.key("a", b"b")) == {"v": [1, 2]}
    assert cache.key("a", "b") != cache.key("ab") and cache.key("a") == Cache(None).key("a")
    assert len(code_digest()) == 64


def test_the_key_file_is_private(tmp_path):
    Cache(tmp_path).put("x", "k", 1)
    mode = (tmp_path / ".key").stat().st_mode & 0o777
    assert mode & 0o077 == 0


@pytest.mark.parametrize("forge", [
    lambda payload, secret: payload,                              # a bare pickle
    lambda payload, secret: b"PTC1" + b"\0" * 32 + payload,        # the header, a wrong signature
    lambda payload, secret: b"PTC1" + secret[:32] + payload,       # the key itself is no signature
])
def test_an_entry_not_signed_with_the_users_key_is_never_unpickled(tmp_path, forge):
    cache = Cache(tmp_path)
    cache.put("x", "k", "genuine")
    marker = tmp_path / "ran"

    class Planted:
        def __reduce__(self):
            return (os.mkdir, (str(marker),))

    secret = (tmp_path / ".key").read_bytes()
    (tmp_path / "x-k.pkl").write_bytes(forge(pickle.dumps(Planted()), secret))
    assert Cache(tmp_path).get("x", "k") is None
    assert not marker.exists()


def test_a_truncated_entry_is_a_miss(tmp_path):
    cache = Cache(tmp_path)
    cache.put("x", "k", list(range(100)))
    path = tmp_path / "x-k.pkl"
    path.write_bytes(path.read_bytes()[:20])
    assert Cache(tmp_path).get("x", "k") is None


def test_json_side_files(tmp_path):
    cache = Cache(tmp_path)
    cache.write_json("index.json", {"a": [1, 2]})
    assert cache.read_json("index.json") == {"a": [1, 2]} and cache.read_json("missing.json") is None
