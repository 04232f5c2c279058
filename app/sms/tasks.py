"""SMS as a background job, so a request never waits on the provider."""

from __future__ import annotations

from app.jobs import job
from app.sms.message import send_sms


@job("sms.send")
def send_sms_job(to: str, text: str, sms_id: str) -> str:
    """Send one SMS as the job's tenant; the id was fixed at enqueue time."""
    return send_sms(to, text, sms_id=sms_id)
