"""Notebook 07_numpy_to_values: it runs top to bottom in a real kernel and shows its facts."""

from __future__ import annotations

import math

from runner import outputs_of_type

FACTS = {"r": "RESULT"}  # read from the kernel after the last cell


def test_07_numpy_to_values_runs_and_shows_its_facts(run_notebook):
    nb, facts = run_notebook("07_numpy_to_values.ipynb", FACTS)
    r = facts["r"]
    assert r["forward_diff"] < 1e-12  # the lecture's 3-layer forward pass, numpy vs Layers
    assert r["max_grad_diff"] < 1e-9
    assert math.isclose(r["loss_values"], r["loss_numpy"], rel_tol=1e-12)
    assert r["values_seconds"] > r["numpy_seconds"] > 0
    # the full-size Values step is an extrapolation, 64 × one sample's measured time
    assert math.isclose(
        r["values_big_seconds_extrapolated"], 64 * r["values_seconds_per_sample_big"]
    )
    assert r["values_big_seconds_extrapolated"] > r["numpy_big_seconds"] > 0
