"""Every field's words, in every language, as regex sources on folded text.

They live together because they are found together: ``vocabulary`` compiles them all into
one vocabulary, so a document is scanned once, not once per field.  Each table is a tuple
of (value, regex source) rows; the value is what the field reads from a hit ("strong" or
"weak" delivery cue, "sea" or "air" shipping, a certificate's name).  A row's regex must
begin each ``|`` branch with literal text (see ``vocabulary._lead``).
"""

from __future__ import annotations

_QTY_LABELS = (
    (
        "label",
        (
            r"qty|quantity|quantities|menge|cantidad|quantidade|quantite|quantita|количество|"
            r"объ[её]м\w*|ilosc|miktar|الكمية|数量|volume|total|итого|المجموع|gesamt\w*|"
            r"consumo|zapotrzebowanie|requirement"
        ),
    ),
    # A container counted in words: "one 40HC", "حاوية ٤٠ قدم".
    (
        "container",
        (
            r"(?:one|two|three|four|a|an|un|una|dos|tres|deux|trois|zwei|drei|ein|eine|"
            r"einen|bir|iki|один|два|три|jeden|dwa|trzy)\s+(?:(?:20|40|45)\s*(?:'|’|ft|"
            r"feet)?\s*(?:gp|hq|hc|dv)?\s*(?:containers?|contenedor|conteneur|konteyner|"
            r"kontener)|(?:20|40|45)\s*(?:'|’|ft)?\s*(?:gp|hq|hc|dv))|"
            r"حاوية\s*(?:20|40|45)\s*قدم"
        ),
    ),
)

_CURRENCY_WORDS = (
    (
        "currency",
        (
            r"usd|eur\w*|gbp|rmb|cny|jpy|aud|cad|nzd|chf|inr|aed|sar|pln|"
            r"brl|rub\w*|zl|tl|try|yuan|dollars?|dolares|reais|руб\w*|долл\w*|"
            r"\$|€|£|¥|₹|₽|₺|元|円|دولار|美元|ريال"
        ),
    ),
)

_INCOTERM_WORDS = (
    (
        "incoterm",
        (
            r"fob|cif|cfr|cnf|c\s?&\s?f|c\+f|exw|ddp|dap|ddu|fca|cpt|cip|dpu|"
            r"ex[\s-]?works"
        ),
    ),
)

_PORT_CUE_WORDS = (
    (
        "port",
        (
            r"deliver\w*|ship\w*|sent|freight|arriv\w*|reach\w*|destination|eta|"
            r"goods|stock|cargo|consegn\w*|entrega\w*|livraison|liefer\w*|"
            r"dostaw\w*|доставк\w*|frete|envio|teslim\w*|port\w*|puerto|porto|"
            r"hafen|порт\w*|ميناء|إلى"
        ),
    ),
)


_PAYMENT_WORDS = (
    (
        "payment",
        (
            r"t\s*/\s*t|tt|telegraphic transfer|wire transfer|by wire|bank transfer|l\s*/\s*c|lc|"
            r"letter of credit|d\s*/\s*p|d\s*/\s*a|cad|cash against|open account|o/a|western union|"
            r"moneygram|paypal|alipay|escrow|trade assurance|"
            r"balance (?:against|before|after|by|upon|on|within|\d+)|against (?:the )?(?:copy|"
            r"scanned|b/l)|carta de credito|credito documentario|"
            r"akkreditiv|accreditivo|lettre de credit|credoc|"
            r"аккредитив\w*|akredytyw\w*|akreditif|اعتماد|信用证|电汇|预付|antecipad\w*|adiantad\w*|"
            r"pagamento parcial|saldo\w*|solde|resto|остальн\w*|остаток|reszt\w*|kalan\w*|"
            r"contra copia|contre copie|contro copia|gegen kopie|po kopii|against copy"
        ),
    ),
)

_MONTHS = (
    "january|february|march|april|june|july|august|september|october|november|december|"
    "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|"
    "diciembre|janeiro|fevereiro|marco|maio|junho|julho|setembro|outubro|novembro|dezembro|"
    "janvier|fevrier|mars|avril|juin|juillet|aout|septembre|octobre|decembre|januar|februar|"
    "marz|juni|juli|oktober|dezember|gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|"
    "ottobre|dicembre|januari|februari|maart|mei|augustus|ocak|subat|mart|nisan|mayis|haziran|"
    "temmuz|agustos|eylul|ekim|kasim|aralik|styczn\\w*|lut(?:y|ego|ym)|marzec|marc[au]|"
    "kwie[tc]\\w*|maj[au]?|czerw\\w*|lip(?:iec|ca|cu)|sierp\\w*|wrzes\\w*|pazdziern\\w*|"
    "listopad\\w*|grud(?:zien|nia|niu)|январ\\w*|феврал\\w*|март\\w*|апрел\\w*|ма[яи]|июн\\w*|"
    "июл\\w*|август\\w*|сентябр\\w*|октябр\\w*|ноябр\\w*|декабр\\w*|mai|"
    "يناير|فبراير|مارس|أبريل|ابريل|مايو|يونيو|يوليو|أغسطس|اغسطس|سبتمبر|أكتوبر|اكتوبر|نوفمبر|ديسمبر"
)
_TIME_WORDS = (
    (
        "date",
        _MONTHS + r"|(?:week|wk|kw|cw|calendar week|semaine|semana|settimana|неделя|hafta|"
        r"tydzien)\s*\d{1,2}|q1|q2|q3|q4",
    ),
    # Abbreviations count next to a day or a year only: "may" and "mar" are words too.
    ("abbreviation", "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"),
    # Periods and quarters count after a number: "within 30 days", "2. Quartal".
    (
        "period",
        (
            r"days?|weeks?|months?|dias|días|dia|semanas?|meses|jours?|semaines?|mois|tage?n?|"
            r"wochen|monate?n?|giorni|settimane|mesi|дн\w*|недел\w*|месяц\w*|gun|hafta|dni|"
            r"tygodni\w*|miesi\w*|quarter|quartal|trimestre|квартал\w*|أيام|يوما|يوم|أسابيع|"
            r"天|周|个月|月"
        ),
    ),
)

_DELIVERY_CUES = (
    (
        "strong",
        (
            r"deliver\w*|ship\w*|eta|etd|arriv\w*|lead[\s-]?time|cargo ready|ready date|on board|"
            r"on the water|loading|(?:in|into) (?:our |the )?(?:warehouse|stock|stores?)|on site|"
            r"land\w*|reach\w*|latest|not later than|"
            r"no later than|lieferzeit|liefertermin|liefer\w*|"
            r"versand\w*|plazo\w*|entrega\w*|embarque\w*|despacho|"
            r"prazo\w*|envio|delai\w*|livraison|livrer|depart|"
            r"arrivee|expedition|consegn\w*|spedizion\w*|termin\w*|dostaw\w*|wysy\w*|magazyn\w*|срок\w*|"
            r"отгрузк\w*|поставк\w*|доставк\w*|teslim\w*|sevk\w*|التسليم|الشحن|التجهيز|التوريد|交货|交期|"
            r"发货|到货|交付|almacen|armazem|lager|magazzino|warehouse|mercancia|mercadoria|stock"
        ),
    ),
    (
        "weak",
        (
            r"order\w*|po|pedido|commande|bestell\w*|ordine|заказ\w*|siparis|zamowien\w*|decision|award\w*|"
            r"vergabe|season|temporada|saison|stagione|сезон\w*|sezon\w*|موسم|start\w*|need\w*|want\w*|"
            r"required|brauchen|necesit\w*|precis\w*|besoin|нужн\w*|potrzeb\w*|ihtiyac\w*|نحتاج|"
            r"confirm\w*|erwartet|expected|probabl\w*"
        ),
    ),
)

_SHIPPING = (
    (
        "rail",
        (
            r"by rail|rail\w*|train|ж/д|жд|железн\w*|вагон\w*|bahn|ferroviaire|ferrocarril|"
            r"kolej\w*|demiryolu|铁路|سكة حديد|قطار"
        ),
    ),
    (
        "air",
        (
            r"air ?freight|by air|air shipment|air cargo|luftfracht|aereo|fret aerien|авиа\w*|"
            r"شحن جوي|جوا|空运"
        ),
    ),
    (
        "express",
        (
            r"dhl|fedex|tnt|ems|aramex|courier|express|kurier|correio|door to door|"
            r"puerta a puerta|快递"
        ),
    ),
    (
        "sea",
        (
            r"sea ?freight|by sea|ocean freight|vessel|lcl|fcl|maritimo|por mar|seefracht|"
            r"fret maritime|морем|морск\w*|شحن بحري|بحرا|海运"
        ),
    ),
)
_SAMPLE_WORDS = (
    (
        "sample",
        (
            r"sampl\w*|muestr\w*|amostr\w*|echantill\w*|muster\w*|campion\w*|"
            r"образ\w*|numune\w*|probk\w*|عين\w*|样品|样"
        ),
    ),
)


_SPEC_CODES = (
    (
        "code",
        (  # standards, grades and sizes, as written (in capitals)
            r"ASTM\s?[A-Z]\s?\d+(?:\s?(?:Gr\.?|Grade)\s?[A-Z0-9]+)?|ASME\s?[A-Z]+\s?\d+|"
            r"API\s?5[LC]T?(?:\s+(?:Gr\.?\s?)?(?:B|X\d\d)M?)?(?:\s+PSL\s?[12])?|"
            r"EN\s?\d{3,5}(?:-\d)?|BS\s?\d{3,4}(?:\s+(?:light|medium|heavy|Light|Medium|Heavy))?|"
            r"DIN\s?\d{3,5}|JIS\s?[A-Z]\s?\d{3,4}|GB/T\s?\d+|AS/NZS\s?\d{4}(?:\.\d)?|GOST\s?\d+|ГОСТ\s?\d+|"
            r"S235J[R0-2]H?|S275J[R0-2]H?|S355J[R0-2]H?|S420\w*|S460\w*|S235|S275|S355|"
            r"X42M?|X46M?|X52M?|X56M?|X60M?|X65M?|X70M?|X80M?|PSL\s?[12]|Q195|Q215|Q235[A-E]?|"
            r"Q345[A-E]?|Q355[A-E]?|TP\s?3\d\dL?|C350L0|Z40|Z60|Z80|Z90|Z100|Z120|Z140|Z180|Z200|Z220|"
            r"Z275|Z350|Z450|Z600|P235GH|P265GH|SCH\.?\s?\d+S?|STD|XXS|XS|DN\s?\d+(?:\s?[-–]\s?DN\s?\d+)?|"
            r"Pantone\s?\d{3,4}\s?[A-Z]?|OD\s?\d+(?:[.,]\d+)?(?:\s?mm)?|ID\s?\d+(?:[.,]\d+)?(?:\s?mm)?|"
            r"WT\s?\d+(?:[.,]\d+)?(?:\s?mm)?|Ø\s?\d+(?:[.,]\d+)?(?:\s?mm)?"
        ),
    ),
)
_SPEC_WORDS = (
    (
        "material",
        (  # materials, colours, logos, in any case
            r"recycled (?:polyester|nylon|fabric|pet)|polyester|oxford|nylon|canvas|rpet|peva|"
            r"lldpe|hdpe|pu foam|aluminium|aluminum|"
            r"stainless steel|willow|bamboo|rattan|wicker|leather|"
            r"cotton|linen|screen[\s-]?print\w*|pad[\s-]?print\w*|"
            r"silk[\s-]?print\w*|private label|logodruck|"
            r"siebdruck|with logo|our logo|own logo|custom logo|logo print\w*|logo on|"
            r"custom colou?rs?|own colou?rs?|"
            r"colou?rs?\s?:\s?[^.\n;:]{2,40}|farbe\s?:\s?[^.\n;:]{2,40}|"
            r"couleurs?\s?:\s?[^.\n;:]{2,40}|colores?\s?:\s?[^.\n;:]{2,40}|colori\s?:\s?[^.\n;:]{2,40}|"
            r"цвет\w*\s?:\s?[^.\n;:]{2,40}"
        ),
    ),
)

_PACKING = (
    (
        "packing",
        (
            r"poly ?bag\w*|opp bag|pe bag|master cartons?|export cartons?|inner cartons?|"
            r"outer cartons?|cartons?|ctns?|colou?r box(?:es)?|gift box(?:es)?|retail box(?:es)?|"
            r"display box(?:es)?|inner box(?:es)?|brown box(?:es)?|"
            r"white box(?:es)?|blister\w*|shrink[\s-]?wrap\w*|"
            r"bundle[sd]?|bundling|pallets?|palett\w*|wooden (?:case|crate|frame)s?|crates?|"
            r"barcode labels?|ean (?:labels?|code)|fnsku\w*|shipping marks?|plastic caps|end caps|"
            r"stuff sack|carry bag|polybeutel|einzelverpackung|umverpackung|karton\w*|scatola\w*|"
            r"caja\w*|caixa\w*|boite\w*|коробк\w*|ambalaj|"
            r"koli|opakowan\w*|capuchones|hexagonal bundles|"
            r"steel strips|纸箱|كرتون"
        ),
    ),
    (
        "label",
        (
            r"packing|packaging|package|packed|embalaje|empaque|embalagem|embalad\w*|emballage|emballe\w*|"
            r"conditionnement|verpackung|verpackt|confezione|imballo|imballat\w*|упаковка|ambalaj|"
            r"opakowanie|包装|التغليف|التعبئة"
        ),
    ),
)

_CERTS = (
    ("BSCI", r"bsci"),
    ("SMETA", r"smeta"),
    ("Sedex", r"sedex"),
    ("WCA", r"wca"),
    ("SA8000", r"sa\s?8000"),
    ("ISO 9001", r"iso\s?9001"),
    ("ISO 14001", r"iso\s?14001"),
    ("ISO 45001", r"iso\s?45001"),
    ("ISO 22000", r"iso\s?22000"),
    ("ISO", r"iso (?:certificate|certified|certification)"),
    ("FSC", r"fsc"),
    ("PEFC", r"pefc"),
    ("GRS", r"grs"),
    ("RCS", r"rcs"),
    ("OEKO-TEX", r"oeko[\s-]?tex"),
    ("LFGB", r"lfgb"),
    ("FDA", r"fda"),
    ("EC 1935/2004", r"1935\s*/\s*2004"),
    (
        "food contact",
        (
            r"food[\s-]contact|contact alimentaire|contacto alimentario|"
            r"contato alimentar|contatto alimentare|lebensmittel\w*|пищев\w*|食品级"
        ),
    ),
    ("Prop 65", r"prop(?:osition)?\s*65"),
    ("RoHS", r"rohs"),
    ("CPSIA", r"cpsia"),
    ("EN 71", r"en\s?71(?:-\d)?"),
    ("EN 581", r"en\s?581(?:-\d)?|en581(?:-\d)?"),
    ("AZO-free", r"azo[\s-]?free"),
    ("PAH", r"pah|pak-?prufbericht\w*|afps\s*gs"),
    ("TÜV", r"tuv"),
    ("GS", r"gs[\s-]mark"),
    ("UKCA", r"ukca"),
    ("UL", r"ul[\s-](?:listed|certified|certificate)"),
    ("ETL", r"etl"),
    ("FM approved", r"fm[\s-]approv\w*"),
    ("SAA", r"saa"),
    ("SASO", r"saso"),
    ("SABER", r"saber"),
    ("GSO", r"gso"),
    ("G-Mark", r"g[\s-]mark"),
    ("SONCAP", r"soncap"),
    ("PVoC", r"pvoc"),
    ("KEBS", r"kebs"),
    ("INMETRO", r"inmetro"),
    ("EAC", r"eac|тр\s*тс|tr\s*cu|еаэс"),
    ("GOST", r"gost|гост"),
    (
        "CoC",
        (
            r"coc|certificate of conformity|certificado de conformidad|"
            r"شهادة المطابقة|сертификат соответствия|декларац\w* соответств\w*"
        ),
    ),
    ("BPS ICC", r"bps\s+icc"),
    ("IGBC", r"igbc"),
    ("Japan Food Sanitation Act", r"food sanitation act"),
    (
        "test report",
        (
            r"test reports?|prufbericht\w*|pruefbericht\w*|informe de (?:ensayo|prueba)|"
            r"rapport d'essai|rapporto di prova|протокол\w* испытани\w*|raport\w* z badan"
        ),
    ),
    (
        "certificate of origin",
        (
            r"certificate of origin|certificado de origen|certificado de origem|"
            r"certificat d'origine|ursprungszeugnis|сертификат\w* происхождения|"
            r"form\s?[ae](?!\w)|شهادة (?:ال)?منشأ"
        ),
    ),
    (
        "EN 10204 3.1",
        (
            r"en\s?10204(?:[\s/:-]*3\.1)?|3\.1\s+(?:по\s+)?(?:en|mill|mtc|cert\w*|"
            r"сертификат\w*|test)|(?:mill|material)\s+(?:test\s+)?cert\w*|mtc|"
            r"сертификат\w* 3\.1|شهادات الفحص 3\.1|certificado\s+(?:de calidad\s+)?"
            r"(?:en 10204|3\.1)|en10204"
        ),
    ),
    (
        "API 5L",
        (
            r"api\s?5l (?:monogram|licen[cs]e|certificate|certified)|api (?:monogram|licen[cs]e|"
            r"certificate|license no)"
        ),
    ),
    ("EN 10219 FPC", r"fpc"),
    ("SGS", r"sgs"),
    ("BV", r"bureau veritas|bv"),
    ("Intertek", r"intertek"),
    (
        "third-party inspection",
        (
            r"third[\s-]party inspection|tpi|inspecci[oó]n por tercera parte|"
            r"inspection tierce|inspeccion de terceros"
        ),
    ),
    ("SNI", r"sni"),
    ("BIS", r"bis certif\w*"),
)
_CERTS_CASED = (  # words that are also ordinary words when not in capitals
    ("CE", r"CE(?!\s*(?:No\.?\s*)?1935)"),
    ("REACH", "REACH"),
    ("SNI", "SNI"),
    ("BIS", "BIS"),
    ("UL", r"UL(?=\s*(?:/|listed|certif))"),
    ("PVoC", r"TBS(?=\s*PVoC)"),
)


_ASK_WORDS = (
    (
        "ask",
        (
            "you|fabrican|producen|tienen|fabricam|produzem|fabriquez|produisez|"
            "stellen|produzieren|fabbricate|producete|производите|делаете|uretiyor|"
            "produkujecie"
        ),
    ),
)
