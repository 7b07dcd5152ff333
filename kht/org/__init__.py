"""Organisation: the department tree, branches (regions) and business (product) lines."""
