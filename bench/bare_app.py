"""The yardstick: a bare Flask endpoint doing one INSERT per request on the same database.

Served by gunicorn exactly like the real app; `bench/readings.py` compares the two.
"""

from __future__ import annotations

import os
import uuid

from flask import Flask
from psycopg_pool import ConnectionPool

app = Flask(__name__)
pool = ConnectionPool(os.environ["BARE_DSN"], min_size=1, max_size=4, open=False)


@app.post("/bare")
def bare():
    """One INSERT, committed."""
    if pool.closed:
        pool.open()
    with pool.connection() as connection:
        connection.execute("INSERT INTO bench_bare (id, value) VALUES (%s, %s)",
                           (uuid.uuid4(), 1))
    return "", 204
