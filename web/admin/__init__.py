"""The admin's pages: organisations, staff accounts, message wording, disposal decisions, and the audit log."""

from . import (  # noqa: F401 - each attaches its views to bp
    audit_log,
    disposal,
    interests,
    organisations,
    overview,
    processing,
    staff,
    wording,
)
from .access import bp

__all__ = ["bp"]
