"""A laid-out brief drawn as Markdown; every text is escaped, so no value can render as markup."""

from __future__ import annotations

from matcher.brief import layout
from matcher.text import markdown_text


def to_markdown(document: layout.Document) -> str:
    """The document as Markdown (its direction is left to the reader's viewer)."""
    lines = [f"# {markdown_text(document.title)}", ""]
    for block in document.blocks:
        lines += _block(block)
    return "\n".join(lines)


def _block(block: layout.Block) -> list[str]:
    if isinstance(block, layout.Heading):
        return ["#" * block.level + " " + markdown_text(block.text), ""]
    if isinstance(block, layout.Paragraph):
        text = markdown_text(block.text)
        if block.style is layout.Style.QUOTE:
            return [f"> {text}", ""]
        return [f"*{text}*" if block.style is layout.Style.NOTE else text, ""]
    if isinstance(block, layout.Bullets):
        return [f"- {markdown_text(item)}" for item in block.items] + [""]
    if isinstance(block, layout.Fields):
        lines = []
        for label, values in block.rows:
            head = f"- **{markdown_text(label)}:**"
            if len(values) == 1:
                lines.append(f"{head} {markdown_text(values[0])}")
            else:
                lines += [head, *(f"  - {markdown_text(v)}" for v in values)]
        return [*lines, ""]
    if isinstance(block, layout.Table):
        return [
            _row(block.header),
            "|" + " --- |" * len(block.header),
            *(_row(row) for row in block.rows),
            "",
        ]
    assert isinstance(block, layout.PageBreak)
    return []


def _row(cells: tuple[str, ...]) -> str:
    return "| " + " | ".join(markdown_text(cell) for cell in cells) + " |"
