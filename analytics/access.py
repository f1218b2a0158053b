"""Who may see and do what: the three roles, the pages each opens, and the rows a person is limited to.

Pure rules, so the page frame, the stores and the CLI all ask the same questions (docs/security.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

ROLES = ("viewer", "analyst", "admin")  # each may do what the one before it may, and more
# The least role each capability needs, and what it lets a person do; a new capability is one more entry.
CAPABILITIES = {
    "read": ("viewer", "Reading the KPI pages"),  # comment text masked
    "unmasked_text": ("analyst", "Reading comments and ticket texts"),  # Voices, follow-up list
    "export": ("analyst", "Downloading tables and reports"),
    "workshop": ("analyst", "Writing workshop notes, votes, stories and follow-ups"),
    "themes": ("analyst", "Naming and merging comment themes"),
    "import": ("admin", "Importing, removing and re-scoring data"),  # the Data page
    "users": ("admin", "Managing users"),
    "audit": ("admin", "Reading the audit trail"),
}
# The capability each page needs; a page missing here needs the highest role, so a new page is closed by default.
PAGE_CAPABILITY = {
    "app.py": "read",
    "pages/1_Journey_map.py": "read",
    "pages/2_Touchpoints.py": "read",
    "pages/3_Loyalty.py": "read",
    "pages/4_Service.py": "read",
    "pages/5_Voices.py": "unmasked_text",
    "pages/7_Workshop.py": "workshop",
    "pages/6_Data.py": "import",
}


class NotAllowed(PermissionError):
    """Something was asked for that the person's role does not allow."""


def check_role(role: str) -> str:
    """The role, or a ValueError naming the ones there are."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    return role


@dataclass(frozen=True)
class Scope:
    """The regions and tiers a person is limited to; empty means all of them."""

    regions: tuple[str, ...] = ()
    tiers: tuple[str, ...] = ()

    @property
    def limited(self) -> bool:
        return bool(self.regions or self.tiers)

    def narrowed(self, options: Mapping[str, list[str]]) -> dict[str, list[str]]:
        """Filter choices (regions, tiers, ...) cut to the scope, so nobody is offered what they may not see."""
        limits = {"regions": self.regions, "tiers": self.tiers}
        return {key: [v for v in values if not limits.get(key) or v in limits[key]] for key, values in options.items()}

    def describe(self) -> str:
        parts = [f"{label}: {', '.join(values)}" for label, values in (("regions", self.regions),
                                                                      ("tiers", self.tiers)) if values]
        return " · ".join(parts) or "all data"


@dataclass(frozen=True)
class Principal:
    """The person a page run or a command acts for."""

    name: str
    role: str
    via: str  # how they got in: password, oidc, open access or cli
    scope: Scope = field(default_factory=Scope)

    def may(self, capability: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(CAPABILITIES[capability][0])

    def may_open(self, script: str) -> bool:
        return self.may(PAGE_CAPABILITY.get(script, "users"))

    def require(self, capability: str) -> None:
        """Refuse what the role does not allow, naming the role it needs."""
        if not self.may(capability):
            role, label = CAPABILITIES[capability]
            raise NotAllowed(f"Not allowed: {label.lower()} needs the {role} role, and {self.name} is {self.role}.")


def role_from_claims(claims: Mapping[str, object], claim: str, roles: Mapping[str, str], default: str) -> str:
    """The highest role an identity provider's claim maps to (a string or a list of groups), else the default."""
    value = claims.get(claim)
    values = value if isinstance(value, list | tuple) else [] if value is None else [value]
    mapped = [roles[str(v)] for v in values if str(v) in roles]
    return max((check_role(r) for r in mapped), key=ROLES.index, default=check_role(default))
