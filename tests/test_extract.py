"""Field extraction: products, quantities and trade terms, in many languages.

The seller here is made up for the tests (a maker of bottles and lunch boxes), so nothing
depends on the corpora's catalogs.
"""

from __future__ import annotations

import pytest

from inquirydesk.model import CatalogItem, Identity, Inquiry, PlatformFacts, Seller
from inquirydesk.pipeline.extract import extract

SELLER = Seller(
    company="Example Drinkware Co., Ltd.",
    certificates=("LFGB", "BSCI", "EN 12546 test reports"),
    does_not_make=("electric kettles", "glass jars and lids (can source)"),
    catalog=(
        CatalogItem(
            "DW-BT500",
            "Stainless steel water bottle 500 ml, double wall",
            "bottles",
            (
                "water bottle",
                "vacuum flask",
                "Trinkflasche",
                "botella de agua",
                "garrafa térmica",
                "gourde",
                "borraccia",
                "термос",
                "su şişesi",
                "butelka termiczna",
                "زجاجة ماء",
                "保温杯",
            ),
        ),
        CatalogItem(
            "DW-BT750",
            "Stainless steel water bottle 750 ml, double wall",
            "bottles",
            ("water bottle", "sports bottle"),
        ),
        CatalogItem(
            "DW-LB2",
            "2-compartment bamboo lunch box",
            "lunch boxes",
            ("lunch box", "bento box", "Brotdose", "fiambrera", "lancheira", "boîte à lunch"),
        ),
        CatalogItem("DW-LB3", "3-compartment bamboo lunch box", "lunch boxes", ("bento box",)),
    ),
)


def run(body: str, subject: str = "", seller: Seller = SELLER, product_id: str = ""):
    platform = PlatformFacts(inquiry_id="P-1", product_id=product_id) if product_id else None
    inquiry = Inquiry(source="t", channel="file", subject=subject, body=body, platform=platform)
    return extract(inquiry, Identity(), seller)


def ids(fields) -> list[str]:
    return [p.catalog_id for p in fields.products if p.catalog_id]


# ----------------------------------------------------------------------------- a full order


def test_english_order_gives_every_term():
    f = run(
        "Dear Lily,\n\n"
        "Please quote for 2,000 pcs of DW-BT500 in matte black.\n"
        "Target price USD 2.80/pc FOB Ningbo; please also quote CIF Hamburg.\n"
        "Payment: T/T 30% deposit, 70% against B/L copy.\n"
        "Delivery before 2027-03-15, by sea.\n"
        "We need LFGB and BSCI, and your SGS inspection report.\n"
        "Packing: 1 pc per color box, 24 pcs per export carton.\n"
        "We will pay for 2 samples by DHL.\n\n"
        "Best regards,\nTom Baker\nBaker Trading GmbH, Hamburg",
        subject="RFQ DW-BT500 water bottles",
    )
    assert ids(f) == ["DW-BT500"]
    assert f.products[0].how == "id"
    assert f.quantity == "2,000 pcs"
    assert f.target_price is not None and f.target_price.startswith("USD 2.80/pc")
    assert f.incoterm == "FOB / CIF"
    assert f.port == "Hamburg"  # the destination, not Ningbo where goods load
    assert f.payment is not None and "T/T 30% deposit" in f.payment
    assert f.delivery is not None and "2027-03-15" in f.delivery
    assert {"LFGB", "BSCI", "SGS"} <= set(f.certificates)
    assert f.packaging is not None and "color box" in f.packaging
    assert f.shipping == "sea"
    assert f.sample == "pays"


def test_signature_address_is_not_a_port_or_quantity():
    f = run(
        "Please send your price list for water bottles.\n\n"
        "Regards,\nAnna\nHafenstr. 12, 20457 Hamburg"
    )
    assert f.port is None
    assert f.quantity is None


# ----------------------------------------------------------------------------- languages


def test_spanish():
    f = run(
        "Necesitamos 5000 unidades de botella de agua, precio CIF Valencia. "
        "Pago: carta de crédito a la vista. Plazo de entrega: marzo 2027."
    )
    assert ids(f) == ["DW-BT500"]
    assert f.quantity == "5000 unidades"
    assert f.incoterm == "CIF"
    assert f.port == "Valencia"
    assert f.payment is not None and "carta de crédito" in f.payment
    assert f.delivery is not None and "marzo 2027" in f.delivery


def test_portuguese():
    f = run("Queremos 1.000 unidades de lancheira com frete até Santos. Pagamento 30% adiantado.")
    assert ids(f) == ["DW-LB2"]
    assert f.quantity == "1.000 unidades"
    assert f.port == "Santos"
    assert f.payment is not None and "30% adiantado" in f.payment


def test_french():
    f = run(
        "Bonjour, nous souhaitons 800 pièces de gourde, prix EXW. "
        "Paiement : 30 % à la commande, solde contre copie du connaissement."
    )
    assert ids(f) == ["DW-BT500"]
    assert f.quantity == "800 pièces"
    assert f.incoterm == "EXW"
    assert f.payment is not None and "30 % à la commande" in f.payment


def test_german():
    f = run(
        "Anfrage über 1000 Stück Trinkflasche, Lieferzeit: KW 12/2027.\n"
        "Verpackung: Einzelverpackung im Polybeutel. Zahlung per Akkreditiv."
    )
    assert ids(f) == ["DW-BT500"]
    assert f.quantity == "1000 Stück"
    assert f.delivery is not None and "KW 12" in f.delivery
    assert f.packaging is not None and "Polybeutel" in f.packaging
    assert f.payment is not None and "Akkreditiv" in f.payment


def test_italian():
    f = run("Quantità 800 pezzi di borraccia, consegna a Genova entro marzo 2027.")
    assert ids(f) == ["DW-BT500"]
    assert f.quantity == "800 pezzi"
    assert f.port == "Genoa"
    assert f.delivery is not None and "marzo 2027" in f.delivery


def test_russian():
    f = run("Добрый день! Нужно 500 шт термос, оплата: аккредитив. Доставка до Новосибирск.")
    assert ids(f) == ["DW-BT500"]
    assert f.quantity == "500 шт"
    assert f.payment is not None and "аккредитив" in f.payment
    assert f.port == "Novosibirsk"


def test_arabic():
    f = run("نريد ٣٠٠ قطعة من زجاجة ماء بشرط CFR الدمام، الدفع باعتماد مستندي.")
    assert ids(f) == ["DW-BT500"]
    assert f.quantity == "300 قطعة"  # Arabic-Indic digits read as ASCII
    assert f.incoterm == "CFR"
    assert f.port == "Dammam"
    assert f.payment is not None


def test_turkish():
    f = run("Merhaba, 500 adet su şişesi için FOB fiyat rica ediyoruz.")
    assert ids(f) == ["DW-BT500"]
    assert f.quantity == "500 adet"
    assert f.incoterm == "FOB"


def test_polish_inflected_keyword():
    f = run("Prosimy o ofertę na 1000 sztuk butelki termicznej, dostawa do Gdańsk.")
    assert ids(f) == ["DW-BT500"]
    assert f.quantity == "1000 sztuk"


def test_chinese():
    f = run("你好，我们需要1000件保温杯，FOB价格，付款方式电汇。")
    assert ids(f) == ["DW-BT500"]
    assert f.quantity == "1000件"
    assert f.incoterm == "FOB"
    assert f.payment is not None


# ----------------------------------------------------------------------------- products


def test_size_picks_the_sibling_a_shared_keyword_means():
    f = run("Please quote 3000 pcs water bottle 750 ml with our logo.")
    assert ids(f) == ["DW-BT750"]
    assert f.products[0].how == "keyword"
    assert f.specs is not None and "750 ml" in f.specs


def test_shared_keyword_without_sizes_names_one_item():
    f = run("Do you have bento box? Price for 500 pcs please.")
    assert len(f.products) == 1 and f.products[0].catalog_id in ("DW-LB2", "DW-LB3")


def test_platform_listing_breaks_a_tie():
    f = run("Price for your bento box please, 500 pcs.", product_id="DW-LB3")
    assert ids(f) == ["DW-LB3"]


def test_platform_listing_alone_names_the_product():
    f = run("Hi, what is your best price and MOQ?", product_id="DW-BT750")
    assert ids(f) == ["DW-BT750"]
    assert f.products[0].how == "id"


def test_catalogue_request_from_a_listing_names_no_product():
    f = run("Please send me your catalogue and price list.", product_id="DW-BT750")
    assert f.products == ()


def test_id_written_loosely():
    f = run("Need price for dw bt 750 and LB-3?", subject="")
    assert "DW-BT750" in ids(f)


def test_unrelated_product():
    f = run("Do you make electric kettles? We need 500 pcs with CE.")
    assert [(p.how, p.catalog_id) for p in f.products] == [("unrelated", "")]
    assert "kettles" in f.products[0].name
    assert f.certificates == ("CE",)
    assert f.as_dict().get("products") is None  # unrelated products are not ours to list


def test_similar_unlisted_product():
    f = run("We would like a 1000 ml water bottle in our colours, 3,000 pcs for the first order.")
    assert [p.how for p in f.products] == ["similar"]
    assert f.products[0].name == "1000 ml water bottle"


def test_category_only():
    f = run("We are interested in your lunch boxes, please send details.")
    kinds = {(p.how, p.catalog_id or p.name) for p in f.products}
    assert kinds in ({("keyword", "DW-LB2")}, {("category", "lunch boxes")})


def test_empty_seller_has_no_products_but_other_fields():
    f = run("We need 2,000 pcs of water bottles, CIF Rotterdam, L/C at sight.", seller=Seller())
    assert f.products == ()
    assert f.quantity == "2,000 pcs"
    assert f.port == "Rotterdam"
    assert f.payment is not None and "L/C at sight" in f.payment


def test_forwarded_request_names_the_product_below():
    inquiry = Inquiry(
        source="t",
        channel="file",
        subject="FW: enquiry",
        body="Dear Sales, pls offer your best price for our client, see below.",
        quoted="From: client\nPlease source 1x40HQ of lunch box for our stores.",
    )
    f = extract(inquiry, Identity(), SELLER)
    assert ids(f) == ["DW-LB2"]


# ----------------------------------------------------------------------------- samples


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Please send 2 samples, we will pay the courier cost.", "pays"),
        ("Samples can be sent on our FedEx account.", "pays"),
        ("Please send free samples; we do not pay for samples as company policy.", "free"),
        ("Could you send a sample of the water bottle?", "request"),
        ("Thank you for the samples you sent last month, they were approved.", None),
    ],
)
def test_sample(body, expected):
    assert run(body).sample == expected


# ----------------------------------------------------------------------------- terms


def test_money_that_is_not_a_target_price():
    f = run("Our turnover is USD 2 million and we retail at EUR 25. Please quote 500 pcs.")
    assert f.target_price is None


def test_target_price_with_currency_after_the_number():
    f = run("Unser Zielpreis: 9,80 EUR pro Stück.")
    assert f.target_price is not None and "9,80 EUR" in f.target_price


def test_fob_names_our_port_not_a_destination():
    f = run("Please quote FOB Ningbo for 1000 pcs water bottles.")
    assert f.incoterm == "FOB"
    assert f.port is None


def test_containers_and_tonnes():
    assert run("First order 1 x 40HQ mixed, then 2 containers per month.").quantity == (
        "1 x 40HQ; 2 containers"
    )
    assert run("We need about 75 MT of sheets.", seller=Seller()).quantity == "75 MT"


def test_packing_ratio_is_not_an_order_quantity():
    f = run("Packing: 1 pc per polybag, 24 pcs per carton.")
    assert f.quantity is None
    assert f.packaging is not None and "polybag" in f.packaging


def test_delivery_needs_a_date_or_period():
    assert run("Please advise your delivery time and payment terms.").delivery is None
    assert run("Shipment within 30 days after deposit.").delivery == (
        "Shipment within 30 days after deposit"
    )


def test_seller_certificate_named_by_its_code():
    f = run("Please send the EN 12546 test report for the bottles.")
    assert "EN 12546 test reports" in f.certificates


# ----------------------------------------------------------------------------- robustness


@pytest.mark.parametrize(
    "body",
    ["", "\x00\ufeff", "1" * 5000, "ß" * 300, "İ" * 50 + " İzmir", "FOB CIF CFR " * 200, "$ € £"],
)
def test_never_raises_and_stays_short(body):
    f = run(body, subject=body[:50])
    for value in (f.quantity, f.specs, f.packaging, f.target_price, f.port, f.payment, f.delivery):
        assert value is None or len(value) <= 120
