"""Header and closing blocks of Vietnamese legal documents and official letters.

Three public entry points:

* ``split_documents(text)`` -> the ``(start, end)`` spans of the documents a file holds;
* ``parse_header(text, start, end)`` -> a ``DocumentMeta`` for one such span;
* ``load_doc_types(path=None)`` -> the type vocabulary (``data/doc_types.yaml``).

All functions take the *normalised* text of a source (NFC, plain quotes and spaces, ``\\n``
line ends) and return offsets into that same text; the caller maps them back.

Speed: only bounded windows are examined line by line in Python (the first
``HEADER_LINES`` lines of a span, and a few thousand characters around the closing block).
Anything that must look at the whole text (``split_documents``, finding "Nơi nhận:" or an
annex) uses compiled regular expressions with ``re.M``.

Decisions (what the fields hold)
--------------------------------
* ``issuer``: the capitalised issuing-body lines as printed, joined with one space
  ("ỦY BAN NHÂN DÂN" + "TỈNH LẠNG SƠN" -> "ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN"), because most
  multi-line issuers are one name wrapped over two lines. When the header names no issuer,
  a "TM." / "T/M" signature line (signed *on behalf of* a collective body) names it and is
  used, with the warning "issuer not found in header: inferred ... from signature block".
  Sentences of the body are never used: they describe third parties as often as the sender.
* ``title``: kept as printed (capitals stay capitals: "BẢO VỆ MÔI TRƯỜNG"); wrapped lines
  are joined with one space. For a type marked ``restates`` in the vocabulary (Văn bản hợp
  nhất) the heading below the number is the restated document's type, so it becomes part of
  the title ("LUẬT BẢO VỆ MÔI TRƯỜNG") and the type comes from the symbol (VBHN).
* ``doc_type``: the type heading wins, then the number's symbol, then a "V/v" line (the
  first ``letter`` type, "Công văn"). "…/QH14" says "Luật" (the National Assembly numbers
  its resolutions the same way; a "NGHỊ QUYẾT" heading corrects it).
* ``number``: as printed with whitespace removed ("7344 /BTNMT-KH&CN" ->
  "7344/BTNMT-KH&CN"); ASCII spellings ("ND-CP") are kept; ``canonical_number`` unifies.
  A "Số:" followed only by dots is a receiving stamp, never a number. A draft's blank
  serial ("Số:    /2023/NĐ-CP") is kept as "/2023/NĐ-CP".
* ``subject``: the text after "V/v" / "V/v:", wrapped lines joined with one space.
* ``signer_title``: the authority lines of the signature block, one per line, joined with
  "\\n" as printed ("TL. BỘ TRƯỞNG\\nVỤ TRƯỞNG\\n…"): a wrapped title and two stacked
  authorities cannot be told apart reliably, so no structure is invented.
* ``bases``: each "Căn cứ …" paragraph without its trailing ";" / "," / "."; letters (a
  document with a V/v subject) have no legal bases, so none are read for them.
* dates: the parts printed are kept and the missing ones are ``None`` with a warning such as
  "date incomplete: month and year missing"; nothing is guessed. An impossible day or month
  (32, 13) is dropped with a warning.
* ``spans``: one entry per field (the whole block for list fields), plus one per list item
  as ``"recipients.0"``, ``"bases.2"``, ``"noi_nhan.1"``.
* ``document_id``: ``canonical_number`` with whitespace removed and ":" turned into "-"
  (ids use ":" to separate the document from the provision path); a blank draft serial does
  not count as a number.

Splitting is conservative: a new document starts at a header (motto line or "Số:" line)
only when the text before it has a closing block ("Nơi nhận:" or a signature) after which
no annex marker ("Phụ lục", "Mẫu số", "Biểu số") and no open quotation occur, and the new
part has a real number ("Số: 12/…") or a type heading within its first lines. The boundary
is the first of the capitalised issuer lines directly above the header line.

The package follows the sections of that work: ``patterns`` (characters and compiled
patterns), ``doctypes`` (the type vocabulary), ``context`` (the window's lines and dates),
``fields`` (one step per header field), ``closing`` (Nơi nhận and the signature) and
``split`` (several documents in one file).
"""

from .doctypes import DocType, DocTypes, load_doc_types
from .fields import parse_header
from .split import split_documents

__all__ = ["DocType", "DocTypes", "load_doc_types", "parse_header", "split_documents"]
