"""Fixtures of the demo seed's tests: one argon2 hash of the demo password per module (argon2 is
slow on purpose), and a seeded database."""

from __future__ import annotations

import pytest

from app.auth.passwords import hash_password
from tests.support.demo import PASSWORD, run_seed


@pytest.fixture(scope="module")
def demo_password_hash() -> str:
    return hash_password(PASSWORD)


@pytest.fixture(autouse=True)
def _hash_demo_password_once_per_module(monkeypatch, demo_password_hash):
    # argon2 is slow on purpose; one real hash of the demo password serves every seed here.
    monkeypatch.setattr(
        "app.demo.logins.hash_password",
        lambda password: demo_password_hash if password == PASSWORD else hash_password(password),
    )


@pytest.fixture
def seeded(app, tenants) -> str:
    return run_seed(app)
