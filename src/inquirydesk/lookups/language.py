"""Which language an inquiry is written in, fast and without a model.

Two steps: the writing system decides most languages at once (Han, kana, Hangul,
Cyrillic, Arabic, Thai, Devanagari, Greek, Hebrew); Latin-script text is then scored by
the function words each language uses most.  Product names, incoterms and model codes
are English in every language, so they are kept out of the word lists.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from functools import cache, lru_cache

SAMPLE = 1500  # characters read: some 250 words, plenty to tell; keeps long mails fast
MIN_SCORE = 1.0  # below this many function words there is too little text to tell

# Runs of letters outside Latin script; each run is classified by its first letter.
NON_LATIN = re.compile(
    "[\u0370-\u03ff\u0400-\u04ff\u0590-\u05ff\u0600-\u06ff\u0750-\u077f\u0900-\u097f"
    "\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+")
LATIN_WORD = re.compile(r"[a-zß-öø-ÿĀ-ɏḀ-ỿ]+")
# In ASCII text LATIN_WORD's words are the runs of a-z: every other byte becomes a space,
# and bytes.split takes them several times faster than findall.
ASCII_LETTERS_ONLY = bytes(c if 0x61 <= c <= 0x7A else 0x20 for c in range(256))
# Vietnamese tone letters (Latin Extended Additional) and its own vowels.
VIETNAMESE = re.compile("[\u1ea0-\u1ef9ơưđă]")
UKRAINIAN = re.compile("[іїєґ]")
KANA = re.compile("[\u3040-\u30ff]")
PERSIAN = re.compile("[پچژگکی]")
URDU = re.compile("[ٹڈڑںےۓ]")

# (first code point, last code point, script) for the scripts NON_LATIN finds.
SCRIPTS = (
    (0x0370, 0x03FF, "el"), (0x0400, 0x04FF, "cyrillic"), (0x0590, 0x05FF, "he"),
    (0x0600, 0x077F, "arabic"), (0x0900, 0x097F, "hi"), (0x0E00, 0x0E7F, "th"),
    (0x3040, 0x9FFF, "han"), (0xAC00, 0xD7AF, "ko"), (0xF900, 0xFAFF, "han"),
)
# One Han character or Hangul syllable carries about a word; an alphabet letter does not.
SCRIPT_WEIGHT = {"han": 3.0, "ko": 2.0}

FUNCTION_WORDS = {
    "en": """the and of to in for is are we our you your please with this that be have has
        will would can could it on at from as by an i my me us not do does what which how
        much many need want looking send thanks thank regards dear hello hi best kindly pls
        interested if also any all about there they them was were been some more other only
        after before just so but or let know like here who when where should may shall
        sir madam good day""",
    "es": """el la los las del que y en un una por para con no es su sus al lo como más pero
        este esta estos estas nos le les se ya muy también hay ser son está están somos
        necesitamos gracias saludos estimado estimada estimados hola buenos buenas días
        favor usted ustedes nuestro nuestra nuestros cuál cuánto qué desde hasta sobre entre
        cada tiene tienen podemos pueden quedo atento atentamente envío pedido cotizar
        cotización precio precios indicar""",
    "pt": """o os as do da dos das que e em no na nos nas um uma para por com não é são está
        seu sua seus suas mais mas como ao à pelo pela também muito nós você vocês obrigado
        obrigada olá bom boa dia tarde noite prezado prezada prezados gostaríamos precisamos
        preço preços cotação envie favor atenciosamente cumprimentos quanto custa frete
        tenho quero somos nossa nosso nossos até aguardo informamos""",
    "fr": """le la les de des du un une et est en que qui pour dans sur par avec ne pas nous
        vous votre vos notre nos ce cette ces au aux il elle sont être avoir merci bonjour
        cordialement madame monsieur prix envoyer envoyez souhaitons sommes avons plus mais
        ou où aussi très à svp salutations veuillez leur chez tous toutes déjà qu d l
        distinguées""",
    "de": """der die das und ist sind wir sie ihr ihre ihren ihnen uns unser unsere ein eine
        einen einem einer mit für von zu zum zur auf im an aus bei nicht auch als oder aber
        bitte danke vielen dank sehr geehrte geehrter herren damen grüßen grüße freundlichen
        hallo den dem des es ich mich haben hat wird werden können möchten noch nur wie was
        preis angebot anfrage über nach guten tag außerdem sowie""",
    "it": """il lo la i gli le di del della dei delle degli e è un una uno per con che non
        sono siamo noi vi ci ma anche come più nel nella al alla dal dalla questo questa
        nostro nostra nostri vostro vostra vostri prezzo grazie cordiali saluti distinti
        gentile buongiorno salve potete possiamo vorremmo chiediamo inviare inviarci sia
        essere tra fra ogni molto quale quanto dovrebbe""",
    "nl": """de het een en van is zijn wij we ons onze u uw jullie voor met op aan te dat die
        niet ook maar als bij naar om of dit deze er nog wel kunnen graag prijs offerte
        bedankt dank groet groeten vriendelijke beste geachte hallo heer mevrouw hebben
        heeft wordt worden zou willen hoe wat""",
    "pl": """i w z na do się że nie jest są to dla od po o jak ale czy lub oraz jesteśmy
        prosimy proszę państwa pan pani dzień dobry pozdrawiam poważaniem cena cenę ofertę
        oferta nas nasz nasza nasze mamy może można bardzo dziękuję dziękujemy który która
        które tak też także przy przez ze jaka jaki interesuje""",
    "tr": """ve bir bu için ile da de mi mı çok olarak olan gibi daha biz bizim sizin siz
        ürün ürünler fiyat fiyatı fiyatlarınızı teşekkürler teşekkür ederiz ederim merhaba
        saygılarımızla saygılarımla rica ediyoruz lütfen var yok olabilir ama ancak veya
        kadar sonra önce her ne nasıl hangi firmayız misiniz musunuz""",
    "vi": """và của các có cho là được không với này những một chúng tôi bạn trong để đến
        từ về khi như đã sẽ cần giá xin chào cảm ơn anh chị công ty hàng sản phẩm báo
        vui lòng quý""",
    "id": """dan yang di ke dari untuk dengan ini itu kami kita anda tidak ada akan bisa
        dapat juga atau pada dalam saya mohon harga terima kasih salam bapak ibu kirim
        kirimkan produk perusahaan sudah belum berapa apakah jika karena sebagai oleh
        secara tersebut para hormat""",
}


# Scores are whole numbers: a word shared by n languages counts SCALE // n for each, and
# SCALE divides evenly by every n, so a tie is a true tie whatever order words come in.
LANGUAGES = tuple(FUNCTION_WORDS)  # a tie goes to the language listed first
SCALE = math.lcm(*range(1, len(LANGUAGES) + 1))  # any number of languages may share a word
VIETNAMESE_LETTER = SCALE // 2
VIETNAMESE_INDEX = LANGUAGES.index("vi")


Weights = tuple[tuple[int, int], ...]  # (language index, weight) for one word


@cache
def _word_table() -> dict[str, Weights]:
    """word → (language index, weight): a word several languages share counts less for each."""
    owners: dict[str, list[int]] = {}
    for index, words in enumerate(FUNCTION_WORDS.values()):
        for word in set(words.split()):
            owners.setdefault(word, []).append(index)
    return {w: tuple((i, SCALE // len(langs)) for i in langs) for w, langs in owners.items()}


@cache
def _ascii_word_table() -> dict[bytes, Weights]:
    """_word_table for words as ASCII bytes."""
    return {w.encode("ascii"): v for w, v in _word_table().items() if w.isascii()}


def detect_language(text: str) -> str:
    """ISO 639-1 code of the text's main language; "" when there is too little to tell."""
    sample = text[:SAMPLE].lower()
    if sample.isascii():  # the common case
        words = sample.encode("ascii").translate(ASCII_LETTERS_ONLY).split()
        return _latin_language(words, 0, _ascii_word_table())
    words = LATIN_WORD.findall(sample)
    script, weight = _main_script(sample)
    # Latin letters in a non-Latin mail are mostly model codes and terms (FOB, ASTM A53).
    if script and weight >= sum(map(len, words)) * 0.7:
        return _script_language(script, sample)
    return _latin_language(words, len(VIETNAMESE.findall(sample)), _word_table())


def _main_script(sample: str) -> tuple[str, float]:
    """The non-Latin script with the most weight, and that weight."""
    totals: dict[str, float] = {}
    for run in NON_LATIN.findall(sample):
        script = _script_of(ord(run[0]))
        totals[script] = totals.get(script, 0.0) + len(run) * SCRIPT_WEIGHT.get(script, 1.0)
    if not totals:
        return "", 0.0
    script = max(totals, key=totals.__getitem__)
    return script, totals[script]


@lru_cache(maxsize=4096)
def _script_of(code: int) -> str:
    return next(script for lo, hi, script in SCRIPTS if lo <= code <= hi)


def _script_language(script: str, sample: str) -> str:
    if script == "han":  # Japanese writes Han and kana together; Chinese has no kana
        return "ja" if len(KANA.findall(sample)) >= 2 else "zh"
    if script == "cyrillic":
        return "uk" if len(UKRAINIAN.findall(sample)) >= 2 else "ru"
    if script == "arabic":
        return _arabic_language(sample)
    return script


def _arabic_language(sample: str) -> str:
    """Persian and Urdu add letters Arabic lacks."""
    if len(URDU.findall(sample)) >= 2:
        return "ur"
    return "fa" if len(PERSIAN.findall(sample)) >= 3 else "ar"


def _latin_language(words: Iterable[str] | Iterable[bytes], vietnamese_letters: int,
                    table: Mapping[str, Weights] | Mapping[bytes, Weights]) -> str:
    scores = [0] * len(LANGUAGES)
    # Vietnamese marks nearly every syllable with letters no other language uses.
    scores[VIETNAMESE_INDEX] = vietnamese_letters * VIETNAMESE_LETTER
    for word in filter(table.__contains__, words):  # whole numbers: any order, one sum
        for index, weight in table[word]:
            scores[index] += weight
    best = max(scores)
    return LANGUAGES[scores.index(best)] if best >= MIN_SCORE * SCALE else ""
