#!/usr/bin/env python3
"""Build the agenda website: `python build.py [--check] [--strict] [--out DIR] [--config FILE]`."""

import sys

from agendasite.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
