"""The admin's pages: organisations, staff accounts, message wording, and the audit log."""

from . import audit_log, interests, organisations, overview, processing, staff, wording  # noqa: F401 - each attaches its views to bp
from .access import bp

__all__ = ["bp"]
