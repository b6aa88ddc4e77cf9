"""Demo data: a realistic, deterministic picture of the programme in Fujian for newcomers and tests.

``load_demo_data(session)`` loads societies, experts, enterprises, demands in every lifecycle state
with their full history, users of every role and the programme's records; see :mod:`.loader`.
"""

from demo.counts import DemoCounts
from demo.loader import load_demo_data

__all__ = ["DemoCounts", "load_demo_data"]
