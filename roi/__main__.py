"""`python -m roi`: the command line."""

import sys

from .cli import main

sys.exit(main())
