"""Generalisation measures: teacher splits, local entropy, most robust solutions, paired tests; the study's shape."""

from __future__ import annotations

import numpy as np
import pytest

from qbnn.errors import QbnnError
from qbnn.experiments.landscape_study import generalisation_study
from qbnn.landscape import compute_landscape
from qbnn.landscape.generalisation import (
    held_out_accuracy,
    local_entropies,
    most_robust,
    paired_wilcoxon,
    teacher_split,
)


def test_teacher_split_partitions_the_inputs_and_noise_flips_labels():
    network, train, test, teacher = teacher_split((4, 2, 1), 10, 0.0, seed=3)
    assert train.num_points + test.num_points == 16
    seen = {tuple(x) for x in train.X} | {tuple(x) for x in test.X}
    assert len(seen) == 16
    weights, _ = network.decode(teacher)
    assert (network.forward(train.X, weights) == train.y).all()  # no noise: the teacher fits the training set
    assert held_out_accuracy(network, [teacher], test)[0] == 1.0
    _, noisy, _, _ = teacher_split((4, 2, 1), 10, 0.4, seed=3)
    assert (noisy.y != train.y).any() and (noisy.X == train.X).all()


def test_local_entropy_and_most_robust_by_brute_force():
    network, train, _, _ = teacher_split((4, 2, 1), 9, 0.1, seed=1)
    correct = compute_landscape(network, train).correct
    tau = int(correct.max())
    p = network.num_parameters
    ent = local_entropies(correct, tau, 1)
    for w in range(correct.size):
        assert ent[w] == sum(correct[w ^ (1 << j)] >= tau for j in range(p)) / p
    best = most_robust(correct, tau, 1)
    solutions = np.flatnonzero(correct >= tau)
    assert set(best) <= set(solutions)
    assert ent[best].min() == ent[solutions].max()


def test_paired_wilcoxon():
    result = paired_wilcoxon([0.5, 0.6, 0.7, 0.5, 0.6, 0.4, 0.5], [0.6, 0.7, 0.8, 0.7, 0.7, 0.6, 0.5])
    assert result.b_better == 6 and result.ties == 1 and result.p_value < 0.05
    assert paired_wilcoxon([1, 2], [1, 2]).p_value is None
    with pytest.raises(QbnnError):
        paired_wilcoxon([1, 2], [1])


def test_bad_split_arguments_name_the_parameter():
    with pytest.raises(QbnnError, match="^train_points="):
        teacher_split((3, 1), 8, 0.1, 0)
    with pytest.raises(QbnnError, match="^noise="):
        teacher_split((3, 1), 4, 0.5, 0)


def test_study_is_seeded_and_robust_samples_have_higher_local_entropy():
    a = generalisation_study((4, 2, 1), train_points=9, seeds=6, samples=10)
    b = generalisation_study((4, 2, 1), train_points=9, seeds=6, samples=10)
    assert a == b
    for row in a["rows"]:
        assert row["robust_local_entropy"] >= row["plain_local_entropy"] - 1e-12
        assert 0 <= row["plain_held_out"] <= 1 and 0 <= row["robust_held_out"] <= 1
    assert a["local_entropy_robust_vs_plain"]["a_better"] == 0


@pytest.mark.parametrize("dataset", ["breast-cancer", "digits"])
def test_real_data_generalisation_rows_are_consistent_and_the_test_uses_them(dataset):
    """Breast-cancer blocks, computed exactly: the most robust solutions are among the marked ones, denser than
    their average, and the paired test is the Wilcoxon of the rows' own held-out accuracies."""
    from qbnn.experiments.landscape_study import real_data_generalisation
    from qbnn.landscape.generalisation import paired_wilcoxon

    result = real_data_generalisation(seeds=3, dataset=dataset)
    rows = result["rows"]
    assert len(rows) == 3
    for row in rows:
        assert 1 <= row["most_robust"] <= row["marked"]
        assert row["local_entropy_most_robust"] >= row["local_entropy_plain"]
        assert 0.0 <= row["held_out_plain"] <= 1.0 and 0.0 <= row["held_out_most_robust"] <= 1.0
    again = paired_wilcoxon([r["held_out_plain"] for r in rows], [r["held_out_most_robust"] for r in rows]).to_json()
    assert again == result["held_out"]
