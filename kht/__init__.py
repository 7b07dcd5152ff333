"""kht (客户通): an open-source, plugin-based CRM."""

__version__ = "0.1.0"
