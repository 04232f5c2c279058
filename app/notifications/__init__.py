"""Notifications (issue 7): what residents are sent besides security mail, and how they choose.

- `reminders`: window reminders from the minute tick (opening day and shortly before closing).
- `broadcasts`: notices staff send from `/admin/notices`.
- `mailings`: planning a mailing into batches and delivering each batch (queue "low").
- `preferences`: e-mail and/or SMS per kind of message; signed one-click unsubscribe links.
"""
