"""Who acts in Zhuli: users, their role and scope (:class:`Actor`), password logins and signed tokens."""

from accounts.actor import Actor
from accounts.auth import authenticate, login_locked_until
from accounts.tokens import issue_token, verify_token
from accounts.users import create_user, deactivate_user, get_user, set_password

__all__ = [
    "Actor",
    "authenticate",
    "create_user",
    "deactivate_user",
    "get_user",
    "issue_token",
    "login_locked_until",
    "set_password",
    "verify_token",
]
