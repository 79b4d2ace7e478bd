"""What the index holds for each measure, and writing it: a full rebuild or some measures.

Everything goes through Whoosh's own writer (`add_document`, `update_document`,
`delete_by_term`). The text fields are indexed with the hyphen-elided coordinations they contain
written out ("studie- och yrkesvägledning" also indexes "studievägledning"), while the stored
text, which excerpts show, stays as the report wrote it (Whoosh's `_stored_<field>`).
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Iterable, Iterator, Mapping

from whoosh import index as whoosh_index
from whoosh.fields import ID, NUMERIC, TEXT, Schema
from whoosh.writing import CLEAR

from catalogue.search import abbreviations, analysis, compounds, storage

logger = logging.getLogger(__name__)

# Field weights: names weigh most, then the region and the description, then outputs and effects.
FIELD_BOOSTS = {
    "name": 3.0,
    "region": 2.0,
    "description": 1.5,
    "outputs": 1.0,
    "effects": 1.0,
    "goals_text": 0.6,
    "exact": 0.6,
}
# Single words are searched here only when the query has no å/ä/ö ("Orebro" finds Örebro, "lån"
# does not match "län"); phrases always are.
FOLDED_BOOSTS = {"folded": 0.4}
PHRASE_BOOSTS = {"name": 3.0, "description": 1.5, "folded": 0.6}
TEXT_FIELDS = ("name", "description", "outputs", "effects", "goals_text", "region")
# The texts that make up `exact`, `folded` and `reversed`, all stored.
ALL_TEXT_FIELDS = TEXT_FIELDS
ABBREVIATIONS_FILE = "abbreviations.json"
# Which measures spell out each abbreviation's meaning ({"KKN": {"kulturella och kreativa
# näringar": [12, 40]}}), so that an update can drop one that no text spells out any more.
SOURCES_FILE = "abbreviation-sources.json"


def _text(analyzer, **options):
    # A query word the analyzer splits ("e-handel", "covid-19") is searched as a phrase.
    return TEXT(analyzer=analyzer, multitoken_query="phrase", **options)


SCHEMA = Schema(
    id=ID(stored=True, unique=True),
    # The id again as a column: ranked ids without reading each hit's stored fields.
    pk=NUMERIC(numtype=int, bits=64, signed=False, sortable=True),
    region_id=ID(stored=True),
    chapter=ID(stored=True),
    # Phrases are matched on the name, the description and `folded` (all text) only: word
    # positions in every field made phrase queries five times slower at 100 times the data.
    name=_text(analysis.stemming_analyzer(), stored=True),
    description=_text(analysis.stemming_analyzer(), stored=True),
    outputs=_text(analysis.stemming_analyzer(), stored=True, phrase=False),
    effects=_text(analysis.stemming_analyzer(), stored=True, phrase=False),
    goals_text=_text(analysis.stemming_analyzer(), stored=True, phrase=False),
    region=_text(analysis.stemming_analyzer(), stored=True, phrase=False),
    exact=_text(analysis.exact_analyzer(), phrase=False),
    # No term vectors: more-like-this analyses the measure's stored text instead.
    folded=_text(analysis.folding_analyzer()),
    # Word endings: a query word that ends a compound is a prefix of its reversed stem.
    reversed=_text(analysis.reversed_analyzer(), phrase=False),
)

# What document_fields() takes, read straight from the database.
_COLUMNS = (
    "pk",
    "region_id",
    "chapter__number",
    "name",
    "description",
    "outputs",
    "effects",
    "goals_text",
    "region__name",
    "region__official_name",
)


def _measures():
    from catalogue.models import Measure

    return Measure.objects.order_by("pk").values_list(*_COLUMNS)


def document_fields(
    pk, region_id, chapter, name, description, outputs, effects, goals_text, region_name, official
) -> dict:
    """The fields `add_document` is given for one measure."""
    texts = {
        "name": name or "",
        "description": description or "",
        "outputs": outputs or "",
        "effects": effects or "",
        "goals_text": goals_text or "",
        "region": f"{region_name} {official}",
    }
    document = {"id": str(pk), "pk": pk, "region_id": str(region_id), "chapter": str(chapter)}
    everything = []
    for field, text in texts.items():
        expanded = compounds.coordinations(text, compounds.is_word)
        if expanded:
            document[f"_stored_{field}"] = text
            text = text + "\n" + " ".join(expanded)
        document[field] = text
        everything.append(text)
    document["exact"] = document["folded"] = document["reversed"] = "\n".join(everything)
    return document


def stored_text(fields: Mapping[str, str]) -> str:
    """All the stored texts of a hit, as `exact` and `folded` were made from them (without the
    coordinations written out)."""
    return "\n".join(fields.get(name) or "" for name in ALL_TEXT_FIELDS)


def rebuild() -> int:
    """Build a new index generation from the database, switch to it, return its document count.

    The change log's position is read first: entries written while the build reads the database
    are applied afterwards (again, if the build already saw them: applying is idempotent)."""
    from catalogue.search import changes

    with storage.write_lock():
        position, gaps = changes.start_position()
        generation = storage.new_generation()
        try:
            count, sources = _build(generation, _measures().iterator(chunk_size=2000))
            _write_abbreviations(generation, sources)
            storage.set_applied(generation, position, gaps)
        except BaseException:
            shutil.rmtree(generation, ignore_errors=True)
            raise
        storage.point_to(generation)
        storage.remove_old_generations(keep=generation)
    return count


Sources = dict[str, dict[str, list[int]]]  # abbreviation → meaning → ids of measures spelling it


def _build(generation, rows: Iterable[tuple]) -> tuple[int, Sources]:
    """Write these measures as a new index in the empty folder `generation`.

    Returns their count and the abbreviations the texts spell out, with the measures that do
    ({"KKN": {"kulturella och kreativa näringar": [12]}})."""
    ix = whoosh_index.create_in(str(generation), SCHEMA)
    writer = ix.writer(limitmb=256)
    count = 0
    sources: Sources = {}
    try:
        for row in rows:
            document = document_fields(*row)
            writer.add_document(**document)
            _add_spelled_out(sources, row[0], document)
            count += 1
    except BaseException:
        writer.cancel()
        raise
    writer.commit(mergetype=CLEAR)  # one new segment, nothing to merge
    ix.close()
    return count, sources


def _add_spelled_out(sources: Sources, measure_id: int, document: Mapping[str, str]) -> None:
    """Note the abbreviations this measure's texts spell out."""
    for abbreviation, words in abbreviations.spelled_out(stored_text(document)):
        ids = sources.setdefault(abbreviation, {}).setdefault(words, [])
        if measure_id not in ids:
            ids.append(measure_id)


def _forget(sources: Sources, measure_ids: set[int]) -> None:
    """Drop these measures from the sources, and the meanings no measure spells out any more."""
    for abbreviation in list(sources):
        meanings = sources[abbreviation]
        for words in list(meanings):
            meanings[words] = [i for i in meanings[words] if i not in measure_ids]
            if not meanings[words]:
                del meanings[words]
        if not meanings:
            del sources[abbreviation]


def _write_abbreviations(generation, sources: Sources) -> None:
    """The generation's list (abbreviation → meanings, what the search reads) and its sources."""
    found = {abbreviation: list(meanings) for abbreviation, meanings in sources.items()}
    storage.replace_file(generation / SOURCES_FILE, json.dumps(sources, ensure_ascii=False))
    storage.replace_file(
        generation / ABBREVIATIONS_FILE, json.dumps(found, ensure_ascii=False, indent=0)
    )


UNKNOWN_SOURCE = -1  # a generation built before the sources were kept: never forgotten


def _read_sources(generation) -> Sources:
    try:
        return json.loads((generation / SOURCES_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {
            abbreviation: {words: [UNKNOWN_SOURCE] for words in meanings}
            for abbreviation, meanings in read_abbreviations(generation).items()
        }


def read_abbreviations(generation) -> dict[str, list[str]]:
    """The abbreviations a rebuild found in the texts of this generation."""
    try:
        return json.loads((generation / ABBREVIATIONS_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}


def update(wanted: Iterable[int]) -> int:
    """Re-index these measures from the database, deleting those that no longer exist; the
    caller holds the write lock. Returns the number of documents written (0 without an index).
    The generation's list of abbreviations follows their texts: one a text newly spells out
    joins it, one no text spells out any more leaves it."""
    wanted = sorted({int(i) for i in wanted})
    if not wanted:
        return 0
    ix = storage.open_for_writing()
    if ix is None:
        logger.warning("No search index to update; run `manage.py rebuild_index`.")
        return 0
    writer = ix.writer(timeout=storage.WRITE_TIMEOUT)
    written = 0
    generation = storage.current_path()
    sources = _read_sources(generation) if generation else {}
    before = json.dumps(sources, ensure_ascii=False, sort_keys=True)
    _forget(sources, set(wanted))  # what these measures spelled out is read again below
    try:
        found = set()
        for row in _measures().filter(pk__in=wanted):
            document = document_fields(*row)
            writer.update_document(**document)  # one per id: no duplicates
            _add_spelled_out(sources, row[0], document)
            found.add(row[0])
            written += 1
        for missing in set(wanted) - found:
            writer.delete_by_term("id", str(missing))
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    ix.close()
    if generation and json.dumps(sources, ensure_ascii=False, sort_keys=True) != before:
        # Another node reads the list again when the file changes (engine._meanings).
        _write_abbreviations(generation, sources)
    return written


def documents() -> Iterator[dict]:
    """Every measure's fields, as the index is given them (for tests and benchmarks)."""
    return (document_fields(*row) for row in _measures().iterator(chunk_size=2000))
