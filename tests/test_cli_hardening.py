"""Issue 16, the command line's part: bounded reads, one-line refusals, broken pipes,
a failing renderer, every target checked before anything is written. In-process
(``cli.main``) where a subprocess is not the point."""

from __future__ import annotations

import os

import pytest

import nn
from viz import cli


def one_line(err: str, *words: str) -> bool:
    lines = err.strip().splitlines()
    return len(lines) == 1 and "Traceback" not in err and all(w in lines[0] for w in words)


@pytest.fixture
def model_path(tmp_path):
    path = tmp_path / "m.json"
    nn.MLP(2, [3, 1], seed=0).save(path)
    return path


# -- item 2: predict reads nothing unbounded ----------------------------------------------


@pytest.mark.parametrize("make", ["deep", "duplicate", "device", "fifo"])
def test_predict_refuses_a_model_file_it_must_not_read_whole(tmp_path, capsys, make):
    path = tmp_path / "m.json"
    if make == "deep":
        path.write_text("[" * 100_000 + "]" * 100_000)
        words = "nested too deeply"
    elif make == "duplicate":
        path.write_text('{"class": "MLP", "class": "Neuron"}')
        words = "duplicate key 'class'"
    elif make == "device":
        path = os.devnull
        words = "not a regular file"
    else:
        os.mkfifo(path)
        words = "not a regular file"
    assert cli.main(["predict", str(path), "1", "2"]) == 2
    assert one_line(capsys.readouterr().err, words)


@pytest.mark.parametrize("history", ["deep", "fifo", "dir"])
def test_predict_ignores_a_history_json_beside_it_that_cannot_be_read(model_path, capsys, history):
    beside = model_path.parent / "history.json"
    if history == "deep":
        beside.write_text('{"loss_function": ' + "[" * 100_000 + "]" * 100_000 + "}")
    elif history == "fifo":
        os.mkfifo(beside)
    else:
        beside.mkdir()
    assert cli.main(["predict", str(model_path), "1", "2"]) == 0
    assert capsys.readouterr().out.startswith("output: ")


# -- item 10: a non-finite output is refused, as graph refuses one ----------------------


@pytest.mark.parametrize(
    "sizes, weights, shown",
    [([1], [1, 1, 0], "inf"), ([2, 1], [1, 1, 0, 1, 1, 0, 1, -1, 0], "nan")],
)
def test_predict_refuses_a_non_finite_output(tmp_path, capsys, sizes, weights, shown):
    model = nn.MLP(2, sizes, activation="linear", seed=0)
    for p, w in zip(model.parameters(), weights, strict=True):
        p.data = float(w)  # 1e308 + 1e308 = inf; then inf - inf = nan
    model.save(tmp_path / "m.json")
    assert cli.main(["predict", str(tmp_path / "m.json"), "1e308", "1e308"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert one_line(captured.err, f"output is {shown}", "not finite", "1e+308, 1e+308")
