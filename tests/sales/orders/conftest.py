"""The quotes fixtures serve the order tests too."""

from tests.sales.quotes.conftest import Shop, shop

__all__ = ["Shop", "shop"]
