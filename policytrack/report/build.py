"""The main job: every part of the report, each step independent of the others that fail."""

from __future__ import annotations

import hashlib
import logging
import shutil
import sys
import time
from pathlib import Path

from ..vocab import BRIEF_SETTINGS, BriefSettings, DataFileError, load_brief_settings
from .brief import plan_brief
from .brief_docx import write_brief
from .charts import brief_charts
from .dashboard import write_dashboard
from .exports import write_corpus_summary, write_exports
from .folder import (
    MANIFEST,
    Published,
    keep_edited_copies,
    manifest_trouble,
    new_stage,
    publish,
    trusted_manifest,
)
from .problems import Problem, ReportResult

log = logging.getLogger("policytrack.report")


def _say(message: str, started: float, quiet: bool) -> None:
    if not quiet:
        print(f"policytrack: [{time.perf_counter() - started:5.1f} s] {message}", file=sys.stderr, flush=True)


def build_report(register_path: str | Path, corpus_folder: str | Path, out: str | Path, *, lang: str = "vi",
                 document: str | None = None, progress: bool | None = None, quiet: bool = False,
                 brief_settings: str | Path | None = None) -> ReportResult:
    """Write every part of the report into ``out``; never stops at the first problem.

    Steps: parse the corpus (a progress bar when asked, or for a large folder), summary,
    load and check the register, link, charts, exports, dashboard, brief. A file that
    cannot be read, a register that does not validate or a step that fails becomes a
    ``Problem`` in the result (and in the dashboard); the steps that do not depend on it
    still run. Progress lines go to stderr unless ``quiet``. The brief's sender and signer
    come from ``brief_settings`` (default: ``brief_settings.yaml`` beside the register).

    >>> result = build_report("recommendations.csv", "corpus", "reports")   # doctest: +SKIP
    >>> [str(p) for p in result.problems]                                     # doctest: +SKIP
    """
    import pandas as pd

    from ..corpus import Corpus
    from ..linking import LINK_COLUMNS, link
    from ..model import PolicytrackError
    from ..register import Register, RegisterError
    from ..sources import FILE_NAME, SourceRegister
    from .charts import report_charts

    out, result, started = Path(out), ReportResult(), time.perf_counter()
    settings_path = Path(brief_settings) if brief_settings else Path(register_path).parent / BRIEF_SETTINGS
    problems = result.problems

    def attempt(step: str, where: str, action):
        """Run one step. Bad input (a policytrack error), an OS error, or a defect of ours
        becomes a Problem, and ``None`` is returned."""
        try:
            return action()
        except RegisterError as exc:
            problems.extend(Problem(step, exc.path, p) for p in exc.problems)
        except (PolicytrackError, OSError) as exc:
            problems.append(Problem(step, where, str(exc)))
        except Exception as exc:  # a defect of ours must not cost the user the other parts
            log.exception("report step %s failed", step)
            problems.append(Problem(step, where, f"internal error ({type(exc).__name__}: {exc}); "
                                                 "please report it with this message"))
        return None

    trouble = attempt("report folder", str(out / MANIFEST), lambda: manifest_trouble(out))
    if trouble:
        log.warning("%s", trouble)
        problems.append(Problem("report folder", str(out / MANIFEST), trouble, "note"))
    for old, kept in attempt("report folder", str(out), lambda: keep_edited_copies(out)) or []:
        problems.append(Problem("report folder", str(old), f"edited since the last report, or not written by it: kept as "
                                f"{kept.name}", "note"))
    # The files are written into a staging folder, then moved into place by ``publish``, with
    # the manifest as its journal (without a staging folder, straight into ``out``).
    stage = attempt("report folder", str(out), lambda: new_stage(out))
    dest = stage or out
    _say(f"corpus: reading {corpus_folder}", started, quiet)
    # One sources register for the corpus and the register: the corpus folder's, else the
    # one beside the register (corpus/sources.csv), as Register.load would choose.
    register_dir = Path(register_path).parent
    sources = attempt("sources", str(corpus_folder), lambda: SourceRegister.find(
        Path(corpus_folder) / FILE_NAME, register_dir / "corpus" / FILE_NAME, register_dir / FILE_NAME))
    kept_csv = None
    corpus = attempt("corpus", str(corpus_folder),
                     lambda: Corpus.load(corpus_folder, progress=progress, sources=sources))
    if corpus is not None:
        problems.extend(Problem("corpus", err.path, f"{err.reason} (file skipped)") for err in corpus.errors)
        _say(f"summary: {_count(len(corpus.docs), 'document')}, {_count(len(corpus.errors), 'file')} skipped",
             started, quiet)
        kept_csv = attempt("summary", str(out), lambda: _provisions_csv_unchanged(corpus, out)) if stage else None
        if kept_csv:
            _say("summary: provisions.csv unchanged, kept", started, quiet)
        result.written += attempt("summary", str(out), lambda: _write_summary(corpus, dest, not kept_csv)) or []
    register = attempt("register", str(register_path), lambda: Register.load(register_path, sources=sources))
    links = charts = None
    if register is not None:
        problems.extend(Problem("register", str(register_path), w, "note") for w in register.warnings)
        _say(f"links: {len(register)} recommendations", started, quiet)
        if corpus is not None:
            links = attempt("links", str(register_path), lambda: link(register, corpus))
        else:  # nothing to link to: the register is still exported and shown
            links = pd.DataFrame(columns=LINK_COLUMNS)
    if register is not None and links is not None:
        _say("charts and exports: drawing, writing", started, quiet)
        charts = attempt("charts", str(out), lambda: report_charts(register, links, corpus, lang)) or []
        for chart in charts:
            path = attempt("charts", chart.name, lambda c=chart: c.save_png(dest / "charts" / f"{c.name}.png"))
            if path:
                result.written.append(path)
        cleaned: list[str] = []
        result.written += attempt("exports", str(out), lambda: write_exports(register, links, dest, lang, cleaned)) or []
        problems.extend(Problem("exports", str(out / "register.xlsx"), note, "note") for note in cleaned)
    suggestions = None
    if register is not None and corpus is not None and links is not None and not links.empty:
        from ..compare import suggest_from_amendments

        suggestions = attempt("amendments", str(corpus_folder),
                              lambda: suggest_from_amendments(links, register, corpus.amendments()))
    _say("brief and dashboard: writing", started, quiet)
    brief = None
    if register is None or corpus is None or links is None:
        why = ("the register could not be loaded" if register is None else
               "the corpus could not be read" if corpus is None else "the links could not be made")
        problems.append(Problem("brief", str(out / "brief.docx"), f"not written: {why}"))
    else:
        brief = attempt("brief", str(out / "brief.docx"),
                        lambda: _write_brief(register, links, corpus, document, dest, settings_path, problems,
                                             suggestions))
    dashboard = attempt("dashboard", str(out / "dashboard.html"),
                        lambda: write_dashboard(register, links, dest, lang, charts=charts or (), problems=problems,
                                                        suggestions=suggestions))
    result.written += [p for p in (dashboard, brief) if p]
    if stage is not None:
        _publish(attempt("report folder", str(out / MANIFEST), lambda: publish(stage, out, result.written)), result)
        shutil.rmtree(stage, ignore_errors=True)
        if corpus is not None and kept_csv and (out / PROVISIONS_CSV).is_file():
            result.written.insert(min(2, len(result.written)), out / PROVISIONS_CSV)  # in place, as it was
    _say(f"done: {len(result.written)} files, {len(problems)} problems", started, quiet)
    return result


PROVISIONS_CSV = "provisions.csv"


def _provisions_csv_key(corpus) -> str:
    """What ``provisions.csv`` is a function of: every document (ids, texts, offsets), the
    code (in every key) and pandas, which writes it."""
    import pandas as pd

    from ..corpus import PROVISIONS_VERSION

    return corpus.cache.key("provisions-csv", PROVISIONS_VERSION, pd.__version__, *corpus.document_digests())


def _provisions_csv_unchanged(corpus, out: Path) -> bool:
    """Whether ``out/provisions.csv`` is what this run would write: the report wrote it
    (the manifest's digest), nobody changed it since, and its digest is the one the cache
    holds for this corpus. Then it is neither built nor written again."""
    expected = corpus.cache.get("provisions-csv", _provisions_csv_key(corpus))
    if not isinstance(expected, str):
        return False
    manifest = trusted_manifest(out)[0]
    path = out / PROVISIONS_CSV
    return (manifest is not None and manifest.files.get(PROVISIONS_CSV) == expected and path.is_file()
            and hashlib.sha256(path.read_bytes()).hexdigest() == expected)


def _write_summary(corpus, dest: Path, provisions_csv: bool) -> list[Path]:
    """The corpus summary; the digest of a ``provisions.csv`` written is kept in the cache
    for the next run to compare with."""
    written = write_corpus_summary(corpus, dest, provisions_csv=provisions_csv)
    if provisions_csv and corpus.cache:
        digest = hashlib.sha256((dest / PROVISIONS_CSV).read_bytes()).hexdigest()
        corpus.cache.put("provisions-csv", _provisions_csv_key(corpus), digest)
    return written


def _brief_settings(path: Path, problems: list[Problem]) -> BriefSettings:
    """The brief's settings; a missing file gives the placeholders and a note, a wrong one
    the placeholders and an error naming the entry. Placeholders left in it are
    highlighted in the brief itself."""
    if not path.exists():
        problems.append(Problem("brief", str(path), "no settings file: the sender, number and signer of the brief "
                                "are placeholders (copy brief_settings.yaml from the project and fill it in)", "note"))
        return BriefSettings()
    try:
        return load_brief_settings(path)
    except DataFileError as exc:
        problems.append(Problem("brief", str(path), f"{exc.entry + ': ' if exc.entry else ''}{exc.reason} "
                                "(the brief was written with placeholders)"))
        return BriefSettings()


def _write_brief(register, links, corpus, document: str | None, dest: Path, settings_path: Path,
                 problems: list[Problem], suggestions=None) -> Path:
    """The brief, always in Vietnamese (it goes to a Vietnamese drafting committee): the
    plan, the charts of its own recommendations, the sender from the settings file."""
    if document is not None:
        _check_brief_document(document, register, corpus)
    plan = plan_brief(register, links, corpus, document, suggestions=suggestions)
    charts = brief_charts(register, links, corpus, [e.recommendation for e in plan.entries])
    return write_brief(plan, dest, charts=charts, settings=_brief_settings(settings_path, problems))


def _check_brief_document(document: str, register, corpus) -> None:
    """Refuse a ``document`` the brief cannot be about (a typo would give an empty brief):
    it must be held by the corpus or targeted by the register. The error lists both."""
    from ..model import PolicytrackError

    held = [d.id for d in corpus]
    targeted = sorted({row["target_document"] for row in register if row["target_document"]} - set(held))
    if document in held or document in targeted:
        return
    raise PolicytrackError(f"no document '{document}' to brief on: choose one the corpus holds ({', '.join(held) or 'none'})"
                           + (f" or one the register targets ({', '.join(targeted)})" if targeted else ""))


def _publish(done: Published | None, result: ReportResult) -> None:
    """The files ``publish`` put in place become ``result.written``; what stood in their
    way, or kept them out, is listed."""
    result.written = done.written if done is not None else []
    for old, kept in done.kept if done is not None else []:
        result.problems.append(Problem("report folder", str(old), f"changed during the run: kept as {kept.name}",
                                       "note"))
    result.problems.extend(Problem("report folder", str(path), why) for path, why in
                           (done.failed if done is not None else []))


def _count(n: int, noun: str) -> str:
    """``1 document``, ``2 documents``: English counts in the terminal read right."""
    return f"{n} {noun}{'' if n == 1 else 's'}"
