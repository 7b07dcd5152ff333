"""List views: filters, sorting, columns, saved views and dynamic segments."""
