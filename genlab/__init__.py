"""genlab: the companion package of the genlab book on image-generation models.

Each module is one idea a reader can name:

- :mod:`genlab.data` — the bundled MNIST digits, the full datasets, batching
- :mod:`genlab.cache` — trained models stored on disk for later chapters
- :mod:`genlab.runtime` — seeding and device choice
- :mod:`genlab.checks` — what every function checks of its input: digits, labels,
  codes, counts, numbers
- :mod:`genlab.frame` — what every training loop shares: its record, its budget, the
  finite-loss check, eval mode and the device
- :mod:`genlab.plots` — image grids and rows
- :mod:`genlab.widgets` — interactive pieces that also work without a kernel
- :mod:`genlab.judge`, :mod:`genlab.metrics` — the digit classifier that scores
  generators, and its measures
- :mod:`genlab.training`, :mod:`genlab.adversarial`, :mod:`genlab.diffusion` — how
  classifiers and autoencoders, GANs, and diffusion models are trained
- :mod:`genlab.models` — the networks: ``cnn``, ``autoencoders``, ``gan``,
  ``stylegan``, ``unet``
- :mod:`genlab.pretrained` — the models chapters share: recipes, and trained weights
  shipped inside the package
- :mod:`genlab.yardstick` — every generator of the book scored the same way
- :mod:`genlab.classroom` — student copies and measured chapter times, for teachers
- :mod:`genlab.language` — the reader's language (English or Korean) for everything
  genlab prints and draws, and Hangul in figures
"""

__version__ = "0.1.0"
