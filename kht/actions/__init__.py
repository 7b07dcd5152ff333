"""Actions (行动): calls, visits, meetings, tasks, notes on any record; the timeline."""
