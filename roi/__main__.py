"""`python -m roi`: the command line."""

import sys

from roi.cli.commands import main

sys.exit(main())
