"""A small client of INSEE's API Sirene 3.11: single records and searches paged with ``curseur``.

Kept apart from the command (``photonics_kg.commands.fetch``) so that library code and tests use it
without the command line. Standard-library HTTP only, so nothing more to install.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request

from photonics_kg.errors import ConfigError, SourceError

API = "https://api.insee.fr/entreprises/sirene/V3.11"
USER_AGENT = "photonics-kg/0.1"


def naf_query(kind: str, codes: list[str]) -> str:
    """The ``q`` of a search for NAF codes.

    >>> naf_query("siret", ["26.70Z", "27.31Z"])
    'periode(activitePrincipaleEtablissement:26.70Z OR activitePrincipaleEtablissement:27.31Z)'
    """
    field = "activitePrincipaleEtablissement" if kind == "siret" else "activitePrincipaleUniteLegale"
    return "periode(" + " OR ".join(f"{field}:{c}" for c in codes) + ")"


class SireneClient:
    """A small client of API Sirene 3.11 (stdlib HTTP, so nothing more to install)."""

    def __init__(self, base_url: str = API, *, token: str | None = None, api_key: str | None = None,
                 timeout: float = 60, max_retries: int = 5, sleep=time.sleep):
        if not token and not api_key:
            raise ConfigError("API Sirene needs a token: --token (or SIRENE_API_TOKEN) or --api-key (or SIRENE_API_KEY)")
        self.base = base_url.rstrip("/")
        self.headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
        if api_key:
            self.headers["X-INSEE-Api-Key-Integration"] = api_key
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        self.timeout = timeout
        self.max_retries = max_retries
        self.sleep = sleep
        self.requests = 0

    def get(self, path: str, params: dict | None = None) -> dict:
        url = f"{self.base}/{path.lstrip('/')}"
        if params:
            url += "?" + urllib.parse.urlencode(params)
        for attempt in range(self.max_retries + 1):
            req = urllib.request.Request(url, headers=self.headers)
            self.requests += 1
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                    return json.loads(resp.read().decode("utf-8"))
            except urllib.error.HTTPError as exc:
                body = exc.read().decode("utf-8", "replace")
                if exc.code == 429 and attempt < self.max_retries:
                    self.sleep(float(exc.headers.get("Retry-After") or 2 ** attempt))
                    continue
                if exc.code == 404:
                    try:
                        return json.loads(body)  # "no result" comes as a 404 with a header
                    except ValueError:
                        pass
                if exc.code in (401, 403):
                    raise SourceError(f"API Sirene refused the token (HTTP {exc.code}); check --token / --api-key") from None
                raise SourceError(f"API Sirene answered HTTP {exc.code} for {url}: {body[:200]}") from None
            except (urllib.error.URLError, OSError) as exc:
                raise SourceError(f"cannot reach API Sirene at {self.base}: {exc}") from None
        raise SourceError("API Sirene kept answering 429 (too many requests); try again later")

    def search(self, kind: str, q: str, *, page_size: int = 1000, max_records: int | None = None):
        """Yield the pages of a search, following ``curseurSuivant``."""
        cursor = "*"
        seen = 0
        while True:
            page = self.get(kind, {"q": q, "nombre": page_size, "curseur": cursor})
            header = page.get("header") or {}
            if header.get("statut", 200) == 404:
                return
            if header.get("statut", 200) != 200:
                raise SourceError(f"API Sirene: {header.get('statut')} {header.get('message')}")
            yield page
            seen += int(header.get("nombre") or 0)
            following = header.get("curseurSuivant")
            if not following or following == header.get("curseur", cursor) or (max_records and seen >= max_records):
                return
            cursor = following
