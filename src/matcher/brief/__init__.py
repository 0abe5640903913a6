"""The country brief: its model, its content, and the renderers (CSV, JSON, Markdown, DOCX, PDF)."""
