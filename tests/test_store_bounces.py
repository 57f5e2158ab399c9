"""Delivery-failure notices and idempotency keys: pure functions, no database."""

from __future__ import annotations

from test_store_backends import message, row

from inquirydesk.model import RawItem
from inquirydesk.store import delivery_failure, fingerprint
from inquirydesk.store.fingerprints import message_id, normalise

DSN = b"""From: Mail Delivery System <MAILER-DAEMON@mx.hengxin-kitchenware.com>
To: sunny@hengxin-kitchenware.com
Subject: Undelivered Mail Returned to Sender
Date: Tue, 22 Sep 2026 09:00:00 +0800
Message-ID: <dsn-1@mx.hengxin-kitchenware.com>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B1"

--B1
Content-Type: text/plain

I'm sorry to have to inform you that your message could not be delivered.

<Old.Buyer@Gone-Importer.com>: host mx.gone-importer.com said: 550 5.1.1 User unknown

--B1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.hengxin-kitchenware.com

Final-Recipient: rfc822; Old.Buyer@Gone-Importer.com
Original-Recipient: rfc822;Old.Buyer@Gone-Importer.com
Action: failed
Status: 5.1.1

--B1
Content-Type: message/rfc822

From: Sunny <sunny@hengxin-kitchenware.com>
To: old.buyer@gone-importer.com
Subject: New catalogue 2027

Dear friend, our new catalogue is attached.
--B1--
"""

POSTFIX_DELAY = b"""From: MAILER-DAEMON@mx.hengxin-kitchenware.com (Mail Delivery System)
To: jason@hengxin-kitchenware.com
Subject: Delayed Mail (still being retried)
Content-Type: multipart/report; report-type=delivery-status; boundary="D"

--D
Content-Type: text/plain

This is the mail system. Your message could not be delivered for 4 hours.

--D
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.hengxin-kitchenware.com

Final-Recipient: rfc822; slow@far-away-buyer.com
Action: delayed
Status: 4.4.1
--D--
"""

GMAIL_BOUNCE = b"""From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
To: hengxin.sales@gmail.com
Subject: Delivery Status Notification (Failure)
Content-Type: text/plain; charset=UTF-8

** Address not found **

Your message wasn't delivered to procurement@closed-company.com because the address
couldn't be found, or is unable to receive mail.

----- Original message -----
From: hengxin.sales@gmail.com
To: procurement@closed-company.com
Subject: Follow-up on our stockpot offer
"""

QQ_BOUNCE = """From: postmaster@qq.com
To: 12345678@qq.com
Subject: =?UTF-8?B?57O757uf6YCA5L+h?=
Content-Type: text/plain; charset=UTF-8

很抱歉，您发送的邮件被退回。
收件人 buyer2019@nowhere-mail.ru 不存在。

------------------ 原始邮件 ------------------
From: 12345678@qq.com
""".encode()

EXCHANGE_NDR = b"""From: postmaster@retired-buyer.co.uk
To: mandy@hengxin-kitchenware.com
Subject: Undeliverable: Quotation Q-HX-26-0871
Content-Type: multipart/mixed; boundary="E"

--E
Content-Type: text/html; charset=us-ascii

<p>Delivery has failed to these recipients or groups:</p>
<p><a href="mailto:j.smith@retired-buyer.co.uk">j.smith@retired-buyer.co.uk</a></p>
<p>The email address you entered couldn't be found.</p>
--E
Content-Type: message/rfc822

From: mandy@hengxin-kitchenware.com
To: j.smith@retired-buyer.co.uk
Subject: Quotation Q-HX-26-0871

Dear John
--E--
"""

# A lure dressed as a bounce: the daemon's name and a bounce subject, but no address
# that failed; it stays an inquiry for the engine to judge (it will call it phishing).
PHISH_AS_BOUNCE = b"""From: "Mail Delivery" <postmaster@hengxin-kitchenware.com.mail-check.top>
To: sunny@hengxin-kitchenware.com
Subject: Undelivered Mail: 7 messages held
Content-Type: text/plain

7 incoming messages could not be delivered to your mailbox.
Release them here: http://mail-check.top/release?user=sunny
"""



def test_a_dsn_names_its_failed_recipients() -> None:
    bounce = delivery_failure(DSN)
    assert bounce is not None and bounce.reason == "dsn"
    assert bounce.addresses == ("old.buyer@gone-importer.com",)


def test_a_dsn_that_only_reports_a_delay_names_no_one() -> None:
    bounce = delivery_failure(POSTFIX_DELAY)
    assert bounce is not None and bounce.addresses == ()


def test_notices_without_a_report_part() -> None:
    gmail = delivery_failure(GMAIL_BOUNCE)
    assert gmail is not None and gmail.addresses == ("procurement@closed-company.com",)
    qq = delivery_failure(QQ_BOUNCE)
    assert qq is not None and qq.addresses == ("buyer2019@nowhere-mail.ru",)
    exchange = delivery_failure(EXCHANGE_NDR)
    assert exchange is not None and exchange.addresses == ("j.smith@retired-buyer.co.uk",)


def test_ordinary_mail_and_lures_are_not_bounces() -> None:
    assert delivery_failure(message("Undelivered Mail Returned to Sender")) is None
    assert delivery_failure(PHISH_AS_BOUNCE) is None
    assert delivery_failure(b"") is None
    assert delivery_failure(b"no headers at all, just text") is None


def test_fingerprints() -> None:
    data = message("Quote", crlf=True)
    assert fingerprint(RawItem("a", "file", data=data)) == fingerprint(
        RawItem("b", "imap", data=data.replace(b"\r\n", b"\n")))
    assert message_id(data).startswith("<") and message_id(b"Subject: x\n\nbody") == ""
    assert fingerprint(row("AL-1")) == "row:platform:AL-1"
    assert fingerprint(row("AL-1"), "mic") == "row:mic:AL-1"
    assert fingerprint(row("x" * 500)).startswith("row:platform:h:")
    assert fingerprint(row("")).startswith("row:platform:h:")
    unreadable = RawItem("gone.eml", "file", error="gone")
    assert fingerprint(unreadable).startswith("err:file:")
    assert fingerprint(unreadable) != fingerprint(RawItem("other.eml", "file", error="gone"))


def test_normalising_keeps_what_the_sender_wrote() -> None:
    a = normalise(b"Received: x\nSubject: Hi\nX-Spam: 1\n\nbody  \nmore\n\n\n")
    assert a == b"Subject: Hi\n\nbody\nmore"
    assert normalise(b"Subject: Hi\n\nbody") != normalise(b"Subject: Ho\n\nbody")
