"""bench/goal_quality.py: the hand labels name real goals cells, and the scoring counts right."""

from collections import Counter

from bench import goal_quality


def test_the_labels_are_at_least_150_cells_of_the_report_split_once():
    labels = goal_quality.load_labels("all")
    predicted = goal_quality.predicted_frameworks()
    assert len(labels) >= 150
    assert len({cell["line"] for cell in labels}) == len(labels)
    assert all(cell["line"] in predicted for cell in labels)  # each is a measure's goals cell
    assert {cell["split"] for cell in labels} == {"tune", "test"}
    assert all(set(cell["frameworks"]) <= set(goal_quality.FRAMEWORKS) for cell in labels)
    assert Counter(cell["split"] for cell in labels)["test"] >= 150 // 2


def test_scoring_counts_true_and_false_positives_and_negatives():
    labels = [
        {"line": 1, "frameworks": ["rus", "agenda2030"]},
        {"line": 2, "frameworks": []},
    ]
    predicted = {1: {"rus", "regionalfonden"}, 2: {"rus"}}
    counts = goal_quality.score(labels, predicted)
    assert (counts["rus"]["tp"], counts["rus"]["fp"]) == (1, 1)
    assert (counts["agenda2030"]["fn"], counts["regionalfonden"]["fp"]) == (1, 1)
    assert "| rus | 1 | 0.50 | 1.00 | 1 | 1 | 0 |" in goal_quality.table(counts)
