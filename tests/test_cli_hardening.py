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


# -- item 9: a renderer that fails, hangs or writes garbage: one line, exit 1 -------------


def fake_dot(tmp_path, monkeypatch, script: str) -> None:
    import viz.render

    dot = tmp_path / "fake-dot"
    dot.write_text("#!/bin/sh\n" + script + "\n")
    dot.chmod(0o755)
    monkeypatch.setattr(viz.render, "find_renderer", lambda: str(dot))


@pytest.mark.parametrize(
    "script, words",
    [
        ("echo 'Error: syntax error in line 1' >&2\necho 'more detail' >&2\nexit 1", "exit 1"),
        ("sleep 30", "took over 1s"),
        ("cat >/dev/null; printf 'garbage\\377\\n'", "not SVG"),
    ],
    ids=["fails", "hangs", "garbage"],
)
def test_a_broken_renderer_is_one_line_and_exit_1_writing_nothing(
    tmp_path, monkeypatch, capsys, script, words
):
    import viz.render

    fake_dot(tmp_path, monkeypatch, script)
    monkeypatch.setattr(viz.render, "RENDER_TIMEOUT", 1)
    out = tmp_path / "f.svg"
    argv = ["graph", "x * 2", "x=1", "-o", str(out), "--html", str(tmp_path / "s.html")]
    assert cli.main(argv) == 1
    captured = capsys.readouterr()
    assert one_line(captured.err, "renderer", words) and "refused" not in captured.err
    assert not out.exists() and not (tmp_path / "s.html").exists()


def test_a_broken_renderer_in_demo_is_one_line_and_exit_1(tmp_path, monkeypatch, capsys):
    fake_dot(tmp_path, monkeypatch, "exit 3")
    assert cli.main(["demo", "--out", str(tmp_path / "d"), "--epochs", "1"]) == 1
    assert one_line(capsys.readouterr().err, "renderer", "exit 3")


# -- item 11: a closed pipe or a full disk on stdout: no traceback; files still written --


def run_cli(*args, stdout, cwd):
    import subprocess
    import sys

    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "MPLBACKEND": "Agg"}
    return subprocess.run(
        [sys.executable, "-m", "viz", *args],
        cwd=cwd,
        env=env,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
    )


def test_a_closed_pipe_on_stdout_is_no_traceback(tmp_path):
    read, write = os.pipe()
    os.close(read)  # as `| head -0`: the reader has gone before anything is written
    try:
        done = run_cli("graph", "x * 2", "x=1", "-o", "f.dot", stdout=write, cwd=tmp_path)
    finally:
        os.close(write)
    assert "Traceback" not in done.stderr and "Exception" not in done.stderr
    assert done.stderr == "" and done.returncode == 141
    assert (tmp_path / "f.dot").exists()  # the files do not depend on the table


def test_a_full_disk_on_stdout_is_one_line_and_the_files_are_still_written(tmp_path):
    with open("/dev/full", "w") as full:
        done = run_cli("graph", "x * 2", "x=1", "-o", "f.dot", stdout=full, cwd=tmp_path)
    assert done.returncode == 2
    assert one_line(done.stderr, "standard output", "No space left")
    assert (tmp_path / "f.dot").read_text().startswith("digraph")


# -- item 12: one-line refusals, shown safely -----------------------------------------------


@pytest.mark.parametrize(
    "argv, words",
    [
        (["train"], "--out"),
        (["train", "--out", "r", "--epochs", "0"], "--epochs"),
        (["graph"], "expression"),
        (["nope"], "invalid choice"),
        (["predict", "m.json"], "x"),
    ],
)
def test_argparse_refusals_are_one_line_not_a_usage_block(capsys, argv, words):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert one_line(err, words, "--help") and "usage:" not in err


@pytest.mark.parametrize(
    "inputs",
    [["x=\x1b[31mred\x1b[0m"], ["\x1b]0;pwned\x07=1"], ["x=1", "x=\x1b[2J"]],
)
def test_terminal_escapes_in_inputs_are_shown_escaped(capsys, inputs):
    assert cli.main(["graph", "x * 2", *inputs]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err and one_line(err)
    assert "\\x1b" in err or "given twice" in err


def test_terminal_escapes_in_any_refusal_are_shown_escaped(capsys):
    assert cli.main(["graph", "x * 2", "x=1", "--explain", "\x1b[2Jy"]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\\x1b[2Jy" in err
    assert cli.main(["graph", "x * 2", "x=1", "--bogus\x1b[2J"]) == 2
    assert "\x1b" not in capsys.readouterr().err


def test_a_long_value_is_not_echoed_whole(capsys):
    assert cli.main(["graph", "x * 2", "x=" + "9" * 5000]) == 2
    err = capsys.readouterr().err
    assert one_line(err, "x=", "5000 characters") and len(err) < 300


def test_a_keyword_given_twice_is_refused_as_python_refuses_it(capsys):
    assert cli.main(["graph", "leaky_relu(x, alpha=0.2, alpha=0.3)", "x=1"]) == 2
    assert one_line(capsys.readouterr().err, "alpha", "twice")


def test_input_names_are_nfkc_normalised_as_identifiers_are(capsys):
    assert cli.main(["graph", "ｘ*2", "ｘ=3"]) == 0
    out = capsys.readouterr().out
    assert "x" in out and "6" in out


def test_a_hash_inside_a_string_is_not_a_comment_to_the_nesting_scan():
    from viz.cli.errors import ExpressionError
    from viz.cli.scan import MAX_DEPTH, check_nesting

    deep = "(" * (MAX_DEPTH + 1) + "x" + ")" * (MAX_DEPTH + 1)
    for text in (f'"#" + {deep}', f"'a#b' + {deep}", f'"""#\n""" + {deep}', f"'\\'#' + {deep}"):
        with pytest.raises(ExpressionError, match="nested deeper"):
            check_nesting(text)
    check_nesting("x  # a comment with a quote ' and (((((")


# -- items 6 and 7: bounded drawings and players; linear to_dot; a hint one can follow -----


def squarings(n: int) -> str:
    """n statements, each squaring the name before (names vaa, vab, ...)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    names = ["x", *(f"v{a}{b}" for a in letters for b in letters)]
    return ";".join(f"{names[k + 1]}={names[k]}**2" for k in range(n))


def test_a_player_over_its_frame_budget_is_refused_up_front_with_numbers(tmp_path, capsys):
    import time

    text = squarings(180)
    assert len(text) <= 2000
    start = time.perf_counter()
    html = tmp_path / "s.html"
    assert cli.main(["graph", text, "x=1", "--html", str(html)]) == 2
    assert time.perf_counter() - start < 10  # was 64 s, 3.6 GB and a 356 MB file
    err = capsys.readouterr().err
    assert one_line(err, "181 frames", "181 values", "at most 20,000", "smaller")
    assert not html.exists()


def test_backward_steps_refuses_more_frame_nodes_than_its_budget():
    import viz
    from autograd import Value

    x = Value(1.0, label="x")
    y = x
    for _ in range(150):
        y = y * y  # 151 values, 151 frames: 22,801 values drawn
    with pytest.raises(ValueError, match=r"at most 20,000.*max_frame_nodes=22801"):
        viz.backward_steps(y)
    assert len(viz.backward_steps(y, max_frame_nodes=None)) == 151
    assert len(viz.backward_steps(x * 2)) == 2  # small graphs are untouched


def test_the_graph_hint_names_an_option_of_the_command_line(tmp_path, capsys):
    text = " + ".join(f"x{k}" for k in range(160))
    inputs = [f"x{k}=1" for k in range(160)]
    out = tmp_path / "f.dot"
    assert cli.main(["graph", text, *inputs, "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert one_line(err, "--max-nodes 319") and "max_nodes=" not in err and not out.exists()
    assert cli.main(["graph", text, *inputs, "-o", str(out), "--max-nodes", "319"]) == 0
    assert out.read_text().startswith("digraph")


def test_to_dot_takes_linear_time_in_the_graph():
    import time

    import viz

    def seconds(n):
        model = nn.MLP(2, [n, n, 1], seed=0)
        out = model([0.5, -0.2])
        out.backward()
        best = float("inf")
        for _ in range(2):
            start = time.perf_counter()
            viz.to_dot(out, max_nodes=None)
            best = min(best, time.perf_counter() - start)
        return best

    small, large = seconds(48), seconds(96)  # four times the values
    assert large / small < 8  # linear: about 4; quadratic (list lookups): about 16


# -- item 8: a training step too large for memory is refused up front, with its numbers ----


def test_train_refuses_a_step_too_large_for_memory_before_building_anything(tmp_path, capsys):
    import time

    start = time.perf_counter()
    assert cli.main(["train", "--out", str(tmp_path / "r"), "--hidden", "1024,1024"]) == 2
    assert time.perf_counter() - start < 5
    captured = capsys.readouterr()
    assert one_line(captured.err, "--hidden 1024,1024", "100 samples", "3.", "GB", "at most 1 GB")
    assert captured.out == "" and not (tmp_path / "r").exists()


def test_the_step_estimate_is_near_what_a_step_takes():
    import tracemalloc

    from viz.cli.train import step_bytes

    X, y = nn.data.make_moons(seed=0)
    model = nn.MLP(2, [64, 64, 1], seed=0)
    tracemalloc.start()
    nn.objective(model, X, y, loss="hinge", l2=1e-4).backward()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert 0.6 < step_bytes(2, [64, 64, 1], len(X)) / peak < 1.6
