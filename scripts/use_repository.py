"""Point every place that names the repository at the one set in _config.yml.

_config.yml's ``repository`` (url, branch) is the one place a fork changes. The Colab
buttons are made from it at build time; this script writes it into what cannot read
it at run time: each chapter's Colab install cell (``pip install genlab @ git+URL@BRANCH``,
in the Korean edition ``genlab[ko] @ ...``), the prose's links to files of the repository
(``URL/blob/BRANCH/benchmarks/README.md``), in both editions, the Korean edition's ko/_config.yml, and the project's homepage in
pyproject.toml. tests/test_project.py checks they agree.

Usage: python scripts/use_repository.py [--root PATH]     (or: make repository)
"""

import argparse
import json
import re
from pathlib import Path

import yaml

INSTALL = re.compile(r"genlab(\[\w+\])? @ git\+https://[^\s\"'@]+@[\w./-]+")
FILE_LINK = re.compile(r"https://github\.com/[\w.-]+/[\w.-]+/blob/[\w.-]+/")
HOMEPAGE = re.compile(r'^Homepage = ".*"$', re.M)


def use_repository(root: Path) -> list[Path]:
    """Rewrite the install cells, file links and homepage under ``root``; return the
    files changed."""
    config_file = root / "_config.yml"
    if not config_file.is_file():
        raise FileNotFoundError(f"no _config.yml in {root}: run this from the repository")
    repository = yaml.safe_load(config_file.read_text())["repository"]
    url, branch = repository["url"].rstrip("/"), repository["branch"]
    if not re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url):
        raise ValueError(f"repository.url in _config.yml must look like "
                         f"https://github.com/OWNER/NAME, got {url!r}")
    changed = []
    notebooks = [*(root / "book").glob("*.ipynb"), *(root / "ko" / "book").glob("*.ipynb")]
    for notebook in sorted(notebooks):  # both editions' chapters
        text = notebook.read_text(encoding="utf-8")
        nb = json.loads(text)
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                cell["source"] = [INSTALL.sub(fr"genlab\1 @ git+{url}@{branch}", line)
                                  for line in cell["source"]]
            elif cell["cell_type"] == "markdown":
                cell["source"] = [FILE_LINK.sub(f"{url}/blob/{branch}/", line)
                                  for line in cell["source"]]
        new = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
        if new != text:
            notebook.write_text(new, encoding="utf-8")
            changed.append(notebook)
    korean = root / "ko" / "_config.yml"  # the Korean edition's copy of the setting
    if korean.is_file():
        text = korean.read_text(encoding="utf-8")
        new = re.sub(r"^  url: .*$", f"  url: {url}", text, count=1, flags=re.M)
        new = re.sub(r"^  branch: .*$", f"  branch: {branch}", new, count=1, flags=re.M)
        if new != text:
            korean.write_text(new, encoding="utf-8")
            changed.append(korean)
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    new = HOMEPAGE.sub(f'Homepage = "{url}"', text)
    if new != text:
        pyproject.write_text(new, encoding="utf-8")
        changed.append(pyproject)
    return changed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1],
                        help="the repository (default: this script's)")
    changed = use_repository(parser.parse_args().root)
    print("\n".join(f"updated {path}" for path in changed) or "everything already agrees")


if __name__ == "__main__":
    main()
