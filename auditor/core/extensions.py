"""The extension singletons, bound to an app in create_app."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from auditor.models.base import Base

# a request commits once and then answers with what it holds: keeping loaded objects after the
# commit saves re-reading every row of the answer (the session ends with the request anyway)
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
# no decorator limits: failed logins are counted explicitly in login_throttle.py
limiter = Limiter(key_func=get_remote_address)
