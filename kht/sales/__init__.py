"""Sales: processes, opportunities, quotes, orders, quotas, forecast and funnel."""
