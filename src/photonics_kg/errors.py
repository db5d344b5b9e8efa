"""The error hierarchy: what the command line turns into a clear message and an exit code.

Library code raises these and never calls ``sys.exit``; ``photonics_kg.cli`` catches
:class:`PhotonicsKGError` and prints ``error: <message>`` with :attr:`exit_code`.

>>> err = SourceError("not valid YAML", path="a.yaml", line=3, field="facts")
>>> str(err)
'a.yaml:3: facts: not valid YAML'
>>> err.exit_code
2
"""

from __future__ import annotations


class PhotonicsKGError(Exception):
    """Base class of every error photonics-kg reports to a user."""

    exit_code = 2


class ConfigError(PhotonicsKGError):
    """A setting or option is wrong (unknown loader, format, store path...)."""


class SourceError(PhotonicsKGError):
    """A source cannot be loaded: names the file, the line and the field when known.

    ``problems`` holds further (line, field, message) triples when a loader collected several.
    """

    def __init__(self, message: str, *, path=None, line: int | None = None,
                 field: str | None = None, problems: list[tuple[int | None, str | None, str]] | None = None):
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.field = field
        self.problems = problems or []
        super().__init__(self._render())

    def _render(self) -> str:
        where = ""
        if self.path:
            where = self.path + (f":{self.line}" if self.line else "") + ": "
        if self.field:
            where += f"{self.field}: "
        text = where + self.message
        for line, field, message in self.problems[:50]:
            loc = (self.path or "") + (f":{line}" if line else "")
            text += f"\n  {loc}: {field + ': ' if field else ''}{message}"
        if len(self.problems) > 50:
            text += f"\n  ... and {len(self.problems) - 50} more"
        return text


class StoreError(PhotonicsKGError):
    """The store cannot be opened or written (locked by another process, corrupt, missing)."""


class QueryError(PhotonicsKGError):
    """A query is unknown, malformed, or got bad parameters."""


class ValidationError(PhotonicsKGError):
    """The data does not conform to the shapes or the checks (exit code 1)."""

    exit_code = 1
