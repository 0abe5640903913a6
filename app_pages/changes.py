"""What the catalogue's last change did: initiatives added, removed, and changed with a word diff.

The Catalogue page calls `show_last_changes`. Catalogue text is shown with `st.text`, never as
Markdown, and the one Markdown label (an expander's) is escaped. The panel's own words are in
the `catalogue` i18n domain; titles and descriptions stay as published.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from app_pages.shared import escape_md, run
from matcher.catalogue.versions import CatalogueChanges, CatalogueVersions, ChangeKind, Version
from matcher.i18n.messages import Translate, translator
from matcher.overlaps.report import render_diff


def show_last_changes(catalogue: str | Path, *, lang: str = "en") -> None:
    """Render the last kept change of the catalogue file (nothing before its second version)."""
    _ = translator(lang, "catalogue")
    last = run(lambda: CatalogueVersions(Path(catalogue)).last_changes())
    if last is None:
        return
    version, changes = last
    st.subheader(_("Changes of the last import"))
    st.text(_summary(version, changes, _))
    if version.number > 1:
        st.text(_("`matcher corpus revert {previous}` undoes it.", previous=version.number - 1))
    for kind, label in ((ChangeKind.ADDED, _("Added:")), (ChangeKind.REMOVED, _("Removed:"))):
        items = changes.of(kind)
        if items:
            st.text(f"{label}\n" + "\n".join(f"  {c.id}: {c.title}" for c in items))
    for change in changes.of(ChangeKind.CHANGED):
        with st.expander(_("Changed {id}: {title}", id=change.id, title=escape_md(change.title))):
            if change.old_title != change.title:
                st.text(_("Title was: {title}", title=change.old_title))
            st.text(_("Fields changed: {fields}", fields=", ".join(change.fields)))
            st.text(render_diff(change.diff))
            st.text(
                _(
                    "Words removed are shown as {removed}, words added as {added}",
                    removed="[-…-]",
                    added="{+…+}",
                )
            )


def _summary(version: Version, changes: CatalogueChanges, _: Translate) -> str:
    counts = changes.counts
    return _(
        "Version {number}, {action} of {source} at {time}: {added} added, {changed} changed, "
        "{removed} removed, {unchanged} unchanged",
        number=version.number,
        action=version.action,
        source=version.source,
        time=version.created_at,
        **counts,
    )
