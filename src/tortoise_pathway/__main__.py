"""``python -m tortoise_pathway``: the command line."""

import sys

from .cli import main

sys.exit(main())
