"""Every core table, imported together so foreign keys between domains resolve."""

from kht.audit.models import AuditEntry
from kht.auth.models import ApiToken, LoginAttempt, Role, User, UserSession
from kht.customers.models import Customer
from kht.db.custom_fields import CustomField
from kht.org.models import Branch, BusinessLine, Department, user_business_lines
from kht.plugins import PluginState

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Branch",
    "BusinessLine",
    "CustomField",
    "Customer",
    "Department",
    "LoginAttempt",
    "PluginState",
    "Role",
    "User",
    "UserSession",
    "user_business_lines",
]
