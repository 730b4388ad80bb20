"""People and who they are: accounts and API tokens, passwords (argon2), logging in with the
failed-login throttle, and the flask-login loaders for cookies and Bearer tokens.

Imports `core` and `models`. `authentication.py` is the one module here that reads the request
(it is the loader behind `current_user`); the rest take the user, the session and settings as
arguments, so the API and the pages share them.
"""
