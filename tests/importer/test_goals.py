"""Goal references: split, classified by framework, SDG numbers in every form the report uses."""

import pytest

from importer.goals import goal_key, parse_goals


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
