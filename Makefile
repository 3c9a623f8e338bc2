# genlab — two commands for a fresh machine (see README.md):
#   make book   create .venv if missing, install genlab, execute every chapter, build the book:
#               the English edition into _build/html, the Korean one (ko/) into _build/html/ko
#   make test   create .venv if missing, then the whole test suite: the unit tests and
#               every chapter under nbmake (each chapter executed once), then the strict
#               book build of those executed chapters and the built pages in Chromium
#   make repository   write _config.yml's repository into each chapter's Colab install cell
#   make student-copies   the chapters without solutions or outputs, into student-copies/
#                         (EDITION=ko: the Korean edition's, into student-copies/ko/)
#   make chapter-times    run every chapter alone and record its time (the instructor page)
#   make models   retrain every shipped model by its recipe: genlab/weights/ (minutes)
#   make catalogue   gather genlab's reader-facing words into the Korean catalogue
#                    (genlab/locale/ko/LC_MESSAGES/genlab.po) and compile it (.mo)
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.genlab-installed
# matplotlib's font cache lives beside the environment whose fonts it lists: a shared
# ~/.cache/matplotlib can point into a deleted environment, and then every figure with
# a fallback glyph writes "findfont ... not found" to stderr, which fails the strict build.
export MPLCONFIGDIR := $(abspath $(VENV))/matplotlib
# The chapters this Makefile executes become static pages: there, a finished progress bar
# is one line saying what ran and how long (genlab.runtime.progress), not a widget.
# Jupyter and Colab, which do not read this, keep their live bars.
export GENLAB_PROGRESS := line

.PHONY: book html test clean repository student-copies chapter-times models catalogue

# pip picks torch and torchvision from the open ranges in pyproject.toml; on the book's
# build machines that resolves to the matching pair on local disk. The last line fails
# loudly if torch and torchvision do not fit together.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[book,test,ko]"
	$(PY) -c "import torch, torchvision, torchvision.ops as o; o.nms(torch.zeros(1,4), torch.zeros(1), 0.5); print('torch', torch.__version__, '/ torchvision', torchvision.__version__)"
	touch $(STAMP)

book: $(STAMP)
	$(MAKE) --no-print-directory html
	@echo "The book: $(CURDIR)/_build/html/index.html (Korean: _build/html/ko/index.html)"

# The strict build of both editions (tests/conftest.py runs it too, with JB_FLAGS=--all).
# The Korean edition builds beside the English one and is copied into its ko/ folder.
JUPYTER_BOOK ?= $(VENV)/bin/jupyter-book
JB_FLAGS ?=
html:
	$(JUPYTER_BOOK) build -W -n --keep-going $(JB_FLAGS) .
	$(JUPYTER_BOOK) build -W -n --keep-going $(JB_FLAGS) ko --path-output _build/ko
	rm -rf _build/html/ko && cp -R _build/ko/_build/html _build/html/ko

# make test executes every chapter of both editions once. Step 1: nbmake runs the chapters, beside the
# unit tests, on a copy of book/ (--overwrite writes the outputs into the copy, never into
# the committed chapters), on two workers in the order tests/conftest.py gives. Step 2:
# those outputs go into the book's execution cache. Step 3: the strict build (make book's
# own command) renders the chapters from that cache, executing none again, and the
# browser tests read it. Two test processes share the two cores, so each uses one thread:
# torch's default of one thread per core, twice over, makes OpenMP threads spin against
# each other and runs many times slower.
EXECUTED := _executed
test: $(STAMP)
	rm -rf $(EXECUTED) && mkdir -p $(EXECUTED)/ko && cp -R book $(EXECUTED)/book && cp -R ko/book $(EXECUTED)/ko/book
	OMP_NUM_THREADS=1 $(PY) -m pytest -n 2 --dist loadfile --no-loadscope-reorder -m "not rendered_book" --nbmake --overwrite --nbmake-timeout=900 --durations=15 tests $(EXECUTED)/book $(EXECUTED)/ko/book
	$(PY) scripts/seed_execution_cache.py $(EXECUTED)/book
	$(PY) scripts/seed_execution_cache.py --edition ko $(EXECUTED)/ko/book
	$(PY) -m pytest -m rendered_book --durations=5 tests

repository: $(STAMP)
	$(PY) scripts/use_repository.py

# make student-copies EDITION=ko writes the Korean edition's, into student-copies/ko
EDITION ?= en
student-copies: $(STAMP)
	$(PY) -m genlab.classroom student-copies $(if $(filter ko,$(EDITION)),--book ko/book student-copies/ko,student-copies)

chapter-times: $(STAMP)
	$(PY) -m genlab.classroom time-chapters

# The one way the shipped weights and their manifests (genlab/weights/) are made.
models: $(STAMP)
	$(PY) -m genlab.pretrained train-all

# What genlab shows a reader is marked in its source with tr("...") or N_("...")
# (genlab/language.py). Babel gathers the marked words, merges them into the Korean
# catalogue (new ones untranslated, gone ones dropped) and compiles the .mo that Python's
# gettext reads; tests/test_language.py fails while a word lacks its Korean.
# (scripts/compile_catalogue.py names the same file)
CATALOGUE := genlab/locale/ko/LC_MESSAGES/genlab.po
catalogue: $(STAMP)
	mkdir -p _build
	$(VENV)/bin/pybabel -q extract --no-default-keywords -k tr -k N_ --add-location=file --sort-by-file --project=genlab -o _build/genlab.pot genlab
	$(VENV)/bin/pybabel -q update --no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date -i _build/genlab.pot -o $(CATALOGUE) -l ko
	$(PY) scripts/compile_catalogue.py

clean:
	rm -rf _build $(EXECUTED)
