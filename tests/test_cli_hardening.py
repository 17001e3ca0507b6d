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


# -- item 3: demo refuses a folder holding other files; every target checked first -------


@pytest.fixture
def no_renderer(monkeypatch):
    import viz.render

    monkeypatch.setattr(viz.render, "find_renderer", lambda: None)


def test_demo_refuses_a_folder_holding_other_files_unless_forced(tmp_path, capsys, no_renderer):
    (tmp_path / "notes.txt").write_text("mine")
    (tmp_path / "moons.json").write_text("my own model")
    assert cli.main(["demo", "--out", str(tmp_path), "--epochs", "1"]) == 2
    captured = capsys.readouterr()
    assert one_line(captured.err, str(tmp_path), "notes.txt", "--force") and captured.out == ""
    assert (tmp_path / "moons.json").read_text() == "my own model"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["moons.json", "notes.txt"]
    assert cli.main(["demo", "--out", str(tmp_path), "--epochs", "1", "--force"]) == 0
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert isinstance(nn.load(tmp_path / "moons.json"), nn.MLP)


def test_demo_into_the_working_folder_is_refused_when_it_holds_anything_else(
    tmp_path, monkeypatch, capsys, no_renderer
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "thesis.tex").write_text("years of work")
    assert cli.main(["demo", "--out", ".", "--epochs", "1"]) == 2
    assert one_line(capsys.readouterr().err, "thesis.tex", "--force")
    assert [p.name for p in tmp_path.iterdir()] == ["thesis.tex"]


def test_demo_overwrites_a_folder_holding_only_its_own_files(tmp_path, capsys, no_renderer):
    assert cli.main(["demo", "--out", str(tmp_path), "--epochs", "1"]) == 0
    assert cli.main(["demo", "--out", str(tmp_path), "--epochs", "1"]) == 0


def test_demo_checks_every_target_before_writing_any(tmp_path, capsys, no_renderer):
    (tmp_path / "moons.json").mkdir()  # one of the demo's own names, but a folder
    assert cli.main(["demo", "--out", str(tmp_path), "--epochs", "1"]) == 2
    captured = capsys.readouterr()
    assert one_line(captured.err, "moons.json", "directory") and captured.out == ""
    assert [p.name for p in tmp_path.iterdir()] == ["moons.json"]


def test_train_force_checks_every_target_before_training_or_writing(tmp_path, capsys):
    (tmp_path / "model.json").write_text("the old model")
    (tmp_path / "history.json").mkdir()
    assert cli.main(["train", "--out", str(tmp_path), "--epochs", "1", "--force"]) == 2
    captured = capsys.readouterr()
    assert one_line(captured.err, "history.json", "directory") and captured.out == ""
    assert (tmp_path / "model.json").read_text() == "the old model"
