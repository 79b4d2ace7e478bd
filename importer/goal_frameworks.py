"""The frameworks of a goals cell: the markers that name them, the programmes of the EU funds,
and where a cell's text is cut into clauses (blocks, lost line breaks, labelled clauses, a turn to
another framework).

Pure functions, used by importer.goals. A clause takes the framework of its earliest marker;
a line that only names a framework ("RUS effektmål", "ERUF Norra Mellansverige", "RIS
styrkeområde") labels the lines below it.
"""

import re

from .html import to_text

RUS = "rus"
AGENDA2030 = "agenda2030"
REGIONALFONDEN = "regionalfonden"
INTERREG = "interreg"
FRO = "fro"
SMART_SPECIALISATION = "smart_specialisation"
NATIONAL_STRATEGY = "national_strategy"
OTHER = "other"

REGION_SPECIFIC = {RUS, OTHER, SMART_SPECIALISATION, FRO}
EU = {REGIONALFONDEN, INTERREG}
WHOLE_PROGRAMME_FRAMEWORKS = {REGIONALFONDEN, INTERREG, FRO}

# The column header's second line, spilled into some first rows of a table.
HEADER_SPILL = re.compile(
    r"Vilket eller vilka mål i den regionala utvecklingsstrategin, Regionalfonden inklusive "
    r"Interreg samt i förekommande fall Fonden för en rättvis omställning som insatsen ska "
    r"bidra till\s*[.:]?",
    re.IGNORECASE,
)

_PROGRAMMES = {
    REGIONALFONDEN: [
        ("Norra Mellansverige", r"Norra Mellansverige"),
        ("Östra Mellansverige", r"Östra Mellansverige|\bÖMS\b"),
        ("Småland och Öarna", r"Småland och Öarna|\bSMÖ\b"),
        ("Skåne-Blekinge", r"Skåne[–-]Blekinge"),
        ("Västsverige", r"Regionalfonden Västsverige"),
        ("Mellersta Norrland", r"Mellersta Norrland"),
        ("Övre Norrland", r"Övre Norrland"),
        (
            "Nationella regionalfondsprogrammet",
            r"[Nn]ationella (?:regionalfondsprogram|ERUF|REACT)",
        ),
    ],
    INTERREG: [
        ("Aurora", r"\bAurora\b"),
        ("Central Baltic", r"Central Baltic"),
        ("Baltic Sea Region", r"Baltic Sea Region"),
        ("Sverige-Norge", r"Sverige[–-]Norge"),
        ("Interreg Europe", r"Interreg Europe"),
        ("Öresund-Kattegat-Skagerrak", r"Öresund[–-]Kattegat[–-]Skagerrak"),
        ("Botnia-Atlantica", r"Botnia[–-]Atlantica"),
        ("North Sea", r"North Sea"),
    ],
}
PROGRAMME_PATTERNS = {
    framework: [(name, re.compile(pattern)) for name, pattern in programmes]
    for framework, programmes in _PROGRAMMES.items()
}

# Framework markers. A clause takes the framework of its earliest marker.
MARKERS: list[tuple[str, re.Pattern]] = [
    (FRO, re.compile(r"rättvis omställning|Omställningsplanen|\bFRO\b|\bJTF\b", re.I)),
    (AGENDA2030, re.compile(r"Agenda 20[23][03]|[Gg]lobala (?:hållbarhets)?mål")),
    (
        INTERREG,
        re.compile(
            r"\bInterreg\b|Central Baltic|\bAurora\b|Sverige[–-]Norge|"
            r"Öresund[–-]Kattegat[–-]Skagerrak|Botnia[–-]Atlantica|North Sea|Baltic Sea Region",
            re.I,
        ),
    ),
    (
        REGIONALFONDEN,
        re.compile(
            r"(?<!Ej )\bE[RU][RU]F\b|(?<!Ej )\bEruf\b|Regionalfond\w*|regionalfondsprogram\w*|"
            r"[Rr]egionala struktur(?:fonds)?-?\s*(?:och utvecklings)?program\w*|"
            r"Småland och Öarna|Skåne[–-]Blekinge|Norra Mellansverige|Östra Mellansverige|"
            r"Politiskt mål|Specifikt mål|Särskilt mål \d|[Pp]rogramområde|Insatsområde:|"
            r"\bPO\s?[1-5]\b|REACT|React-EU|Investeringsprioritering|Tematiskt mål|"
            r"Ett (?:konkurrenskraftigare och )?(?:smartare|grönare|mer sammanlänkat) Europa"
        ),
    ),
    (
        SMART_SPECIALISATION,
        re.compile(
            r"(?<!färdigheter för )[Ss]mart specialiser\w*|S3-strateg\w*|\bS3\b|"
            r"[Ii]nnovationsstrateg\w*|(?<!Aurora: 1,1 )[Ss]mart specialisation|"
            r"[Ii]nnovation- och smart|\bRIS\b|[Ss]tyrkeområde\w*|"
            r"[Ss]trategi för regional innovation"
        ),
    ),
    (
        NATIONAL_STRATEGY,
        re.compile(
            r"[Nn]ationella? strategi\w* för hållbar regional utveckling|"
            r"Nationell strategi\s*:|Nationell prioritering"
        ),
    ),
    (
        RUS,
        re.compile(
            r"\bRUS\b|\bRUS:\w+|\bRUSen\w*|\bRus\b|RUFF?S|[Rr]egionala? utvecklingsstrategi\w*|"
            r"[Uu]tvecklingsstrategi\w*|strategi för hållbar tillväxt|Värmlandsstrategin|"
            r"målbilden för|VG2021|Vårt Gotland 2040|Gotland 2040|Dalarna 2020|Dalastrategin|"
            r"Genomförandeprogram\w*"
        ),
    ),
    (
        OTHER,
        re.compile(
            r"\bESF\+?|\bAMIF\b|AMIF:s|[Tt]rafikförsörjningsprogram\w*|"
            r"[Kk]ulturplan\w*|[Bb]re(?:d)?dbandsstrat\w*|[Bb]iblioteksplan\w*|"
            r"[Ll]ivsmedelsstrateg\w*|Nationell utlysning|[Tt]ransportpolitiska|"
            r"[Ll]ife science strategi|[Nn]äringslivs- och tillväxtstrategi|[Rr]egionplan\w*|"
            r"[Ss]trategi\w* för industriell omställning|industriell omvandling|"
            r"[Nn]ationell(?:a)? strategi\w*|[Mm]iljömål\w*|klimatmål\w*|jämställdhetsmål\w*|"
            r"[Pp]lan för regional|[Hh]andlingsprogram\w*|[Cc]ykelstrategi\w*|[Kk]ulturstrategi\w*|"
            r"[Ll]andsbygds\S* strategi\w*|[Ll]andsbygds- och skärgårdsstrateg\w*|skogsprogram\w*|"
            r"[Ee]uropeiska socialfonds\w*|Regionfullmäktiges|detaljbudget|[Ll]änsgemensam vision"
        ),
    ),
]

# Where a new labelled clause starts inside a run of text ("… tillväxtmotor Mål i Agenda 2030: …").
_CLAUSE_START = re.compile(
    r"(?<!\si)(?<!\sinom)\s(?=(?:Mål (?:i |enligt )?)?"
    r"(?:RUS\b|RUFF?S 2050|ERUF\b|EURF\b|Agenda 20[23][03]|"
    r"Interreg\b|Regionalfonden\b|Fonden för en rättvis)(?:[^.:]{0,40}):)"
    r"|\s(?=(?:Mål (?:i |enligt )?(?:RUS|ERUF|Agenda 2030|Interreg))\b)"
    r"|\s(?=RUS (?:mål|prioritering|effektmål)\b)"
)
# Where a clause turns to another framework: a connector shortly before the new marker.
_CONNECTOR = re.compile(r"\.\s+|;\s*|,\s+|\s+samt\s+|\s+och\s+")
# Lead-in words that only announce a goal ("Mål i RUS:", "RUS effektmål", "Delmål:" …).
LEAD_IN = re.compile(
    r"^(?:(?:Målet|Mål|Delmål|Prioritering/mål|Prioriteringar|Prioritering|Prioriterat område|"
    r"Långsiktigt mål|"
    r"Långsiktiga prioriteringar|Strategiskt område|Effekt ?mål|Effektmål|Insatsområde|"
    r"Regional prioritering|Programmål)\b\s*(?:(?:i|enligt|för|inom)\b)?\s*)?"
    r"(?:(?:RUS 20\d\d|RUS:ens|RUS:en|RUSens|RUS|Rus|RUFF?S 2050|ERUF(?: 2021[–-]2027)?|"
    r"EURF|Eruf|Regionalfonden|Interreg|FRO|Agenda 20[23]0|Regional utvecklingsstrategi\w*)"
    r"(?:\s+(?:mål|effektmål|prioritering|övergripande mål|delstrategi|insatsområden och mål|"
    r"insatsområde|mål \d+(?: och \d+)?))?)?"
    r"\s*[:\-–]?\s*",
)
# Words that may stand beside a framework's name in a line that only labels what follows.
_LABEL_WORDS = re.compile(
    r"\b(?:mål|målen|effektmål|prioritering|prioriteringar|styrkeområden?|insatsområden?|"
    r"program|programmet|i|inom|och|för|en|länets|regionens|fonden|koppling|till|kopplingar|"
    r"finns|också|samt|20\d\d(?:[–-]20\d\d)?|mot|strategi|strategin|projektets|insatsens|den|"
    r"det|är|nationella|regionala|nationell|EU|färdplan\w*)\b",
    re.I,
)


def _any_marker() -> re.Pattern:
    """All markers in one pattern: the earliest match wins, ties go to the more specific."""
    parts = []
    for framework, pattern in MARKERS:
        flags = "i" if pattern.flags & re.IGNORECASE else ""
        body = f"(?{flags}:{pattern.pattern})" if flags else f"(?:{pattern.pattern})"
        parts.append(f"(?P<{framework}>{body})")
    return re.compile("|".join(parts))


ANY_MARKER = _any_marker()
AGENDA = MARKERS[1][1]
_INTERREG = MARKERS[2][1]


def framework_of(text: str) -> str | None:
    """The framework of the earliest marker in the text, or None. Interreg programmes use the
    Regional Fund's words ("PO4: Ett mer socialt EU (Interreg)"): Interreg wins over them."""
    match = ANY_MARKER.search(text)
    if not match:
        return None
    if match.lastgroup == REGIONALFONDEN and _INTERREG.search(text):
        return INTERREG
    return match.lastgroup


def segments(goals_html: str) -> list[str]:
    """The cell's text cut at blocks, line breaks (double spaces), labelled clauses and where a
    clause turns to another framework."""
    text = HEADER_SPILL.sub("\n", goals_html)
    pieces: list[str] = []
    for line in to_text(text, keep_gaps=True).split("\n"):
        for part in re.split(r"\s{2,}|\s\|\s", line):
            part = part.strip()
            if pieces and re.search(r"\d[.,:]\d$", pieces[-1]) and part[:1].isupper():
                pieces[-1] = f"{pieces[-1]} {part}"  # "Ett grönare Europa 2.1  Främja …"
                continue
            for clause in _CLAUSE_START.split(part):
                pieces.extend(_split_frameworks(clause))
    return [p.strip() for p in pieces if p and p.strip()]


def _split_frameworks(text: str) -> list[str]:
    """Cut where the clause turns to another framework: at a connector shortly before the new
    framework's marker, at a sentence end before the first marker, or right before a marker in
    capitals that starts a new clause ("… för alla AMIF:s Programindikatorer …")."""
    pieces = []
    start = 0
    current = None
    for match in ANY_MARKER.finditer(text):
        framework = match.lastgroup
        if framework in (current, AGENDA2030) or match.start() <= start:
            current = current or framework
            continue
        connectors = list(_CONNECTOR.finditer(text, start, match.start()))
        if current is None:
            # Only a sentence before the first marker is a clause of its own ("2. Ett grönare
            # Europa" is a number, not a sentence).
            connectors = [
                c
                for c in connectors
                if c.group(0).startswith(".") and re.search(r"[^\W\d]{2}", text[start : c.start()])
            ]
        if connectors and match.start() - connectors[-1].end() <= 60:
            pieces.append(text[start : connectors[-1].start()])
            start = connectors[-1].end()
        elif (
            current is not None
            and re.match(r"[A-ZÅÄÖ0-9]{3,}", match.group(0))
            and len(text[match.end() :].split()) >= 3
        ):
            pieces.append(text[start : match.start()])
            start = match.start()
        current = framework
    pieces.append(text[start:])
    return pieces


def programme_of(text: str, framework: str) -> str:
    for name, pattern in PROGRAMME_PATTERNS.get(framework, ()):
        if pattern.search(text):
            return name
    return ""


def is_label_only(text: str) -> bool:
    """A line that only names a framework ("RUS effektmål", "ERUF Norra Mellansverige")."""
    stripped = LEAD_IN.sub("", text.strip(), count=1)
    stripped = ANY_MARKER.sub(" ", stripped)
    for patterns in PROGRAMME_PATTERNS.values():
        for _, pattern in patterns:
            stripped = pattern.sub(" ", stripped)
    stripped = _LABEL_WORDS.sub(" ", stripped)
    return not re.search(r"\w\w|\d", stripped) or (text.rstrip().endswith(":") and len(text) < 90)
