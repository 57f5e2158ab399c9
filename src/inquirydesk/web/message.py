"""The original message, made safe to show: sanitised HTML, attachments as mere names.

Mail is hostile until shown otherwise.  ``nh3`` (ammonia) keeps a small set of harmless
tags and attributes: scripts and styles go with their content, event handlers, forms,
iframes, ``style`` attributes (CSS ``url()`` tricks) and unknown URL schemes go.  Remote
images lose their ``src`` unless the reader asked to see them; the page's
Content-Security-Policy blocks them again in case anything slips through.
"""

from __future__ import annotations

import email
import email.policy
import html
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import PurePath

import nh3

TAGS = {"a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "div", "dl", "dt",
        "em", "font", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p",
        "pre", "q", "s", "small", "span", "strong", "sub", "sup", "table", "tbody", "td",
        "tfoot", "th", "thead", "tr", "u", "ul"}
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title", "width", "height"},
              "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
RISKY_EXTENSIONS = {"exe", "scr", "com", "bat", "cmd", "js", "jse", "vbs", "vbe", "wsf",
                    "hta", "msi", "jar", "ps1", "lnk", "iso", "img", "zip", "rar", "7z",
                    "gz", "html", "htm", "shtml", "svg", "docm", "xlsm", "pptm", "doc", "xls",
                    "one", "pdf"}


@dataclass(frozen=True, slots=True)
class Attachment:
    index: int
    filename: str
    content_type: str
    size: int
    risky: bool


@dataclass(frozen=True, slots=True)
class SafeMessage:
    html: str  # sanitised, safe to insert into the page
    remote_images: int  # images left out (or shown, when asked)
    attachments: tuple[Attachment, ...]


def sanitize(markup: str, *, show_images: bool = False) -> tuple[str, int]:
    """Safe HTML and how many remote images it holds."""
    remote = 0

    def keep(tag: str, attribute: str, value: str) -> str | None:
        nonlocal remote
        if tag == "img" and attribute == "src":
            if value.startswith("data:image/"):
                return value
            remote += 1
            return value if show_images and value.startswith("https://") else None
        if attribute == "href" and value.lower().startswith("data:"):
            return None
        return value

    cleaned = nh3.clean(markup, tags=TAGS, attributes=ATTRIBUTES,
                        clean_content_tags={"script", "style", "title"},
                        url_schemes={"http", "https", "mailto", "data"},
                        link_rel="noopener noreferrer nofollow", attribute_filter=keep)
    return cleaned, remote


def safe_message(raw: bytes | None, fallback_text: str = "", *,
                 show_images: bool = False) -> SafeMessage:
    """The message's body (HTML preferred, else text) made safe, and its attachments."""
    if raw is None:
        return SafeMessage(_text_html(fallback_text), 0, ())
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    body, remote = _body(msg, show_images)
    return SafeMessage(body, remote, tuple(_attachments(msg)))


def attachment_bytes(raw: bytes | None, index: int) -> tuple[str, bytes] | None:
    if raw is None:
        return None
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    for n, part in enumerate(_attachment_parts(msg)):
        if n == index:
            return part.get_filename() or f"attachment-{n}", part.get_payload(decode=True) or b""
    return None


def _body(msg: EmailMessage, show_images: bool) -> tuple[str, int]:
    try:
        part = msg.get_body(preferencelist=("html", "plain"))
        content = part.get_content() if part is not None else ""
    except (LookupError, ValueError, AttributeError):
        part, content = None, ""
    if part is not None and part.get_content_subtype() == "html":
        return sanitize(content, show_images=show_images)
    return _text_html(content), 0


def _text_html(text: str) -> str:
    return f'<pre class="plain">{html.escape(text)}</pre>'


def _attachment_parts(msg: EmailMessage):
    for part in msg.walk():
        if part.is_multipart():
            continue
        if part.get_content_disposition() == "attachment" or (
                part.get_filename() and part.get_content_maintype() not in ("text",)):
            yield part


def _attachments(msg: EmailMessage):
    for n, part in enumerate(_attachment_parts(msg)):
        name = part.get_filename() or f"attachment-{n}"
        data = part.get_payload(decode=True) or b""
        suffixes = {s.lstrip(".").lower() for s in PurePath(name.lower()).suffixes}
        yield Attachment(n, name, part.get_content_type(), len(data),
                         bool(suffixes & RISKY_EXTENSIONS))
