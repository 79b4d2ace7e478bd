"""The report's fixed facts (from shared/DATA.md): regions, chapters and the 17 global goals.

Pure data, importable without Django settings; a data migration and the importer read it.
"""

from typing import NamedTuple


class RegionFact(NamedTuple):
    code: str
    name: str
    official_name: str
    slug: str


REGIONS: tuple[RegionFact, ...] = (
    RegionFact("01", "Stockholm", "Region Stockholm", "stockholm"),
    RegionFact("03", "Uppsala", "Region Uppsala", "uppsala"),
    RegionFact("04", "Sörmland", "Region Sörmland", "sormland"),
    RegionFact("05", "Östergötland", "Region Östergötland", "ostergotland"),
    RegionFact("06", "Jönköping", "Region Jönköpings län", "jonkoping"),
    RegionFact("07", "Kronoberg", "Region Kronoberg", "kronoberg"),
    RegionFact("08", "Kalmar", "Region Kalmar län", "kalmar"),
    RegionFact("09", "Gotland", "Region Gotland", "gotland"),
    RegionFact("10", "Blekinge", "Region Blekinge", "blekinge"),
    RegionFact("12", "Skåne", "Region Skåne", "skane"),
    RegionFact("13", "Halland", "Region Halland", "halland"),
    RegionFact("14", "Västra Götaland", "Västra Götalandsregionen", "vastra-gotaland"),
    RegionFact("17", "Värmland", "Region Värmland", "varmland"),
    RegionFact("18", "Örebro", "Region Örebro län", "orebro"),
    RegionFact("19", "Västmanland", "Region Västmanland", "vastmanland"),
    RegionFact("20", "Dalarna", "Region Dalarna", "dalarna"),
    RegionFact("21", "Gävleborg", "Region Gävleborg", "gavleborg"),
    RegionFact("22", "Västernorrland", "Region Västernorrland", "vasternorrland"),
    RegionFact("23", "Jämtland Härjedalen", "Region Jämtland Härjedalen", "jamtland-harjedalen"),
    RegionFact("24", "Västerbotten", "Region Västerbotten", "vasterbotten"),
    RegionFact("25", "Norrbotten", "Region Norrbotten", "norrbotten"),
)

CHAPTERS: dict[int, str] = {
    1: "Likvärdiga möjligheter till boende, arbete och välfärd i hela landet",
    2: "Kompetensförsörjning och kompetensutveckling i hela landet",
    3: "Innovation och förnyelse samt entreprenörskap och företagande i hela landet",
    4: "Tillgänglighet i hela landet genom digital kommunikation och transportsystemet",
    5: "Jämställdhet",
    6: "Integration",
    7: "Miljö och klimat",
    8: "Fördelning av anslag 1:1 Regionala utvecklingsåtgärder",
}

SDGS: dict[int, str] = {
    1: "Ingen fattigdom",
    2: "Ingen hunger",
    3: "God hälsa och välbefinnande",
    4: "God utbildning för alla",
    5: "Jämställdhet",
    6: "Rent vatten och sanitet för alla",
    7: "Hållbar energi för alla",
    8: "Anständiga arbetsvillkor och ekonomisk tillväxt",
    9: "Hållbar industri, innovationer och infrastruktur",
    10: "Minskad ojämlikhet",
    11: "Hållbara städer och samhällen",
    12: "Hållbar konsumtion och produktion",
    13: "Bekämpa klimatförändringarna",
    14: "Hav och marina resurser",
    15: "Ekosystem och biologisk mångfald",
    16: "Fredliga och inkluderande samhällen",
    17: "Genomförande och globalt partnerskap",
}


def sdg_key(number: int) -> str:
    """The natural key of an Agenda 2030 goal."""
    return f"agenda2030:{number}"
