"""``python -m peelstats``: the command line."""

import sys

from peelstats.cli import main

sys.exit(main())
