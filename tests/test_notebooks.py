"""Every notebook in notebooks/ runs top to bottom in a real kernel, and shows its facts.

Each notebook ends with a cell that prints one line ``RESULT {json}``: the numbers the
notebook demonstrated (the lecture's gradients, the perceptron's last error count, ...).
The tests here execute the notebook with nbclient and check those numbers.

The kernel is named ``python3`` but always runs this test process's interpreter: a
kernelspec pointing at ``sys.executable`` is installed into a temporary directory and
handed to the kernel manager, so a ``python3`` kernel installed elsewhere on the machine
is never picked up. Notebooks run with a temporary working directory (files they save
land there) and are never written back.
"""

from __future__ import annotations

import json
import math
import os
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

from ipykernel.kernelspec import install as install_kernelspec  # noqa: E402
from jupyter_client.kernelspec import KernelSpecManager  # noqa: E402
from jupyter_client.manager import KernelManager  # noqa: E402

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
EXPECTED = [
    "01_backprop.ipynb",
    "02_perceptron.ipynb",
    "03_linear_classifier.ipynb",
    "04_activations.ipynb",
    "05_change_of_space.ipynb",
    "06_mlp.ipynb",
    "07_numpy_to_values.ipynb",
    "08_curvature.ipynb",
]
TIMEOUT = 300  # seconds per cell: only catches a hang (each notebook takes well under 30 s)


@pytest.fixture(scope="module")
def kernel_dirs(tmp_path_factory) -> list[str]:
    """A ``python3`` kernelspec that runs this interpreter, in a fresh directory."""
    prefix = tmp_path_factory.mktemp("jupyter")
    install_kernelspec(prefix=str(prefix), kernel_name="python3")
    return [str(prefix / "share" / "jupyter" / "kernels")]


def execute(name: str, kernel_dirs: list[str], workdir: Path):
    """Run notebooks/``name`` in ``workdir`` and return the executed copy (file untouched)."""
    return run(nbformat.read(NOTEBOOKS / name, as_version=4), kernel_dirs, workdir)


def run(nb, kernel_dirs: list[str], workdir: Path):
    """Execute ``nb`` in place in a fresh ``python3`` kernel, cwd ``workdir``; return it."""
    km = KernelManager(
        kernel_name="python3",
        kernel_spec_manager=KernelSpecManager(kernel_dirs=kernel_dirs),
        **_transport(workdir),
    )
    client = nbclient.NotebookClient(
        nb,
        km=km,
        kernel_name="python3",
        timeout=TIMEOUT,
        resources={"metadata": {"path": str(workdir)}},
    )
    try:
        client.execute(env=_kernel_env(), cleanup_kc=True)  # a given km is not shut down
    finally:
        if km.has_kernel:
            km.shutdown_kernel(now=True)
    return nb


def _transport(workdir: Path) -> dict[str, str]:
    """Unix sockets in ``workdir`` where they fit (no TCP port races between kernels
    started in parallel), else TCP on localhost."""
    prefix = str(workdir.resolve() / "kernel-ipc")
    if os.name == "posix" and len(prefix) < 90:  # socket paths are limited to ~104 bytes
        return {"transport": "ipc", "ip": prefix}
    return {}


def _kernel_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)  # the notebooks choose `%matplotlib inline` themselves
    env["TQDM_DISABLE"] = "1"
    return env


def results(nb) -> dict:
    """The dict printed as ``RESULT {json}`` by the notebook (the last one wins)."""
    found = None
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stdout":
                for line in out["text"].splitlines():
                    if line.startswith("RESULT "):
                        found = json.loads(line[len("RESULT ") :])
    assert found is not None, "the notebook printed no RESULT line"
    return found


def outputs_of_type(nb, mime: str) -> int:
    """How many displayed outputs carry ``mime`` (e.g. image/svg+xml, image/png)."""
    return sum(
        1 for cell in nb.cells for out in cell.get("outputs", []) if mime in out.get("data", {})
    )


def check_01(r: dict, nb) -> None:
    assert (r["dx"], r["dy"], r["dz"], r["dq"]) == (-4.0, -4.0, 3.0, -4.0)
    assert r["f"] == -12.0
    assert r["steps"] == 3  # frame 0 (the seed) and one frame per interior node
    assert r["edge_steps"] == 5  # the lecture's reveals: ∂f/∂f, ∂f/∂q, ∂f/∂z, ∂f/∂x, ∂f/∂y
    assert r["explain_y"] == "∂f/∂y = ∂f/∂q · ∂q/∂y = z · 1 = -4 · 1 = -4"
    assert sorted(r["explain_fan_out_terms"]) == [1.0, 5.0]  # ∂g/∂x = y·1 + 1
    assert outputs_of_type(nb, "text/latex") >= 2  # explain shows as a formula
    assert r["gradcheck"] is True
    assert r["max_numeric_error"] < 1e-6
    assert outputs_of_type(nb, "image/svg+xml") >= 2  # the graph is drawn, not printed
    assert outputs_of_type(nb, "text/html") >= 1  # the step-through player


def check_02(r: dict, nb) -> None:
    assert r["separable_final_errors"] == 0
    assert r["separable_epochs"] < r["max_epochs"]
    assert r["xor_min_errors"] > 0  # XOR: no epoch without a mistake
    assert r["xor_epochs"] == r["max_epochs"]
    assert outputs_of_type(nb, "image/png") >= 2


def check_03(r: dict, nb) -> None:
    assert r["final_loss"] < r["initial_loss"]
    assert r["accuracy"] >= 0.95
    assert r["gradcheck"] is True
    # checked at the starting weights, where margins are violated: the SVM data loss's
    # own gradient is checked, not only the L2 term's 2λw
    assert r["gradcheck_violated_margins"] > 0
    assert r["gradcheck_data_grad_max"] > 0.1
    assert r["templates_shape"] == [3, 2]
    assert r["template_alignment"] > 0.8  # each template points at its class's blob


def check_04(r: dict, nb) -> None:
    assert r["max_derivative_error"] < 1e-6
    # the drawn Maxout graph holds one sample's gradients: the losing piece gets none,
    # the winning piece's weights get the input (upstream 1 × local x)
    assert r["maxout_loser_grads"] == [0.0, 0.0]
    assert r["maxout_winner_w_grads"] == r["maxout_input"]
    assert r["collapse_max_diff"] < 1e-12  # W2·(W1 x) == (W2 W1) x: one linear map
    assert r["with_relu_max_diff"] > 1e-3  # ...and no single matrix does it with ReLU


def check_05(r: dict, nb) -> None:
    assert r["accuracy_xy"] < 0.8
    assert r["accuracy_polar"] > 0.95
    # "nearly a circle": the boundary's radius drifts by little over a turn of θ
    assert r["boundary_radius_drift"] < 0.1 * r["boundary_radius"]


def check_06(r: dict, nb) -> None:
    assert r["demo_accuracy"] >= 0.95
    assert r["collapsed_nodes"] < 80 < r["graph_values"]
    assert r["strong_l2_weight_norm"] < r["l2_weight_norm"] < r["no_l2_weight_norm"]
    train, test = r["capacity_train_accuracy"], r["capacity_test_accuracy"]
    gap = [a - b for a, b in zip(train, test)]
    assert train[-1] == 1.0 > max(train[:-1])  # the biggest model fits the training points best
    assert max(test) - min(test) < 0.02  # ...but all three test about the same
    assert gap[-1] > 3 * max(gap[:-1])  # overfitting shows as the train-test gap
    train, test = r["l2_train_accuracy"], r["l2_test_accuracy"]  # λ = 0, 1e-3, 3e-2
    assert test[1] > max(test[0], test[2])  # a little L2 tests best
    assert train[1] - test[1] < 0.5 * (train[0] - test[0])  # ...closing most of the gap
    assert train[2] <= r["capacity_train_accuracy"][0]  # too much: back to the linear fit


def check_07(r: dict, nb) -> None:
    assert r["forward_diff"] < 1e-12  # the lecture's 3-layer forward pass, numpy vs Layers
    assert r["max_grad_diff"] < 1e-9
    assert math.isclose(r["loss_values"], r["loss_numpy"], rel_tol=1e-12)
    assert r["values_seconds"] > r["numpy_seconds"] > 0
    # the full-size Values step is an extrapolation, 64 × one sample's measured time
    assert math.isclose(
        r["values_big_seconds_extrapolated"], 64 * r["values_seconds_per_sample_big"]
    )
    assert r["values_big_seconds_extrapolated"] > r["numpy_big_seconds"] > 0


def check_08(r: dict, nb) -> None:
    assert r["cube_derivatives"] == [27.0, 18.0, 6.0, 0.0]  # x³ at 3, by nested ag.grad
    assert r["tanh_second_error"] < 1e-12  # backward over the graph of ∂f/∂x gives f''
    assert outputs_of_type(nb, "image/svg+xml") >= 1  # the graph of ∂f/∂x is drawn
    assert r["bowl_hessian_error"] < 1e-12
    assert r["bowl_newton_error"] < 1e-12  # one Newton step lands on the minimum
    assert r["bowl_gd_steps"] > 20  # ...where gradient descent zig-zags for many
    assert r["rosenbrock_newton_steps"] <= 6 and r["rosenbrock_newton_error"] < 1e-10
    assert r["rosenbrock_gd_error"] > 0.05  # 5000 gradient steps are still on the way
    assert r["l2_hessian_max_error"] < 1e-12  # H = (2/n) XᵀX + 2λI
    for lam, shifts in zip(r["l2_lambdas"], r["l2_eigenvalue_shifts"]):
        assert shifts == [pytest.approx(2 * lam, abs=1e-12)] * 2  # L2 adds 2λ to each
    conditions = r["l2_condition_numbers"]
    assert conditions == sorted(conditions, reverse=True) and conditions[0] > 100 * conditions[-1]
    assert outputs_of_type(nb, "image/png") >= 3  # bowl, Rosenbrock, L2 contours


CHECKS = dict(
    zip(
        EXPECTED,
        [check_01, check_02, check_03, check_04, check_05, check_06, check_07, check_08],
    )
)


def test_every_notebook_is_listed_and_stored_without_outputs():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == EXPECTED
    for name in EXPECTED:
        nb = nbformat.read(NOTEBOOKS / name, as_version=4)
        nbformat.validate(nb)
        assert nb.cells[0].cell_type == "markdown", f"{name} should open with what it teaches"
        assert "xercise" in nb.cells[-1].source or "xercise" in nb.cells[-2].source, name
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, name


@pytest.mark.notebook
def test_the_python3_kernel_runs_this_interpreter(kernel_dirs, tmp_path):
    probe = "import os, sys; print(sys.executable); print(os.getcwd())"
    nb = run(
        nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(probe)]), kernel_dirs, tmp_path
    )
    executable, cwd = nb.cells[0].outputs[0]["text"].split()
    assert Path(executable) == Path(sys.executable)
    assert Path(cwd).resolve() == tmp_path.resolve()


@pytest.mark.notebook
@pytest.mark.slow
@pytest.mark.parametrize("name", EXPECTED)
def test_notebook_runs_and_shows_its_facts(name, kernel_dirs, tmp_path):
    nb = execute(name, kernel_dirs, tmp_path)
    CHECKS[name](results(nb), nb)
    warnings = [
        line
        for cell in nb.cells
        for out in cell.get("outputs", [])
        if out.get("output_type") == "stream" and out.get("name") == "stderr"
        for line in out["text"].splitlines()
        if "Warning" in line
    ]
    assert not warnings, f"{name} printed warnings: {warnings}"
