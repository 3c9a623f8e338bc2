"""How much of this machine's arithmetic each recipe's training step uses.

For every entry of ``genlab.pretrained`` the recipe's own training loop
(``entry.train``) runs for a few steps under ``torch.utils.flop_counter`` to count the
floating-point operations of one step (forward and backward passes, every network the
step calls), then for ``--steps`` steps against the clock. Its rate is set beside the
rate of one large float32 matrix product on the same machine in the same run — about
the most this CPU does with PyTorch, the "peak" the issue measures against.

    python benchmarks/throughput.py               # about two minutes on two cores
    python benchmarks/throughput.py --steps 20    # a quicker, noisier reading

A step that reaches less than half of the peak loses time to something other than
arithmetic: small layers, memory traffic, Python between the layers.
"""

from __future__ import annotations

import argparse
import json
import time

import torch
from torch.utils.flop_counter import FlopCounterMode

from genlab import pretrained
from genlab.frame import Budget


def matmul_peak(n: int = 2048, repeats: int = 10) -> float:
    """GFLOP/s of an ``n`` x ``n`` float32 matrix product (the best of ``repeats``)."""
    a, b = torch.randn(n, n), torch.randn(n, n)
    a @ b  # warm up
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - start)
    return 2 * n ** 3 / best / 1e9


def step_rate(name: str, steps: int) -> dict[str, float]:
    """FLOPs per training step of the entry's recipe, and its rate over ``steps``."""
    entry = pretrained.entry(name)

    def counted(k: int) -> int:
        counter = FlopCounterMode(display=False)
        with counter:
            entry.train(entry.build(), Budget(steps=k), progress=False)
        return counter.get_total_flops()

    # the difference of two runs: what a run does once (an evaluation at the end of
    # an epoch loop) cancels out, leaving two training steps
    flops = (counted(4) - counted(2)) / 2
    entry.train(entry.build(), Budget(steps=3), progress=False)  # warm up
    model = entry.build()
    start = time.perf_counter()
    record = entry.train(model, Budget(steps=steps), progress=False)
    seconds = time.perf_counter() - start
    return {"GFLOP per step": flops / 1e9, "steps": record.steps,
            "steps per s": record.steps / seconds,
            "GFLOP/s": flops * record.steps / seconds / 1e9}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    peak = matmul_peak()
    rows = {name: step_rate(name, args.steps) for name in pretrained.ENTRIES}
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; "
          f"float32 matmul 2048²: {peak:.0f} GFLOP/s")
    print("| recipe | GFLOP per step | steps per s | GFLOP/s | share of the matmul |")
    print("|---|---:|---:|---:|---:|")
    for name, row in rows.items():
        print(f"| `{name}` | {row['GFLOP per step']:.3f} | {row['steps per s']:.1f} | "
              f"{row['GFLOP/s']:.0f} | {row['GFLOP/s'] / peak:.0%} |")
    if args.json:
        with open(args.json, "w") as file:
            json.dump({"matmul GFLOP/s": peak, "recipes": rows}, file, indent=1)


if __name__ == "__main__":
    main()
