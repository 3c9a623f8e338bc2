"""Shared fixtures: every test gets its own empty genlab cache folder."""

import matplotlib
import pytest

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path, monkeypatch):
    """Point GENLAB_CACHE at a fresh folder so tests never touch the user's cache."""
    folder = tmp_path / "genlab-cache"
    monkeypatch.setenv("GENLAB_CACHE", str(folder))
    return folder
