"""Detect: threat facts from links, attachments and headers, and the risk verdict."""

from __future__ import annotations

from inquirydesk.model import Address, Attachment, Fact, Inquiry, Link
from inquirydesk.pipeline.detect import detect
from inquirydesk.pipeline.threats import threat_facts
from inquirydesk.rules.engine import Subject
from inquirydesk.rules.rulebook import load_rulebook

RULEBOOK = load_rulebook()


def mail(body="", *, sender=("Buyer", "buyer@shop-example.de"), **kw) -> Inquiry:
    return Inquiry(source="t", channel="file", sender=Address(*sender), body=body, **kw)


def verdict(inquiry: Inquiry, **extra_facts) -> str:
    facts = threat_facts(inquiry)
    facts.update({k: Fact(v, str(v)) for k, v in extra_facts.items()})
    risk, _ = detect(Subject(facts=facts, texts={"text": inquiry.text, "body": inquiry.body,
                                                 "subject": inquiry.subject}), RULEBOOK)
    return risk.verdict


def test_lookalike_host_is_caught_and_the_real_brand_is_not():
    fake = mail(links=(Link("https://login.alibaba.com.verify-center.net/x",
                            "login.alibaba.com.verify-center.net", "View"),))
    real = mail(links=(Link("https://message.alibaba.com/x", "message.alibaba.com", "View"),))
    assert threat_facts(fake)["lookalike_domain"].value is True
    assert "lookalike_domain" not in threat_facts(real)


def test_link_text_that_shows_another_domain():
    inquiry = mail(links=(Link("http://evil-host.net/a", "evil-host.net", "www.paypal.com"),))
    assert threat_facts(inquiry)["link_text_mismatch"].quote.endswith("evil-host.net")
    honest = mail(links=(Link("https://www.paypal.com/a", "www.paypal.com", "paypal.com"),))
    assert "link_text_mismatch" not in threat_facts(honest)


def test_credential_lure_is_phishing():
    inquiry = mail("Your mailbox is full. Sign in with your email and password within 24 hours.",
                   links=(Link("https://mail-upgrade.net/login", "mail-upgrade.net", "Upgrade"),))
    assert verdict(inquiry) == "phishing"


def test_executable_in_archive_is_phishing_whatever_its_name():
    att = Attachment("PO_2291.zip", "application/zip", "archive", 2048,
                     inner_names=("PO_2291.pdf.exe",), inner_kinds=("executable",))
    assert threat_facts(mail("see attached", attachments=(att,)))["archive_with_executable"]
    assert verdict(mail("Please find attached our order.", attachments=(att,))) == "phishing"


def test_unexplained_order_attachment_versus_a_real_po():
    pdf = Attachment("Purchase Order 7731.pdf", "application/pdf", "pdf", 50_000)
    lure = mail("Please see attached PO and confirm.", attachments=(pdf,))
    assert "lure_attachment" in threat_facts(lure)
    words = " ".join(["We confirm 2,000 pcs of the director chair in navy and grey, FOB "
                      "Ningbo, delivery end of March, packing one per carton."] * 3)
    real = mail(f"Dear Henry, please find attached our purchase order. {words}",
                attachments=(pdf,))
    assert "lure_attachment" not in threat_facts(real)
    assert verdict(real) == "none"


def test_commission_first_tender_is_a_scam():
    body = ("We were invited by the Ministry of Works to supply 8,000 chairs. A commission of "
            "5% must be paid to the tender committee before the award letter is released.")
    assert verdict(mail(body)) == "scam"


def test_invitation_letter_scheme_is_a_scam():
    body = ("We want to visit your factory. Please send an invitation letter for the China visa "
            "for 3 persons, passport copies attached. After the visit we order.")
    assert verdict(mail(body)) == "scam"


def test_seo_pitch_is_spam():
    body = ("Your website is not on the first page of Google. We offer SEO and backlinks, "
            "free audit, packages start at $199 per month.")
    assert verdict(mail(body)) == "spam"


def test_platform_mass_sender_is_spam():
    assert verdict(mail("Dear Supplier, send price and catalog."), platform=True,
                   inquiries_sent_30d=418, suppliers_contacted=46, product_views_30d=0,
                   account_age_days=2, ip_country_differs=True) == "spam"


def test_a_short_genuine_inquiry_is_not_flagged():
    assert verdict(mail("how much for 20 of the 50 qt coolers shipped to michigan")) == "none"


def test_brand_display_name_from_a_foreign_domain():
    inquiry = mail("Your parcel is waiting", sender=("DHL Express", "noreply@parcel-notice.net"))
    assert "brand_impersonation" in threat_facts(inquiry)
    real = mail("Your parcel is waiting", sender=("DHL Express", "noreply@dhl.com"))
    assert "brand_impersonation" not in threat_facts(real)


def test_auth_failure_and_bulk_headers_become_facts():
    inquiry = mail("x", auth_results="spf=softfail smtp.mailfrom=x; dkim=none",
                   list_unsubscribe=True)
    facts = threat_facts(inquiry)
    assert facts["auth_fail"].quote == "spf=softfail"
    assert facts["bulk_mail"].value is True
