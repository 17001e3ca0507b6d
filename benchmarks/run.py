"""chainrule vs micrograd 0.1.0, same workloads, same run, reported as ratios.

    python benchmarks/run.py [--quick]

Installs micrograd 0.1.0 from PyPI into this interpreter's environment when it is
missing. Workloads (DESIGN.md, "Performance budget"), written the same way for both:

- moons step: micrograd's demo step — 100 two-moons points, MLP 2-16-16-1 (ReLU),
  loss = mean relu(1 - y·score) + 1e-4·Σp², forward, backward, SGD update;
- wide: 10^5 leaf pairs, products a_i·b_i summed pairwise with binary + (a balanced
  tree), forward + backward;
- chain: x -> x·1.0001 + 0.0001 repeated N times, backward;
- bytes per node: the wide graph at 2.5·10^4 pairs, tracemalloc before backward;
- compiled (``ag.compile``, issue 13), against the same step written in numpy by hand:
  the moons step replayed (``prog.run()`` + the SGD update), its compile cost in
  Value-path steps and its memory; the lecture's two-layer net at full size
  (N, D_in, H, D_out = 64, 1000, 100, 10) replayed (``prog.replay`` on the weights'
  numbers) against its numpy step.
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


def numpy_moons_step():
    """micrograd's demo step by hand in numpy: forward, hinge + L2, backward, SGD."""
    import numpy as np

    X, y = moons_data()
    X, y = np.array(X), np.array(y)[:, None]
    rng = np.random.default_rng(0)
    P = [rng.uniform(-1, 1, (16, 2)), np.zeros(16), rng.uniform(-1, 1, (16, 16)), np.zeros(16)]
    P += [rng.uniform(-1, 1, (1, 16)), np.zeros(1)]

    def step():
        W1, b1, W2, b2, W3, b3 = P
        z1 = X @ W1.T + b1
        h1 = np.maximum(z1, 0)
        z2 = h1 @ W2.T + b2
        h2 = np.maximum(z2, 0)
        m = 1 - y * (h2 @ W3.T + b3)
        loss = np.maximum(m, 0).mean() + 1e-4 * sum((p * p).sum() for p in P)
        ds = -1.0 * (m > 0) * y / len(y)
        dz2 = (ds @ W3) * (z2 > 0)
        dz1 = (dz2 @ W2) * (z1 > 0)
        grads = (dz1.T @ X, dz1.sum(0), dz2.T @ h1, dz2.sum(0), ds.T @ h2, ds.sum(0))
        for p, g in zip(P, grads):
            p -= 0.1 * (g + 2e-4 * p)
        return loss

    return step


def compiled_moons_step():
    """The chainrule moons step's graph, compiled once; each step replays it."""
    import autograd as ag
    from autograd import no_grad
    from nn import MLP

    X, y = moons_data()
    model = MLP(2, [16, 16, 1], seed=0)
    params = model.parameters()

    def record():
        scores = [model(x) for x in X]
        margins = [(1 - yi * s).relu() for yi, s in zip(y, scores)]
        return ag.sum(margins) * (1.0 / len(margins)) + 1e-4 * ag.sum([p * p for p in params])

    program = ag.compile(record())

    def step():
        model.zero_grad()
        program.run()
        with no_grad():
            for p in params:
                p.data -= 0.1 * p.grad

    return step, lambda: ag.compile(record()), record, program


def lecture_net(N=64, D_in=1000, H=100, D_out=10):
    """The lecture's two-layer net (sigmoid, no biases, squared error): its numpy step and
    the same step compiled from Values, replayed on the weights' numbers."""
    import numpy as np

    import autograd as ag
    from autograd import Value

    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((N, D_in)), rng.standard_normal((N, D_out))
    w1, w2 = rng.standard_normal((D_in, H)), rng.standard_normal((H, D_out))

    def numpy_step():
        h = 1 / (1 + np.exp(-x.dot(w1)))
        y_pred = h.dot(w2)
        loss = np.square(y_pred - y).sum()
        grad_y_pred = 2.0 * (y_pred - y)
        grad_w2 = h.T.dot(grad_y_pred)
        grad_w1 = x.T.dot(grad_y_pred.dot(w2.T) * h * (1 - h))
        return loss, grad_w1, grad_w2

    columns1 = [[Value(v) for v in column] for column in w1.T]
    columns2 = [[Value(v) for v in column] for column in w2.T]
    inputs = [[Value(v) for v in row] for row in x]
    errors = []
    for n in range(N):
        h = [ag.dot(column, inputs[n]).sigmoid() for column in columns1]
        errors += [(ag.dot(h, c) - y[n, k]) ** 2 for k, c in enumerate(columns2)]
    program = ag.compile(ag.sum(errors))
    data = np.array([v.data for v in program.leaves])
    return numpy_step, lambda: program.replay(data)


def best(fn, repeat: int, inner: int = 1) -> float:
    """The least wall time of ``fn()`` over ``repeat`` runs of ``inner`` calls, per call."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(inner):
            fn()
        times.append((time.perf_counter() - start) / inner)
    return min(times)


def compiled_workloads(repeat: int) -> None:
    """ag.compile against numpy by hand, and against the Value path, in this run."""
    step_numpy = numpy_moons_step()
    step_compiled, recompile, record, program = compiled_moons_step()
    step_values = chainrule_moons_step()
    t_numpy = best(step_numpy, repeat, 200)
    t_compiled = best(step_compiled, repeat, 20)
    t_values = best(step_values, max(3, repeat // 2))
    t_compile = best(recompile, 3) - best(record, 3)  # compiling alone, the graph built
    print(
        f"moons step: numpy {t_numpy * 1e6:.0f} µs, compiled {t_compiled * 1e6:.0f} µs "
        f"({t_compiled / t_numpy:.1f}x numpy), Values {t_values * 1e3:.1f} ms "
        f"({t_values / t_compiled:.0f}x the compiled step)",
        flush=True,
    )
    print(f"moons compile: {t_compile * 1e3:.1f} ms = {t_compile / t_values:.1f} Value-path steps")
    gc.collect()
    tracemalloc.start()
    fresh = recompile()
    fresh.run()
    size, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del fresh
    print(
        f"moons program: {size / 2**20:.2f} MiB traced ({program.nbytes / 2**20:.2f} MiB of "
        f"arrays), {size / program.nodes:.0f} B per node recorded ({program.nodes:,} nodes)"
    )
    numpy_step, replay = lecture_net()
    t_np, t_replay = best(numpy_step, repeat, 20), best(replay, repeat, 3)
    print(
        f"lecture net 64-1000-100-10: numpy {t_np * 1e3:.2f} ms, compiled replay "
        f"{t_replay * 1e3:.2f} ms ({t_replay / t_np:.1f}x numpy)",
        flush=True,
    )


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
    parser.add_argument("--compiled", action="store_true", help="only the ag.compile workloads")
    args = parser.parse_args()
    repeat = 3 if args.quick else 7
    if args.compiled:
        compiled_workloads(repeat)
        return
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
    compiled_workloads(repeat)


if __name__ == "__main__":
    main()
