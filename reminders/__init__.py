"""Reminders and escalation: one digest per person per day (see services.py)."""
