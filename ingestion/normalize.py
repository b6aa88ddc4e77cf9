"""Cleaning free text that people type or paste: width, whitespace, invisible characters, script.

:func:`clean_text` is what every demand and profile text goes through before it is stored, segmented
or matched. It is deterministic and idempotent (``clean_text(clean_text(x)) == clean_text(x)``),
and it never truncates: text over the limit raises :class:`TextTooLong` with a message for the user.

PII extraction (:func:`extract_pii`) lives in :mod:`ingestion.pii` and is re-exported here.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

from core.errors import ValidationFailed
from ingestion.pii import PLACEHOLDERS, Pii, extract_pii, strip_placeholders

if TYPE_CHECKING:
    from opencc_purepy import OpenCC

__all__ = [
    "MAX_DESCRIPTION_CHARS",
    "MAX_TITLE_CHARS",
    "PLACEHOLDERS",
    "GarbledText",
    "Pii",
    "TextTooLong",
    "clean_text",
    "extract_pii",
    "strip_placeholders",
    "to_simplified",
]

MAX_DESCRIPTION_CHARS = 5000
MAX_TITLE_CHARS = 100


class TextTooLong(ValidationFailed):
    code = "text_too_long"
    default_message = "内容过长"


class GarbledText(ValidationFailed):
    code = "garbled_text"
    default_message = "内容像是乱码（文字编码错误），请直接输入文字或重新复制后再提交"


# Full-width forms that are ordinary Chinese punctuation: kept as they are in Chinese context.
_CHINESE_PUNCT = frozenset("，！？：；（）～")
_DIGIT = re.compile(r"[0-9]")
# Full-width brackets around ASCII-only content, e.g. （0591） or （PVDF）, become ASCII as a pair.
_ASCII_IN_BRACKETS = re.compile(r"（([\x20-\x7e]+)）")
# Characters NFKC would degrade: circled list numbers, the ellipsis, super/subscripts, ℃.
_NO_NFKC = re.compile(r"[，！？：；（）～…℃\u00b2\u00b3\u00b9\u2070-\u209f\u2460-\u24ff\u2776-\u2793]+")
_ASCII_TO_CHINESE = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RE = re.compile(f"[{_CJK}]")
# ASCII punctuation right after a Chinese character (and not inside a number or URL) → Chinese form.
_ASCII_PUNCT_AFTER_CJK = re.compile(f"(?<=[{_CJK}])[,;:?!](?![/\\\\])")
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n{3,}")

# Pictographs and their glue: emoji blocks, dingbats, misc symbols, variation selectors,
# skin-tone modifiers, tag characters, keycap, box drawing and block elements.
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2500-\u259f\ufe00-\ufe0f\u20e3\U000e0000-\U000e007f]+"
)
_ASCII_ALNUM = re.compile(r"[A-Za-z0-9]")
# Mojibake signatures: UTF-8 read as GBK then written back ("锟斤拷"), or replacement characters.
_GBK_FFFD = "锟斤拷"


def _drop_invisible(text: str) -> str:
    """Remove control, format (zero-width, bidi, BOM, soft hyphen), private-use and surrogate chars."""
    out: list[str] = []
    for ch in text:
        if ch in "\n\t":
            out.append(ch)
            continue
        if unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs"):
            continue
        out.append(ch)
    return "".join(out)


def _drop_emoji(text: str) -> str:
    """Delete pictographs; keep a space where deleting one would glue two Latin words together."""

    def repl(m: re.Match[str]) -> str:
        before = text[m.start() - 1] if m.start() > 0 else ""
        after = text[m.end()] if m.end() < len(text) else ""
        glue = _ASCII_ALNUM.fullmatch(before) and _ASCII_ALNUM.fullmatch(after)
        return " " if glue else ""

    return _EMOJI.sub(repl, text)


def _fold_width(text: str) -> str:
    """Full-width letters, digits and technical symbols become ASCII; Chinese punctuation stays.

    A kept Chinese mark between two digits (``１０：３０``, ``１，０００``) becomes ASCII too, and
    so does a bracket pair around ASCII-only content (``（０５９１）``).
    Everything else goes through NFKC (compatibility ideographs, ㎜, ﬁ, Kangxi radicals …),
    except the characters NFKC would degrade (①, …, ², ℃).
    """
    chars = list(text)
    for i, ch in enumerate(chars):
        if "\uff01" <= ch <= "\uff5e":
            ascii_ch = chr(ord(ch) - 0xFEE0)
            if ch in _CHINESE_PUNCT:
                prev = _fold_char(chars[i - 1]) if i > 0 else ""
                nxt = _fold_char(chars[i + 1]) if i + 1 < len(chars) else ""
                if ch in "（）" or not (_DIGIT.fullmatch(prev) and _DIGIT.fullmatch(nxt)):
                    continue
            chars[i] = ascii_ch
        elif ch == "\u3000":
            chars[i] = " "
    folded = _ASCII_IN_BRACKETS.sub(r"(\1)", "".join(chars)).replace("㎡", "m²").replace("㎥", "m³")
    pieces: list[str] = []
    pos = 0
    for m in _NO_NFKC.finditer(folded):
        pieces.append(unicodedata.normalize("NFKC", folded[pos : m.start()]))
        pieces.append(m.group())
        pos = m.end()
    pieces.append(unicodedata.normalize("NFKC", folded[pos:]))
    return "".join(pieces)


def _fold_char(ch: str) -> str:
    return chr(ord(ch) - 0xFEE0) if "\uff01" <= ch <= "\uff5e" else ch


def _sloppy_cp1252(text: str) -> bytes | None:
    """Bytes of text decoded as Windows-1252 by a tool that let undefined bytes through (like ftfy)."""
    out = bytearray()
    for ch in text:
        code = ord(ch)
        if code < 0x100:
            out.append(code)
            continue
        try:
            out += ch.encode("cp1252")
        except UnicodeEncodeError:
            return None
    return bytes(out)


def _repair_or_reject_mojibake(text: str) -> str:
    """Undo the common UTF-8-read-as-Windows-1252 accident; refuse text that cannot be read."""
    if text.count("\ufffd") >= 3 or _GBK_FFFD in text:
        raise GarbledText()
    if _CJK_RE.search(text) is None and re.search(r"[\u00c0-\u00ff][\u0080-\u02ff\u2000-\u20ff]", text):
        raw = _sloppy_cp1252(text)
        if raw is not None:
            try:
                repaired = raw.decode("utf-8")
            except UnicodeDecodeError:
                return text
            if _CJK_RE.search(repaired):
                return repaired
    return text


_opencc_lock = threading.Lock()


@lru_cache(maxsize=1)
def _converter() -> OpenCC:
    from opencc_purepy import OpenCC

    with _opencc_lock:
        converter = OpenCC("t2s")
    if converter.get_last_error():
        raise RuntimeError(f"OpenCC dictionaries failed to load: {converter.get_last_error()}")
    return converter


def to_simplified(text: str) -> str:
    """Traditional → simplified Chinese (OpenCC ``t2s``, phrase-aware); simplified text is unchanged."""
    if not _CJK_RE.search(text):
        return text
    return str(_converter().t2s(text))


def _tidy_whitespace(text: str, *, single_line: bool) -> str:
    text = _SPACES.sub(" ", text)
    lines = [line.strip() for line in text.split("\n")]
    if single_line:
        return " ".join(line for line in lines if line)
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def clean_text(
    text: str,
    *,
    max_length: int | None = MAX_DESCRIPTION_CHARS,
    label: str = "需求描述",
    simplify: bool = True,
    single_line: bool = False,
) -> str:
    """Normalise user text for storage and analysis.

    Guarantees: full-width ASCII letters/digits/symbols become half-width while Chinese punctuation
    stays (ASCII ``,;:?!`` right after a Chinese character becomes Chinese); control, zero-width,
    bidi and private-use characters and emoji are removed; line breaks become ``\\n``, runs of
    spaces one space, at most one blank line between paragraphs (or one line if ``single_line``);
    traditional characters become simplified (``simplify``); UTF-8 text mis-decoded as Windows-1252
    is repaired. The result is at most ``max_length`` characters, otherwise :class:`TextTooLong`
    (named after ``label``) is raised — never a silent cut. Unreadable text raises
    :class:`GarbledText`. Contact data is *not* touched here: see :func:`extract_pii`.
    """
    if not isinstance(text, str):
        raise TypeError(f"clean_text expects str, got {type(text).__name__}")
    if max_length is not None and len(text) > max_length * 4 + 1000:
        # Refuse absurd input before spending time on it; cleaning cannot bring it under the limit.
        raise TextTooLong(f"{label}最多 {max_length} 字，收到的内容约 {len(text)} 字，请精简后再提交")
    text = _repair_or_reject_mojibake(text)
    text = text.replace("\r\n", "\n").translate({0x0D: "\n", 0x85: "\n", 0x2028: "\n", 0x2029: "\n"})
    text = text.replace("\t", " ")
    text = _drop_invisible(_drop_emoji(text))
    text = unicodedata.normalize("NFC", _fold_width(text))
    text = _ASCII_PUNCT_AFTER_CJK.sub(lambda m: _ASCII_TO_CHINESE[m.group()], text)
    if simplify:
        text = to_simplified(text)
    text = _tidy_whitespace(text, single_line=single_line)
    if max_length is not None and len(text) > max_length:
        raise TextTooLong(
            f"{label}最多 {max_length} 字，现在有 {len(text)} 字，请精简后再提交（内容较多时可分成几条提交）",
            fields={"max_length": max_length, "length": len(text)},
        )
    return text


def meaningful_length(text: str) -> int:
    """Chinese characters plus ASCII letters and digits: what is left when punctuation is ignored."""
    return len(re.findall(f"[{_CJK}A-Za-z0-9]", strip_placeholders(text)))
