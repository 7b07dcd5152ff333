"""Customer lifecycle: configurable stages, allowed transitions and their history."""
