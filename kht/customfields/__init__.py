"""Administrators' custom fields: add, order, change and retire fields on record kinds."""
