"""A synthetic corpus of any size built from the real law text in ``../shared/real-corpus``.

Each generated document takes the header of one real text with its number changed
(``Số: 08/2022/NĐ-CP`` → ``Số: 1008/2022/NĐ-CP``; a text printed without one is given
``Số: N/2025/VBHN-SYN``: every document has an id of its own),
then articles from that text and from another one, renumbered in sequence, until it
reaches a size drawn between 10 and 100 kB. The first copy of each real text keeps its
own number, so the citations the texts make between them still resolve. No two generated
files have the same bytes, so no cache entry of a real text (or of another size) is ever
served for them. Deterministic: the same size and seed give the same files.

    from synthetic import generate
    files = generate(Path("/tmp/x"), mb=100)
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "real-corpus"

_ARTICLE = re.compile(r"^(Điều\s+)(\d+[a-z]?)(?=[.:\s])", re.M)
_NUMBER = re.compile(r"(Số:\s*)(\d+)(?=[/-])")


@dataclass
class _Text:
    header: str
    articles: list[str]


def _split(text: str) -> _Text:
    starts = [m.start() for m in _ARTICLE.finditer(text)]
    if not starts:
        return _Text(text, [])
    blocks = [text[a:b] for a, b in zip(starts, starts[1:] + [len(text)])]
    return _Text(text[: starts[0]], blocks)


def real_texts(folder: Path = REAL) -> list[_Text]:
    files = sorted(folder.glob("*.txt"))
    if not files:
        raise SystemExit(f"{folder}: no real texts to build a corpus from")
    return [_split(p.read_text(encoding="utf-8")) for p in files]


def generate(out: Path, mb: float, seed: int = 16, folder: Path = REAL) -> list[Path]:
    """Write about ``mb`` MB of documents into ``out`` (``000001.txt`` …); returns the files."""
    texts = real_texts(folder)
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    budget, written, files = int(mb * 1e6), 0, []
    i = 0
    while written < budget:
        a = texts[i % len(texts)]
        b = texts[rng.randrange(len(texts))]
        header = a.header
        if i >= len(texts):  # later copies: a number of their own
            if _NUMBER.search(header):
                header = _NUMBER.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + 1000 * (i // len(texts))}", header, count=1)
            else:  # printed without a number (portal copies): given one
                header = f"Số: {i + 1}/2025/VBHN-SYN\n" + header
        target = rng.randint(10_000, 100_000)
        parts, size, n = [header], len(header.encode("utf-8")), 0
        pool = a.articles + b.articles[rng.randrange(len(b.articles)):] if b.articles else a.articles
        for block in pool:
            n += 1
            block = _ARTICLE.sub(lambda m, n=n: f"{m.group(1)}{n}", block, count=1)
            parts.append(block)
            size += len(block.encode("utf-8"))
            if size >= target and n >= 1:
                break
        body = "".join(parts)
        if not a.articles:  # a letter: its paragraphs as they are
            body = header
        path = out / f"{i + 1:06d}.txt"
        data = body.encode("utf-8")
        path.write_bytes(data)
        files.append(path)
        written += len(data)
        i += 1
    return files


if __name__ == "__main__":
    import sys

    made = generate(Path(sys.argv[1]), float(sys.argv[2]))
    print(len(made), "files", sum(p.stat().st_size for p in made) / 1e6, "MB")
