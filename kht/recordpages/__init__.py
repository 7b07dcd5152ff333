"""Record pages built from a record kind\x27s declaration: list, form, detail, history."""
