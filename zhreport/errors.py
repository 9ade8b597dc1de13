"""Errors a user can act on. Messages say what happened and what to do."""


class ZhReportError(Exception):
    """Base class of every error zhreport raises on purpose."""


class ReadError(ZhReportError):
    """The input could not be read as text (binary, undecodable, unreadable)."""

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class SkipFile(ReadError):
    """A file zhreport does not read (wrong type, not a regular file, empty, missing extra);
    recorded as skipped, not as an error of the file."""


class DataError(ZhReportError):
    """A data file in models/ is missing or malformed (a broken install)."""
