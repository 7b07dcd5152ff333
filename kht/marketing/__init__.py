"""Marketing (市场营销): campaigns with a process, costs, members, attribution and ROI."""
