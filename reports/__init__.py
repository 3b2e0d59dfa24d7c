"""Committee progress reports: the plan's tables as of a date, rendered to PDF."""
