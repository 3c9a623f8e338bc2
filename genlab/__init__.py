"""genlab: the companion package of the genlab book on image-generation models.

Each module is one idea a reader can name:

- :mod:`genlab.data` — the bundled MNIST digits, the full datasets, batching
- :mod:`genlab.cache` — trained models stored on disk for later chapters
- :mod:`genlab.runtime` — seeding and device choice
- :mod:`genlab.plots` — image grids and rows
- :mod:`genlab.widgets` — interactive pieces that also work without a kernel
"""

__version__ = "0.1.0"
