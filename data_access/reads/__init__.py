"""Typed reads by capability. A page calls `reads.survey.counts(filters, by=("touchpoint",))` (cached, see
registry.py); the CLI, bench and tests call `reads.survey.counts.on(conn, filters)`."""

from data_access.reads import access, closed_loop, comments, journey, loyalty, service, status, survey, themes, workshop
from data_access.reads.registry import READS, Read, cached_read

__all__ = ["READS", "Read", "access", "cached_read", "closed_loop", "comments", "journey", "loyalty", "service",
           "status", "survey", "themes", "workshop"]
