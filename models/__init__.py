"""ORM only: every table of Zhuli. Importing this package registers them all on ``Base.metadata``."""

from models.base import Base, utcnow
from models.demands import Demand, DemandMatch, Docking, DockingExpert, Offer
from models.enums import (
    DemandCategory,
    DemandSource,
    DemandStatus,
    DockingStatus,
    EvaluationGrade,
    InboundStatus,
    JobStatus,
    NotificationChannel,
    NotificationStatus,
    OfferStatus,
    PilotStatus,
    ProfileChangeKind,
    RegionLevel,
    ReportStatus,
    Role,
    WorkKind,
)
from models.evaluations import (
    Disqualification,
    EvaluationIndicator,
    EvaluationResult,
    EvaluationReviewer,
    EvaluationRound,
    EvaluationScore,
    IndicatorSource,
    Rectification,
    RectificationStatus,
    RoundStatus,
)
from models.events import AuditEvent, Notification
from models.experts import EmbeddingCache, Expert, ExpertWork, ProfileChange, SocietyMembership
from models.idempotency import IdempotencyKey
from models.jobs import Job
from models.organizations import Enterprise, LocalAssociation, ServiceStation, Society
from models.pilots import PilotFile, PilotMaterial, PilotSurvey
from models.program import Evaluation, PilotApplication, ProgressReport
from models.region import Region
from models.users import LoginFailure, User
from models.wechat import Conversation, InboundMessage, WeChatToken

__all__ = [
    "AuditEvent",
    "Base",
    "Conversation",
    "Demand",
    "DemandCategory",
    "DemandMatch",
    "DemandSource",
    "DemandStatus",
    "Docking",
    "DockingExpert",
    "DockingStatus",
    "EmbeddingCache",
    "Enterprise",
    "Evaluation",
    "EvaluationGrade",
    "Expert",
    "ExpertWork",
    "IdempotencyKey",
    "InboundMessage",
    "InboundStatus",
    "Job",
    "JobStatus",
    "LocalAssociation",
    "LoginFailure",
    "Notification",
    "NotificationChannel",
    "NotificationStatus",
    "Offer",
    "OfferStatus",
    "PilotApplication",
    "PilotFile",
    "PilotMaterial",
    "PilotSurvey",
    "PilotStatus",
    "ProfileChange",
    "ProgressReport",
    "Region",
    "RegionLevel",
    "ReportStatus",
    "Role",
    "ServiceStation",
    "Society",
    "SocietyMembership",
    "User",
    "WeChatToken",
    "ProfileChangeKind",
    "WorkKind",
    "utcnow",
    "Disqualification",
    "EvaluationIndicator",
    "EvaluationResult",
    "EvaluationReviewer",
    "EvaluationRound",
    "EvaluationScore",
    "IndicatorSource",
    "Rectification",
    "RectificationStatus",
    "RoundStatus",
]
