"""``python -m famsock``: the same as the ``famsock`` command."""

import sys

from .cli import main

sys.exit(main())
