"""``chainrule train`` and ``chainrule predict`` as subprocesses in a temp dir."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
from pathlib import Path

import pytest

import nn
import viz.cli.outputs
import viz.cli.train
from autograd import no_grad
from nn.losses import LOSSES
from viz import cli

PNG = b"\x89PNG\r\n\x1a\n"


def refused(done: subprocess.CompletedProcess, words: str) -> bool:
    return done.returncode == 2 and words in done.stderr and "Traceback" not in done.stderr


@pytest.fixture(scope="module")
def moons_run(tmp_path_factory, chainrule) -> tuple[Path, subprocess.CompletedProcess]:
    """A short moons run shared by the tests that read its files."""
    cwd = tmp_path_factory.mktemp("train")
    done = chainrule("train", "--out", "runs/moons", "--epochs", "15", cwd=cwd)
    return cwd / "runs" / "moons", done


@pytest.mark.slow
def test_train_writes_model_history_and_boundary(moons_run):
    out, done = moons_run
    assert done.returncode == 0, done.stderr
    assert "trained model on the training set: loss" in done.stdout and "accuracy" in done.stdout
    assert "fit" in done.stderr  # the progress bar
    model = nn.load(out / "model.json")
    assert isinstance(model, nn.MLP) and len(model.parameters()) == 2 * 16 + 16 + 16 * 16 + 16 + 17
    history = json.loads((out / "history.json").read_text(encoding="utf-8"))
    assert len(history["loss"]) == len(history["accuracy"]) == 15
    assert history["loss_function"] == "hinge" and history["data"] == "moons"
    assert (out / "boundary.png").read_bytes().startswith(PNG)


def test_train_writes_every_file_atomically_with_ordinary_permissions(tmp_path, monkeypatch):
    written = []

    def spy(path, data):
        written.append(Path(path).name)
        return nn.files.write_atomic(path, data)

    monkeypatch.setattr(viz.cli.outputs, "write_atomic", spy)
    out = tmp_path / "run"
    assert cli.main(["train", "--out", str(out), "--hidden", "4", "--epochs", "1"]) == 0
    assert sorted(written) == ["boundary.png", "history.json"]  # model.json: nn.files too
    names = sorted(p.name for p in out.iterdir())
    assert names == ["boundary.png", "history.json", "model.json"]  # no .tmp left behind
    mask = os.umask(0)
    os.umask(mask)
    for p in out.iterdir():
        assert stat.S_IMODE(p.stat().st_mode) == 0o666 & ~mask, p.name
    assert (out / "boundary.png").read_bytes().startswith(PNG)
    assert json.loads((out / "history.json").read_text(encoding="utf-8"))["epochs"] == 1


@pytest.mark.slow
def test_predict_prints_output_and_class(moons_run, chainrule):
    out, _ = moons_run
    done = chainrule("predict", str(out / "model.json"), "0.5", "-0.2", cwd=out)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("output: ") and float(lines[0].split()[1])
    assert lines[1].split()[1] in ("0", "1") and "hinge" in lines[1]


@pytest.mark.slow
def test_multiclass_data_trains_with_cross_entropy_and_predicts_an_argmax(tmp_path, chainrule):
    args = ("--data", "blobs", "--loss", "cross_entropy", "--hidden", "8", "--lr", "0.1")
    done = chainrule("train", "--out", "b", *args, "--epochs", "5", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert nn.load(tmp_path / "b" / "model.json").config()["nouts"] == [8, 3]
    done = chainrule("predict", "b/model.json", "0", "0", cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.startswith("scores: ")
    assert int(done.stdout.splitlines()[1].split()[1]) in (0, 1, 2)


def test_binary_loss_on_multiclass_data_is_refused(tmp_path, chainrule):
    done = chainrule("train", "--out", "s", "--data", "spirals", "--loss", "hinge", cwd=tmp_path)
    assert refused(done, "spirals has 3") and "cross_entropy" in done.stderr
    assert f"--loss hinge reads {LOSSES['hinge'].reads}, but" in done.stderr  # the row's words
    assert list(tmp_path.iterdir()) == []


def test_non_empty_out_is_refused_unless_forced(tmp_path, chainrule):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine")
    done = chainrule("train", "--out", "full", "--epochs", "1", cwd=tmp_path)
    assert refused(done, "not empty") and "--force" in done.stderr
    assert sorted(p.name for p in (tmp_path / "full").iterdir()) == ["keep.txt"]
    args = ("--hidden", "4", "--epochs", "1")
    done = chainrule("train", "--out", "full", *args, "--force", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "full" / "model.json").exists()


@pytest.mark.parametrize(
    "args, words",
    [
        (["--hidden", "16,x"], "--hidden"),
        (["--hidden", "0"], "--hidden"),
        (["--hidden", "16,2000"], "--hidden: each layer size must be at most 1024, got 2000"),
        (["--lr", "inf"], "--lr: the value must be a finite number > 0, got inf"),
        (["--epochs", "0"], "--epochs"),
        (["--lr", "-1"], "--lr"),
        (["--lr", "nan"], "--lr"),
        (["--data", "mnist"], "--data"),
        (["--loss", "l1"], "--loss"),
        (["--activation", "swish"], "--activation"),
    ],
)
def test_bad_train_arguments_exit_2_without_traceback(tmp_path, args, words, chainrule):
    done = chainrule("train", "--out", "r", *args, cwd=tmp_path)
    assert refused(done, words)
    assert list(tmp_path.iterdir()) == []


def test_predict_refuses_what_it_cannot_read(tmp_path, chainrule):
    assert refused(chainrule("predict", "none.json", "1", "2", cwd=tmp_path), "cannot read")
    (tmp_path / "bad.json").write_text("{}")
    assert refused(chainrule("predict", "bad.json", "1", "2", cwd=tmp_path), "bad.json")
    assert refused(chainrule("predict", "bad.json", "1", "x", cwd=tmp_path), "not a number")


def test_predict_refuses_the_wrong_number_of_inputs(tmp_path, chainrule):
    nn.MLP(2, [3, 1], seed=0).save(tmp_path / "m.json")
    assert refused(chainrule("predict", "m.json", "1", cwd=tmp_path), "2")
    done = chainrule("predict", "m.json", "1", "-2", cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.startswith("output: ")
    done = chainrule("predict", "m.json", "-1e-3", "-.5", cwd=tmp_path)  # not read as options
    assert done.returncode == 0, done.stderr


def one_line_refusal(done: subprocess.CompletedProcess, *words: str) -> bool:
    """Exit 2, one line on stderr holding every word, no traceback, no progress bar."""
    lines = done.stderr.strip().splitlines()
    return (
        done.returncode == 2
        and len(lines) == 1
        and "Traceback" not in done.stderr
        and all(w in lines[0] for w in words)
    )


@pytest.mark.parametrize("sub", ["x", "x/deeper"])
def test_train_into_an_unwritable_folder_is_refused_before_training(
    tmp_path, unwritable, sub, chainrule
):
    out = unwritable / sub
    done = chainrule("train", "--out", str(out), "--hidden", "4", "--epochs", "1", cwd=tmp_path)
    assert one_line_refusal(done, str(out)), done.stderr
    assert "training" not in done.stdout  # refused before any work
    assert list(tmp_path.iterdir()) == [] and not out.exists()


def test_train_under_a_file_is_refused(tmp_path, chainrule):
    (tmp_path / "afile").write_text("")
    done = chainrule("train", "--out", "afile/run", "--epochs", "1", cwd=tmp_path)
    assert one_line_refusal(done, "afile/run", "not a directory"), done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]


def test_a_train_write_that_fails_anyway_is_one_line_naming_the_path(tmp_path, monkeypatch, capsys):
    def failing(path, data):
        tmp = Path(path).parent / f".{Path(path).name}.abcd.tmp"
        raise OSError(30, "Read-only file system", str(tmp))

    monkeypatch.setattr(viz.cli.outputs, "write_atomic", failing)
    out = tmp_path / "run"
    status = cli.main(["train", "--out", str(out), "--hidden", "4", "--epochs", "1"])
    err = capsys.readouterr().err
    last = err.strip().splitlines()[-1]  # after the progress bar
    assert status == 2 and "Traceback" not in err
    assert last.startswith("chainrule train: error: ") and "Read-only file system" in last
    assert str(out / "history.json") in last and ".tmp" not in last


@pytest.mark.slow
def test_train_prints_loss_and_accuracy_of_the_same_model(tmp_path, chainrule):
    """Both numbers describe the trained model (not the last epoch's, measured before
    its update), and match history.json's final_loss and final_accuracy."""
    done = chainrule("train", "--out", "r", "--epochs", "5", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    history = json.loads((tmp_path / "r" / "history.json").read_text(encoding="utf-8"))
    line = next(s for s in done.stdout.splitlines() if "accuracy" in s and "loss" in s)
    assert "trained model" in line
    numbers = [float(w.strip(",")) for w in line.split() if w.strip(",").replace(".", "").isdigit()]
    loss, accuracy = numbers[-2:]
    assert accuracy == pytest.approx(history["final_accuracy"], abs=1e-3)
    assert loss == pytest.approx(history["final_loss"], rel=1e-3)
    model = nn.load(tmp_path / "r" / "model.json")
    X, y = nn.data.make_moons(seed=0)
    assert float((nn.predict(model, X, "hinge") == y).mean()) == history["final_accuracy"]
    with no_grad():
        outs = [model(row) for row in X.tolist()]
        objective = nn.losses.hinge(outs, [1 if c == 1 else -1 for c in y.tolist()])
        objective = objective + 1e-4 * nn.losses.l2(model.parameters())
    assert history["final_loss"] == pytest.approx(objective.data, rel=1e-9)


@pytest.mark.parametrize(
    "nout, loss, words",
    [
        (1, "cross_entropy", "one output"),
        (1, "multiclass_svm", "one output"),
        (3, "hinge", "3 outputs"),
        (3, "mse", "3 outputs"),
    ],
)
def test_predict_refuses_a_loss_that_does_not_fit_the_model(tmp_path, nout, loss, words, chainrule):
    nn.MLP(2, [3, nout], seed=0).save(tmp_path / "m.json")
    done = chainrule("predict", "m.json", "0.1", "0.2", "--loss", loss, cwd=tmp_path)
    assert one_line_refusal(done, f"--loss {loss}", words), done.stderr
    assert done.stdout == ""


@pytest.mark.parametrize("nout, loss", [(1, "hinge"), (1, "mse"), (3, "cross_entropy")])
def test_predict_takes_a_loss_that_fits_the_model(tmp_path, nout, loss, chainrule):
    nn.MLP(2, [3, nout], seed=0).save(tmp_path / "m.json")
    done = chainrule("predict", "m.json", "0.1", "0.2", "--loss", loss, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"({loss}: " in done.stdout


# -- training that diverges ---------------------------------------------------------


@pytest.mark.parametrize(
    "args, became",
    [
        (["--loss", "mse", "--epochs", "8"], "inf"),  # moons: parameters nan after epoch 7
        (["--data", "xor", "--loss", "mse", "--epochs", "8"], "inf"),  # params stay finite
        (["--lr", "1e308", "--hidden", "4", "--epochs", "3"], ""),
        (["--l2", "1e308", "--hidden", "4", "--epochs", "3"], ""),
    ],
)
def test_diverging_training_is_one_line_exit_2_and_writes_nothing(
    tmp_path, args, became, chainrule
):
    done = chainrule("train", "--out", "runs/r", *args, cwd=tmp_path)
    assert refused(done, "chainrule train: error: training diverged: ")
    last = done.stderr.strip().splitlines()[-1]  # after the progress bar
    assert last.startswith("chainrule train: error: training diverged: "), done.stderr
    assert f"became {became}" in last and "at epoch" in last and "try a smaller --lr" in last
    assert "trained model" not in done.stdout and "wrote" not in done.stdout
    assert list(tmp_path.iterdir()) == []  # not even runs/ or runs/r


def test_diverging_training_names_the_first_bad_epoch_and_a_smaller_lr(
    tmp_path, monkeypatch, capsys
):
    def fit(model, X, y, **kwargs):
        history = nn.History()
        history.loss += [0.5, 2.0, float("inf"), float("nan")]
        history.accuracy += [0.5] * 4
        return history

    monkeypatch.setattr(nn, "fit", fit)
    out = tmp_path / "run"
    status = cli.main(["train", "--out", str(out), "--hidden", "4", "--lr", "0.5"])
    err = capsys.readouterr().err
    assert status == 2, err
    assert err.strip() == (
        "chainrule train: error: training diverged: loss became inf at epoch 3; "
        "try a smaller --lr (e.g. --lr 0.05)"
    )
    assert not out.exists()


def test_diverging_training_into_an_existing_folder_leaves_it_as_it_was(tmp_path, chainrule):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "keep.txt").write_text("mine")
    args = ("--lr", "1e308", "--hidden", "4", "--epochs", "2", "--force")
    done = chainrule("train", "--out", "mine", *args, cwd=tmp_path)
    assert refused(done, "training diverged"), done.stderr
    assert sorted(p.name for p in (tmp_path / "mine").iterdir()) == ["keep.txt"]


def test_a_huge_but_finite_loss_is_not_divergence(tmp_path, monkeypatch, capsys):
    def fit(model, X, y, **kwargs):
        history = nn.History()
        history.loss += [1.0, 2.6e62]
        history.accuracy += [0.5, 0.5]
        return history

    monkeypatch.setattr(nn, "fit", fit)
    out = tmp_path / "run"
    assert cli.main(["train", "--out", str(out), "--hidden", "4", "--epochs", "2"]) == 0
    history = json.loads((out / "history.json").read_text(encoding="utf-8"))
    assert history["loss"] == [1.0, 2.6e62]


def test_history_json_never_holds_a_non_finite_number(tmp_path, monkeypatch, capsys):
    """json.dumps(allow_nan=False): a NaN that slipped past the checks is refused, not
    written as NaN/Infinity (which is not JSON)."""
    monkeypatch.setattr(viz.cli.train, "_diverged", lambda *a, **k: None)
    monkeypatch.setattr(viz.cli.outputs, "save", lambda path, saver: None)

    def fit(model, X, y, **kwargs):
        history = nn.History()
        history.loss += [float("nan")]
        history.accuracy += [0.5]
        return history

    monkeypatch.setattr(nn, "fit", fit)
    out = tmp_path / "run"
    status = cli.main(["train", "--out", str(out), "--hidden", "4", "--epochs", "1"])
    assert status == 2
    assert not (out / "history.json").exists()


# -- argument checks, defaults and help -------------------------------------------------


@pytest.mark.parametrize(
    "args, words",
    [
        (["--seed", "-1"], "--seed"),
        (["--seed", "1.5"], "--seed"),
        (["--l2", "-1"], "--l2"),
        (["--l2", "inf"], "--l2"),
        (["--lr-end", "-1"], "--lr-end"),
    ],
)
def test_negative_seed_and_l2_are_refused_by_the_argument_parser(tmp_path, args, words, chainrule):
    done = chainrule("train", "--out", "r", *args, cwd=tmp_path)
    assert (
        refused(done, words)
        and "--help" in done.stderr
        and len(done.stderr.splitlines()) == 1
        and "fit" not in done.stderr
    )
    assert list(tmp_path.iterdir()) == []


def test_l2_zero_and_a_large_seed_are_accepted(tmp_path):
    out = tmp_path / "r"
    args = ["--hidden", "4", "--epochs", "1", "--l2", "0", "--seed", str(2**40)]
    assert cli.main(["train", "--out", str(out), *args]) == 0
    assert json.loads((out / "history.json").read_text(encoding="utf-8"))["l2"] == 0


@pytest.mark.parametrize(
    "data, loss, nout",
    [("moons", "hinge", 1), ("xor", "hinge", 1), ("blobs", "cross_entropy", 3)],
)
def test_the_default_loss_follows_the_number_of_classes(tmp_path, data, loss, nout):
    out = tmp_path / data
    args = ["--data", data, "--hidden", "4", "--epochs", "1", "--lr", "0.1"]
    assert cli.main(["train", "--out", str(out), *args]) == 0
    assert json.loads((out / "history.json").read_text(encoding="utf-8"))["loss_function"] == loss
    assert nn.load(out / "model.json").config()["nouts"][-1] == nout


def test_an_explicit_loss_is_still_checked_against_the_data(tmp_path, chainrule):
    done = chainrule("train", "--out", "b", "--data", "blobs", "--loss", "hinge", cwd=tmp_path)
    assert refused(done, "blobs has 3")


def test_train_help_shows_every_default(capsys):
    assert cli.main(["train", "--help"]) == 0
    raw = capsys.readouterr().out
    text = " ".join(raw.split())
    for default in (
        "(default: moons)",
        "(default: 16,16)",
        "(default: relu)",
        "(default: 100)",
        "(default: 1.0)",
        "(default: 0.0001)",
        "(default: 0)",
    ):
        assert default in text, default
    assert "hinge for two-class data" in text and "cross_entropy for multi-class" in text
    options = raw.split("options:", 1)[1]
    for option in ("--data", "--hidden", "--activation", "--loss", "--epochs", "--lr", "--lr-end",
                   "--l2", "--seed", "--force"):  # fmt: skip
        block = re.search(rf"^  {option}\b.*?(?=^  -|\Z)", options, re.MULTILINE | re.DOTALL)
        assert block is not None and "default" in block.group(0), option


@pytest.mark.parametrize(
    "nout, loss, inputs, says",
    [
        (1, "hinge", ["0.1", "0.2"], "(hinge: score "),
        (1, "mse", ["0.1", "0.2"], "(mse: output "),
        (3, "cross_entropy", ["0.1", "0.2"], "(cross_entropy: the highest score)"),
    ],
)
def test_predict_says_how_the_output_reads_as_a_class(tmp_path, nout, loss, inputs, says, capsys):
    nn.MLP(2, [3, nout], seed=0).save(tmp_path / "m.json")
    assert cli.main(["predict", str(tmp_path / "m.json"), *inputs, "--loss", loss]) == 0
    line = capsys.readouterr().out.splitlines()[1]
    assert line.startswith("class: ") and says in line and "read as" not in line
    if nout == 1:
        assert ("> " if line.split()[1] == "1" else "<= ") in line
