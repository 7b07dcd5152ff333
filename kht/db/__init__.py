"""Data layer: engine and sessions, declarative base and mixins, custom fields, migrations."""
