"""A cache of trained models on disk, so later chapters reuse what earlier ones trained.

The classifier trained in the CNN chapter judges the digits every later chapter
generates; nobody should have to retrain it per chapter. :func:`cached_model` loads a
model from the cache or, when it is missing, trains it (deterministically) and stores it.

The folder is ``$GENLAB_CACHE`` if set, else ``$XDG_CACHE_HOME/genlab`` (usually
``~/.cache/genlab``). A cache that holds the model loads without writing anything, so a
read-only or shared class folder works. Writes are atomic — a temporary file in the
same folder, then ``os.replace`` — so two notebooks running at once (pytest-xdist)
never read a half-written file, and a failed save keeps the good entry already there.
A model missing from the cache is trained under a lock on its name, so two processes
that both miss it train it once: the second waits, then loads. Loading uses
``torch.load(weights_only=True)`` (no pickled code runs) and checks what it loads.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import torch
from filelock import FileLock
from torch import nn

from .checks import check_flag, check_function, check_model, summary

FORMAT = "genlab-cache/1"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class CacheError(RuntimeError):
    """A cache file or folder cannot be used; the message says why and what to do."""


def _folder() -> Path:
    """The configured cache folder (which may not exist yet)."""
    if os.environ.get("GENLAB_CACHE"):
        return Path(os.environ["GENLAB_CACHE"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "genlab"


def _writable(folder: Path) -> bool:
    return os.access(folder, os.W_OK | os.X_OK)


def cache_dir() -> Path:
    """The cache folder, created if missing, for writing into. Raises
    :class:`CacheError` if it cannot be created or written (loading needs neither)."""
    folder = _folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CacheError(f"cannot create the genlab cache folder {folder} ({error}). "
                         "Set the GENLAB_CACHE environment variable to a writable "
                         "folder.") from error
    if not _writable(folder):
        raise CacheError(f"the genlab cache folder {folder} is not writable. Set the "
                         "GENLAB_CACHE environment variable to a writable folder.")
    return folder


def _check_name(name: Any) -> str:
    """``name`` if it can name a cache file: letters, digits, ``_``, ``-``, ``.``, not
    starting with a dot (no hidden files, no paths)."""
    if not isinstance(name, str):
        raise TypeError(f"name: expected the name of a cached model (a str), found "
                        f"{summary(name)}")
    if not _NAME.match(name):
        raise ValueError(f"name: expected letters, digits, '_', '-' and '.' (not first), "
                         f"found {name!r}")
    return str(name)


def cache_path(name: str) -> Path:
    """Where the model called ``name`` is (or would be) stored. The folder is created
    if it can be; a read-only folder is fine for reading."""
    name = _check_name(name)
    folder = _folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass  # nothing to load from it; a save says why it cannot write there
    return folder / f"{name}.pt"


def _plain(value: Any, name: str = "meta") -> Any:
    """``meta`` as plain Python values, the only kind ``weights_only`` loading accepts."""
    if isinstance(value, dict):
        return {str(k): _plain(v, f"{name}[{k!r}]") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v, f"{name}[{i}]") for i, v in enumerate(value)]
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:  # numpy/torch scalar
        return value.item()
    if isinstance(value, (str, bool, int, float)) or value is None:
        return value
    raise TypeError(f"{name}: expected numbers, strings, lists and dicts (what a cache "
                    f"file keeps beside the weights), found {summary(value)}")


def save(name: str, model: nn.Module, **meta: Any) -> Path:
    """Store ``model``'s weights and a small ``meta`` dict (numbers, strings, lists).

    Atomic: the file is written beside its place and renamed into it, so a save that
    fails (a full disk, a stop pressed mid-write) keeps the entry that was there."""
    return _save(_check_name(name), check_model(model, "model"), meta)


def _save(name: str, model: nn.Module, meta: dict[str, Any]) -> Path:
    payload = {"format": FORMAT, "name": name, "class": type(model).__name__,
               "state_dict": {k: v.detach().cpu() for k, v in model.state_dict().items()},
               "meta": _plain(meta)}
    path = cache_dir() / f"{name}.pt"
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            torch.save(payload, file)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(tmp, 0o644)  # readable by the class, like any file of a shared cache
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _read(name: str, path: Path, remedy: str) -> dict[str, Any]:
    """The payload of the cache file at ``path``, its form checked."""
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:
        # torch's own message suggests weights_only=False: exactly what not to do here.
        first_line = (str(error).splitlines() or [""])[0][:120]
        raise CacheError(f"the cached model {name!r} ({path}) is corrupt or unreadable "
                         f"({type(error).__name__}: {first_line}). {remedy}") from error
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise CacheError(f"{path} is not a genlab cache file. {remedy}")
    state, meta = payload.get("state_dict"), payload.get("meta")
    if (not isinstance(payload.get("class"), str) or not isinstance(meta, dict)
            or not isinstance(state, dict)
            or not all(isinstance(v, torch.Tensor) for v in state.values())):
        raise CacheError(f"the cached model {name!r} ({path}) is damaged: it lacks its "
                         f"class, weights or meta. {remedy}")
    return payload


def _check_fits(name: str, path: Path, state: dict[str, torch.Tensor], model: nn.Module,
                remedy: str) -> None:
    """Raise :class:`CacheError` unless ``state`` has exactly ``model``'s tensors, with
    their shapes, and finite values — before any of it is copied into ``model``."""
    own = model.state_dict()
    shapes = {k: tuple(v.shape) for k, v in state.items()}
    wanted = {k: tuple(v.shape) for k, v in own.items()}
    if shapes != wanted:
        missing = sorted(set(wanted) - set(shapes))
        extra = sorted(set(shapes) - set(wanted))
        resized = sorted(k for k in set(wanted) & set(shapes) if wanted[k] != shapes[k])
        what = "; ".join(f"{label}: {', '.join(keys[:4])}{' ...' if len(keys) > 4 else ''}"
                         for label, keys in (("missing", missing), ("unexpected", extra),
                                             ("other shapes", resized)) if keys)
        raise CacheError(f"the weights of the cached model {name!r} ({path}) do not fit "
                         f"this {type(model).__name__} (its architecture changed?): "
                         f"{what}. {remedy}")
    bad = [k for k, v in state.items() if v.is_floating_point() and not v.isfinite().all()]
    if bad:
        raise CacheError(f"the cached model {name!r} ({path}) holds NaN or infinite "
                         f"weights (in {', '.join(bad[:4])}). {remedy}")


def load(name: str, model: nn.Module) -> dict[str, Any]:
    """Load the cached weights called ``name`` into ``model``; return the stored meta.

    Needs no write access. Raises :class:`FileNotFoundError` if nothing is cached
    under that name, and :class:`CacheError` (naming the entry) if the file is corrupt
    or its weights do not fit ``model``; then ``model`` is left as it was.
    """
    name = _check_name(name)
    check_model(model, "model")
    path = _folder() / f"{name}.pt"
    if not path.is_file():
        raise FileNotFoundError(f"no cached model {name!r} at {path}")
    remedy = f"Delete {path} (or call cached_model(..., retrain=True)) to train it anew."
    payload = _read(name, path, remedy)
    if payload["class"] != type(model).__name__:
        raise CacheError(f"the cached model {name!r} ({path}) holds a "
                         f"{payload['class']}, not a {type(model).__name__}. {remedy}")
    _check_fits(name, path, payload["state_dict"], model, remedy)
    model.load_state_dict(payload["state_dict"])
    return payload["meta"]


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold a lock on the entry at ``path`` while it is trained. A lock file that
    cannot be made (one left by another user of a shared folder) costs only the guard
    against training twice, never the training itself."""
    lock = FileLock(str(path.with_suffix(".lock")))
    try:
        lock.acquire()
    except OSError:
        yield
        return
    try:
        yield
    finally:
        lock.release()


def cached_model(name: str, build: Callable[[], nn.Module],
                 train: Callable[[nn.Module], dict[str, Any] | None], *,
                 retrain: bool = False) -> tuple[nn.Module, dict[str, Any]]:
    """Load the model ``name`` from the cache, or ``build()`` and ``train()`` it first.

    ``train(model)`` trains in place and may return a meta dict (its test accuracy,
    say) that is stored beside the weights and returned on every later load.
    Returns ``(model, meta)`` with the model in eval mode.

    A cached model loads without a lock and without writing (a read-only or shared
    cache works). Only training takes a lock on ``name`` in the cache folder: a
    process that finds the model missing while another is training it waits for that
    one to finish, then loads what it stored, instead of training it a second time. A
    cache folder that cannot be written is refused before training starts.
    """
    name = _check_name(name)
    if isinstance(build, nn.Module):
        raise TypeError(f"build: expected a function that builds the model (such as "
                        f"{type(build).__name__} itself), found a built "
                        f"{type(build).__name__}")
    check_function(build, "build")
    check_function(train, "train")
    retrain = check_flag(retrain, "retrain")
    model = build()
    if not isinstance(model, nn.Module):
        raise TypeError(f"build: expected a function that returns a torch.nn.Module, "
                        f"found one that returns {summary(model)}")
    if not retrain:
        try:
            return model.eval(), load(name, model)
        except FileNotFoundError:
            pass
    path = cache_dir() / f"{name}.pt"  # trained only where it can then be stored
    with _locked(path):
        if not retrain:
            try:  # trained by another process while this one waited for the lock
                return model.eval(), load(name, model)
            except FileNotFoundError:
                pass
        meta = train(model)
        if meta is not None and not isinstance(meta, dict):
            raise TypeError(f"train: expected a function that returns a dict (or None), "
                            f"found one that returns {summary(meta)}")
        meta = meta or {}
        _save(name, model, meta)
    return model.eval(), meta
