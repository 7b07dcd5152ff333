"""Every core table, imported together so foreign keys between domains resolve."""

from kht.auth.models import User
from kht.customers.models import Customer
from kht.db.custom_fields import CustomField
from kht.plugins import PluginState

__all__ = ["CustomField", "Customer", "PluginState", "User"]
