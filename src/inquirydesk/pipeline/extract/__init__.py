"""Extract what a careful reader takes from an inquiry: products, quantity, trade terms.

``extract`` reads the subject and the new body text (and, for platform rows, the listing
the buyer wrote from) and returns ``Fields``.  Every value is the buyer's own phrase, kept
short, so a salesperson sees where it came from.  It never raises: a field it cannot read
stays empty.

Speed is a requirement (the whole pipeline must do 1,000 inquiries a second).  Python's
regex engine tries every branch of an alternation at every character, so a pattern per
field and language would cost milliseconds.  Instead:

* the text is folded once (lower case, accents off) into a string of the *same length*, so
  a match in the folded text maps back to the buyer's own words (``text``);
* every field's vocabulary, in every language (``words``), is one regex shaped as a trie of
  literal word starts, compiled at import: one scan finds all the words the fields need;
  fields then look only at the lines and spans around their words (``vocabulary``);
* numbers are found once (``text._numbers``) with the word that follows each, which tells a
  quantity ("2,000 pcs") from a size ("25 L") without a regex per field;
* a seller's catalog is compiled once per ``Seller`` into its own vocabulary (``catalog``);
* where the regex engine would stop at every space for a trie, or at every character for
  a pattern that is seldom there, RE2 shows it where a match may start (``guide``).

Modules: ``text`` (normalising, folding, clauses, numbers), ``words``, ``vocabulary`` and
``guide`` (the scan), ``catalog`` and ``products``, ``quantity``, ``price``, ``ports``
(incoterm and destination), ``terms`` (payment, delivery, shipping, samples) and
``specs`` (sizes and materials, packing, certificates).
"""

from __future__ import annotations

from inquirydesk.model import Fields, Identity, Inquiry, Seller
from inquirydesk.pipeline.extract.catalog import _catalog
from inquirydesk.pipeline.extract.ports import _incoterms, _port
from inquirydesk.pipeline.extract.price import _target_price
from inquirydesk.pipeline.extract.products import _products
from inquirydesk.pipeline.extract.quantity import _quantity
from inquirydesk.pipeline.extract.specs import _certificates, _packaging, _specs
from inquirydesk.pipeline.extract.terms import _delivery, _payment, _sample, _shipping
from inquirydesk.pipeline.extract.text import _cut_signature, _Doc, _head, _normalise

__all__ = ["extract"]


def extract(inquiry: Inquiry, identity: Identity, seller: Seller) -> Fields:
    """What the inquiry says about products, quantities and terms; empty where silent."""
    try:
        return _extract(inquiry, identity, seller)
    except Exception:  # one odd inquiry must never stop the inbox
        return Fields()


def _extract(inquiry: Inquiry, identity: Identity, seller: Seller) -> Fields:
    body = _cut_signature(_normalise(_head(inquiry.body)), identity.signature)
    subject = _normalise(inquiry.subject)
    doc = _Doc(f"{subject}\n{body}" if subject else body, len(subject))
    catalog = _catalog(seller)
    product_id = inquiry.platform.product_id if inquiry.platform else ""
    products = _products(doc, catalog, product_id)
    if not products and inquiry.quoted and not product_id and catalog.entries:
        # A forwarded request ("FW: cooler box enquiry") may name the product only below.
        products = _products(_Doc(_normalise(_head(inquiry.quoted))), catalog, "")
    incoterms = _incoterms(doc)
    return Fields(
        products=products,
        quantity=_quantity(doc, catalog),
        specs=_specs(doc),
        packaging=_packaging(doc),
        certificates=_certificates(doc, catalog),
        target_price=_target_price(doc),
        incoterm=" / ".join(dict.fromkeys(term for term, _, _ in incoterms)) or None,
        port=_port(doc, incoterms),
        payment=_payment(doc),
        delivery=_delivery(doc),
        shipping=_shipping(doc),
        sample=_sample(doc),
    )
