"""The compliance pages of the measures: one module per page or group of pages."""
