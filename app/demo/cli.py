"""`flask --app wsgi demo ...`: demo data for every tenant."""

from flask.cli import AppGroup

demo_cli = AppGroup("demo", help="Demo data for the embedded default.")
