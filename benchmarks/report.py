"""The table every generator benchmark prints, and its JSON twin."""

from __future__ import annotations

import json

import torch


def print_rows(rows: dict, budget: float, width: int = 40) -> None:
    """``rows``: name -> (scores, steps, training seconds), as a Markdown table."""
    print(f"budget {budget:g} s, torch {torch.__version__}, {torch.get_num_threads()} threads")
    print(f"| {'generator':{width}s} | steps | train s | confidence | eff. classes | Fréchet "
          f"| precision | recall |")
    print("|" + "---|" * 8)
    for name, (s, steps, elapsed) in rows.items():
        print(f"| {name:{width}s} | {steps or '':>5} | {elapsed or 0:7.1f} | "
              f"{s['confidence']:10.3f} | {s['effective classes']:12.2f} | "
              f"{s['Fréchet distance']:7.1f} | {s['precision']:9.2f} | {s['recall']:6.2f} |")


def write_json(rows: dict, path: str | None) -> None:
    if path:
        with open(path, "w") as file:
            json.dump({name: {"scores": s, "steps": steps, "seconds": elapsed}
                       for name, (s, steps, elapsed) in rows.items()}, file, indent=1)
