"""Flask extensions, created here and initialised in the app factory."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData

from app.db import NAMING_CONVENTION

# Objects stay readable after the request's commit (a redirect, a mail): no reload per attribute.
db = SQLAlchemy(
    metadata=MetaData(naming_convention=NAMING_CONVENTION),
    session_options={"expire_on_commit": False},
)
migrate = Migrate()
csrf = CSRFProtect()
babel = Babel()
# Storage, key prefix and defaults come from the app config (see app.factory).
limiter = Limiter(key_func=get_remote_address)
