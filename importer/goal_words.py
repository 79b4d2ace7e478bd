"""A goal's own words: what is left of a goals-cell clause once lead-ins, references and
punctuation typed around the goal are gone, and the key that tells near-duplicates apart.

Pure functions (no Django), used by importer.goals. The regions write their goals as lists
("Mål i RUS: A B C"), as sentences ("Insatsen bidrar till de prioriterade områdena A och B i den
regionala utvecklingsstrategin."), in quotes ("ett konkurrenskraftigt Dalarna"), with remarks in
brackets ("(RUS)", "(delvis)") or cut by the PDF conversion ("(TEN-E" without its bracket). Each
rule below is one of those habits; tests/importer/test_goals.py has a cell from the report for
each.
"""

import functools
import re

import snowballstemmer

# Announcements before the goal itself, removed one after another from the start of a clause.
_LEAD_INS = [
    re.compile(p, re.I)
    for p in (
        r"^(?:Insatsen|Insatserna|Projektet|Satsningen|Detta|Det)\s+(?:ska\s+)?"
        r"(?:\w+\s+){0,4}?(?:till|med|mot)\s+(?:att\s+)?",
        r"^(?:Den\s+)?bidra[r]?\s+(?:även\s+|också\s+)?till\s*:?\s*(?:att\s+)?",
        r"^(?:Förutom ovanstående|Men|Samt|Och)?\s*(?:även|också)(?:\s+|$)",
        r"^(?:Mål|Delmål)\s+\d+(?:\.\d+)?\s*:\s*",
        r"^-?programmet\s+",
        r"^för att\s+",
        r"^(?:tydlig\s+)?koppling(?:ar)?\s+(?:finns\s+)?(?:också\s+)?till\s+",
        r"^styra regionens resurser mot\s+(?:investeringar\s+(?:i\s+|initiativ som rör\s+)?)?",
        r"^Föregående\b\s*",
        r"^(?:den\s+)?regionala\s+utvecklingsstrategin\b[^,.]*?\s+genom\s+(?:den\s+|de\s+)?",
        r"^(?:samt|och|men)\s+",
        r"^om\s+(?:att\s+)?",
        r"^i\s+(?:den\s+|det\s+)?\w*(?:plan\w*|strategi\w*|program\w*)\s+om\s+(?:att\s+)?",
        r"^(?:nå|uppfylla|uppnå)\s+(?:positioner och prioriteringar i\s+)?",
        r"^med utgångspunkt i\s+(?:den\s+)?(?:fastslagna\s+)?",
        r"^(?:Mål|Målet|Mål och prioriteringar)\s+(?:om|att)\s+",
        r"^(?:Mål\s+i\s+)?(?:den\s+)?regionala\s+utvecklingsstrategin\s+om\s+",
        r"^Program\s*:\s*",
        r"^(?:Vårt\s+)?Gotland\s+2040,?\s*(?:övergripande mål\s*:?)?\s*",
        r"^(?:RUS:ens|RUS:en|RUSens|den regionala utvecklingsstrategins|regionens)\s+"
        r"(?:långsiktiga\s+)?(?:mål|delstrategi|prioritering)\b\s*(?:om\s+)?:?\s*",
        r"^(?:den\s+|det\s+|de\s+)?(?:långsiktiga\s+|övergripande\s+|prioriterade\s+)*"
        r"(?:målbild(?:en)?|delmålet|målet|målen|prioriterade området|prioriterade områdena|"
        r"området|områdena|prioritering|prioriteringen|prioriteringarna|prioriteringar|"
        r"positionen|målområdet|målområdena|vägval|insatsområdet|insatsområde|programmålet|"
        r"långsiktig prioritering|långsiktiga mål|mål|kraftsamling(?:en)?)\b\s*[,:]?\s*"
        r"(?:om\s+)?(?:att\s+)?",
        r"^Position\s*:\s*",
        r"^(?:Politiskt|Särskilt|Specifikt)\s+mål\s+\d\b[.:]?\s*",
        r"^(?:Investeringsprioritering|Regional prioritering|Nationell prioritering|"
        r"Övriga regionala prioriteringar|Prioriteringar|Prioritering|Syfte|Insatsområde|"
        r"Prioriterat området?|Insatsområden och mål|"
        r"Specifikt mål|Särskilt mål|Särskilt målområde|Specifikt målområde|Målområde|Delmål|"
        r"Långsiktigt mål|Nationell strategi|Mål)\s*[:;]\s*",
    )
]
# References to the framework after the goal ("… i den regionala utvecklingsstrategin").
_TRAILING_NUMBERS = re.compile(
    r"(?:,|\s+samt|\s+och)?\s*(?:med\s+)?(?<!Tematiskt )(?:del)?mål\s+"
    r"\d+(?:\s*(?:&|och|,)\s*\d+)*\.?$",
    re.I,
)
_TRAILING_REFERENCE = re.compile(
    r"[\s,]*(?:\(\s*)?(?:(?:i|inom|enligt|för)\s+(?:den\s+|det\s+)?(?:regionala\s+"
    r"utvecklingsstrategin\b.*|[Rr]egional\s+utvecklingsstrategi\b.*|"
    r"regionala\s+strukturfondsprogrammet\b.*|regionala\s+struktur-\s+"
    r"och\s+utvecklingsprogrammet\b.*|RUS\b.*|Utvecklingsstrategi för\b.*)|RUS\)?|ERUF)"
    r"[\s.)]*$",
    re.I,
)
# Words that join two goals in a sentence: "målbild A, delmålet B, samt till de prioriterade
# områdena C och D" and Örebro's "övergripande mål A och dess effektmål B, C samt D".
_JOINS = re.compile(
    r"\s*,?\s+(?:och|samt)\s+dess\s+effektmål(?:\s+om)?\s+"
    r"|\s*,?\s*(?:samt|och)?\s*(?:till\s+)?(?:de[nt]?\s+)?(?:prioriterade\s+området|"
    r"prioriterade\s+områdena|delmålet|målbild(?:en)?|positionen(?:\s+Position:)?|"
    r"prioriteringen)\s+"
    r"|\s*(?:,\s*|\s+)(?:samt\s+|och\s+)?(?:på sikt\s+)?(?:delmål\s+)+\d+(?:\.\d+)?,?\s+"
    r"|(?:,\s*|\s+samt\s+|\s+och\s+)(?:på sikt\s+)?mål\s+\d+\s+(?=[a-zåäöA-ZÅÄÖ])"
    r"|\s+(?=Mål\s+\d+:)|\s*[;,]?\s*(?=Investeringsprioritering:|Specifikt mål:|Särskilt mål:)",
    re.I,
)
# "Förbättra livsvillkoren: Robust samhälle": an area and its goal, both goals' words.
_COLON_LIST = re.compile(r":\s+(?=[A-ZÅÄÖ])")
_LABEL_HEAD = re.compile(r"\b(?:mål|målen|prioritering|prioriteringar|indikatorer)$", re.I)
_SENTENCE = re.compile(r"(?<=[a-zåäö)])\.\s+(?=[A-ZÅÄÖ(])")
# A capitalised word right after a lower-case one usually starts the next goal in a run of RUS
# goals that lost its line breaks ("… tillväxtmotor Skåne ska ha en god miljö …").
_RUN_SPLIT = re.compile(r"(?<=[a-zåäö)])\s+(?=[A-ZÅÄÖ][a-zåäö])")
_PLACE = re.compile(
    r"^(?:Blekinge|Dalarna|Gotland|Gävleborg|Halland|Jämtland|Härjedalen|Jönköping|Kalmar|"
    r"Kronoberg|Norrbotten|Skåne|Stockholm|Sörmland|Uppsala|Värmland|Västerbotten|"
    r"Västernorrland|Västmanland|Västra Götaland|Götaland|Örebro|Östergötland|Sverige|Europa|"
    r"Norden|Öland|Småland|Sydvästsverige|\w+sverige)\w*"
)
_GOAL_VERBS = {"ska", "har", "är", "blir", "kan"}
_FUNCTION_WORDS = {
    "i", "för", "och", "av", "med", "till", "på", "om", "från", "inom", "mot", "samt", "via",
    "som", "att", "en", "ett", "den", "det", "de", "genom", "vid", "under", "över", "mellan",
    "hela", "region", "regionen", "länet", "kallas", "projektet", "insatsen", "mål", "målet",
}  # fmt: skip
# A list of goals: a comma, "och" or "samt" before a capital letter.
_LIST = re.compile(r"\s*,\s*(?=[A-ZÅÄÖ])|\s+(?:och|samt)\s+(?=[A-ZÅÄÖ][a-zåäö])")
# The region explains how the measure serves the goal; the goal is what comes before.
_ELABORATION = re.compile(
    r"\s*,?\s+(?:genom att|med (?:särskilt )?fokus på)\s+.*$|,\s*indikatorer:.*$", re.I
)
_QUOTES = re.compile(r"[\"“”„«»]|(?<!\w)[’']|[’'](?!\w)")
_QUOTED = re.compile(r"[\"“”„«]([^\"“”„«»]{3,200})[\"“”»]")
_FUNDING_NOTE = re.compile(
    r"^(?:Ej\s+(?:ERUF|medel)|Endast\s+region|Se\s+(?:även\s+)?tabell|Delfinansierat\b|Medfinansiering\b|"
    r"Finansiering\s+via\s+anslag)",
    re.I,
)
_STRAY_LETTER = re.compile(r"^([A-ZÅÄÖ])\s+(?=\1[a-zåäö])")
# Sentences about the measure rather than names of goals.
PROSE = re.compile(
    r"\b(?:bidrar|bidra|insatsen|insatserna|projektet|kopplar|ligger|syftar|syftet|uppfyller|"
    r"relaterar|knyter|stödjer|främjar|tar avstamp|är i linje|i linje med|förhoppningsvis|"
    r"kommer|pågår|sker|leder|fick|ämnar|handlar|erbjuder|arrangeras|innebär|faller inom|"
    r"är att|återfinns|pekas ut|på (?:kort|lång|medellång|längre) sikt|projekten)\b",
    re.I,
)
# "samtliga mål", "alla målområden", "alla tre": the whole strategy.
_ALL_GOALS = re.compile(
    r"^(?:(?:samtliga|alla)\s+(?:tre\s+|tre\s+mål\w*|mål\w*|övergripande mål|delar|"
    r"mål förutom .*?)|flera av målen(?:\s+inom)?)(?=,|\.|$|\s+(?:med|mål|samt|inom|i))",
    re.I,
)
# Goals cited by number only: "RUS mål 2 och 3", "med fokus på mål 1, prioritering …".
_NUMBERED = re.compile(
    r"^(?:RUS\s+)?(?:mål|målområde|område)?\s*(\d{1,2})(?![.,:]?\d)"
    r"((?:\s*(?:,|och|&)\s*\d{1,2}(?![.,:]?\d))*)"
    r"(?=$|[\s.,;:]|\s+(?:med|samt|och)\b)",
    re.I,
)
WHOLE_STRATEGY = "Strategin som helhet"
WHOLE_PROGRAMME = "Programmet som helhet"
MAX_WORDS = 24  # a "goal" longer than this is a paragraph about the measure


def clean(text: str) -> str:
    """The goal's words without the punctuation and remarks typed around them."""
    text = " ".join(text.split())
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1]
    text = re.sub(r"\((?:båda projekten|delvis)\)?", " ", text, flags=re.I)
    text = _QUOTES.sub("", text)
    text = _STRAY_LETTER.sub("", text)
    text = re.sub(r"^(EN|ETT)(?= [a-zåäö])", lambda m: m.group(1).capitalize(), text)
    text = _balance(text)
    text = " ".join(text.split()).strip(" :;,.-–—#/")
    text = re.sub(
        r"[,\s]+(?:(?:men|och|samt|genom)(?:\s+också|\s+även|\s+program)?|fokusområde)$", "", text
    )
    text = re.sub(r"^[A-Z]\.\d+\.?\s+", "", text)
    # A closing bracket stripped above belongs back when its opening one stays.
    if text.count("(") > text.count(")"):
        text += ")"
    return text[:1].upper() + text[1:]


def _balance(text: str) -> str:
    """Drop an unclosed "(…" that only names the framework or a remark; close any other."""
    while text.count(")") > text.count("("):
        # A closing bracket without its opening one (the opening was on the line above).
        index = text.index(")")
        if "(" in text[:index]:
            break
        text = text[:index] + text[index + 1 :]
    if text.count("(") > text.count(")"):
        start = text.rindex("(")
        inside = text[start + 1 :].strip(" .")
        if not inside or re.fullmatch(r"RUS|ERUF|delvis|[a-zåäö ]{1,12}", inside, re.I):
            text = text[:start]
        else:
            text = text.rstrip(" .") + ")"
    return text


def strip_lead_ins(text: str) -> str:
    """The clause without the words that announce its goal; empty if it only announces."""
    text = text.strip(" ,;")
    changed = True
    while changed and text:
        changed = False
        for pattern in _LEAD_INS:
            stripped = pattern.sub("", text, count=1).strip()
            if stripped != text:
                text, changed = stripped, True
    return text


def is_funding_note(text: str) -> bool:
    return bool(_FUNDING_NOTE.match(text.strip()))


def split_goals(text: str, *, runs: bool = False) -> list[str]:
    """Cut a clause into the goals it lists; each part keeps its own words. With runs, a list
    of RUS goals that lost its line breaks is cut where a capitalised word starts a goal."""
    parts = []
    for sentence in _SENTENCE.split(text):
        sentence = re.sub(r"^\((.*)\)$", r"\1", sentence.strip())
        sentence = _trailing(strip_lead_ins(sentence))
        for piece in _JOINS.split(sentence):
            piece = _trailing(strip_lead_ins(piece))
            for sub in _COLON_LIST.split(piece):
                if _LABEL_HEAD.search(sub):
                    continue  # "Landsbygds- och skärgårdsstrategins mål: Stärk …"
                for item in _split_run(sub) if runs and not PROSE.search(sub) else [sub]:
                    parts.extend(_split_list(item))
    return [p for p in (p.strip(" ,;:.") for p in parts) if p]


def _trailing(text: str) -> str:
    return _TRAILING_NUMBERS.sub("", _TRAILING_REFERENCE.sub("", text)).strip()


def _split_list(text: str) -> list[str]:
    """Split "A, B och C" where each part starts with a capital and has two words or more."""
    pieces = _LIST.split(text)
    if len(pieces) > 1 and all(len(p.split()) >= 2 for p in pieces):
        return pieces
    return [text]


def _split_run(text: str) -> list[str]:
    parts: list[str] = []
    start = 0
    for match in _RUN_SPLIT.finditer(text):
        previous_word = text[start : match.start()].split()[-1:] or [""]
        word = previous_word[0].strip(".,)").casefold()
        if word in _FUNCTION_WORDS or len(word) < 3:
            continue
        piece = text[start : match.start()]
        if len(piece.split()) < 2:
            continue
        following = text[match.end() :]
        if following.split()[1:2] and following.split()[1][:1].isupper():
            continue  # "Uppsala universitet Campus Gotland": a name, not a new goal
        if _PLACE.match(following):
            after = following.split()[1:2]
            if not after or after[0] not in _GOAL_VERBS:
                continue
        parts.append(piece)
        start = match.end()
    parts.append(text[start:])
    return parts


def cut_elaboration(text: str) -> str:
    """ "A genom att …" and "A med fokus på …": the goal is A."""
    head = _ELABORATION.sub("", text)
    return head if len(head.split()) >= 2 else text


def quoted(text: str) -> list[str]:
    """Phrases the region put in quotes: in a sentence, those are the goals' names."""
    return [q.strip(" .,") for q in _QUOTED.findall(text) if len(q.split()) >= 2]


def all_goals(text: str) -> tuple[bool, str]:
    """Whether the clause cites the whole strategy, and what follows that."""
    match = _ALL_GOALS.match(text.strip())
    if not match:
        return False, text
    return True, text.strip()[match.end() :].lstrip(" ,.")


def numbered(text: str) -> tuple[list[int], str]:
    """Goal numbers cited without the goal's words ("mål 2 och 3"), and the rest of the text."""
    rest = re.sub(
        r"^(?:med\s+)?(?:särskilt\s+)?fokus\s+på\s+(?:prioriteringar(?:na)?\s+i\s+)?",
        "",
        text.strip(),
        flags=re.I,
    )
    match = _NUMBERED.match(rest)
    if not match:
        return [], rest
    after = rest[match.end() :].lstrip(" .,;")
    if re.match(r"^:?\s*[A-ZÅÄÖ0-9]", after) and not re.match(r"^(?:och|samt|med)\b", after):
        return [], rest  # "Mål 2: 2030 är Västernorrland …": the words follow; keep them.
    numbers = [int(n) for n in re.findall(r"\d{1,2}", match.group(0))]
    return numbers, after


def is_prose(text: str) -> bool:
    longest = max(len(s.split()) for s in _SENTENCE.split(text))
    return longest > MAX_WORDS or bool(PROSE.search(text))


# --- the key that merges near-duplicates ---------------------------------------------------

_stemmer = snowballstemmer.stemmer("swedish")
_STOP = {
    "och", "i", "för", "att", "en", "ett", "den", "det", "de", "av", "med", "till", "på", "om",
    "som", "samt", "inom", "alla", "hela", "rus", "mål", "målet",
}  # fmt: skip


@functools.lru_cache(maxsize=16384)
def stem(word: str) -> str:
    """Snowball's Swedish stem, repeated until stable, then without a neuter -t ("hållbart")."""
    previous = None
    while previous != word:
        previous, word = word, _stemmer.stemWord(word)
    if re.search(r"[rglnk]t$", word) and len(word) > 5:
        return stem(word[:-1])
    return word


def stem_key(title: str) -> str:
    """Stemmed words without function words, joined without spaces so that a compound typed in
    two words matches: "Attraktiva livsmiljöer" ≡ "Attraktiv livsmiljö", "Goda uppväxt villkor"
    ≡ "Goda uppväxtvillkor", "hållbar resande" ≡ "hållbart resande"."""
    words = re.findall(r"\w+", title.casefold().replace("z", "s"))  # specialization
    return "".join(stem(w) for w in words if w not in _STOP) or "".join(words)
