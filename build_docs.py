#!/usr/bin/env python3
"""Build the plan and its annex from config/plan.yaml:  python build_docs.py  (--help for more)."""
import sys

from generator.cli import main

if __name__ == "__main__":
    sys.exit(main())
