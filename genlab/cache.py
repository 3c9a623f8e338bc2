"""A cache of trained models on disk, so later chapters reuse what earlier ones trained.

The classifier trained in the CNN chapter judges the digits every later chapter
generates; nobody should have to retrain it per chapter. :func:`cached_model` loads a
model from the cache or, when it is missing, trains it (deterministically) and stores it.

The folder is ``$GENLAB_CACHE`` if set, else ``$XDG_CACHE_HOME/genlab`` (usually
``~/.cache/genlab``). Writes are atomic — a temporary file in the same folder, then
``os.replace`` — so two notebooks running at once (pytest-xdist) never read a
half-written file; and a model missing from the cache is trained under a lock on its
name, so two processes that both miss it train it once: the second waits, then loads.
Loading uses ``torch.load(weights_only=True)``: no pickled code runs.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch
from filelock import FileLock
from torch import nn

FORMAT = "genlab-cache/1"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class CacheError(RuntimeError):
    """A cache file or folder cannot be used; the message says why and what to do."""


def cache_dir() -> Path:
    """The cache folder (created if missing). Raises :class:`CacheError` if unwritable."""
    if os.environ.get("GENLAB_CACHE"):
        folder = Path(os.environ["GENLAB_CACHE"]).expanduser()
    else:
        base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
        folder = Path(base) / "genlab"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CacheError(f"cannot create the genlab cache folder {folder} ({error}). "
                         "Set the GENLAB_CACHE environment variable to a writable "
                         "folder.") from error
    if not os.access(folder, os.W_OK | os.X_OK):
        raise CacheError(f"the genlab cache folder {folder} is not writable. Set the "
                         "GENLAB_CACHE environment variable to a writable folder.")
    return folder


def cache_path(name: str) -> Path:
    """Where the model called ``name`` is (or would be) stored."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(f"invalid cache name {name!r}: use letters, digits, '_', '-', '.'")
    return cache_dir() / f"{name}.pt"


def _plain(value: Any) -> Any:
    """``meta`` as plain Python values, the only kind ``weights_only`` loading accepts."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:  # numpy/torch scalar
        return value.item()
    if isinstance(value, (str, bool, int, float)) or value is None:
        return value
    raise TypeError(f"cache meta must hold numbers, strings, lists and dicts; got "
                    f"{type(value).__name__}")


def save(name: str, model: nn.Module, **meta: Any) -> Path:
    """Store ``model``'s weights and a small ``meta`` dict (numbers, strings, lists)."""
    path = cache_path(name)
    payload = {"format": FORMAT, "name": name, "class": type(model).__name__,
               "state_dict": {k: v.detach().cpu() for k, v in model.state_dict().items()},
               "meta": _plain(meta)}
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            torch.save(payload, file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def load(name: str, model: nn.Module) -> dict[str, Any]:
    """Load the cached weights called ``name`` into ``model``; return the stored meta.

    Raises :class:`FileNotFoundError` if nothing is cached under that name, and
    :class:`CacheError` if the file is corrupt or belongs to a different model.
    """
    path = cache_path(name)
    if not path.is_file():
        raise FileNotFoundError(f"no cached model {name!r} at {path}")
    remedy = f"Delete {path} (or call cached_model(..., retrain=True)) to train it anew."
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:
        # torch's own message suggests weights_only=False: exactly what not to do here.
        first_line = (str(error).splitlines() or [""])[0][:120]
        raise CacheError(f"the cached model file {path} is corrupt or unreadable "
                         f"({type(error).__name__}: {first_line}). {remedy}") from error
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise CacheError(f"{path} is not a genlab cache file. {remedy}")
    if payload["class"] != type(model).__name__:
        raise CacheError(f"{path} holds a {payload['class']}, not a "
                         f"{type(model).__name__}. {remedy}")
    try:
        model.load_state_dict(payload["state_dict"])
    except RuntimeError as error:
        raise CacheError(f"the weights in {path} do not fit this {type(model).__name__} "
                         f"(its architecture changed?): {error}. {remedy}") from error
    return payload["meta"]


def cached_model(name: str, build: Callable[[], nn.Module],
                 train: Callable[[nn.Module], dict[str, Any] | None], *,
                 retrain: bool = False) -> tuple[nn.Module, dict[str, Any]]:
    """Load the model ``name`` from the cache, or ``build()`` and ``train()`` it first.

    ``train(model)`` trains in place and may return a meta dict (its test accuracy,
    say) that is stored beside the weights and returned on every later load.
    Returns ``(model, meta)`` with the model in eval mode.

    Training happens under a lock on ``name`` in the cache folder: a process that
    finds the model missing while another is training it waits for that one to finish,
    then loads what it stored, instead of training the same model a second time.
    """
    model = build()
    if not retrain:
        try:
            return model.eval(), load(name, model)
        except FileNotFoundError:
            pass
    with FileLock(str(cache_path(name).with_suffix(".lock"))):
        if not retrain:
            try:  # trained by another process while this one waited for the lock
                return model.eval(), load(name, model)
            except FileNotFoundError:
                pass
        meta = train(model) or {}
        save(name, model, **meta)
    return model.eval(), meta
