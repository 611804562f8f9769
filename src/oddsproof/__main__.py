"""``python -m oddsproof``: the command line."""

import sys

from oddsproof.cli import main

sys.exit(main())
