"""kht.sales.analysis.service: the funnel as plugins reach it (a `service` module)."""

from __future__ import annotations

from kht.sales.analysis import funnel as funnel_module
from kht.sales.analysis import service


def test_the_public_service_is_the_funnel_itself():
    assert service.funnel is funnel_module.funnel
    assert service.stage_conversion_over_time is funnel_module.stage_conversion_over_time
