"""Goal references: split, classified by framework, SDG numbers in every form the report uses."""

import itertools
import re
from collections import defaultdict
from pathlib import Path

import pytest

from importer.goals import goal_key, parse_goals
from importer.parser import parse_file


def refs(cell):
    return [(r.framework, r.sdg, r.title) for r in parse_goals(cell)]


def sdgs(cell):
    return sorted(r.sdg for r in parse_goals(cell) if r.sdg)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (
            "Mål i Agenda 2030: 3 God hälsa och välbefinnande 9 Hållbar industri, innovationer och infrastruktur",
            [3, 9],
        ),
        ("Agenda 2030: Mål 8 Mål 9 Mål 10 Mål 12 Mål 1", [1, 8, 9, 10, 12]),
        (
            "<p>Agenda 2030</p> <p>Mål 3: god hälsa och välbefinnande</p> <p>Mål 11: hållbara städer och samhällen</p>",
            [3, 11],
        ),
        ("Mål i Agenda 2030: Nr 3: Hälsa och välbefinnande Nr 4: God utbildning för alla", [3, 4]),
        (
            "<p>Agenda 2030-mål 5. Jämställdhet samt inriktning Jämlik och jämställd inkludering</p>",
            [5],
        ),
        ("Agenda 2030 mål 10 Minskad ojämlikhet samt inriktning i RUS", [10]),
        (
            "RUS - ett gott samhällsklimat med hög tillit och inkludering Agenda 2030 – minskad ojämlikhet",
            [10],
        ),
        ("Mål Agenda 2023: 4 God utbildning för alla", [4]),
    ],
)
def test_sdg_numbers_in_the_reports_forms(cell, expected):
    assert sdgs(cell) == expected


@pytest.mark.parametrize(
    "cell",
    [
        "<p>RUFS 2050:</p> <p>Mål 1: En tillgänglig region med god livsmiljö</p> <p>Mål 2: En öppen, jämställd, jämlik och inkluderande region</p>",
        "<p>RUS: Stärkt konkurrenskraft</p> <p>ERUF: 1.4 Utveckla färdigheter för smart specialisering</p>",
        "Program: Nationella regionalfondsprogrammet Insatsområde: REACT-EU Tematiskt mål: Tematiskt mål 13",
        "RUS: Stärkt konkurrenskraft  Mål 2030: God tillgång till välutbildad arbetskraft.",
        "<p><b>Agtech 2030</b></p>",
        "RUS: Ett nyskapande Västmanland, delmål 14 Öka den regionala ekonomiska förnyelseförmågan",
        "<p>RUS mål 2 och 3</p> <p>Interreg Aurora: 3 Education, culture and sustainable tourism</p>",
    ],
)
def test_numbers_that_are_not_sdgs(cell):
    assert sdgs(cell) == []


def test_a_run_of_rus_goals_that_lost_its_line_breaks_is_split():
    cell = "Mål i RUS: Skåne ska vara en stark hållbar tillväxtmotor Skåne ska ha en god miljö och en hållbar resursanvändning"
    assert refs(cell) == [
        ("rus", None, "Skåne ska vara en stark hållbar tillväxtmotor"),
        ("rus", None, "Skåne ska ha en god miljö och en hållbar resursanvändning"),
    ]


def test_proper_nouns_do_not_split_a_goal():
    cell = "Prioritering i RUS: Utveckla attraktiva, hållbara och väl gestaltade livsmiljöer utifrån Blekinges unika förutsättningar."
    assert [t for _, _, t in refs(cell)] == [
        "Utveckla attraktiva, hållbara och väl gestaltade livsmiljöer utifrån Blekinges unika förutsättningar"
    ]


@pytest.mark.parametrize(
    ("cell", "framework"),
    [
        ("<p>ERUF: Ett konkurrenskraftigare och smartare Europa</p>", "regionalfonden"),
        ("<p>Mål i ERUF: Att öka konkurrenskraften för SME</p>", "regionalfonden"),
        ("Utveckla företagens energieffektivitet, Småland och Öarna", "regionalfonden"),
        ("<p>Interreg Aurora: 3 Education, culture and sustainable tourism</p>", "interreg"),
        ("Omställningsplanen för Fonden för en rättvis omställning", "fro"),
        ("<p>Smart specialisering</p>", "smart_specialisation"),
        ("Gotland är en nytänkande tillväxtregion med utvecklingskraft", "rus"),
        ("RUS: Flexibel och väl fungerande kompetensförsörjning", "rus"),
        ("<p>Mål i Trafikförsörjningsprogram om tillgänglighet för funktionsnedsatta</p>", "other"),
    ],
)
def test_goals_are_classified_by_framework(cell, framework):
    assert [f for f, _, _ in refs(cell)] == [framework]


def test_label_lines_set_the_framework_of_the_lines_below():
    cell = "<p>RUS effektmål</p> <ul><li>• Gävleborg har en jämställd och jämlik arbetsmarknad</li></ul>"
    assert refs(cell) == [("rus", None, "Gävleborg har en jämställd och jämlik arbetsmarknad")]


def test_the_column_header_spill_is_not_a_goal():
    cell = (
        "<p>Vilket eller vilka mål i den regionala utvecklingsstrategin, Regionalfonden inklusive "
        "Interreg samt i förekommande fall Fonden för en rättvis omställning som insatsen ska bidra "
        "till</p> <p>Mål i RUS: Stärkt attraktivitet särskilt för unga.</p>"
    )
    assert refs(cell) == [("rus", None, "Stärkt attraktivitet särskilt för unga")]


def test_goal_keys_are_region_scoped_for_rus_and_shared_for_sdgs():
    (rus,) = parse_goals("Mål i RUS: Attraktiva livsmiljöer")
    (sdg,) = parse_goals("Agenda 2030: 5 Jämställdhet")
    assert goal_key(rus, "25") != goal_key(rus, "12")
    assert goal_key(sdg, "25") == goal_key(sdg, "12") == "agenda2030:5"


# One cell per habit of the report (its line in the bundled report in the comment): the reader
# returns clean goals, the right framework, and the EU programme and objective where named.


def goals(cell):
    return [(r.framework, r.title) for r in parse_goals(cell) if not r.sdg]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        # 908: "Mål inom ERUF" lost its "I" ("nom ERUF 2.3 …") when "Mål i" was read as a lead-in.
        (
            "<p>Mål inom ERUF 2.3 Utveckla smarta energisystem, smarta nät och smart lagring "
            "utanför det transeuropeiska energinätet (TEN-E)</p>",
            [
                (
                    "regionalfonden",
                    "Utveckla smarta energisystem, smarta nät och smart lagring utanför det "
                    "transeuropeiska energinätet (TEN-E)",
                )
            ],
        ),
        # 449: a stray letter before the word it starts.
        (
            "<p>RUS mål: Bidrar till genomförande av smart specialisering.</p> "
            "<p>ERUF: P Programområde 1</p>",
            [
                ("rus", "Genomförande av smart specialisering"),
                ("regionalfonden", "Programområde 1"),
            ],
        ),
        # 451: "Bidrar till" announces the goal.
        (
            "RUS mål: Bidrar till fler företag att bli internationellt verksamma  "
            "ERUF: Programområde 1",
            [
                ("rus", "Fler företag att bli internationellt verksamma"),
                ("regionalfonden", "Programområde 1"),
            ],
        ),
        # 499: "…-program: Bidrar till programmålet "…"".
        (
            "<p>Färdplanerna i Östra Mellansveriges ERUF-program: Bidrar till programmålet "
            '"Dra nytta av digitaliseringens fördelar för invånare, företag, '
            'forskningsorganisationer och offentliga myndigheter."</p>',
            [
                (
                    "regionalfonden",
                    "Dra nytta av digitaliseringens fördelar för invånare, företag, "
                    "forskningsorganisationer och offentliga myndigheter",
                )
            ],
        ),
        # 638: a sentence that names another national strategy, then a RUS goal.
        (
            "Insatsen bidrar till målen i den Nationella breddbandsstrategin.  "
            "RUS: Insatsen bidrar till Ett tillgängligt Västmanland, delmål 9.",
            [("other", "Nationella breddbandsstrategin"), ("rus", "Ett tillgängligt Västmanland")],
        ),
        # 537 and 541: goals in quotes.
        ('Mål i RUS: "Ett sammanhållet Dalarna".', [("rus", "Ett sammanhållet Dalarna")]),
        (
            "<p>Mål i RUS:</p> <p>”Ett klimatsmart Dalarna”</p>",
            [("rus", "Ett klimatsmart Dalarna")],
        ),
        # 691 and 432: a remark in brackets after the goal.
        (
            "Flexibel och väl fungerande kompetensförsörjning (RUS)",
            [("rus", "Flexibel och väl fungerande kompetensförsörjning")],
        ),
        (
            "<p>RUFS 2050</p> <p>Mål 4: En resurseffektiv och resilient region utan "
            "klimatpåverkande utsläpp (delvis).</p>",
            [("rus", "En resurseffektiv och resilient region utan klimatpåverkande utsläpp")],
        ),
        # 466: one clause, three frameworks; "S3-strategi" is smart specialisation.
        (
            "<p>RUS mål 2 och 3 samt koppling till länets S3-strategi och livsmedelsstrategin "
            "för Västernorrland</p>",
            [
                ("rus", "Mål 2"),
                ("rus", "Mål 3"),
                ("smart_specialisation", "Strategin som helhet"),
                ("other", "Livsmedelsstrategin för Västernorrland"),
            ],
        ),
        # 359: "RIS styrkeområde" labels the smart specialisation list below it.
        (
            "<p>RUS effektmål</p> <ul> <li>Gävleborg har hög innovationskraft som möter "
            "samhällsutmaningar</li> </ul> <p>RIS styrkeområde</p> <ul> <li>Bioekonomi</li> "
            "<li>Digitala tjänster och processer</li> </ul>",
            [
                ("rus", "Gävleborg har hög innovationskraft som möter samhällsutmaningar"),
                ("smart_specialisation", "Bioekonomi"),
                ("smart_specialisation", "Digitala tjänster och processer"),
            ],
        ),
        # 516: "smart specialiseringsstrategin" in a sentence.
        (
            "<p>Satsningen innebär också en konkretisering av smart specialiseringsstrategin "
            "för Östergötland där alla fem styrkeområdena är relevanta.</p>",
            [("smart_specialisation", "Strategin som helhet")],
        ),
        # 135: "Ej ERUF" says the measure has no Regional Fund goal.
        ("<p>RUS samtliga mål.</p> <p>Ej ERUF</p>", [("rus", "Strategin som helhet")]),
        # 724: a RUS goal cited by its number only, then a funding note.
        ("<p>RUS mål 3</p> <p>Endast regionala projektmedel</p>", [("rus", "Mål 3")]),
        # 888: the national strategy's priority is chapter 2's title.
        (
            "RUS: Hög livskvalitet i attraktiva livsmiljöer  Nationell strategi: "
            "kompetensförsörjning och kompetensutveckling i hela landet.",
            [
                ("rus", "Hög livskvalitet i attraktiva livsmiljöer"),
                ("national_strategy", "Kompetensförsörjning och kompetensutveckling i hela landet"),
            ],
        ),
        # 356: specific objectives under a programme label are the Regional Fund's, not RUS.
        (
            "<p>ERUF Norra Mellansverige</p> <ul> <li>1.1 Stärkt forskning och innovation</li> "
            "<li>1.2 Säkra nyttan av digitalisering</li> </ul>",
            [
                ("regionalfonden", "Stärkt forskning och innovation"),
                ("regionalfonden", "Säkra nyttan av digitalisering"),
            ],
        ),
        # 880: "Ett grönare Europa 2.1" is a policy objective and a specific objective.
        (
            "<p>Mål i RUS  Klimatpåverkan ska minska.</p> <p>Mål i ERUF  2. Ett grönare "
            "Europa 2.1  Främja energieffektivitet</p>",
            [
                ("rus", "Klimatpåverkan ska minska"),
                ("regionalfonden", "Ett grönare Europa"),
                ("regionalfonden", "Främja energieffektivitet"),
            ],
        ),
        # 320: goals named inside a sentence about the measure.
        (
            "<p>Insatsen bidrar till målet Goda livsvillkor, delmålet Ett inkluderande "
            "Östergötland och de prioriterade områdena Bygga kunskap och kompetens genom "
            "livslångt lärande och Skapa förnyelseförmåga och konkurrenskraft i den regionala "
            "utvecklingsstrategin.</p>",
            [
                ("rus", "Goda livsvillkor"),
                ("rus", "Ett inkluderande Östergötland"),
                ("rus", "Bygga kunskap och kompetens genom livslångt lärande"),
                ("rus", "Skapa förnyelseförmåga och konkurrenskraft"),
            ],
        ),
        # 152: Örebro's "övergripande mål A samt B och dess effektmål C, D samt E".
        (
            "RUS övergripande mål Stark konkurrenskraft samt Hög och jämlik livskvalitet och dess "
            "effektmål Ökad nationell attraktionskraft, Goda uppväxtvillkor samt Goda "
            "försörjningsmöjligheter.",
            [
                ("rus", "Stark konkurrenskraft"),
                ("rus", "Hög och jämlik livskvalitet"),
                ("rus", "Ökad nationell attraktionskraft"),
                ("rus", "Goda uppväxtvillkor"),
                ("rus", "Goda försörjningsmöjligheter"),
            ],
        ),
        # 257: effects typed in the goals column are no goal.
        (
            "Workshopen sker i december 2023 så eventuella effekter borde synas 2024 i form av "
            "fler företag som synliggörs från länets mindre kommuner",
            [],
        ),
        # 85: a fund named without any of its goals stands for the fund as a whole.
        (
            "Omställningsplanen för Fonden för en rättvis omställning, RUS Attraktiva livsmiljöer",
            [("fro", "Programmet som helhet"), ("rus", "Attraktiva livsmiljöer")],
        ),
        # 42: a quoted position after "Position:" and a prioritisation.
        (
            "Mål i RUS:  Insatsen bidrar särskilt till målområdet ett konkurrenskraftigt Dalarna "
            'samt positionen Position: "Dalarna har en utvecklad infrastruktur".  Prioritering: '
            "Förbättrade pendlingsmöjligheter som ger ökad tillgänglighet till arbete och studier.",
            [
                ("rus", "Ett konkurrenskraftigt Dalarna"),
                ("rus", "Dalarna har en utvecklad infrastruktur"),
                (
                    "rus",
                    "Förbättrade pendlingsmöjligheter som ger ökad tillgänglighet till arbete och "
                    "studier",
                ),
            ],
        ),
    ],
)
def test_goal_cells_of_the_report(cell, expected):
    assert goals(cell) == expected


def test_eu_programmes_and_objective_codes():
    cell = (
        "<p>ERUF Norra Mellansverige</p> <ul> <li>• 2.6 Främja cirkulär ekonomi</li> </ul> "
        "<p>Interreg Central Baltic</p> <ul> <li>• Gemensamma lösningar för cirkulär ekonomi</li>"
        " </ul>"
    )
    assert [(r.framework, r.programme, r.objective, r.title) for r in parse_goals(cell)] == [
        ("regionalfonden", "Norra Mellansverige", "2.6", "Främja cirkulär ekonomi"),
        ("interreg", "Central Baltic", "", "Gemensamma lösningar för cirkulär ekonomi"),
    ]


def test_an_objective_code_is_one_goal_across_regions_and_wordings():
    (a,) = parse_goals("ERUF: 1.3 Stärk små och medelstora företags tillväxt och konkurrenskraft.")
    (b,) = parse_goals(
        "<p>ERUF Norra Mellansverige</p> <ul> <li>1.3 Stärka små och medelstora företags "
        "tillväxt och konkurrenskraft</li> </ul>"
    )
    assert goal_key(a, "08") == goal_key(b, "21") == "regionalfonden:-:1.3"
    (unnumbered,) = parse_goals("ERUF: Programområde 1")
    assert goal_key(unnumbered, "03") != goal_key(unnumbered, "04")  # each region's programme


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Mål i RUS: Attraktiv livsmiljö", "Mål i RUS: Attraktiva livsmiljöer"),
        (
            "RUS effektmål: Gävleborg har en fossiloberoende transportsektor och ett hållbar resande",
            "RUS effektmål: Gävleborg har en fossiloberoende transportsektor och ett hållbart resande",
        ),
        (
            "Flexibel och väl fungerande kompetensförsörjning (RUS",
            "RUS: Flexibel och väl fungerande kompetensförsörjning",
        ),
        ("RUS: Goda uppväxt villkor", "RUS: Goda uppväxtvillkor"),
    ],
)
def test_near_duplicates_share_one_key_within_a_region(first, second):
    (a,) = parse_goals(first)
    (b,) = parse_goals(second)
    assert goal_key(a, "25") == goal_key(b, "25")
    assert goal_key(a, "25") != goal_key(b, "24")


# The bundled report as a whole. The definitions of a fragment and of a near-duplicate below are
# deliberately the test's own (simple string rules), not the reader's, so that the reader's rules
# are checked against a second opinion.

REPORT = (
    Path(__file__).resolve().parents[2]
    / "fixtures"
    / ("tabellbilaga-regionalt-utvecklingsarbete-2023.txt")
)
_FRAGMENT_START = re.compile(
    r"^(?:Bidrar|Bidra|Insatsen|Insatserna|Projektet|Målet|Mål\s*(?:i|:)|Program\s*:|"
    r"Prioritering|RUS|ERUF|Och|Samt|Med|Om|I|Inom|Till|Men|Genom|Att nå)\b"
)
_FRAGMENT_END = re.compile(
    r"(?:\b(?:och|samt|i|till|för|med|om|inom|av|den|det|ett|en|men|genom|positionen)|[:(,–-])$",
    re.I,
)


def fragment_reasons(title: str) -> list[str]:
    if re.fullmatch(r"Mål \d+", title):
        return []  # a goal cited by its number only ("RUS mål 3"): a reference, not a fragment
    checks = {
        "starts in lower case": title[:1].islower(),
        "starts with a lead-in": bool(_FRAGMENT_START.match(title)),
        "ends mid-phrase": bool(_FRAGMENT_END.search(title)),
        "unbalanced brackets": title.count("(") != title.count(")"),
        "quotes": bool(re.search(r"[\"“”„«»]", title)),
        "stray letter": bool(re.match(r"^[A-ZÅÄÖ] [A-ZÅÄÖ]", title)),
        "no word": not re.search(r"[^\W\d_]{3}", title),
        "a paragraph": len(title) > 200,
        "two sentences": bool(re.search(r"[a-zåäö]\. [A-ZÅÄÖ]", title)),
        "prose": bool(re.search(r"\b(?:bidrar|projektet|insatsen)\b", title, re.I)),
    }
    return [reason for reason, failed in checks.items() if failed]


def content_words(title: str) -> list[str]:
    stop = {"och", "i", "för", "att", "en", "ett", "den", "det", "av", "med", "till", "på", "rus"}
    return [w for w in re.findall(r"\w+", title.casefold()) if w not in stop]


def near_duplicates(first: str, second: str) -> bool:
    """Word by word the same but for endings: each pair of words shares all but the last three
    letters of the shorter one ("Attraktiv livsmiljö" / "Attraktiva livsmiljöer")."""
    a, b = content_words(first), content_words(second)
    if len(a) != len(b) or not a:
        return False
    for x, y in zip(a, b, strict=True):
        shared = next(
            (i for i, (c, d) in enumerate(zip(x, y, strict=False)) if c != d), min(len(x), len(y))
        )
        if shared < max(min(len(x), len(y)) - 3, min(4, len(x), len(y))):
            return False
    return True


@pytest.fixture(scope="module")
def report_goals():
    parsed = parse_file(REPORT.read_bytes())
    found = {}
    for measure in parsed.measures:
        for ref in measure.goals:
            if not ref.sdg:
                found.setdefault(goal_key(ref, measure.region_code), (measure, ref))
    return found


def test_under_one_percent_of_the_reports_goals_are_fragments(report_goals):
    fragments = {
        f"line {m.source_line}: {r.title!r} {fragment_reasons(r.title)}"
        for m, r in report_goals.values()
        if fragment_reasons(r.title)
    }
    assert len(report_goals) > 400
    assert len(fragments) < 0.01 * len(report_goals), sorted(fragments)


def test_no_near_duplicates_within_a_region_and_framework(report_goals):
    groups = defaultdict(list)
    for measure, ref in report_goals.values():
        region = measure.region_code if ref.region_specific else "-"
        groups[(region, ref.framework, ref.programme)].append(ref.title)
    duplicates = [
        (key, a, b)
        for key, titles in groups.items()
        for a, b in itertools.combinations(titles, 2)
        if near_duplicates(a, b)
    ]
    assert not duplicates
    assert near_duplicates("Attraktiv livsmiljö", "Attraktiva livsmiljöer")
    assert not near_duplicates("Goda försörjningsmöjligheter", "Goda försörjningsvillkor")


def test_the_issues_examples_are_gone_from_the_report(report_goals):
    titles = {ref.title for _, ref in report_goals.values()}
    assert not [t for t in titles if t.startswith(("nom ", "P Programområde", "Bidrar till"))]
    assert "Programområde 1" in titles
    by_region = defaultdict(set)
    for measure, ref in report_goals.values():
        by_region[measure.region_code].add((ref.framework, ref.title))
    assert ("rus", "Attraktiva livsmiljöer") in by_region["25"]
    assert ("rus", "Attraktiv livsmiljö") not in by_region["25"]  # merged into the first seen
    assert ("smart_specialisation", "Bioekonomi") in by_region["21"]
    assert not [t for f, t in by_region["22"] if f == "regionalfonden" and "ERUF" in t]
