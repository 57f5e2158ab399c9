"""The typed data passed between pipeline stages.

Every stage is a pure function from these frozen dataclasses to new ones:

    RawItem --parse--> Inquiry --enrich--> Identity --extract--> Fields
            --detect--> Risk --classify--> Classification --score--> Score

``Analysis`` bundles them with the evidence every stage produced.  Nothing here does
I/O; sources build ``RawItem`` values and the store keeps ``Analysis`` values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from collections.abc import Mapping

RISKS = ("none", "spam", "phishing", "scam")
INTENTS = (
    "ready_buyer",
    "market_entry",
    "info_gathering",
    "sample_hunter",
    "competitor_probe",
    "irrelevant",
    "not_inquiry",
)
BUSINESS_TYPES = (
    "importer",
    "wholesaler",
    "distributor",
    "retailer",
    "ecommerce_seller",
    "oem_brand",
    "chain_store",
    "trading_company",
    "manufacturer",
    "agent",
    "project_contractor",
    "consumer",
    "unknown",
)
GRADES = ("A", "B", "C", "D", "E")
SCORE_ITEMS = ("identity", "product", "detail", "terms", "engagement")


# --------------------------------------------------------------------------- input


@dataclass(frozen=True, slots=True)
class RawItem:
    """One inquiry as it arrived, before any parsing.

    Exactly one of ``data`` (an RFC 5322 message) or ``row`` (a platform export row,
    keyed by the canonical column names of the corpus schema) is set, unless the
    source could not be read at all, in which case ``error`` says why.
    """

    source: str  # stable reference: a path, "emails/e001.eml", "platform.csv#AL-1"
    channel: str  # "file", "mbox", "platform", "imap", "api"
    data: bytes | None = None
    row: Mapping[str, str] | None = None
    error: str | None = None


# --------------------------------------------------------------------------- seller


@dataclass(frozen=True, slots=True)
class CatalogItem:
    id: str
    name: str
    category: str = ""
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    english_name: str = ""
    email: str = ""
    markets: tuple[str, ...] = ()
    role: str = ""


@dataclass(frozen=True, slots=True)
class Seller:
    """The seller profile (``seller.yaml``).  An empty one keeps product match neutral."""

    company: str = ""
    short_names: tuple[str, ...] = ()
    people: tuple[Person, ...] = ()
    emails: tuple[str, ...] = ()  # general mailboxes, lower-cased
    website: str = ""
    platform_store: str = ""
    address: str = ""
    phone: str = ""
    certificates: tuple[str, ...] = ()
    moq: str = ""  # minimum order, as the seller states it: "500 pcs per item"
    payment_terms: str = ""
    lead_time: str = ""
    port: str = ""  # the seller's loading port
    main_markets: tuple[str, ...] = ()
    does_not_make: tuple[str, ...] = ()
    catalog: tuple[CatalogItem, ...] = ()
    categories: tuple[str, ...] = ()  # derived from the catalog when not given

    @property
    def known(self) -> bool:
        return bool(self.company or self.catalog)


# --------------------------------------------------------------------------- parse


@dataclass(frozen=True, slots=True)
class Address:
    name: str
    email: str  # lower-cased, "" when the header held no usable address

    @property
    def domain(self) -> str:
        return self.email.rpartition("@")[2] if "@" in self.email else ""


@dataclass(frozen=True, slots=True)
class Link:
    url: str
    host: str  # lower-cased; IDNA (punycode) form as written in the URL
    text: str = ""  # the anchor text shown to the reader, for HTML links
    in_form: bool = False  # a <form action=...> target rather than an <a href>


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    declared_type: str  # the Content-Type the sender wrote
    kind: str  # judged by the bytes: pdf, image, office, office_macro, archive,
    #            executable, script, html, disk_image, text, unknown, empty
    size: int
    inner_names: tuple[str, ...] = ()  # file names inside an archive
    inner_kinds: tuple[str, ...] = ()  # kinds of the files inside an archive, when readable
    has_form: bool = False  # an HTML attachment with a <form> or password input


@dataclass(frozen=True, slots=True)
class Hop:
    """One ``Received:`` header, newest first as in the message."""

    from_host: str
    ip: str  # "" when the header names none
    by: str
    when: datetime | None


@dataclass(frozen=True, slots=True)
class PlatformFacts:
    """What a B2B platform's seller backend says about the buyer account."""

    inquiry_id: str
    product_id: str = ""
    buyer_title: str = ""
    buyer_company: str = ""
    buyer_phone: str = ""
    buyer_website: str = ""
    registered_country: str = ""
    ip_country: str = ""
    registered_at: date | None = None
    product_views_30d: int | None = None
    inquiries_sent_30d: int | None = None
    suppliers_contacted: int | None = None
    verified_buyer: bool | None = None


@dataclass(frozen=True, slots=True)
class Inquiry:
    """A normalised inquiry, whatever channel it came through."""

    source: str
    channel: str
    sender: Address | None = None
    reply_to: Address | None = None
    to: tuple[Address, ...] = ()
    cc: tuple[Address, ...] = ()
    subject: str = ""
    date: datetime | None = None  # aware, in the sender's own offset when known
    body: str = ""  # the new text, HTML converted to text, quoted history removed
    quoted: str = ""  # quoted earlier messages in a reply thread
    html: str = ""  # the raw HTML part, when the message had one
    links: tuple[Link, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    received: tuple[Hop, ...] = ()
    message_id: str = ""
    in_reply_to: str = ""
    references: tuple[str, ...] = ()
    mailer: str = ""  # X-Mailer or User-Agent
    charsets: tuple[str, ...] = ()  # every charset declared in the MIME parts
    auth_results: str = ""  # Authentication-Results / Received-SPF, verbatim
    list_unsubscribe: bool = False  # a List-Unsubscribe header (bulk mail)
    headers: Mapping[str, str] = field(default_factory=dict)  # other headers rules may read
    platform: PlatformFacts | None = None
    defects: tuple[str, ...] = ()  # what was wrong with the input; never raised

    @property
    def text(self) -> str:
        """Subject and body: what text rules read by default."""
        return f"{self.subject}\n{self.body}" if self.subject else self.body


# --------------------------------------------------------------------------- enrich


@dataclass(frozen=True, slots=True)
class Phone:
    raw: str
    e164: str
    country: str  # ISO 3166 alpha-2, "" when unknown
    kind: str = "phone"  # phone, mobile, fax, whatsapp


@dataclass(frozen=True, slots=True)
class Identity:
    """Who the sender is and where they really are."""

    name: str = ""
    title: str = ""
    company: str = ""
    email: str = ""
    mail_domain: str = ""
    free_mail: bool = False
    disposable: bool = False
    website: str = ""  # registrable domain of the website the buyer gives
    website_matches_domain: bool | None = None  # None: no website or free mail
    phones: tuple[Phone, ...] = ()
    fax_same_as_phone: bool = False
    address: str = ""
    signature: str = ""
    addressed_by_name: bool = False  # salutation names our person or company
    generic_salutation: bool = False  # "Dear Sir/Madam", "Dear Supplier"
    ip: str = ""  # the originating public IP from the Received chain
    ip_country: str = ""
    phone_country: str = ""
    tld_country: str = ""
    claimed_country: str = ""  # what the text, signature or platform account says
    country: str = ""  # best judgement of where the buyer is
    country_evidence: tuple[str, ...] = ()  # "ip:DE", "phone:DE", ... in weight order
    timezone: str = ""  # IANA name for the buyer's country
    local_sent: datetime | None = None  # send time in the buyer's own zone
    language: str = ""  # ISO 639-1


# --------------------------------------------------------------------------- extract


@dataclass(frozen=True, slots=True)
class ProductMatch:
    name: str  # the catalog id when matched, else the product as the buyer named it
    how: str  # "id" (catalog id named), "keyword", "similar" (unlisted, with specs),
    #           "category", "unrelated" (something we do not make)
    quote: str
    catalog_id: str = ""


@dataclass(frozen=True, slots=True)
class Fields:
    """What a careful reader extracts; None or empty where the inquiry is silent."""

    products: tuple[ProductMatch, ...] = ()
    quantity: str | None = None
    specs: str | None = None
    packaging: str | None = None
    certificates: tuple[str, ...] = ()
    target_price: str | None = None
    incoterm: str | None = None
    port: str | None = None
    payment: str | None = None
    delivery: str | None = None
    shipping: str | None = None  # sea, air, express, rail
    sample: str | None = None  # "request", "pays" (will pay for samples), "free" (wants free)

    def as_dict(self) -> dict[str, Any]:
        """The labels' vocabulary: keys absent where the inquiry does not say."""
        out: dict[str, Any] = {}
        products = [p.catalog_id or p.name for p in self.products if p.how != "unrelated"]
        if products:
            out["products"] = products
        for key in ("quantity", "target_price", "incoterm", "port", "payment", "delivery",
                    "specs", "packaging", "shipping", "sample"):
            value = getattr(self, key)
            if value:
                out[key] = value
        if self.certificates:
            out["certificates"] = list(self.certificates)
        return out


# --------------------------------------------------------------------------- evidence


@dataclass(frozen=True, slots=True)
class Fact:
    """A signal a stage observed, for rules to weigh: a value and the text behind it."""

    value: Any
    quote: str = ""


Facts = Mapping[str, Fact]


@dataclass(frozen=True, slots=True)
class Evidence:
    """One rule that fired: the unit of every explanation InquiryDesk gives."""

    rule: str
    group: str
    reason: str
    quote: str = ""
    points: float | None = None  # Table 1 items, risk, intent and business votes
    factor: float | None = None  # the authenticity factor
    label: str = ""  # the risk verdict, intent or business type the rule votes for

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"rule": self.rule, "group": self.group, "reason": self.reason}
        for key in ("quote", "points", "factor", "label"):
            value = getattr(self, key)
            if value not in (None, ""):
                out[key] = value
        return out


# --------------------------------------------------------------------------- verdicts


@dataclass(frozen=True, slots=True)
class Risk:
    verdict: str  # one of RISKS
    scores: Mapping[str, float] = field(default_factory=dict)  # per verdict


@dataclass(frozen=True, slots=True)
class Classification:
    intent: str
    business_type: str


@dataclass(frozen=True, slots=True)
class Score:
    items: Mapping[str, float]  # the five items, each capped, and "factor"
    total: float
    grade: str
    probability: float


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything InquiryDesk concluded about one inquiry, with its reasons."""

    inquiry: Inquiry
    identity: Identity
    fields: Fields
    risk: Risk
    classification: Classification
    score: Score
    evidence: tuple[Evidence, ...]
    rulebook_hash: str

    @property
    def source(self) -> str:
        return self.inquiry.source
