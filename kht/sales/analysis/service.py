"""The public face of sales analysis for plugins: the funnel and its conversion over time.

The computations live in kht.sales.analysis.funnel; plugins import them from here (a
plugin may use only `service` and `schemas` modules of the core), so the funnel's module
layout can change without breaking them. Both check the user's right to view
opportunities and count only the opportunities in their scope.
"""

from __future__ import annotations

from kht.sales.analysis.funnel import funnel, stage_conversion_over_time

__all__ = ["funnel", "stage_conversion_over_time"]
