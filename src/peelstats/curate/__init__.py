"""Curation tooling: compile ``data/records/`` into the data package and check it.

Not part of the library users install: it needs the ``curate`` extra
(``pip install "peelstats[curate]"``: PyYAML and frictionless). The library
(``peelstats.load``, analytics, plots, report) never imports this package.
"""
