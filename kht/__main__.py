"""`python -m kht` is the `kht` command."""

from kht.cli import main

main()
