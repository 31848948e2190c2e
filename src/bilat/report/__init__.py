"""The relationship profile and its renderers (text, JSON, CSV, self-contained HTML)."""

from bilat.report.profile import Profile, Target, profile

__all__ = ["Profile", "Target", "profile", "render"]


def render(p: Profile, fmt: str = "text", width: int | None = None) -> str:
    """The profile rendered as ``text`` (``width`` columns: by default the terminal's, or
    100 when piped), ``json``, ``csv`` or ``html``."""
    from bilat.errors import InputError
    from bilat.report import formats as r
    from bilat.report import html

    renderers = {"text": r.to_text, "json": r.to_json, "csv": r.to_csv, "html": html.to_html}
    if fmt not in renderers:
        raise InputError(f"format {fmt!r} is not one of {', '.join(renderers)}")
    if fmt == "text":
        from bilat.render.terminal import terminal_width

        return r.to_text(p, width or terminal_width())
    return renderers[fmt](p)
