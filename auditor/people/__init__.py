"""People and who they are: accounts and API tokens, passwords (argon2), logging in with the
failed-login throttle, and the flask-login loaders for cookies and Bearer tokens.

Imports `core` and `models`. `authentication.py` is the one module here that reads the request
(it is the loader behind `current_user`); the rest take the user, the session and settings
(`PasswordHashing`, `LoginLimit`, `LoginSettings`, built by the caller from the app's
configuration) as arguments, so the API, the pages and the commands share them.
"""
