"""Monitoring records (DESIGN.md "Monitoring"; the policy's "Monitoring Academic
Progress, Behaviour and Pastoral Welfare" section and its two forms).

Each record belongs to the school of its placement; every lookup goes through
the scoped helpers in monitoring.access. Safeguarding concerns are read only
through monitoring.concerns.read_concern, which records every read.
"""

from .actions import Action, ActionSide
from .concerns import (
    ConcernAttachment,
    ConcernEntry,
    ConcernRead,
    ConcernSource,
    EntryKind,
    SafeguardingConcern,
)
from .incidents import Incident
from .meetings import (
    AgreementReview,
    CeaseDecision,
    CeaseOutcome,
    MeetingOutcome,
    ReviewMeeting,
    TargetProgress,
)
from .reviews import ReviewStatus, TermlyReview
from .visits import Visit, VisitStatus

__all__ = [
    "Action",
    "ActionSide",
    "AgreementReview",
    "CeaseDecision",
    "CeaseOutcome",
    "ConcernAttachment",
    "ConcernEntry",
    "ConcernRead",
    "ConcernSource",
    "EntryKind",
    "Incident",
    "MeetingOutcome",
    "ReviewMeeting",
    "ReviewStatus",
    "SafeguardingConcern",
    "TargetProgress",
    "TermlyReview",
    "Visit",
    "VisitStatus",
]
