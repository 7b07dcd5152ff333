"""The pool module's hook implementations."""
