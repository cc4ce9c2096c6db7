"""One pass over a service page's landing blocks, collecting what the quality rules look at.

Rules never walk the StreamField themselves: ``PageContent`` walks it once (texts, rich-text
headings and links, curators and their photos, which blocks are filled) so that scoring a
40-block page stays far below the 100 ms budget.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser

from wagtail import blocks

# Field ids are stable; panel ids derive from the (translated) tab heading, so they are not.
BODY_ANCHOR = "#body"
# CharBlocks that hold data rather than prose: not measured for plain language.
NON_PROSE_FIELDS = frozenset({"cta_url", "cta_label", "phone", "number", "hours", "days", "url"})
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


def block_anchor(block_id):
    """The block's panel in the page editor (Wagtail names it block-<uuid>-section)."""
    return f"#block-{block_id}-section" if block_id else BODY_ANCHOR


class RichTextScan(HTMLParser):
    """Headings, links and plain text of rich text in Wagtail's stored (database) format."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text, self.headings, self.links = [], [], []
        self._heading = self._link = None

    def handle_starttag(self, tag, attrs):
        if tag in HEADING_TAGS:
            self._heading = []
        elif tag == "a":
            self._link = (dict(attrs), [])
        elif tag in ("p", "li", "br"):
            self.text.append("\n")

    def handle_endtag(self, tag):
        if tag in HEADING_TAGS and self._heading is not None:
            self.headings.append("".join(self._heading).strip())
            self._heading = None
            self.text.append("\n")
        elif tag == "a" and self._link is not None:
            attrs, parts = self._link
            self.links.append((attrs, "".join(parts).strip()))
            self._link = None
        elif tag in ("p", "li"):
            self.text.append("\n")

    def handle_data(self, data):
        self.text.append(data)
        if self._heading is not None:
            self._heading.append(data)
        if self._link is not None:
            self._link[1].append(data)


@dataclass
class BlockInfo:
    index: int
    type: str
    id: str
    label: str
    value: object = None
    filled: bool = False  # anything entered besides the heading

    @property
    def anchor(self):
        return block_anchor(self.id)


@dataclass
class PageContent:
    page: object
    blocks: list = field(default_factory=list)
    texts: list = field(default_factory=list)  # prose, for plain language
    empty_headings: list = field(default_factory=list)  # BlockInfo of each empty heading
    empty_links: list = field(default_factory=list)  # (BlockInfo, href or description)
    page_links: list = field(default_factory=list)  # (BlockInfo, page id)
    curators: list = field(default_factory=list)  # (BlockInfo, Curator or None)
    images: list = field(default_factory=list)  # (BlockInfo, Image, what it is)
    hero_links: list = field(default_factory=list)  # (BlockInfo, url)

    @classmethod
    def of(cls, page):
        content = cls(page=page)
        content.texts.extend(text for text in (page.title, page.summary) if text)
        for index, child in enumerate(page.body or []):
            info = BlockInfo(
                index=index + 1,
                type=child.block_type,
                id=child.id or "",
                label=str(child.block.meta.label or child.block_type),
                value=child.value,
            )
            content.blocks.append(info)
            content._walk(info, child.block, child.value, name="")
            if child.block_type == "hero":
                link = (child.value.get("cta_url") or "").strip()
                if link:
                    content.hero_links.append((info, link))
            elif child.block_type == "curator":
                curator = child.value.get("curator")
                content.curators.append((info, curator))
                if curator is not None and curator.photo_id:
                    content.images.append((info, curator.photo, curator.full_name))
        return content

    def _walk(self, info, block, value, name):
        if isinstance(block, blocks.RichTextBlock):
            source = getattr(value, "source", value) or ""
            self._rich_text(info, source)
            info.filled = info.filled or bool(source.strip())
        elif isinstance(block, blocks.StructBlock):
            for child_name, child_block in block.child_blocks.items():
                self._walk(info, child_block, value.get(child_name), child_name)
        elif isinstance(block, blocks.ListBlock):
            for item in value or []:
                self._walk(info, block.child_block, item, name)
        elif isinstance(block, blocks.StreamBlock):
            for child in value or []:
                self._walk(info, child.block, child.value, child.block_type)
        elif isinstance(block, (blocks.CharBlock, blocks.TextBlock)):
            text = (value or "").strip()
            if name == "heading":
                if not text:
                    self.empty_headings.append(info)
                else:
                    self.texts.append(text)
                return
            if text:
                info.filled = True
                if name not in NON_PROSE_FIELDS:
                    self.texts.append(text)
        elif value not in (None, "", [], {}) and name not in ("kind", "day_kind", "online"):
            info.filled = True

    def _rich_text(self, info, source):
        if not source:
            return
        scan = RichTextScan()
        scan.feed(source)
        scan.close()
        self.texts.append("".join(scan.text))
        self.empty_headings.extend(info for heading in scan.headings if not heading)
        for attrs, text in scan.links:
            target = attrs.get("href") or attrs.get("linktype", "")
            if not text:
                self.empty_links.append((info, target))
            if attrs.get("linktype") == "page" and attrs.get("id", "").isdigit():
                self.page_links.append((info, int(attrs["id"])))

    def blocks_of_type(self, block_type):
        return [info for info in self.blocks if info.type == block_type]
