"""What the page says joining a programme requires, read from an initiative's description.

A few initiatives close with labelled sections, kept as published by the corpus parser:

    Prerequisite for Participation:
    - Training of Trainers (ToT): a) More than 5 years of experience ...
    - Implementers: a) Professional, technical, or non-professional ...
    Possible partners: Member States and national research institutes, ...

A label is followed by its text on the same line, by the bullet lines under it, or both. Only
these labels are read: a brief says what joining requires only where the page says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The page's own wording of the two sections (matched case-insensitively, singular or plural).
_LABELS = {
    "requires": re.compile(r"^\s*prerequisites? for participation\s*:\s*(?P<rest>.*)$", re.I),
    "partners": re.compile(r"^\s*possible partners?\s*:\s*(?P<rest>.*)$", re.I),
}
_BULLET = re.compile(r"^\s*[-•*]\s+")


@dataclass(frozen=True)
class Joining:
    """The conditions and partners an initiative's page names; empty when it names none."""

    requires: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.requires or self.partners)


def read_joining(text: str) -> Joining:
    """The "Prerequisite for Participation" and "Possible partners" sections of a description.

    Args:
        text: An initiative's description, one paragraph or bullet per line.

    Returns:
        Each section's lines as published (bullet marks removed), in page order.
    """
    found: dict[str, list[str]] = {key: [] for key in _LABELS}
    current: str | None = None
    for line in text.splitlines():
        label = next((key for key, rx in _LABELS.items() if rx.match(line)), None)
        if label is not None:
            current = label
            rest = _LABELS[label].match(line).group("rest").strip()  # type: ignore[union-attr]
            if rest:
                found[label].append(rest)
        elif current is not None and _BULLET.match(line):
            found[current].append(_BULLET.sub("", line).strip())
        else:
            current = None  # a plain paragraph ends the section
    return Joining(requires=tuple(found["requires"]), partners=tuple(found["partners"]))
