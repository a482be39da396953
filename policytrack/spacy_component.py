"""The citation reader as a spaCy pipeline component, for researchers who work in spaCy.

    >>> import spacy                                                       # doctest: +SKIP
    >>> nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    >>> nlp.add_pipe("policytrack_references")                             # doctest: +SKIP
    >>> doc = nlp("Theo khoản 2 Điều 5 Nghị định số 08/2022/NĐ-CP.")      # doctest: +SKIP
    >>> [(s.text, s._.pt_targets) for s in doc.spans["references"]]        # doctest: +SKIP

The component runs ``find_references`` on the raw text (before tokenisation, which would
split ``08/2022/NĐ-CP``), so it needs no word segmentation: a blank Vietnamese pipeline
with spaCy's syllable tokenizer is enough, with no extra download. Each span of
``doc.spans["references"]`` carries, as extension attributes, ``pt_targets`` (one dict per
cited unit: document as written, article, clause, point… as the CLI's records give them),
``pt_relation``, ``pt_resolved`` (the provision ids the targets resolve to when the
component was given a corpus folder, else ``None`` per target) and ``pt_text`` (the
citation exactly: the span itself covers whole tokens, and a syllable tokenizer leaves
punctuation on its token, so ``"…/NĐ-CP;"``). Registered through the
``spacy_factories`` entry point, so ``nlp.add_pipe("policytrack_references")`` works once
policytrack is installed.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from .citations import find_references, records, resolve

__all__ = ["ReferenceComponent", "make_component", "SPANS_KEY"]

SPANS_KEY = "references"

for _name in ("pt_targets", "pt_relation", "pt_resolved", "pt_text"):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=None)


class ReferenceComponent:
    """Sets ``doc.spans["references"]``; resolves against a corpus folder when given one."""

    def __init__(self, nlp: Language, name: str, corpus: str = ""):
        self.name = name
        self.corpus = None
        if corpus:
            from .corpus import Corpus

            self.corpus = Corpus.load(corpus, progress=False)

    def __call__(self, doc: Doc) -> Doc:
        references = find_references(doc.text)
        if self.corpus is not None:
            resolve(references, self.corpus)
        spans = []
        for ref in references:
            span = doc.char_span(ref.start, ref.end, label="REFERENCE", alignment_mode="expand")
            if span is None:
                continue
            found = records(ref)
            span._.pt_text = ref.text  # the span is widened to whole tokens ("…/NĐ-CP;")
            span._.pt_targets = [{k: rec[k] for k in _TARGET_FIELDS} for rec in found]
            span._.pt_relation = ref.relation
            span._.pt_resolved = [rec["resolved_id"] for rec in found]
            spans.append(span)
        doc.spans[SPANS_KEY] = spans
        return doc


_TARGET_FIELDS = ("document", "document_id", "article", "clause", "point", "chapter", "section", "annex",
                  "reason")


@Language.factory("policytrack_references", default_config={"corpus": ""})
def make_component(nlp: Language, name: str, corpus: str) -> ReferenceComponent:
    """The spaCy factory (``nlp.add_pipe("policytrack_references", config={"corpus": "corpus/"})``)."""
    return ReferenceComponent(nlp, name, corpus)
