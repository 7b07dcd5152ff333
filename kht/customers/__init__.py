"""Customers (accounts): companies or persons the company sells to."""
