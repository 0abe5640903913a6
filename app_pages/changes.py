"""What the catalogue's last change did: initiatives added, removed, and changed with a word diff.

The Catalogue page calls `show_last_changes`. Catalogue text is shown with `st.text`, never as
Markdown, and the one Markdown label (an expander's) is escaped.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from app_pages.shared import escape_md, run
from matcher.overlap_report import render_diff
from matcher.versions import CatalogueChanges, CatalogueVersions, ChangeKind, Version


def show_last_changes(catalogue: str | Path) -> None:
    """Render the last kept change of the catalogue file (nothing before its second version)."""
    last = run(lambda: CatalogueVersions(Path(catalogue)).last_changes())
    if last is None:
        return
    version, changes = last
    st.subheader("Changes of the last import")
    st.text(_summary(version, changes))
    for kind, label in ((ChangeKind.ADDED, "Added"), (ChangeKind.REMOVED, "Removed")):
        items = changes.of(kind)
        if items:
            st.text(f"{label}:\n" + "\n".join(f"  {c.id}: {c.title}" for c in items))
    for change in changes.of(ChangeKind.CHANGED):
        with st.expander(f"Changed {change.id}: {escape_md(change.title)}"):
            if change.old_title != change.title:
                st.text(f"Title was: {change.old_title}")
            st.text(f"Fields changed: {', '.join(change.fields)}")
            st.text(render_diff(change.diff))
            st.caption("[-words removed-]  {+words added+}")


def _summary(version: Version, changes: CatalogueChanges) -> str:
    counts = changes.counts
    undo = f"; `matcher corpus revert {version.number - 1}` undoes it" if version.number > 1 else ""
    return (
        f"Version {version.number}, {version.action} of {version.source} at "
        f"{version.created_at}: {counts['added']} added, {counts['changed']} changed, "
        f"{counts['removed']} removed, {counts['unchanged']} unchanged{undo}"
    )
