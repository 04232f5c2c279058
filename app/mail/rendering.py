"""Mail bodies from templates: `mail/<name>.txt` and `mail/<name>.html`, in the tenant's branding."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import current_app, g, render_template

from app.jobs import enqueue
from app.mail.message import new_message_id, unsubscribe_headers


@contextmanager
def mail_request_context(base_url: str) -> Iterator[None]:
    """A request context on `base_url`, so a job's mail builds absolute links to the resident's
    host with `url_for(..., _external=True)`.

    Run inside a request (jobs run in-process without Redis), the nested context shares the app
    context's `g`; its teardown must not end the outer request's tenant scope, so the outer
    request's token is kept aside until it is over."""
    outer_token = g.pop("tenant_token", None)
    try:
        with current_app.test_request_context(base_url=base_url):
            yield
    finally:
        if outer_token is not None:
            g.tenant_token = outer_token


def render_mail(name: str, **context) -> tuple[str, str]:
    """The plain-text and HTML bodies of mail template `name`."""
    return (
        render_template(f"mail/{name}.txt", **context),
        render_template(f"mail/{name}.html", **context),
    )


def mail_renderer(name: str, **shared) -> Callable[..., tuple[str, str]]:
    """Mail `name` for many recipients: the templates are looked up and the app's template
    context (its context processors) computed once; each call renders one recipient's bodies
    from `shared` and its own context (a batch of a mass mailing)."""
    environment = current_app.jinja_env
    text = environment.get_template(f"mail/{name}.txt")
    html = environment.get_template(f"mail/{name}.html")
    base = dict(shared)
    current_app.update_template_context(base)

    def render(**context) -> tuple[str, str]:
        values = {**base, **context}
        return text.render(values), html.render(values)

    return render


def send_templated_mail(
    to: str | list[str],
    subject: str,
    name: str,
    *,
    unsubscribe_url: str | None = None,
    queue: str = "high",
    **context,
) -> str:
    """Render mail `name` now (links need the request's host) and send it in the background;
    returns its Message-ID, fixed here so a redelivered job resends the same message.

    Without `unsubscribe_url` the mail is a security message (confirmation, reset, password):
    no List-Unsubscribe, whatever the resident's preferences."""
    text, html = render_mail(name, subject=subject, unsubscribe_url=unsubscribe_url, **context)
    message_id = new_message_id()
    enqueue(
        "mail.send",
        queue=queue,
        to=to,
        subject=subject,
        text=text,
        html=html,
        headers=unsubscribe_headers(unsubscribe_url) if unsubscribe_url else None,
        message_id=message_id,
    )
    return message_id
