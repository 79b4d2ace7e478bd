"""The lineage matcher on small hand-made editions, without a database."""

from catalogue.matching import THRESHOLD, Entry, confidence, match

OLD = [
    Entry(
        1, "12", 3, "Regional exportsamverkan", "Stöd till exportföretag i Skåne.", "300 företag"
    ),
    Entry(2, "12", 7, "Klimatarena Skåne", "Ett gemensamt initiativ för klimatomställning."),
    Entry(3, "12", 2, "Kompetensplattform", "Samordning av kompetensförsörjning i länet."),
    Entry(
        4, "20", 3, "Regional exportsamverkan", "Stöd till exportföretag i Skåne.", "300 företag"
    ),
]


def links_of(previous, current, **kwargs):
    return {(link.previous, link.measure) for link in match(previous, current, **kwargs)}


def test_a_kept_measure_is_linked_with_high_confidence():
    new = [Entry(10, "12", 3, "Regional exportsamverkan", "Stöd till exportföretag i Skåne.")]
    (link,) = match(OLD[:3], new)
    assert (link.previous, link.measure) == (1, 10)
    assert link.confidence > 0.9


def test_links_never_cross_regions():
    # Dalarna's copy of the text has no predecessor in Dalarna: it stays unlinked.
    new = [
        Entry(10, "20", 3, "Klimatarena Skåne", "Ett gemensamt initiativ för klimatomställning.")
    ]
    assert links_of(OLD, new) == set()


def test_joint_measures_of_two_regions_each_follow_their_own_region():
    new = [
        Entry(10, "12", 3, "Regional exportsamverkan 2024", "Stöd till exportföretag i Skåne."),
        Entry(11, "20", 3, "Regional exportsamverkan 2024", "Stöd till exportföretag i Skåne."),
    ]
    assert links_of(OLD, new) == {(1, 10), (4, 11)}


def test_one_to_one_the_closer_copy_wins():
    new = [
        Entry(10, "12", 7, "Klimatarena Skåne", "Ett gemensamt initiativ för klimatomställning."),
        Entry(11, "12", 7, "Klimatarena Skåne", "Ett nytt initiativ för cirkulär ekonomi."),
    ]
    assert links_of(OLD, new) == {(2, 10)}


def test_a_measure_rewritten_around_its_project_name_is_linked():
    new = [
        Entry(
            10,
            "12",
            7,
            "Klimatarena Skåne – breddat arbete för hållbara transporter",
            "Satsningen drivs vidare med kommuner och näringsliv. Fokus har flyttats till "
            "genomförande.",
        )
    ]
    assert links_of(OLD, new) == {(2, 10)}


def test_a_measure_moved_to_another_chapter_is_linked():
    new = [Entry(10, "12", 4, "Kompetensplattform", "Samordning av kompetensförsörjning i länet.")]
    assert links_of(OLD, new) == {(3, 10)}


def test_an_unrelated_new_measure_is_not_linked():
    new = [Entry(10, "12", 3, "Besöksnäringens digitala lyft", "Webbinarier för turismföretag.")]
    assert links_of(OLD, new) == set()


def test_a_forbidden_pair_is_never_suggested():
    new = [Entry(10, "12", 3, "Regional exportsamverkan", "Stöd till exportföretag i Skåne.")]
    assert links_of(OLD, new, forbidden=[(1, 10)]) == set()


def test_confidence_rises_with_the_score_and_falls_with_a_close_rival():
    assert 0 < confidence(THRESHOLD, 0.3) < confidence(0.6, 0.3) < confidence(0.9, 0.3) <= 1
    assert confidence(0.5, 0.01) < confidence(0.5, 0.3)
