"""The repository's promises: open dependency ranges, environment.yml agreeing with
pyproject.toml, notebooks committed without outputs, a Colab install cell in every
chapter pointing at the one configured repository, every chapter in the table of
contents, and a torch/torchvision pair that works together."""

import json
import re
from pathlib import Path

import pytest
import yaml

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
CHAPTERS = sorted((ROOT / "book").glob("*.ipynb"))


def requirement_name(spec: str) -> str:
    return re.split(r"[\s<>=!~;\[]", spec, maxsplit=1)[0].lower()


def all_requirements():
    yield from PYPROJECT["project"]["dependencies"]
    for extra in PYPROJECT["project"]["optional-dependencies"].values():
        yield from extra


def test_requirements_are_open_ranges():
    for spec in all_requirements():
        assert "==" not in spec and "~=" not in spec, f"exact pin breaks Colab: {spec}"


def test_core_requirements():
    names = {requirement_name(s) for s in PYPROJECT["project"]["dependencies"]}
    assert {"torch", "torchvision", "numpy", "matplotlib", "ipywidgets", "tqdm"} <= names
    ipywidgets = next(s for s in PYPROJECT["project"]["dependencies"]
                      if requirement_name(s) == "ipywidgets")
    assert ">=8" in ipywidgets
    assert PYPROJECT["project"]["requires-python"] == ">=3.10"
    book = " ".join(PYPROJECT["project"]["optional-dependencies"]["book"])
    assert "jupyter-book>=1" in book and "<2" in book


def test_environment_yml_installs_genlab_with_every_extra():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    assert any(d.startswith("python") for d in conda) and "pip" in conda
    pip_part = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    installs = [line for line in pip_part if re.match(r"(-e\s+)?\.(\[|$)", line)]
    assert len(installs) == 1, f"environment.yml must install genlab itself: {pip_part}"
    extras = set(re.search(r"\[(.*)\]", installs[0]).group(1).split(","))
    assert extras == set(PYPROJECT["project"]["optional-dependencies"])
    # Nothing else is listed beside genlab, so the two routes cannot drift apart.
    assert len(pip_part) == 1


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_notebook_committed_without_outputs(path):
    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, \
                f"{path.name} has outputs: clear them before committing"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_first_code_cell_installs_genlab_only_in_colab(path):
    nb = json.loads(path.read_text())
    first = "".join(next(c for c in nb["cells"] if c["cell_type"] == "code")["source"])
    url = CONFIG["repository"]["url"].rstrip("/")
    branch = CONFIG["repository"]["branch"]
    assert 'if "google.colab" in sys.modules:' in first
    first_cell = next(c for c in nb["cells"] if c["cell_type"] == "code")
    assert "remove-cell" in first_cell["metadata"].get("tags", []), \
        "the install cell is for Colab, not for the page: tag it remove-cell"
    assert f"genlab @ git+{url}@{branch}" in first, \
        f"{path.name} installs from another place than _config.yml's repository"
    # Only the install is conditional, and it never reinstalls torch.
    assert "torch" not in first.split("google.colab")[1]


def test_every_chapter_is_in_the_table_of_contents():
    def files(node):
        if isinstance(node, dict):
            if "file" in node:
                yield node["file"]
            for value in node.values():
                yield from files(value)
        elif isinstance(node, list):
            for item in node:
                yield from files(item)

    listed = {TOC["root"], *files(TOC)}
    for path in CHAPTERS:
        assert f"book/{path.stem}" in listed, f"{path.name} is missing from _toc.yml"
    for name in listed:
        assert list(ROOT.glob(f"{name}.*")), f"_toc.yml lists {name}, which does not exist"


def test_the_book_serves_its_own_javascript_and_no_widget_manager():
    config = CONFIG["sphinx"]["config"]
    static = [ROOT / folder for folder in config["html_static_path"]]
    assert not (ROOT / "_static").exists(), "JB would add every .js in _static to every page"
    assert "://" not in config["mathjax_path"], "MathJax would need a CDN"
    assert any((folder / config["mathjax_path"]).is_file() for folder in static)
    # MathJax's HTML output loads its fonts from beside the script
    assert any((folder / "mathjax/output/chtml/fonts/woff-v2/MathJax_Main-Regular.woff")
               .is_file() for folder in static)
    assert config["nb_ipywidgets_js"] == {}  # no 3.6 MB widget manager on any page
    assert ["html", "application/vnd.jupyter.widget-view+json", None] in \
        config["nb_mime_priority_overrides"]  # live widgets show their note instead
    # the stub that replaces the theme's icon script, and the theme CSS that draws them
    import pydata_sphinx_theme
    assert any((folder / "scripts/fontawesome.js").is_file() for folder in static)
    theme_css = (Path(pydata_sphinx_theme.__file__).parent / "theme/pydata_sphinx_theme/"
                 "static/styles/pydata-sphinx-theme.css").read_text()
    for icon in ("github", "rocket", "bars", "magnifying-glass", "download", "expand"):
        assert re.search(rf"\.fa-{icon}:before", theme_css), f"the theme CSS lacks {icon}"


def test_torch_and_torchvision_fit_together():
    import torch
    import torchvision.ops

    # A torchvision built for another torch fails here ("operator torchvision::nms does
    # not exist") — the symptom of the CPU-only torch 2.13.0 wheel beside torchvision.
    boxes = torch.tensor([[0.0, 0.0, 1.0, 1.0], [0.0, 0.0, 1.0, 1.0]])
    assert torchvision.ops.nms(boxes, torch.tensor([0.9, 0.8]), 0.5).tolist() == [0]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_every_code_cell_is_valid_python(path):
    """Caught in seconds here, rather than minutes into nbmake and the book build."""
    import ast

    nb = json.loads(path.read_text())
    for number, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            source = "".join(cell["source"])
            try:
                ast.parse(source)
            except SyntaxError as error:
                pytest.fail(f"{path.name}, cell {number}: {error}")


def test_a_fork_changes_the_repository_in_one_place(tmp_path):
    import shutil
    import subprocess
    import sys

    (tmp_path / "book").mkdir()
    for path in CHAPTERS:
        shutil.copy(path, tmp_path / "book" / path.name)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    config = (ROOT / "_config.yml").read_text()
    url = CONFIG["repository"]["url"]
    (tmp_path / "_config.yml").write_text(
        config.replace(url, "https://github.com/a-teacher/genlab-fork")
              .replace("branch: main", "branch: spring"))
    script = ROOT / "scripts" / "use_repository.py"
    done = subprocess.run([sys.executable, script, "--root", tmp_path],
                          capture_output=True, text=True, check=True)
    assert done.stdout.count("updated") == len(CHAPTERS) + 1
    for path in CHAPTERS:
        old, new = path.read_text(), (tmp_path / "book" / path.name).read_text()
        assert "git+https://github.com/a-teacher/genlab-fork@spring" in new
        assert url not in new
        assert new.count("github.com/a-teacher/genlab-fork/blob/spring/") == \
            old.count(f"{url}/blob/main/")
        changed = [(a, b) for a, b in zip(old.splitlines(), new.splitlines()) if a != b]
        assert len(old.splitlines()) == len(new.splitlines())
        assert len(changed) == 1 + old.count(f"{url}/blob/main/")
        assert all("a-teacher/genlab-fork" in b for _, b in changed)
    assert 'Homepage = "https://github.com/a-teacher/genlab-fork"' in \
        (tmp_path / "pyproject.toml").read_text()
    rerun = subprocess.run([sys.executable, script, "--root", tmp_path],
                           capture_output=True, text=True, check=True)
    assert "already agrees" in rerun.stdout


def test_publishing_workflow_builds_and_deploys_on_push_to_main():
    workflow = yaml.safe_load((ROOT / ".github/workflows/book.yml").read_text())
    triggers = workflow[True]  # YAML reads the key "on" as true
    assert triggers["push"]["branches"] == ["main"]
    build = workflow["jobs"]["build"]["steps"]
    runs = " ".join(step.get("run", "") for step in build)
    assert "make book" in runs and "download.pytorch.org/whl/cpu" in runs
    uses = [step.get("uses", "") for step in build]
    assert any(u.startswith("actions/upload-pages-artifact") for u in uses)
    artifact = next(s for s in build if s.get("uses", "").startswith("actions/upload-pages"))
    assert artifact["with"]["path"] == "_build/html"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build" and workflow["permissions"]["pages"] == "write"
    assert any(s.get("uses", "").startswith("actions/deploy-pages") for s in deploy["steps"])
