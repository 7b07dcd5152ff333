"""Rewrite README.md's report library from the definitions (kht.reports.library)."""

from kht.reports.library import main

if __name__ == "__main__":
    main()
