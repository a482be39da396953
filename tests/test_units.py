"""The unit vocabulary (data/units.yaml): what it holds and how a bad copy is reported."""

from __future__ import annotations

import re

import pytest
import yaml

from policytrack import units
from policytrack.vocab import DataFileError


def test_the_shipped_units():
    assert units.UNITS["article"].heading == ("Điều", "ĐIỀU")
    assert units.UNITS["clause"].cited == ("khoản", "Khoản")
    assert units.KIND_OF_WORD["tiểu mục"] == "subsection"
    assert units.POINT_LETTERS[:6] == ("a", "b", "c", "d", "đ", "e")
    assert not {"f", "j", "w", "z"} & set(units.POINT_LETTERS)
    assert units.ordinal("Tư") == 4 and units.ordinal("mười một") is None


@pytest.mark.parametrize("n", [1, 4, 9, 14, 40, 49, 90, 99, 100, 149])
def test_roman_numerals_round_trip(n):
    assert units.roman_to_int(units.to_roman(n)) == n


@pytest.mark.parametrize("text, expected", [("I", 1), ("iv", 4), ("XIV", 14), ("XL", 40), ("ABC", None), ("", None)])
def test_roman_to_int(text, expected):
    assert units.roman_to_int(text) == expected


def test_alternation_tries_longer_words_first():
    pattern = re.compile(units.alternation(["Mục", "Tiểu mục"]))
    assert pattern.match("Tiểu mục 2").group() == "Tiểu mục"


def _write(tmp_path, change):
    data = yaml.safe_load(units.PATH.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "units.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("change, entry, reason", [
    (lambda d: d["units"]["article"].update(segment="D8"), "units, article", "'segment' must be lower-case"),
    (lambda d: d["units"]["article"].update(numbers="words"), "units, article", "'numbers' must be one of"),
    (lambda d: d["units"]["clause"].update(cited=[]), "units, clause", "needs at least one 'cited'"),
    (lambda d: d["units"]["point"].update(cited=["điểm", ""]), "units, point, cited", "non-empty texts"),
    (lambda d: d["units"].pop("annex"), "units", "missing unit(s) annex"),
    (lambda d: d.update(point_letters=["a", "bb"]), "point_letters", "single lower-case letters"),
    (lambda d: d.update(point_letters=["a", "b", "a"]), "point_letters", "listed twice"),
    (lambda d: d["ordinals"].update(hai=0), "ordinals, hai", "whole number"),
    (lambda d: d.pop("ordinal_word"), "ordinal_word", "non-empty 'ordinal_word'"),
    (lambda d: d["units"]["section"].update(cited_numbered="mục"), "units, section, cited_numbered", "a list"),
    (lambda d: d["units"]["section"].update(not_after=[""]), "units, section, not_after", "non-empty texts"),
    (lambda d: d["units"]["article"].update(misread=["Điêu", "ĐIỀU"]), "units, article, misread", "heading spelling"),
    (lambda d: d["units"]["article"].update(misread=["Dieu5"]), "units, article, misread", "letters"),
    (lambda d: d["units"]["clause"].update(misread=["Khoan"]), "units, clause, misread", "with a 'heading' word"),
    (lambda d: d["units"]["clause"].update(misread_label=["."]), "units, clause, misread_label", "a space and one of"),
    (lambda d: d["units"]["clause"].update(misread_label=" ."), "units, clause, misread_label", "a list"),
    (lambda d: d["units"]["article"].update(misread_label=[" ."]), "units, article, misread_label", "without a heading"),
    (lambda d: d["roman_misreads"].update(I="I"), "roman_misreads, I", "another roman letter"),
    (lambda d: d["roman_misreads"].update(T="Q"), "roman_misreads, T", "another roman letter"),
    (lambda d: d["roman_misreads"].update(TT="I"), "roman_misreads, TT", "one character"),
])
def test_a_bad_units_file_names_the_entry(tmp_path, change, entry, reason):
    path = _write(tmp_path, change)
    with pytest.raises(DataFileError) as info:
        units.load_units(path)
    assert info.value.file == str(path) and info.value.entry == entry and reason in info.value.reason


def test_adding_a_point_letter_is_one_edit(tmp_path):
    """A new letter needs its place in the list and an id spelling, nothing else."""
    def add(d, spelled):
        d["point_letters"].insert(d["point_letters"].index("o") + 1, "ơ")
        if spelled:
            d["id_letters"]["ơ"] = "ow"

    with pytest.raises(DataFileError, match="no id spelling for ơ"):
        units.load_units(_write(tmp_path, lambda d: add(d, False)))
    vocab = units.load_units(_write(tmp_path, lambda d: add(d, True)))
    assert vocab.point_letters[vocab.point_letters.index("o") + 1] == "ơ" and vocab.id_letters["ơ"] == "ow"


def test_u_horn_is_a_point_letter():
    assert units.POINT_LETTERS[units.POINT_INDEX["u"] + 1] == "ư" and "ư" in units.OPTIONAL_LETTERS
    assert units.id_letters("ư") == "uw" and units.letter_class() == "[a-zđư]"


def test_the_shipped_misreads():
    assert {"Điêu", "ĐIÊU", "Dieu"} <= set(units.UNITS["article"].misread)
    assert units.UNITS["clause"].misread_label == (" .", " ,", ",", ";", ":") and units.UNITS["point"].misread_label == (" )",)
    assert {"T": "I", "l": "I", "1": "I", "L": "I", "Ï": "I"}.items() <= units.ROMAN_MISREADS.items()


@pytest.mark.parametrize("token, numeral", [
    ("T", "I"), ("l", "I"), ("1I", "II"), ("Il", "II"), ("lV", "IV"), ("XT", "XI"), ("L", "I"), ("IL", "II"),
    ("II", None),    # nothing misread
    ("11", None),    # a chapter numbered in digits
    ("III1", None),  # IIII is no numeral: a flattened footnote mark
    ("VT1", "VII"),
])
def test_misread_roman(token, numeral):
    assert units.misread_roman(token) == numeral
