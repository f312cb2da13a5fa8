"""One definition of the numbers in cards and ``models evaluate``."""

from __future__ import annotations

import pytest

from ascolto.enrich.metrics import evaluate


def test_scores_by_hand() -> None:
    truth = ["pos", "pos", "neg", "neg", "neu"]
    pred = ["pos", "neg", "neg", "neg", "pos"]
    m = evaluate(truth, pred, ["neg", "neu", "pos"])
    assert m["accuracy"] == pytest.approx(0.6)
    # neg: p 2/3 r 1 f 0.8; neu: 0; pos: p 1/2 r 1/2 f 0.5
    assert m["per_class"]["neg"]["f1"] == pytest.approx(0.8)
    assert m["macro_f1"] == pytest.approx((0.8 + 0 + 0.5) / 3, abs=1e-4)
    assert m["confusion"] == [[2, 0, 0], [0, 0, 1], [1, 0, 1]]
