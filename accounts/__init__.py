"""Who acts in Zhuli: users, their role and scope (:class:`Actor`), authentication."""

from accounts.actor import Actor

__all__ = ["Actor"]
