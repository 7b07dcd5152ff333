"""Service (服务管理): tickets, SLA on China's working calendar, queues, intake, satisfaction."""
