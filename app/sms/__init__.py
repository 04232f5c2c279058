"""Outgoing SMS: `send_sms()` now, `queue_sms()` in the background (SPEC §6 notifications).

SMS_BACKEND picks the delivery: `outbox` writes JSON files under `instance/sms-outbox/` (the
development default), `http` posts to the provider at SMS_URL with SMS_KEY. Numbers are Russian
mobiles in E.164; a text is kept to two segments.
"""

from __future__ import annotations

from app.sms.message import queue_sms, send_sms
from app.sms.numbers import InvalidNumber, sms_number
from app.sms.segments import count_segments, fit_segments

__all__ = ["InvalidNumber", "count_segments", "fit_segments", "queue_sms", "send_sms", "sms_number"]
