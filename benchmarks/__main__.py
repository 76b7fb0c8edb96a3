"""`python -m benchmarks`: run the suite and print the table."""

import sys

from .run import main

sys.exit(main())
