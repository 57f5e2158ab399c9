"""Parse stage: a ``RawItem`` becomes an ``Inquiry``.

``parse`` is pure (no I/O) and total: whatever is wrong with the input ends up as a
string in ``Inquiry.defects``, never as an exception, because one broken message must
not stop a mailbox of thousands.

Speed matters (the whole pipeline runs at >1,000 messages/s on one core), so:

* headers and MIME parts are split with regexes and ``bytes.find``; the ``email``
  package's line-by-line parser costs ~0.5 ms for a multipart message;
* header words, addresses, dates and ``Received`` lines are decoded by hand;
* HTML becomes text through a few regex passes: a DOM walk (inscriptis) costs ~1.7 ms
  per HTML part, several times the whole parse budget;
* text and HTML are capped (``MAX_TEXT``, ``MAX_HTML``); cutting leaves a defect.
"""

from __future__ import annotations

import binascii
import codecs
import html as htmllib
import io
import ipaddress
import re
import zipfile
import zlib
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from email.message import Message
from email.utils import parsedate_tz
from functools import lru_cache
from typing import NamedTuple

from inquirydesk.model import Address, Attachment, Hop, Inquiry, Link, PlatformFacts, RawItem

MAX_TEXT = 64 * 1024  # characters of body text kept; rules never need more
MAX_HTML = 200 * 1024  # characters of HTML kept, converted and scanned for links
MAX_LINKS = 500
MAX_ZIP_MEMBERS = 50  # archive members whose kind is sniffed
MAX_ZIP_READ = 8 * 1024 * 1024  # bytes unpacked for that, in all
MAX_MIME_DEPTH = 30

# Other headers that rules may read; everything else stays out of the Inquiry.
KEPT_HEADERS = (
    "return-path", "organization", "content-language", "x-originating-ip", "x-priority",
    "x-msmail-priority", "importance", "precedence", "auto-submitted", "sender",
    "delivered-to", "list-id", "list-post", "x-beenthere", "mime-version", "content-type",
    "x-sender",
)


def parse(item: RawItem) -> Inquiry:
    """Normalise one raw item; never raises."""
    try:
        if item.error is not None:
            return Inquiry(item.source, item.channel, defects=(f"read error: {item.error}",))
        if item.data is not None:
            return _parse_message(item.source, item.channel, item.data)
        if item.row is not None:
            return _parse_row(item.source, item.channel, item.row)
        return Inquiry(item.source, item.channel, defects=("empty item",))
    except Exception as exc:
        return Inquiry(item.source, item.channel,
                       defects=(f"parse error: {type(exc).__name__}: {exc}",))


# --------------------------------------------------------------------------- charsets

# Names mailers write that Python does not know under that spelling.
_CHARSET_ALIASES = {
    "x-gbk": "gbk", "gb_2312-80": "gb2312", "x-euc-cn": "gb2312", "x-sjis": "shift_jis",
    "iso-8859-8-i": "iso-8859-8", "unicode-1-1-utf-7": "utf-7", "x-mac-roman": "mac_roman",
    "windows-874": "cp874", "x-x-big5": "big5", "ansi_x3.4-1968": "ascii",
}
# Mailers label text with a charset when they really wrote its superset.
_SUPERSETS = {
    "gb2312": "gb18030", "gbk": "gb18030", "iso8859-1": "cp1252", "ascii": "utf-8",
    "big5": "big5hkscs", "shift_jis": "cp932", "euc_kr": "cp949",
}


@lru_cache(maxsize=512)
def _codec(charset: str) -> str | None:
    """The Python text codec for a declared charset, or None when there is none."""
    try:
        name = codecs.lookup(_CHARSET_ALIASES.get(charset, charset)).name
        name = _SUPERSETS.get(name, name)
        b"".decode(name)  # rejects bytes-to-bytes codecs such as base64 or zlib
    except (LookupError, ValueError):
        return None
    return name


def _decode(data: bytes, charset: str | None) -> tuple[str, str | None]:
    """Text and a defect: the declared charset, then UTF-8, then a lenient fallback."""
    codec = _codec(charset) if charset else None
    defect = f"undecodable charset {charset[:40]}" if charset and codec is None else None
    for name in (codec, "utf-8"):
        if name:
            try:
                return data.decode(name), defect
            except UnicodeDecodeError:
                pass
    # Undeclared 8-bit text in old mail is overwhelmingly Windows-1252.
    fallback = codec if codec and codec != "utf-8" else "cp1252"
    return data.decode(fallback, "replace"), defect


# --------------------------------------------------------------------------- headers

_HEADER = re.compile(r"^([!-9;-~]+)[ \t]*:[ \t]*(.*(?:\r?\n[ \t].*)*)", re.MULTILINE)
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?]*)\?=")


def _split_head(data: bytes) -> tuple[dict[str, list[str]], bytes]:
    """Raw header values by lower-cased name, and the body bytes.

    Values keep 8-bit bytes as surrogate escapes, as the ``email`` package does.  Input
    that does not start with a header is all body: a pasted inquiry saved as a file.
    """
    if data.startswith(b"From "):  # an mbox separator line, if a header follows it
        rest = data.partition(b"\n")[2]
        if _HEADER.match(rest[:200].decode("ascii", "surrogateescape")):
            data = rest
    if data[:1] == b"\n" or data[:2] == b"\r\n":  # an empty header block
        return {}, data[data.find(b"\n") + 1:]
    ends = [(i, len(sep)) for sep in (b"\n\n", b"\r\n\r\n") if (i := data.find(sep)) >= 0]
    end, sep = min(ends) if ends else (len(data), 0)
    head, body = data[:end], data[end + sep:]
    text = head.decode("ascii", "surrogateescape")
    if not _HEADER.match(text):
        return {}, data
    headers: dict[str, list[str]] = {}
    for name, value in _HEADER.findall(text):
        key = name.lower()
        if key in headers:
            headers[key].append(value.rstrip())
        else:
            headers[key] = [value.rstrip()]
    return headers, body


def _unfold(raw: str) -> str:
    return _FOLD.sub("", raw) if "\n" in raw else raw


def _header_text(raw: str, hint: str | None = None) -> str:
    """A raw header value unfolded, raw 8-bit bytes decoded and RFC 2047 words decoded."""
    text = _unfold(raw)
    if not text.isascii():
        text = _decode(text.encode("utf-8", "surrogateescape"), hint)[0]
    if "=?" in text:
        text = _decode_words(text)
    return text.strip()


def _decode_words(text: str) -> str:
    """RFC 2047 encoded words decoded; text around them kept."""
    out: list[str] = []
    run = bytearray()  # adjacent words of one charset are joined: a character may span two
    run_charset = ""
    pos, word_end = 0, -1
    for m in _ENCODED_WORD.finditer(text):
        gap = text[pos:m.start()]
        follows_word = pos == word_end and not gap.strip()  # whitespace between words is dropped
        charset = m[1].partition("*")[0].lower()  # RFC 2231 language suffix
        if run and (not follows_word or charset != run_charset):
            out.append(_decode(bytes(run), run_charset)[0])
            run.clear()
        if not follows_word:
            out.append(gap)
        run += _word_bytes(m[2], m[3], m[0])
        run_charset = charset
        pos = word_end = m.end()
    if run:
        out.append(_decode(bytes(run), run_charset)[0])
    out.append(text[pos:])
    return "".join(out)


def _word_bytes(encoding: str, payload: str, word: str) -> bytes:
    try:
        if encoding in "bB":
            return binascii.a2b_base64(payload + "=" * (-len(payload) % 4))
        return binascii.a2b_qp(payload, header=True)
    except (binascii.Error, ValueError):
        return word.encode("utf-8", "surrogateescape")  # keep a broken word as written


# --------------------------------------------------------------------------- addresses

# One address of a list: quoted strings, <...> and (...) may hold commas.
_ADDRESS_ITEM = re.compile(r'(?:"(?:[^"\\]|\\.)*"|<[^<>]*>|\([^()]*\)|[^,"<(])+')
_ANGLE = re.compile(r"<([^<>]*)>")
_COMMENT = re.compile(r"\(([^()]*)\)")
_EMAIL = re.compile(r"[^\s<>@,;:\"()\[\]]+@[^\s<>@,;:\"()\[\]]+")


def _addresses(raws: list[str], hint: str | None) -> tuple[Address, ...]:
    out = []
    for raw in raws:
        for item in _ADDRESS_ITEM.findall(_unfold(raw)):
            address = _address(item, hint)
            if address:
                out.append(address)
    return tuple(out)


def _address(item: str, hint: str | None) -> Address | None:
    angle = _ANGLE.search(item)
    if angle:
        name, addr = item[:angle.start()], angle[1]
    else:  # "addr (Name)", or a bare address after an RFC 5322 group name
        comment = _COMMENT.search(item)
        name = comment[1] if comment else ""
        addr = _COMMENT.sub("", item).rpartition(":")[2]
    addr = _header_text(addr.strip(" \t;"), hint)
    if not _EMAIL.fullmatch(addr):
        name, addr = name or addr, ""  # "From: someone": a name without an address
    name = _header_text(name, hint).strip("\"' \t").replace('\\"', '"')
    addr = addr.lower()
    return Address(name, addr) if name or addr else None


def _first_address(headers: dict[str, list[str]], name: str, hint: str | None,
                   defects: list[str] | None) -> Address | None:
    found = _addresses(headers[name], hint) if name in headers else ()
    if defects is not None and not any(a.email for a in found):
        defects.append(f"no {name} address")
    return found[0] if found else None


# --------------------------------------------------------------------------- dates

_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
# The RFC 5322 form nearly every mailer writes; anything else goes to parsedate_tz.
_RFC_DATE = re.compile(r"\s*(?:[A-Za-z]{3}[a-z]*\.?,?\s*)?"  # the weekday
                       r"(\d{1,2})\s+([A-Za-z]{3})[A-Za-z]*\.?,?\s+(\d{4}|\d{2})\s+"
                       r"(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*([+-]\d{4})(?!\d)")


@lru_cache(maxsize=256)
def _zone(offset: str) -> timezone:
    minutes = int(offset[1:3]) * 60 + int(offset[3:5])
    return timezone(timedelta(minutes=-minutes if offset[0] == "-" else minutes))


def _date(raw: str) -> tuple[datetime | None, str | None]:
    """An aware datetime in the writer's own offset, or None and why."""
    m = _RFC_DATE.match(raw)
    month = _MONTHS.get(m[2].lower()) if m else None
    if not (m and month and m[7] != "-0000"):  # -0000 means "zone unknown"
        return _date_fallback(raw)
    day, _, year_text, hour, minute, second, offset = m.groups()
    year = int(year_text)
    if year < 100:  # two-digit years as RFC 5322 reads them
        year += 1900 if year > 49 else 2000
    try:
        when = datetime(year, month, int(day), int(hour), int(minute), int(second or 0),
                        tzinfo=_zone(offset))
    except ValueError:
        return None, "unparseable date"
    return when, None


def _date_fallback(raw: str) -> tuple[datetime | None, str | None]:
    try:
        parts = parsedate_tz(raw)
        if not parts:
            return None, "unparseable date"
        offset = parts[9]
        zone = timezone(timedelta(seconds=offset)) if offset is not None else UTC
        when = datetime(*parts[:6], tzinfo=zone)
    except (ValueError, TypeError, OverflowError, IndexError):
        return None, "unparseable date"
    return when, None if offset is not None else "date without zone, assumed UTC"


# --------------------------------------------------------------------------- Received

# The address the receiving server saw: sendmail and postfix write "(rdns [1.2.3.4])",
# exim "from [1.2.3.4]", qmail "(HELO x) (1.2.3.4)".  Literal first characters keep
# these searches fast.
_HOP_IPS = (re.compile(r"\[(?:IPv6:)?([0-9A-Fa-f.:]+)\]"), re.compile(r"\(([0-9A-Fa-f.:]+)\)"))
_HOST_TOKEN = re.compile(r"[^\s;()\[\]]+")
_FROM_TOKEN = re.compile(r"\[?([^\s;()\[\]]*)\]?")
_IPV4 = re.compile(r"(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}")


def _hop(raw: str) -> Hop:
    text = " " + " ".join(raw.split())  # the leading space lets " by " match at the start
    head, _, stamp = text.rpartition(";") if ";" in text else (text, "", "")
    at = head.find(" by ")
    if at < 0:
        at = head.lower().find(" by ")
    by = _HOST_TOKEN.match(head, at + 4) if at >= 0 else None
    clause = head[:at] if at >= 0 else head
    from_host = ip = ""
    if clause[:6].lower() == " from ":
        token = _FROM_TOKEN.match(clause, 6)
        from_host = token[1].lower()
        # What the server saw follows the name the sender gave (which may be "[10.0.0.5]").
        rest = clause[token.end():]
        ip = next((m[1] for pattern in _HOP_IPS for m in pattern.finditer(rest)
                   if _is_ip(m[1])), "")
        if not ip and _is_ip(from_host):
            ip = from_host
    when = _date(stamp)[0] if stamp else None
    return Hop(from_host, ip, by[0].lower() if by else "", when)


def _is_ip(text: str) -> bool:
    if ":" not in text:
        return _IPV4.fullmatch(text) is not None
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return True


# --------------------------------------------------------------------------- MIME parts
#
# Multipart bodies are split on their boundary lines with bytes.find: the email
# package's line-by-line parser costs ~0.5 ms for a typical multipart message.


class _Part(NamedTuple):
    """One leaf of a message, with what its content headers say."""

    ctype: str
    charset: str | None
    filename: str  # as written: decoded later, with the message's charset as hint
    disposition: str
    data: bytes  # transfer encoding removed
    inner_names: tuple[str, ...] | None = None  # files inside, when this attaches a message


def _parts(headers: dict[str, list[str]], body: bytes, default_type: str, depth: int,
           defects: list[str]) -> list[_Part]:
    """The leaves of a message or part, in order; an attached message is one leaf."""
    def first(name: str) -> str:
        return _unfold(headers[name][0]) if name in headers else ""

    ctype_raw = first("content-type")
    ctype, charset, filename, disposition = _content_info(
        ctype_raw, first("content-disposition"), default_type)
    if ctype.startswith("multipart/") and depth < MAX_MIME_DEPTH:
        children = _multipart(body, _params(ctype_raw).get("boundary", ""), defects)
        if children is not None:
            default = "message/rfc822" if ctype == "multipart/digest" else "text/plain"
            return [leaf for child in children
                    for leaf in _parts(*_split_head(child), default, depth + 1, defects)]
    data = _decode_transfer(body, first("content-transfer-encoding").strip().lower())
    inner = _attached_names(data, depth + 1) if ctype == "message/rfc822" else None
    return [_Part(ctype, charset, filename, disposition, data, inner)]


def _multipart(body: bytes, boundary: str, defects: list[str]) -> list[bytes] | None:
    """The bodies between boundary lines; None when there are none (the text is kept whole)."""
    if not boundary:
        defects.append("mime: NoBoundaryInMultipartDefect")
        return None
    delim = b"\n--" + boundary.encode("utf-8", "surrogateescape")
    data = b"\n" + body
    parts: list[bytes] = []
    start = -1
    pos = 0
    while (at := data.find(delim, pos)) >= 0:
        line_end = data.find(b"\n", at + 1)
        line_end = len(data) if line_end < 0 else line_end
        rest = data[at + len(delim):line_end]
        closing = rest.startswith(b"--")
        pos = at + 1
        if (rest[2:] if closing else rest).strip():
            continue  # a longer boundary, or text that merely starts like one
        if start >= 0:
            parts.append(data[start:at].removesuffix(b"\r"))
        if closing:
            return parts
        start = pos = line_end + 1
    if start < 0:
        defects.append("mime: StartBoundaryNotFoundDefect")
        return None
    defects.append("mime: CloseBoundaryNotFoundDefect")
    parts.append(data[start:])
    return parts


def _attached_names(data: bytes, depth: int) -> tuple[str, ...]:
    headers, body = _split_head(data)
    return tuple(p.filename for p in _parts(headers, body, "text/plain", depth, [])
                 if p.filename)


_PARAM = re.compile(r';\s*([^\s=;]+)\s*=\s*("(?:[^"\\]|\\.)*"?|[^;]*)')
_NOT_BASE64 = re.compile(rb"[^A-Za-z0-9+/]")


def _content_info(ctype_raw: str, disposition_raw: str,
                  default_type: str) -> tuple[str, str | None, str, str]:
    """Content type, charset, file name and disposition of a part."""
    ctype = ctype_raw.partition(";")[0].strip().lower()
    if ctype.count("/") != 1 or " " in ctype:  # what the email package does with a bad type
        ctype = default_type
    params = _params(ctype_raw)
    disposition_params = _params(disposition_raw)
    if any("*" in key for key in (*params, *disposition_params)):
        charset, filename = _rfc2231_params(ctype_raw, disposition_raw)
    else:
        charset = params.get("charset", "").strip("'").lower() or None
        filename = disposition_params.get("filename") or params.get("name") or ""
    return ctype, charset, filename, disposition_raw.partition(";")[0].strip().lower()


def _params(raw: str) -> dict[str, str]:
    if ";" not in raw:
        return {}
    return {key.lower(): value.strip().strip('"').replace('\\"', '"')
            for key, value in _PARAM.findall(raw)}


def _rfc2231_params(ctype_raw: str, disposition_raw: str) -> tuple[str | None, str]:
    """Charset and file name written the RFC 2231 way (name*=, name*0*=): rare enough
    to leave to the email package."""
    message = Message()
    message["Content-Type"] = ctype_raw
    message["Content-Disposition"] = disposition_raw
    filename = message.get_filename()
    return message.get_content_charset(), filename if isinstance(filename, str) else ""


def _decode_transfer(body: bytes, cte: str) -> bytes:
    """A part's bytes with its Content-Transfer-Encoding undone, as far as they allow."""
    if cte == "base64":
        try:
            return binascii.a2b_base64(body)  # skips line breaks and stray characters
        except binascii.Error:  # truncated: decode the whole quads
            clean = _NOT_BASE64.sub(b"", body)
            return binascii.a2b_base64(clean[:len(clean) // 4 * 4])
    if cte == "quoted-printable":
        return binascii.a2b_qp(body)
    if cte in ("x-uuencode", "uuencode", "x-uue", "uue"):
        part = Message()
        part["Content-Transfer-Encoding"] = cte
        part.set_payload(body.decode("ascii", "surrogateescape"))
        data = part.get_payload(decode=True)
        return data if isinstance(data, bytes) else body
    return body  # 7bit, 8bit, binary, or a name nobody knows


# --------------------------------------------------------------------------- attachments

_CONTROL_BYTES = bytes(sorted(set(range(32)) - set(b"\t\n\r\f\b\x1b"))) + b"\x7f"
_SCRIPT_EXTS = (".js", ".jse", ".vbs", ".vbe", ".bat", ".cmd", ".ps1", ".hta", ".wsf", ".wsh",
                ".sh", ".scr", ".pif")
_SCRIPT_MARKS = (b"wscript.", b"createobject(", b"powershell", b"@echo off", b"#!/")
_JS_MARKS = (b"eval(", b"activexobject", b"document.write(", b"window.location")
_HTML_MARKS = (b"<html", b"<!doctype html", b"<body", b"<head", b"<form", b"<script",
               b"<iframe", b"<meta", b"<div", b"<table")
_ARCHIVE_MAGIC = (b"Rar!\x1a\x07", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00",
                  b"MSCF", b"\x60\xea")
_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*",
                b"\x00\x00\x01\x00")
_EXEC_MAGIC = (b"MZ", b"\x7fELF", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe",
               b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe",
               b"L\x00\x00\x00\x01\x14\x02\x00")  # the last: a Windows shortcut (.lnk)
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_VBA_MARKS = (b"_VBA_PROJECT", "_VBA_PROJECT".encode("utf-16-le"), b"vbaProject.bin",
              "Macros".encode("utf-16-le"))
_FAT_MARKS = (b"FAT12", b"FAT16", b"FAT32", b"NTFS", b"EXFAT")


def sniff(data: bytes, filename: str = "") -> str:
    """The kind of a file judged by its bytes (the name only breaks ties for text)."""
    if not data:
        return "empty"
    head = data[:16]
    if data[:1024].find(b"%PDF-") >= 0:
        return "pdf"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(data)
    if head.startswith(_OLE):
        return _ole_kind(data, filename)
    if head.startswith(_EXEC_MAGIC):
        return "executable"
    if head.startswith(_ARCHIVE_MAGIC) or data[7:14] == b"**ACE**" or data[2:5] == b"-lh":
        return "archive"
    if _is_disk_image(data):
        return "disk_image"
    if head.startswith(_IMAGE_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return "image"
    if head.startswith(b"{\\rt"):
        return "office"  # RTF: opened by Word, a classic exploit carrier
    return _text_kind(data, filename)


def _is_disk_image(data: bytes) -> bool:
    return (data[32769:32774] in (b"CD001", b"BEA01")  # ISO 9660, UDF
            or data[:8] in (b"conectix", b"vhdxfile")  # VHD, VHDX
            or data[-512:-508] == b"koly"  # Apple DMG
            or (data[510:512] == b"\x55\xaa" and any(m in data[:512] for m in _FAT_MARKS)))


def _zip_kind(data: bytes) -> str:
    if b"vbaProject.bin" in data:
        return "office_macro"
    head = data[:65536]  # local headers name the members; Office packages name theirs first
    if b"[Content_Types].xml" in head or b"mimetypeapplication/vnd.oasis" in head:
        return "office"
    return "archive"


def _ole_kind(data: bytes, filename: str) -> str:
    if filename.lower().endswith(".msi"):
        return "executable"  # Windows Installer packages are OLE2 containers too
    return "office_macro" if any(mark in data for mark in _VBA_MARKS) else "office"


def _text_kind(data: bytes, filename: str) -> str:
    sample = data[:4096]
    # Control bytes, not high bytes, tell binary apart: GBK or Latin-1 text is still text.
    if len(sample) - len(sample.translate(None, _CONTROL_BYTES)) > len(sample) // 100:
        return "unknown"
    low = sample.lower()
    name = filename.lower()
    if b"<svg" in low:
        return "script" if b"<script" in low else "image"
    if name.endswith(_SCRIPT_EXTS) or any(mark in low for mark in _SCRIPT_MARKS):
        return "script"
    if any(mark in low for mark in _HTML_MARKS) or name.endswith((".htm", ".html", ".shtml")):
        return "html"
    if any(mark in low for mark in _JS_MARKS):
        return "script"
    return "text"


def _zip_inner(data: bytes) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Member names and, when the members can be read, the kinds of the first ones."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = [i for i in archive.infolist() if not i.is_dir()]
            names = tuple(i.filename for i in infos)
            kinds = []
            budget = MAX_ZIP_READ
            for info in infos[:MAX_ZIP_MEMBERS]:
                budget -= info.file_size
                if info.flag_bits & 1 or budget < 0:
                    return names, ()  # encrypted or too big: the names are what we can offer
                kinds.append(sniff(archive.read(info), info.filename))
            return names, tuple(kinds)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError,
            ValueError, EOFError, OSError, zlib.error):
        return (), ()


_PASSWORD_INPUT = re.compile(rb"""type\s*=\s*["']?password""")


def _has_form(data: bytes) -> bool:
    low = data[:MAX_HTML].lower()
    return b"<form" in low or _PASSWORD_INPUT.search(low) is not None


def _attachment(part: _Part, hint: str | None) -> Attachment:
    filename = _header_text(part.filename, hint)
    data = part.data
    if part.inner_names is not None:  # an attached message: list the files it carries
        names = tuple(_header_text(name, hint) for name in part.inner_names)
        return Attachment(filename, part.ctype, "text" if data else "empty", len(data), names)
    kind = sniff(data, filename)
    names, kinds = _zip_inner(data) if kind == "archive" and data[:2] == b"PK" else ((), ())
    return Attachment(filename, part.ctype, kind, len(data), names, kinds,
                      kind == "html" and _has_form(data))


# --------------------------------------------------------------------------- HTML

# Both start with a literal "<" so the engine can skip ahead to the next tag.
_DROP = re.compile(r"<(?:!--.*?-->|(script|style|head|title|noscript)\b.*?</\1\s*>)",
                   re.IGNORECASE | re.DOTALL)
_ANY_TAG = re.compile(r"<(?:(/?)([A-Za-z][A-Za-z0-9]*)[^>]*|[!?/][^>]*)>")
# Blocks that end a paragraph (a blank line), blocks that end a line, and table rows
# and list items, which start one.  Cells of a row are joined with " | ".
_PARAGRAPH_TAGS = frozenset(("p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote",
                             "ul", "ol", "dl", "pre", "hr", "form", "fieldset", "section",
                             "article", "header", "footer"))
_LINE_TAGS = frozenset(("br", "div", "center", "address", "caption", "nav", "tbody", "thead",
                        "tfoot"))
_ROW_TAGS = frozenset(("tr", "li", "dt", "dd", "option"))
_PARAGRAPH = "\ue000"  # a private-use character: no document holds it, and it is not \s
_CELL = "\x1f"
_CELL_RUN = re.compile(r"[ \t]*(?:\x1f[ \t]*)+")


def _tag_text(m: re.Match[str]) -> str:
    name = (m[2] or "").lower()
    if name in _PARAGRAPH_TAGS:
        return _PARAGRAPH
    if name in _LINE_TAGS or (name in _ROW_TAGS and not m[1]):
        return "\n"
    return _CELL if name in ("td", "th") and not m[1] else ""


def html_to_text(html: str) -> str:
    """Readable text of an HTML document; a table row stays on one line, cells split by |."""
    return _markup_text(_DROP.sub(" ", html))


def _markup_text(html: str) -> str:
    """``html_to_text`` for HTML whose comments, scripts and styles are already gone."""
    text = _ANY_TAG.sub(_tag_text, " ".join(html.split()))  # source whitespace is one space
    if "&" in text:
        text = htmllib.unescape(text)
    text = _CELL_RUN.sub(" | ", text)
    paragraphs = []
    for chunk in text.split(_PARAGRAPH):
        lines = [kept for line in chunk.split("\n") if (kept := line.strip(" |\xa0"))]
        if lines:
            paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


_A_OPEN = re.compile(r"<[aA]\s([^>]*)>")
_FORM_TARGET = re.compile(r"<(?:form|input|button)\s[^>]*?\b(?:action|formaction)\s*=\s*"
                          r"""(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_URL_START = re.compile(r"(?:(?:https?|ftp)://|//|www\.)", re.IGNORECASE)
_URL_CHARS = r"""[^\s<>"'`{}|\\^\[\]]+"""
# Literal prefixes let the regex engine skip ahead; the scheme is checked afterwards.
_SCHEME_URL = re.compile("://" + _URL_CHARS)
_SCHEME_BEFORE = re.compile(r"(?:https?|ftp)$", re.IGNORECASE)
_WWW_URLS = {prefix: re.compile(re.escape(prefix) + _URL_CHARS) for prefix in ("www.", "WWW.")}
_HOST = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//([^/?#\\]*)", re.IGNORECASE)


def _host(url: str) -> str:
    m = _HOST.match(url)
    authority = m[1] if m else url.split("/", 1)[0]
    authority = authority.rpartition("@")[2]  # "bank.com@evil.net" goes to evil.net
    if authority.startswith("["):
        return authority[1:authority.find("]")].lower()
    return authority.partition(":")[0].strip().rstrip(".").lower()


def _clean_url(raw: str) -> str:
    url = htmllib.unescape(raw).strip() if "&" in raw else raw.strip()
    return url if _URL_START.match(url) else ""


def _html_links(html: str) -> list[Link]:
    links = []
    low = html.lower()
    for m in _A_OPEN.finditer(html):
        href = _HREF.search(m[1])
        url = _clean_url(next(filter(None, href.groups()), "")) if href else ""
        if url:
            end = low.find("</a", m.end(), m.end() + 4000)
            anchor = html[m.end():end] if end >= 0 else ""
            links.append(Link(url, _host(url), _inline_text(anchor)))
    for m in _FORM_TARGET.finditer(html):
        url = _clean_url(next(filter(None, m.groups()), ""))
        if url:
            links.append(Link(url, _host(url), in_form=True))
    return links


def _inline_text(fragment: str) -> str:
    text = _ANY_TAG.sub(" ", fragment)
    if "&" in text:
        text = htmllib.unescape(text)
    return " ".join(text.split())[:300]


def _text_links(text: str) -> list[Link]:
    found = []
    for m in _SCHEME_URL.finditer(text):
        scheme = _SCHEME_BEFORE.search(text, max(0, m.start() - 5), m.start())
        if scheme:
            found.append((scheme.start(), text[scheme.start():m.end()]))
    for prefix, pattern in _WWW_URLS.items():
        if prefix in text:
            # A www. inside a URL (after "/", "." or "@") is part of that URL.
            found += [(m.start(), m[0]) for m in pattern.finditer(text)
                      if not (m.start() and (text[m.start() - 1].isalnum()
                                             or text[m.start() - 1] in "/.@-_"))]
            found.sort()
    urls = (raw.rstrip(".,;:!?)'\"") for _, raw in found)
    return [Link(url, _host(url)) for url in urls]


def _unique_links(links: list[Link]) -> tuple[Link, ...]:
    seen: set[tuple[str, str, bool]] = set()
    urls: set[str] = set()
    shown = {link.text for link in links if link.text}
    out = []
    for link in links:
        key = (link.url, link.text, link.in_form)
        # A bare URL adds nothing when an HTML link points there or shows it as its text.
        bare = not link.text and not link.in_form
        if key in seen or (bare and (link.url in urls or link.url in shown)):
            continue
        seen.add(key)
        urls.add(link.url)
        out.append(link)
    return tuple(out[:MAX_LINKS])


# --------------------------------------------------------------------------- body text

_BLANK_LINES = re.compile(r"\n\n\n+")


def _tidy(text: str) -> str:
    """Light whitespace normalisation: line breaks stay, signatures depend on them."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\xa0" in text:
        text = text.replace("\xa0", " ")
    if "\x00" in text:  # NULs break downstream stores and tools
        text = text.replace("\x00", "")
    text = "\n".join([line.rstrip() for line in text.split("\n")])
    return _BLANK_LINES.sub("\n\n", text).strip("\n")


# Matched against "\n" + text: the literal newline lets the engine jump from line to line.
_QUOTE_START = re.compile(
    r"\n(?:"
    r"[ \t]*-{2,}[ \t]*(?:original message|ursprüngliche nachricht|message d'origine|mensaje "
    r"original|messaggio originale|mensagem original|原始邮件|原始郵件)[ \t]*-{2,}"
    # Outlook and Chinese clients: a From line, then a Sent line.  "Date:" only counts
    # after a From line with an address: "From: Ningbo / Date: March" may be an order.
    r"|(?:_{10,}[ \t]*\n)?[ \t]*\*?(?:from|发件人|發件人|von|de|da|van)\*?[ \t]*[:：].*\n"
    r"(?:.*\n){0,3}?[ \t]*\*?(?:sent|发送时间|發送時間|时间|gesendet|envoyé|enviado|inviato"
    r"|verzonden)\*?[ \t]*[:：]"
    r"|(?:_{10,}[ \t]*\n)?[ \t]*\*?from\*?[ \t]*:.*@.*\n(?:.*\n){0,3}?[ \t]*\*?date\*?[ \t]*:"
    r"|on\b[^\n]{0,300}(?:\n[^\n]{0,200})?\bwrote:[ \t]*$"
    r"|am\b[^\n]{0,200}(?:\n[^\n]{0,200})?\bschrieb[^\n]{0,100}:[ \t]*$"
    r"|le\b[^\n]{0,200}(?:\n[^\n]{0,200})?\ba écrit[ \t]*:[ \t]*$"
    r"|el\b[^\n]{0,200}(?:\n[^\n]{0,200})?\bescribió:[ \t]*$"
    r"|在[^\n]{0,200}写道[:：][ \t]*$"
    r")",
    re.IGNORECASE | re.MULTILINE,
)
_QUOTED_LINE = re.compile(r"\n[ \t]*>[^\n]*")  # matched against "\n" + text, as above


def split_quoted(text: str) -> tuple[str, str]:
    """The new text of a reply, and the quoted history below or between it."""
    m = _QUOTE_START.search("\n" + text)
    new, quoted = (text[:m.start()], text[m.start():]) if m else (text, "")
    if ">" in new:
        inline = _QUOTED_LINE.findall("\n" + new)
        if inline:
            new = _QUOTED_LINE.sub("", "\n" + new)
            quoted = "".join(inline) + "\n" + quoted
    return new.strip("\n"), quoted.strip("\n")


# --------------------------------------------------------------------------- messages

_MSG_IDS = re.compile(r"<[^<>\s]+>")


def _parse_message(source: str, channel: str, data: bytes) -> Inquiry:
    if not data.strip():
        return Inquiry(source, channel, defects=("empty message",))
    headers, body = _split_head(data)
    defects: list[str] = [] if headers else ["no headers"]
    content = _Content()
    for part in _parts(headers, body, "text/plain", 0, defects):
        content.add(part, defects)
    return _message_inquiry(source, channel, headers, content, defects)


class _Content:
    """What the MIME parts hold: body text, the HTML part, attachments, charsets."""

    def __init__(self) -> None:
        self.plain: list[str] = []
        self.html = ""
        self.attachments: list[Attachment] = []
        self.charsets: list[str] = []

    def add(self, part: _Part, defects: list[str]) -> None:
        if part.charset and part.charset not in self.charsets:
            self.charsets.append(part.charset)
        if part.ctype.startswith("multipart/"):  # boundary never found: raw text is all we have
            self.plain.append(self._text(part, defects))
        elif part.filename or part.disposition == "attachment" or part.ctype not in (
                "text/plain", "text/html"):
            self.attachments.append(_attachment(part, self.charsets[0] if self.charsets else None))
        elif part.ctype == "text/plain":
            self.plain.append(self._text(part, defects))
        elif not self.html:
            self.html = self._text(part, defects)

    @staticmethod
    def _text(part: _Part, defects: list[str]) -> str:
        text, defect = _decode(part.data, part.charset)
        if defect:
            defects.append(defect)
        return text


def _message_inquiry(source: str, channel: str, headers: dict[str, list[str]],
                     content: _Content, defects: list[str]) -> Inquiry:
    # 8-bit header bytes are most likely in the charset the body declares.
    hint = content.charsets[0] if content.charsets else None

    def first(name: str) -> str:
        values = headers.get(name)
        return _header_text(values[0], hint) if values else ""

    sender = _first_address(headers, "from", hint, defects)
    when, defect = _date(_unfold(headers["date"][0])) if "date" in headers else (
        None, "missing date")
    if defect:
        defects.append(defect)
    html = content.html
    if len(html) > MAX_HTML:
        html = html[:MAX_HTML]
        defects.append("html truncated")
    body, quoted, links = _body(content.plain, html, defects)
    return Inquiry(
        source=source,
        channel=channel,
        sender=sender,
        reply_to=_first_address(headers, "reply-to", hint, None),
        to=_addresses(headers.get("to", []), hint),
        cc=_addresses(headers.get("cc", []), hint),
        subject=first("subject"),
        date=when,
        body=body,
        quoted=quoted,
        html=html,
        links=links,
        attachments=tuple(content.attachments),
        received=tuple(_hop(raw) for raw in headers.get("received", ())),
        message_id=first("message-id"),
        in_reply_to=first("in-reply-to"),
        references=tuple(_MSG_IDS.findall(first("references"))),
        mailer=first("x-mailer") or first("user-agent"),
        charsets=tuple(content.charsets),
        auth_results="\n".join(_header_text(value) for name in ("authentication-results",
                                                                "received-spf")
                               for value in headers.get(name, ())),
        list_unsubscribe="list-unsubscribe" in headers,
        headers={name: first(name)[:500] for name in KEPT_HEADERS if name in headers},
        defects=tuple(dict.fromkeys(defects)),
    )


def _body(plain: list[str], html: str, defects: list[str]) -> tuple[str, str, tuple[Link, ...]]:
    """New text, quoted history and links; HTML is converted only when it is all we have."""
    text = "\n".join(t for t in plain if t.strip())
    visible = _DROP.sub(" ", html) if html else ""  # commented-out links are not links
    links = _html_links(visible) if visible else []
    if not text.strip() and visible:
        text = _markup_text(visible)
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT]
        defects.append("body truncated")
    text = _tidy(text)
    if not text:
        defects.append("no text body")
    links += _text_links(text)
    body, quoted = split_quoted(text)
    return body, quoted, _unique_links(links)


# --------------------------------------------------------------------------- platform rows

_TRUE = frozenset(("true", "yes", "y", "1", "t", "是", "verified", "已认证"))
_FALSE = frozenset(("false", "no", "n", "0", "f", "否", "unverified", "未认证"))
_COUNTS = ("product_views_30d", "inquiries_sent_30d", "suppliers_contacted")


def _parse_row(source: str, channel: str, row: Mapping[str, str]) -> Inquiry:
    defects: list[str] = []

    def get(key: str) -> str:
        value = row.get(key)
        return value.strip() if isinstance(value, str) else ""

    text = _tidy(get("message"))
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT]
        defects.append("body truncated")
    if not text:
        defects.append("no text body")
    counts = {key: _row_int(get(key), key, defects) for key in _COUNTS}
    facts = PlatformFacts(
        inquiry_id=get("inquiry_id"),
        product_id=get("product_id"),
        buyer_title=get("buyer_title"),
        buyer_company=get("buyer_company"),
        buyer_phone=get("buyer_phone"),
        buyer_website=get("buyer_website"),
        registered_country=get("registered_country").upper(),
        ip_country=get("ip_country").upper(),
        registered_at=_row_date(get("registered_at"), defects),
        verified_buyer=_row_bool(get("verified_buyer"), defects),
        **counts,
    )
    subject = get("subject")
    return Inquiry(
        source=source,
        channel=channel,
        sender=_row_sender(get("buyer_name"), get("buyer_email"), defects),
        subject=subject,
        date=_row_datetime(get("received_at"), defects),
        body=text,
        links=_unique_links(_text_links(f"{subject}\n{text}")),
        attachments=tuple(Attachment(name.strip(), "", "unknown", 0)
                          for name in get("attachments").split(";") if name.strip()),
        platform=facts,
        defects=tuple(defects),
    )


def _row_sender(name: str, addr: str, defects: list[str]) -> Address | None:
    if not (name or addr):
        return None
    found = _EMAIL.search(addr)
    if addr and not found:
        defects.append(f"bad buyer_email: {addr[:80]!r}")
    return Address(name, found[0].lower() if found else "")


def _row_int(value: str, name: str, defects: list[str]) -> int | None:
    if not value:
        return None
    try:
        number = float(value.replace(",", "").replace(" ", ""))
        if number.is_integer():
            return int(number)
    except (ValueError, OverflowError):
        pass
    defects.append(f"bad {name}: {value[:40]!r}")
    return None


def _row_bool(value: str, defects: list[str]) -> bool | None:
    low = value.lower()
    if low in _TRUE or low in _FALSE:
        return low in _TRUE
    if value:
        defects.append(f"bad verified_buyer: {value[:40]!r}")
    return None


def _row_date(value: str, defects: list[str]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10].replace("/", "-").replace(".", "-"))
    except ValueError:
        defects.append(f"bad registered_at: {value[:40]!r}")
        return None


def _row_datetime(value: str, defects: list[str]) -> datetime | None:
    if not value:
        defects.append("missing date")
        return None
    try:
        when = datetime.fromisoformat(value.replace("/", "-"))
    except ValueError:
        defects.append("unparseable date")
        return None
    if when.tzinfo is None:
        defects.append("date without zone, assumed UTC")
        when = when.replace(tzinfo=UTC)
    return when
