"""Text for Slack: escaping, Markdown-to-mrkdwn, and trimming to Slack's size limits."""

import re

SECTION_LIMIT = 3000  # characters in one section text
FIELD_LIMIT = 2000
HEADER_LIMIT = 150
TEXT_LIMIT = 3000  # the notification fallback `text` (Slack truncates long ones)
TRIMMED = "\n… (trimmed)"

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_UNDERSCORE_BOLD = re.compile(r"__(.+?)__")
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
_HEADING = re.compile(r"^#{1,6}\s+(.*)$")
_TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def escape(text: str) -> str:
    """Slack's three control characters, escaped as its docs require."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def trim(text: str, limit: int, suffix: str = TRIMMED) -> str:
    """`text` cut to at most `limit` characters, at a line end when one is near."""
    if len(text) <= limit:
        return text
    room = max(limit - len(suffix), 0)
    cut = text.rfind("\n", 0, room)
    if cut < room // 2:
        cut = room
    return text[:cut].rstrip() + suffix


def plain(text: str, limit: int) -> str:
    """Single-line plain text (headers, button labels)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def from_markdown(markdown: str) -> str:
    """CommonMark as Slack mrkdwn: headings and bold become *bold*, links <url|text>, tables lines."""
    lines = []
    for raw in escape(markdown).splitlines():
        line = raw.rstrip()
        if _TABLE_RULE.match(line):
            continue
        heading = _HEADING.match(line)
        if heading:
            line = f"*{heading.group(1).strip()}*"
        elif line.startswith("|") and line.endswith("|"):
            line = " · ".join(cell.strip() for cell in line.strip("|").split("|"))
        line = _BOLD.sub(r"*\1*", line)
        line = _UNDERSCORE_BOLD.sub(r"*\1*", line)
        line = _LINK.sub(r"<\2|\1>", line)
        lines.append(line)
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
