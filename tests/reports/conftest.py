"""A demo company (built through the services by `kht demo`) to run the library against."""

from __future__ import annotations

import pytest

from kht.demo import load_demo


@pytest.fixture
def demo(kht_app):
    """The app with the standard-product pack and the demo company (accounts, records)."""
    app = kht_app(["standard_product"])
    from kht.testing import runtime_of

    load_demo(runtime_of(app), size=30)
    return app
