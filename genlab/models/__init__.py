"""The book's models, one file per family: ``cnn`` (the digit classifier), ..."""
