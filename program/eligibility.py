"""Which societies may receive new offers: the one rule the offer rounds and the center's reroute use.

A society gets new offers while it is active and has not lost its pilot qualification by a formal
decision (seed art. 18, :class:`~models.Disqualification`). Selected as a pilot again later (``is_pilot``
set by a new selection), it is eligible again. Offers made before the decision are not touched here;
:func:`program.disqualification.disqualify` settles those.

Models only are imported here, so the workflow can use the rule without importing the program services.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists

from models import Disqualification, Society


def offerable_society() -> ColumnElement[bool]:
    """A SQL condition on :class:`~models.Society`: it may be offered new demands."""
    disqualified = exists().where(Disqualification.society_id == Society.id)
    return Society.is_active.is_(True) & (Society.is_pilot.is_(True) | ~disqualified)
