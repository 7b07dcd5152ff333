"""Importing records from CSV and Excel files: mapping, preview, validation, error reports."""
