"""The docking workflow: demand and offer state machines, their moves, scope, audit and notifications.

Every public function takes ``(session, actor, ...)``, checks role and scope, writes an AuditEvent and
enqueues the notifications it causes in the caller's transaction, and raises :mod:`core.errors`
subclasses with Chinese messages. See :mod:`workflow.states` for the transition tables.
"""

from workflow.demands import (
    DraftCreated,
    approve,
    close,
    create_draft,
    reject,
    return_for_info,
    submit,
    supplement,
    withdraw,
)
from workflow.dockings import confirm_docking, rate, record_agreement, report_outcome
from workflow.help import request_staff_help
from workflow.offer_queries import list_dockings, list_offers, offer_detail, team_candidates
from workflow.offers import OfferAnswered, accept, decline, reroute
from workflow.queries import demand_detail, list_demands, my_demands
from workflow.schemas import DemandFilters, DemandInput, Page
from workflow.suggestions import match_suggestions, read_match_suggestions

__all__ = [
    "DemandFilters",
    "DemandInput",
    "DraftCreated",
    "OfferAnswered",
    "accept",
    "decline",
    "list_dockings",
    "list_offers",
    "offer_detail",
    "reroute",
    "team_candidates",
    "Page",
    "approve",
    "close",
    "confirm_docking",
    "rate",
    "record_agreement",
    "report_outcome",
    "create_draft",
    "demand_detail",
    "list_demands",
    "match_suggestions",
    "my_demands",
    "read_match_suggestions",
    "reject",
    "request_staff_help",
    "return_for_info",
    "submit",
    "supplement",
    "withdraw",
]
