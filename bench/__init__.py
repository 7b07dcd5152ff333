"""Benchmarks: a data generator and a runner comparing kht with a bare litestar + SQLAlchemy app."""
