"""chainrule vs micrograd 0.1.0, same workloads, same run, reported as ratios.

    python benchmarks/run.py [--quick]

Installs micrograd 0.1.0 from PyPI into this interpreter's environment when it is
missing. Workloads (DESIGN.md, "Performance budget"), written the same way for both:

- moons step: micrograd's demo step — 100 two-moons points, MLP 2-16-16-1 (ReLU),
  loss = mean relu(1 - y·score) + 1e-4·Σp², forward, backward, SGD update;
- wide: 10^5 leaf pairs, products a_i·b_i summed pairwise with binary + (a balanced
  tree), forward + backward;
- chain: x -> x·1.0001 + 0.0001 repeated N times, backward;
- bytes per node: the wide graph at 2.5·10^4 pairs, tracemalloc before backward.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import random
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.setrecursionlimit(10_000)  # the default for micrograd's recursive topological sort


def ensure_micrograd():
    """Import micrograd 0.1.0, installing it from PyPI first if needed."""
    try:
        return importlib.import_module("micrograd.engine"), importlib.import_module("micrograd.nn")
    except ImportError:
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "micrograd==0.1.0"], check=True
        )
        importlib.invalidate_caches()
        return importlib.import_module("micrograd.engine"), importlib.import_module("micrograd.nn")


def timed(fn, repeat: int) -> float:
    """Median wall time of ``fn()`` over ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def pairwise_sum(xs):
    """Sum with binary + as a balanced tree (so micrograd's recursion survives)."""
    while len(xs) > 1:
        nxt = [xs[i] + xs[i + 1] for i in range(0, len(xs) - 1, 2)]
        if len(xs) % 2:
            nxt.append(xs[-1])
        xs = nxt
    return xs[0]


def wide_graph(Value, n: int, seed: int = 0):
    rng = random.Random(seed)
    a = [Value(rng.uniform(-1, 1)) for _ in range(n)]
    b = [Value(rng.uniform(-1, 1)) for _ in range(n)]
    return pairwise_sum([x * y for x, y in zip(a, b)])


def wide(Value, n: int) -> None:
    wide_graph(Value, n).backward()


def chain(Value, n: int) -> None:
    x = Value(0.5)
    y = x
    for _ in range(n):
        y = y * 1.0001 + 0.0001
    y.backward()


def bytes_per_node(Value, pairs: int) -> float:
    gc.collect()
    tracemalloc.start()
    root = wide_graph(Value, pairs)
    current, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    nodes = 2 * pairs + pairs + (pairs - 1)
    del root
    return current / nodes


def moons_data(n: int = 100):
    from nn import data

    X, y = data.make_moons(n, noise=0.1, seed=0)
    return X.tolist(), [1.0 if label == 1 else -1.0 for label in y]


def chainrule_moons_step():
    import autograd as ag
    from autograd import no_grad
    from nn import MLP

    X, y = moons_data()
    model = MLP(2, [16, 16, 1], seed=0)
    params = model.parameters()

    def step():
        scores = [model(x) for x in X]
        margins = [(1 - yi * s).relu() for yi, s in zip(y, scores)]
        loss = ag.sum(margins) * (1.0 / len(margins)) + 1e-4 * ag.sum([p * p for p in params])
        model.zero_grad()
        loss.backward()
        with no_grad():
            for p in params:
                p.data -= 0.1 * p.grad

    return step


def micrograd_moons_step(mg_nn):
    X, y = moons_data()
    random.seed(0)
    model = mg_nn.MLP(2, [16, 16, 1])
    params = model.parameters()

    def step():
        scores = [model(x) for x in X]
        margins = [(1 + -yi * s).relu() for yi, s in zip(y, scores)]
        loss = sum(margins) * (1.0 / len(margins)) + 1e-4 * sum(p * p for p in params)
        model.zero_grad()
        loss.backward()
        for p in params:
            p.data -= 0.1 * p.grad

    return step


def peak_memory(step) -> int:
    gc.collect()
    tracemalloc.start()
    step()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args()
    repeat = 3 if args.quick else 7
    mg_engine, mg_nn = ensure_micrograd()
    from autograd import Value

    MG = mg_engine.Value
    rows = []

    def report(name, ours, theirs, unit="s", better="lower"):
        ratio = theirs / ours if better == "lower" else ours / theirs
        rows.append((name, ours, theirs, ratio))
        print(
            f"{name:<32} chainrule {ours:>10.4g} {unit:<3} micrograd {theirs:>10.4g} {unit:<3}"
            f" ratio {ratio:6.1f}x",
            flush=True,
        )

    try:
        step_ours, step_theirs = chainrule_moons_step(), micrograd_moons_step(mg_nn)
        step_ours(), step_theirs()  # warm up
        report("moons step (median)", timed(step_ours, repeat), timed(step_theirs, repeat))
        report(
            "moons step peak memory",
            peak_memory(step_ours) / 2**20,
            peak_memory(step_theirs) / 2**20,
            "MiB",
        )
    except ImportError as exc:
        print(f"moons step skipped: {exc}")

    n = 100_000
    report(
        f"wide {n} pairs fwd+bwd",
        timed(lambda: wide(Value, n), repeat),
        timed(lambda: wide(MG, n), repeat),
    )

    report(
        "bytes per node (wide 2.5e4)",
        bytes_per_node(Value, 25_000),
        bytes_per_node(MG, 25_000),
        "B",
    )

    ours = timed(lambda: chain(Value, 100_000), repeat)
    try:
        chain(MG, 100_000)
        print("chain 1e5: micrograd completed")
    except RecursionError:
        print(f"chain 1e5 deep: chainrule {ours:.4g} s; micrograd: RecursionError")
    start = time.perf_counter()
    chain(Value, 1_000_000)
    print(f"chain 1e6 deep: chainrule {time.perf_counter() - start:.4g} s (completes)")


if __name__ == "__main__":
    main()
