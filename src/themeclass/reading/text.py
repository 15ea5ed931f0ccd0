"""Read a report file — plain text, PDF or a news page in HTML — into normalised text.

Every reader returns the same shape of text, because the rest of the library was tuned
on ``pdftotext`` (poppler, default mode) output: ``"\\n"`` line ends, no BOM, one text
line per printed line in reading order, and a form feed ``"\\f"`` at the start of every
page after the first (so ``text.split("\\f")`` gives the pages). This module reads the
bytes of a file (gunzipping ``.gz``), tells the kinds apart and decodes plain text;
:mod:`themeclass.reading.pdf` and :mod:`themeclass.reading.html` read the other two
kinds, and :func:`themeclass.reading.read.read_text` picks the reader.
"""


from __future__ import annotations

import codecs
import gzip
import io
import re
import zlib
from pathlib import Path

from ..errors import ThemeclassError

__all__ = [
    "SUPPORTED_SUFFIXES", "file_kind", "gunzip", "megabytes", "normalise_text", "plain_text", "read_bytes",
    "suffix_kind", "too_large",
]

#: Suffixes that choose a reader outright; any other file is sniffed (PDF, HTML, else text).
SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".text", ".pdf", ".html", ".htm")

_PDF_SUFFIXES = (".pdf",)
_HTML_SUFFIXES = (".html", ".htm")
_TEXT_SUFFIXES = (".txt", ".text")

_BINARY = "not a text, PDF or HTML report (binary data)"

#: Share of control or replacement characters above which decoded "text" is binary noise.
_MAX_NOISE_SHARE = 0.10


# --------------------------------------------------------------------------- public


def normalise_text(text: str) -> str:
    """Make line ends ``"\\n"``, drop a leading BOM and replace NUL with U+FFFD.

    Everything else is kept as it is — smart quotes, dashes, bullets (◼, private-use
    glyphs such as U+F0A7) and form feeds — because later steps look for them.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\x00", "\ufffd")


# ------------------------------------------------------------------ file and kind


def read_bytes(file: Path, limit: int | None = None) -> bytes:
    """Read the whole file, turning OS errors into one-line problems.

    With ``limit``, a file of more than ``limit`` bytes is refused before it is read
    (its size from the file system), and at most ``limit + 1`` bytes are ever read, so
    a file that grows, or a pipe whose size is unknown, cannot fill the memory either.
    """
    if file.is_dir():
        raise ThemeclassError("is a directory", file)
    try:
        if limit is None:
            return file.read_bytes()
        size = file.stat().st_size
        if size > limit:
            raise ThemeclassError(too_large(megabytes(size), limit), file)
        with file.open("rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise ThemeclassError("no such file", file) from None
    except IsADirectoryError:
        raise ThemeclassError("is a directory", file) from None
    except OSError as err:
        raise ThemeclassError(f"cannot read file ({err.strerror or err})", file) from None
    if len(data) > limit:
        raise ThemeclassError(too_large(f"more than {megabytes(limit)}", limit), file)
    return data


def gunzip(data: bytes, file: Path, limit: int | None = None) -> bytes:
    """Reports may be stored gzip-compressed ("x.txt.gz"), as the shipped corpus is.

    With ``limit``, at most ``limit + 1`` bytes are inflated: a file that would inflate
    to more (a "gzip bomb" among them) is refused without being inflated in full.
    """
    try:
        if limit is None:
            data = gzip.decompress(data)
        else:
            data = _inflate(data, limit + 1)
    except (OSError, EOFError, zlib.error):
        raise ThemeclassError("truncated or damaged gzip file", file) from None
    if limit is not None:
        if len(data) > limit:
            raise ThemeclassError(too_large(f"more than {megabytes(limit)} once uncompressed", limit), file)
        data = bytes(data)
    if not data.strip():
        raise ThemeclassError("empty file", file)
    return data


#: Bytes inflated at a time: small steps keep the peak near the limit, not twice it.
_INFLATE_STEP = 1 << 16


def _inflate(data: bytes, most: int) -> bytearray:
    """Inflate gzip ``data`` (one member or several) up to ``most`` bytes; the CRC is
    checked when the end is reached within them."""
    out = bytearray()
    with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
        while len(out) < most:
            chunk = stream.read(min(_INFLATE_STEP, most - len(out)))
            if not chunk:
                break
            out += chunk
    return out


def megabytes(size: int) -> str:
    """A size in bytes as people read it: ``megabytes(122_000_000) == "122.0 MB"``."""
    return f"{size / 1e6:.1f} MB"


def too_large(what: str, limit: int) -> str:
    """The problem of a file over a size limit, with what to do about it.

    >>> too_large("122.0 MB", 2_000_000)
    '122.0 MB is too large for one report (the limit is 2 MB; split it into its reports)'
    """
    return f"{what} is too large for one report (the limit is {limit / 1e6:g} MB; split it into its reports)"


def suffix_kind(file: Path) -> str | None:
    """The reader a file's suffix chooses, or None when only its bytes can tell.

    >>> suffix_kind(Path("report.PDF")), suffix_kind(Path("page.htm")), suffix_kind(Path("download"))
    ('pdf', 'html', None)
    """
    suffix = file.suffix.lower()
    if suffix in _PDF_SUFFIXES:
        return "pdf"
    if suffix in _HTML_SUFFIXES:
        return "html"
    if suffix in _TEXT_SUFFIXES:
        return "text"
    return None


def file_kind(file: Path, data: bytes) -> str:
    """Say which reader fits: ``"pdf"``, ``"html"`` or ``"text"`` (suffix first, then bytes)."""
    return suffix_kind(file) or _sniff(data)


#: An HTML page opens with <html or <!doctype html, maybe after an XML declaration or comments.
_HTML_START = re.compile(r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html)", re.I | re.S)


def _sniff(data: bytes) -> str:
    """Guess the kind from magic bytes; PDF allows a little junk before its header."""
    if b"%PDF-" in data[:1024]:
        return "pdf"
    head = data[:4096]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        start = head.decode("utf-16", errors="ignore")
    else:
        start = head.removeprefix(codecs.BOM_UTF8).decode("latin-1")
    return "html" if _HTML_START.match(start) else "text"


# --------------------------------------------------------------------- plain text


def plain_text(data: bytes, file: Path) -> str:
    """Decode a text file, refusing empty files and binary noise."""
    if not data.strip():
        raise ThemeclassError("empty file", file)
    text = _decode_text(data, file)
    if _is_noise(text):
        raise ThemeclassError(_BINARY, file)
    if not text.strip():
        raise ThemeclassError("empty file", file)
    return text


def _decode_text(data: bytes, file: Path) -> str:
    """UTF-8 (BOM or not), UTF-16/32 with BOM, else cp1252, else latin-1.

    cp1252 before latin-1 so that Word's smart quotes (0x91-0x94) become ’ “ ” and not
    C1 control characters. NUL bytes without a UTF-16/32 BOM mean binary data.
    """
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                raise ThemeclassError(_BINARY, file) from None
    if b"\x00" in data:
        raise ThemeclassError(_BINARY, file)
    for codec in ("utf-8", "cp1252"):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            pass
    return data.decode("latin-1")


#: Control characters (C0 and C1, but not tab, line ends or form feed) and U+FFFD.
_NOISE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd]")


def _is_noise(text: str) -> bool:
    """True when too many characters are controls or U+FFFD: not something a person wrote."""
    return bool(text) and len(_NOISE.findall(text)) / len(text) > _MAX_NOISE_SHARE
