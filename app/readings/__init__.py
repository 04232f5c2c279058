"""Meter readings: windows, submission, validation, history, protocol (SPEC §2, §3)."""
