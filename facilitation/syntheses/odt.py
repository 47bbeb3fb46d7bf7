"""The synthesis as an OpenDocument text (ODT), written with odfdo; and the outline of
the synthesis that both word-processor formats (ODT here, DOCX in docx.py) write.

The outline follows templates/syntheses/synthesis.html section by section, with the same
English msgids translated in the workshop's language, so one translation serves every
format. User text only ever goes into text runs: markup in it stays literal text.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

from flask_babel import force_locale, get_locale, ngettext
from flask_babel import gettext as _
from odfdo import (
    Cell,
    Column,
    Document,
    Element,
    Frame,
    Header,
    HeaderRows,
    Link,
    List,
    ListItem,
    Paragraph,
    Row,
    Span,
    Table,
)

from ..coalitions import services as coalitions
from ..i18n import decimal
from ..ratings import chart as radar
from ..workshops.models import Workshop
from . import chart, services
from . import opinions as opinion_maps

# --- The outline: what a synthesis says, as blocks a word processor lays out ---------


@dataclass(frozen=True)
class Run:
    """A piece of text in a paragraph: plain, bold, italic, grey, or a link."""

    text: str
    bold: bool = False
    italic: bool = False
    muted: bool = False
    url: str | None = None


@dataclass(frozen=True)
class Heading:
    level: int  # 1 the title, 2 a section, 3 an area or slot, 4 a group
    text: str
    aside: str = ""  # a dot count or a status, after the heading's text


@dataclass(frozen=True)
class Para:
    runs: tuple[Run, ...]
    kind: str = "body"  # body, eyebrow, meta, empty, aside, licence


@dataclass(frozen=True)
class Bullets:
    items: tuple[tuple[Run, ...], ...]
    numbered: bool = False


@dataclass(frozen=True)
class Figures:
    """Head counts side by side: (label, value)."""

    items: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Grid:
    """A table with a header row repeated on each page; widths are relative."""

    name: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[int, ...]


@dataclass(frozen=True)
class Picture:
    png: bytes
    width_px: int
    height_px: int
    name: str
    description: str
    width_cm: float | None = None  # the text's width when None


@dataclass(frozen=True)
class Quadrants:
    """Areas side by side, two a row (a SWOT's 2×2 grid): each a title and ranked lines."""

    name: str
    cells: tuple[tuple[str, tuple[str, ...]], ...]


Block = Heading | Para | Bullets | Figures | Grid | Picture | Quadrants


@dataclass
class Outline:
    title: str
    language: str  # "fr-FR", "en-GB"
    subject: str
    blocks: list[Block] = field(default_factory=list)

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)


LANGUAGE_TAGS = {"fr": "fr-FR", "en": "en-GB"}
# Characters XML 1.0 cannot hold (a hand-made archive could bring them in).
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: Any) -> str:
    return NOT_XML.sub("", str(value if value is not None else ""))


def outline(workshop: Workshop) -> Outline:
    """The synthesis of a workshop as blocks, in the workshop's language."""
    s = services.build(workshop)
    with force_locale(workshop.language):
        return _outline(s)


def _outline(s: dict[str, Any]) -> Outline:
    w = s["workshop"]
    doc = Outline(
        title=w["title"],
        language=LANGUAGE_TAGS.get(s["language"], s["language"]),
        subject=f"{_('Workshop synthesis')} · {w['format']}",
    )
    doc.add(
        Para((Run(f"{_('Workshop synthesis')} · {w['format']}"),), "eyebrow"),
        Heading(1, w["title"]),
    )
    if w["question"]:
        doc.add(Para((Run(w["question_label"], bold=True), Run(f" — {w['question']}"))))
    meta = f"{_('Date')}{_colon()} {w['date']}"
    if w["facilitator"]:
        meta += f" · {_('Facilitation')}{_colon()} {w['facilitator']}"
    doc.add(Para((Run(meta),), "meta"))
    if w["introduction"]:
        doc.add(Heading(2, _("Introduction")), *_prose(w["introduction"]))
    _participation(doc, s["participation"])
    if s["quadrants"]:
        _quadrants(doc, s["quadrants"])
    if s["results"]:
        _results(doc, s["results"])
    if s["opinions"]:
        _opinions(doc, s["opinions"], s["language"])
    for rated in s["ratings"]:
        _ratings(doc, rated)
    for poll in s["polls"]:
        _poll(doc, poll)
    _areas(doc, s["areas"])
    _cards(doc, s["cards"])
    _proposals(doc, s["proposals"])
    if w["conclusions"]:
        doc.add(Heading(2, _("Conclusions")), *_prose(w["conclusions"]))
    doc.add(
        Heading(2, _("Timeline")),
        Bullets(
            tuple(
                (Run(step["at"].replace("T", " "), muted=True), Run(f" {step['phase']}"))
                for step in s["timeline"]
            ),
            numbered=True,
        ),
    )
    licence = s["licence"]
    doc.add(
        Para(
            (
                Run(f"{_('This synthesis is published under the licence')} "),
                Run(licence["name"], url=licence["url"]),
                Run(f". {_('Made with Fabrique.')}"),
            ),
            "licence",
        )
    )
    return doc


def _prose(text: str) -> list[Block]:
    """What the facilitator wrote: a paragraph per paragraph, line breaks kept as breaks
    of their own paragraphs."""
    return [Para((Run(line),)) for line in text.split("\n") if line.strip()]


def _quadrants(doc: Outline, quadrants: list[dict[str, Any]]) -> None:
    cells = []
    for q in quadrants:
        lines = [
            f"{chart.rank_label(r)}. {r['label']} ({r['dots']})".replace("\n", " ")
            for r in q["results"]
        ] or [_("No dots.")]
        if q["more"]:
            lines.append(
                ngettext(
                    "and %(num)d more item with dots", "and %(num)d more items with dots", q["more"]
                )
            )
        cells.append((q["label"], tuple(lines)))
    doc.add(Heading(2, _("Results by area")), Quadrants("quadrants", tuple(cells)))


def _participation(doc: Outline, p: dict[str, int]) -> None:
    """The head counts that apply to the format (no dots where nobody votes)."""
    figures = [
        (_("Participants"), p["participants"]),
        (_("Contributors"), p["contributors"]),
        (_("Notes"), p["notes"]),
    ]
    if p["voting"]:
        figures += [(_("Voters"), p["voters"]), (_("Dots"), p["dots"])]
    if p["carding"]:
        figures.append((_("Cards"), p["cards"]))
    if p["rating"]:
        figures += [(_("Participants who rated"), p["raters"]), (_("Ratings"), p["ratings"])]
    if p["pledges"]:
        figures.append((_("Pledges"), p["pledges"]))
    doc.add(Heading(2, _("Participation")), Figures(tuple(figures)))


def _results(doc: Outline, results: list[dict[str, Any]]) -> None:
    doc.add(Heading(2, _("Vote results")))
    png = chart.ranked_bars(results)
    if png:
        shown = min(len(results), chart.TOP)
        doc.add(Picture(png, chart.WIDTH, chart.height(shown), "chart", _("Vote results")))
    rows = tuple((chart.rank_label(r), str(r["label"]), str(r["dots"])) for r in results)
    doc.add(Grid("results", (_("Rank"), _("Item"), _("Dots")), rows, (2, 13, 2)))


REASONS = {
    "too-few-items": lambda n: _("Too few notes have been answered to draw a map."),
    "too-few-participants": lambda n: _(
        "Too few people answered enough notes to draw a map (%(n)s so far).", n=n
    ),
    "no-groups": lambda n: _("The answers do not split into distinct opinion groups."),
}


def _opinions(doc: Outline, o: dict[str, Any], language: str) -> None:
    """The revealed opinion map: figures, the map, the groups, consensus and divisive
    notes with each group's share of agrees, and what sets each group apart."""
    figures = [(_("Participants who answered"), o["answered"]), (_("Answers"), o["answers"])]
    if o["enough"]:
        figures.append((_("On the map"), o["placed"]))
    doc.add(Heading(2, _("What the room thinks")), Figures(tuple(figures)))
    if not o["enough"]:
        reason = REASONS[o["reason"]](o["answered"])
        doc.add(Para((Run(_("No opinion map"), bold=True), Run(f"{_colon()} {reason}"))))
        return
    size = o["map"]["size"] * opinion_maps.PNG_SCALE
    label = _("Opinion map: %(n)s participants in %(groups)s groups")
    label %= {"n": o["placed"], "groups": len(o["groups"])}
    doc.add(Picture(opinion_maps.png(o["map"]), size, size, "opinion-map", label, 9.0))
    caption = _(
        "One dot per participant, larger where several answered alike; the letters name the groups."
    )
    doc.add(Para((Run(caption),), "aside"), Heading(3, _("Opinion groups")))
    groups = tuple(
        (
            Run(_("Group %(letter)s", letter=g["letter"]), bold=True),
            Run(f" — {ngettext('%(num)d person', '%(num)d people', g['members'])}"),
        )
        for g in o["groups"]
    )
    doc.add(Bullets(groups))
    percent = "\u202f%" if language == "fr" else "%"

    def share(rate: dict[str, Any]) -> str:
        said = _("not seen") if rate["percent"] is None else f"{rate['percent']}{percent}"
        return f"{rate['letter']} {said}"

    def rated(note: dict[str, Any]) -> tuple[Run, ...]:
        shares = ", ".join(share(rate) for rate in note["rates"])
        return (Run(note["text"]), Run(f" ({shares})", muted=True))

    doc.add(Heading(3, _("What brings us together")))
    if o["consensus"]:
        doc.add(Bullets(tuple(rated(note) for note in o["consensus"])))
    else:
        doc.add(Para((Run(_("No note brings every group together.")),), "empty"))
    doc.add(Heading(3, _("What divides us")))
    if not o["clear"]:
        doc.add(
            Para((Run(_("The groups are close: no note is said to set them apart.")),), "empty")
        )
        return
    if o["divisive"]:
        doc.add(Bullets(tuple(rated(note) for note in o["divisive"])))
    else:
        doc.add(Para((Run(_("No note clearly divides the groups.")),), "empty"))
    doc.add(Heading(3, _("What sets each group apart")))
    for g in o["groups"]:
        if not g["representative"]:
            continue
        doc.add(Heading(4, _("Group %(letter)s", letter=g["letter"])))
        items = tuple(
            (
                Run(
                    _("Agrees more") if rep["side"] == "agree" else _("Disagrees more"), italic=True
                ),
                Run(f"{_colon()} {rep['text']}"),
            )
            for rep in g["representative"]
        )
        doc.add(Bullets(items))


def _ratings(doc: Outline, rated: dict[str, Any]) -> None:
    """A rating phase: per item, its radar (several criteria) and, per criterion, the
    median, the spread between the quartiles, how many answered and the distribution."""
    doc.add(
        Heading(2, f"{_('Ratings')} — {rated['label']}"),
        Figures(((_("Participants who rated"), rated["participants"]),)),
    )
    if rated["scale"]:
        low, high = rated["scale"][0], rated["scale"][-1]
        ends = f"{low['value']} = {low['label']} … {high['value']} = {high['label']}"
        doc.add(Para((Run(f"{_('Scale')}{_colon()} {ends}"),), "aside"))
    for item in rated["items"]:
        doc.add(
            Heading(3, item["label"], ngettext("%(num)d rater", "%(num)d raters", item["raters"]))
        )
        if item["radar"]:
            drawn = item["radar"]
            label = _(
                "Radar of %(item)s: each criterion's median, and the spread between the quartiles"
            )
            picture = radar.png(drawn)
            width, height = (
                drawn["width"] * radar.PNG_SCALE,
                drawn["height"] * radar.PNG_SCALE,
            )
            name = f"radar-{rated['key']}-{item['item'].replace(':', '-')}"
            doc.add(Picture(picture, width, height, name, label % {"item": item["label"]}, 12.0))
        rows = tuple(
            (
                stat["label"],
                _dash(stat["median"]),
                _spread_text(stat),
                str(stat["n"]),
                " · ".join(
                    f"{p['value']}: {count}"
                    for p, count in zip(stat["points"], stat["distribution"], strict=True)
                ),
            )
            for stat in item["criteria"]
        )
        header = (_("Criterion"), _("Median"), _("Spread (Q1–Q3)"), _("Answers"), _("Distribution"))
        doc.add(Grid("ratings", header, rows, (5, 2, 3, 2, 6)))


BAR_BLOCKS = 20  # a whole bar: every participant who answered chose the option


def _poll(doc: Outline, poll: dict[str, Any]) -> None:
    """A quick poll: per option, a bar of blocks, how many chose it and their share."""
    how = (
        _("up to %(n)s choices each: the shares add up to more than 100 %%", n=poll["max_choices"])
        if poll["max_choices"] > 1
        else _("one choice each")
    )
    answered = ngettext("%(num)d person answered", "%(num)d people answered", poll["answered"])
    aside = f"{answered} · {how}"
    if poll["phase"]:
        aside += f" · {_('phase')} {poll['phase']}"
    doc.add(Heading(2, f"{_('Poll')} — {poll['question']}"), Para((Run(aside),), "aside"))
    rows = tuple(
        (
            option["label"],
            "█" * round(BAR_BLOCKS * option["width"] / 100),
            str(option["count"]),
            option["percent"],
        )
        for option in poll["options"]
    )
    header = (_("Option"), _("Bar"), _("Answers"), _("Share"))
    doc.add(Grid("poll", header, rows, (6, 6, 2, 2)))


def _dash(value: float | None) -> str:
    """A median or a quartile in the workshop's language ("0,5" in French)."""
    return decimal(value, str(get_locale()))


def _spread_text(stat: dict[str, Any]) -> str:
    if stat["q1"] is None:
        return "—"
    return f"{_dash(stat['spread'])} ({_dash(stat['q1'])}–{_dash(stat['q3'])})"


def _note(note: dict[str, Any]) -> tuple[Run, ...]:
    runs = [Run(note["text"])]
    if note["author"]:
        runs.append(Run(f" — {note['author']}", italic=True))
    if note["dots"]:
        runs.append(Run(f" ({note['dots']})", bold=True))
    return tuple(runs)


def _group_dots(group: dict[str, Any]) -> str:
    """A group's total (its own dots and its notes'), and where they were put."""
    if not group["dots"]:
        return ""
    total = ngettext("%(num)d dot", "%(num)d dots", group["dots"])
    own = group["own_dots"]
    if own and own != group["dots"]:
        notes = group["dots"] - own
        return (
            f"{total} {_('(%(own)d on the group, %(notes)d on its notes)', own=own, notes=notes)}"
        )
    return total


def _pledgers(group: dict[str, Any]) -> tuple[Run, ...]:
    names = ", ".join(name or _("anonymous") for name in group["pledgers"])
    count = ngettext("%(num)d pledge", "%(num)d pledges", group["pledges"])
    return (Run(f"{count}{_colon()} "), Run(names, bold=True))


def _colon() -> str:
    """French puts a space before a colon."""
    return " :" if str(get_locale()) == "fr" else ":"


def _areas(doc: Outline, areas: list[dict[str, Any]]) -> None:
    doc.add(Heading(2, _("Notes by area")))
    for area in areas:
        doc.add(Heading(3, area["label"]))
        for group in area["groups"]:
            doc.add(Heading(4, group["title"] or _("Untitled group"), _group_dots(group)))
            if group["pledgers"]:
                doc.add(Para(_pledgers(group), "aside"))
            if group["notes"]:
                doc.add(Bullets(tuple(_note(note) for note in group["notes"])))
        if area["loose"]:
            if area["groups"]:
                doc.add(Heading(4, _("Other notes")))
            doc.add(Bullets(tuple(_note(note) for note in area["loose"])))
        if not area["groups"] and not area["loose"]:
            doc.add(Para((Run(_("No notes.")),), "empty"))


def _card(card: dict[str, Any]) -> tuple[Run, ...]:
    runs = [Run(card["text"])]
    if card["links"]:
        items = "; ".join(
            f"{item['text']} ({item['area']})" if item["area"] else item["text"]
            for item in card["links"]
        )
        runs.append(Run(f" — {_('Draws on')}{_colon()} {items}", muted=True))
    return tuple(runs)


def _slot(doc: Outline, label: str, cards: list[dict[str, Any]]) -> None:
    doc.add(Heading(3, label))
    if cards:
        doc.add(Bullets(tuple(_card(card) for card in cards)))
    else:
        doc.add(Para((Run("—"),), "empty"))


def _cards(doc: Outline, cards: dict[str, Any]) -> None:
    for kind, title in (("strategy", _("Strategies")), ("roadmap", _("Roadmap"))):
        if cards[kind]:
            doc.add(Heading(2, title))
            for slot in cards[kind]:
                _slot(doc, slot["label"], slot["cards"])
    for canvas in cards["canvas"]:
        title = canvas["label"] or _("Coalition canvas")
        doc.add(Heading(2, f"{title} — {canvas['group']}"))
        for rated in canvas.get("ratings", []):
            medians = " · ".join(f"{label} {_dash(median)}" for label, median in rated["medians"])
            raters = ngettext("%(num)d rater", "%(num)d raters", rated["raters"])
            heading = Run(f"{_('Ratings')} — {rated['phase']}{_colon()} ", bold=True)
            doc.add(Para((heading, Run(medians), Run(f" ({raters})", muted=True))))
        for item in canvas["fields"]:
            _slot(doc, item["label"], item["cards"])


def _proposals(doc: Outline, proposals: list[dict[str, Any]]) -> None:
    if not proposals:
        return
    doc.add(Heading(2, _("Proposals")))
    for p in proposals:
        doc.add(Heading(3, p["title"], coalitions.status_label(p["status"])))
        if p["impact"]:
            doc.add(Para((Run(p["impact"]),)))
        runs = [Run(ngettext("%(num)d member", "%(num)d members", len(p["members"])))]
        for index, m in enumerate(p["members"]):
            runs.append(Run(f"{_colon()} " if index == 0 else ", "))
            runs.append(Run(m["name"] or _("anonymous"), bold=True))
            if m["organisation"]:
                runs.append(Run(f" ({m['organisation']})"))
        doc.add(Para(tuple(runs)))


# --- ODT -------------------------------------------------------------------------------

TEXT_WIDTH_CM = 17.0  # A4 less 2 cm margins
THUMBNAIL = "Thumbnails/thumbnail.png"
GREY = "#4a5360"
LINE = "0.5pt solid #d5d2ca"

HEADINGS = {  # level: (size, space above, rule below)
    1: ("22pt", "0.1cm", False),
    2: ("15pt", "0.7cm", True),
    3: ("12.5pt", "0.45cm", False),
    4: ("11pt", "0.3cm", False),
}


def _heading_style(level: int) -> str:
    size, above, rule = HEADINGS[level]
    border = f' fo:border-bottom="{LINE}" fo:padding-bottom="0.05cm"' if rule else ""
    return f"""
<style:style style:name="Heading_20_{level}" style:display-name="Heading {level}"
    style:family="paragraph" style:parent-style-name="Heading"
    style:next-style-name="Text_20_body" style:default-outline-level="{level}"
    style:class="chapter">
  <style:paragraph-properties fo:margin-top="{above}" fo:margin-bottom="0.15cm"{border}/>
  <style:text-properties style:font-name="Liberation Sans" fo:font-size="{size}"
      fo:font-weight="bold" fo:font-style="normal" style:font-size-asian="{size}"
      style:font-weight-asian="bold" style:font-style-asian="normal"
      style:font-size-complex="{size}" style:font-weight-complex="bold"
      style:font-style-complex="normal"/>
</style:style>"""


def _list_style(name: str, numbered: bool) -> str:
    levels = "".join(
        (
            f'<text:list-level-style-number text:level="{level}" style:num-suffix="."'
            f' style:num-format="1">'
            if numbered
            else f'<text:list-level-style-bullet text:level="{level}" text:bullet-char="•">'
        )
        + '<style:list-level-properties text:list-level-position-and-space-mode="label-alignment">'
        f'<style:list-level-label-alignment text:label-followed-by="listtab"'
        f' text:list-tab-stop-position="{0.6 * level:.1f}cm" fo:text-indent="-0.6cm"'
        f' fo:margin-left="{0.6 * level:.1f}cm"/></style:list-level-properties>'
        + ("</text:list-level-style-number>" if numbered else "</text:list-level-style-bullet>")
        for level in (1, 2, 3)
    )
    return f'<text:list-style style:name="{name}">{levels}</text:list-style>'


STYLES = f"""
<style:style style:name="Fabrique_Body" style:display-name="Fabrique Body"
    style:family="paragraph" style:parent-style-name="Text_20_body">
  <style:paragraph-properties fo:margin-top="0cm" fo:margin-bottom="0.18cm"/>
  <style:text-properties style:font-name="Liberation Sans" fo:font-size="10.5pt"/>
</style:style>
<style:style style:name="Fabrique_Eyebrow" style:display-name="Fabrique Eyebrow"
    style:family="paragraph" style:parent-style-name="Fabrique_Body">
  <style:text-properties fo:font-size="9pt" fo:color="{GREY}" fo:text-transform="uppercase"
      fo:letter-spacing="0.03cm"/>
</style:style>
<style:style style:name="Fabrique_Meta" style:display-name="Fabrique Meta"
    style:family="paragraph" style:parent-style-name="Fabrique_Body">
  <style:paragraph-properties fo:margin-bottom="0.4cm" fo:padding-bottom="0.25cm"
      fo:border-bottom="2.5pt solid #ffd84d"/>
  <style:text-properties fo:color="{GREY}"/>
</style:style>
<style:style style:name="Fabrique_Empty" style:display-name="Fabrique Empty"
    style:family="paragraph" style:parent-style-name="Fabrique_Body">
  <style:text-properties fo:color="{GREY}"/>
</style:style>
<style:style style:name="Fabrique_Licence" style:display-name="Fabrique Licence"
    style:family="paragraph" style:parent-style-name="Fabrique_Body">
  <style:paragraph-properties fo:margin-top="0.8cm" fo:padding-top="0.2cm"
      fo:border-top="{LINE}"/>
  <style:text-properties fo:font-size="9pt" fo:color="{GREY}"/>
</style:style>
<style:style style:name="Fabrique_List" style:display-name="Fabrique List"
    style:family="paragraph" style:parent-style-name="Fabrique_Body">
  <style:paragraph-properties fo:margin-bottom="0.08cm"/>
</style:style>
<style:style style:name="Fabrique_Figure_Label" style:display-name="Fabrique Figure Label"
    style:family="paragraph" style:parent-style-name="Fabrique_Body">
  <style:paragraph-properties fo:margin-bottom="0cm"/>
  <style:text-properties fo:font-size="9pt" fo:color="{GREY}"/>
</style:style>
<style:style style:name="Fabrique_Figure_Value" style:display-name="Fabrique Figure Value"
    style:family="paragraph" style:parent-style-name="Fabrique_Body">
  <style:text-properties fo:font-size="16pt" fo:font-weight="bold"/>
</style:style>
<style:style style:name="Fabrique_Table_Heading" style:display-name="Fabrique Table Heading"
    style:family="paragraph" style:parent-style-name="Fabrique_Body">
  <style:paragraph-properties fo:margin-bottom="0cm"/>
  <style:text-properties fo:font-size="9.5pt" fo:font-weight="bold"/>
</style:style>
<style:style style:name="Fabrique_Table_Contents" style:display-name="Fabrique Table Contents"
    style:family="paragraph" style:parent-style-name="Fabrique_Body">
  <style:paragraph-properties fo:margin-bottom="0cm"/>
  <style:text-properties fo:font-size="9.5pt"/>
</style:style>
<style:style style:name="Fabrique_Picture" style:display-name="Fabrique Picture"
    style:family="paragraph" style:parent-style-name="Fabrique_Body">
  <style:paragraph-properties fo:margin-top="0.2cm" fo:margin-bottom="0.3cm"/>
</style:style>
<style:style style:name="Fabrique_Strong" style:display-name="Fabrique Strong"
    style:family="text">
  <style:text-properties fo:font-weight="bold"/>
</style:style>
<style:style style:name="Fabrique_Emphasis" style:display-name="Fabrique Emphasis"
    style:family="text">
  <style:text-properties fo:font-style="italic"/>
</style:style>
<style:style style:name="Fabrique_Muted" style:display-name="Fabrique Muted"
    style:family="text">
  <style:text-properties fo:color="{GREY}" fo:font-weight="normal" fo:font-size="80%"/>
</style:style>
"""

AUTOMATIC = f"""
<style:style style:name="Fabrique_Table" style:family="table">
  <style:table-properties style:width="{TEXT_WIDTH_CM}cm" table:align="margins"
      fo:margin-top="0.2cm" fo:margin-bottom="0.3cm"/>
</style:style>
<style:style style:name="Fabrique_Cell" style:family="table-cell">
  <style:table-cell-properties fo:padding="0.07cm" fo:border-bottom="{LINE}"
      fo:border-top="none" fo:border-left="none" fo:border-right="none"/>
</style:style>
<style:style style:name="Fabrique_Header_Cell" style:family="table-cell">
  <style:table-cell-properties fo:padding="0.07cm" fo:border-bottom="1pt solid #1b1f24"
      fo:border-top="none" fo:border-left="none" fo:border-right="none"/>
</style:style>
<style:style style:name="Fabrique_Quadrant_Cell" style:family="table-cell">
  <style:table-cell-properties fo:padding="0.15cm" fo:border="{LINE}"/>
</style:style>
<style:style style:name="Fabrique_Figure_Cell" style:family="table-cell">
  <style:table-cell-properties fo:padding="0.05cm" fo:border="none"/>
</style:style>
<style:style style:name="Fabrique_Picture_Frame" style:family="graphic">
  <style:graphic-properties style:wrap="none" style:vertical-pos="top"
      style:vertical-rel="baseline" style:horizontal-pos="center"
      style:horizontal-rel="paragraph"/>
</style:style>
"""


def _styles(document: Document) -> None:
    for xml in re.findall(r"<style:style .*?</style:style>", STYLES, re.S):
        document.insert_style(Element.from_tag(xml), automatic=False)
    for level in HEADINGS:
        document.insert_style(Element.from_tag(_heading_style(level)), automatic=False)
    document.insert_style(Element.from_tag(_list_style("Fabrique_Bullets", False)))
    document.insert_style(Element.from_tag(_list_style("Fabrique_Numbers", True)))
    # Headings unnumbered: the template's outline numbers them "1.", "1.1."…
    for level_style in document.styles.get_elements("//text:outline-level-style"):
        for name in ("style:num-suffix", "loext:num-list-format", "text:display-levels"):
            if level_style.get_attribute(name) is not None:
                level_style.del_attribute(name)
        level_style.set_attribute("style:num-format", "")
    for xml in re.findall(r"<style:style .*?</style:style>", AUTOMATIC, re.S):
        document.insert_style(Element.from_tag(xml), automatic=True)


def _column_style(document: Document, name: str, width_cm: float) -> str:
    xml = (
        f'<style:style style:name="{name}" style:family="table-column">'
        f'<style:table-column-properties style:column-width="{width_cm:.2f}cm"/>'
        "</style:style>"
    )
    document.insert_style(Element.from_tag(xml), automatic=True)
    return name


def _span_style(run: Run) -> str | None:
    if run.bold:
        return "Fabrique_Strong"
    if run.italic:
        return "Fabrique_Emphasis"
    return "Fabrique_Muted" if run.muted else None


def _paragraph(runs: tuple[Run, ...], style: str) -> Paragraph:
    paragraph = Paragraph("", style=style)
    for run in runs:
        text = xml_text(run.text)
        if run.url:
            paragraph.append(Link(run.url, text=text))
        else:
            paragraph.append(Span(text, style=_span_style(run)))
    return paragraph


def _cell(text: str, paragraph_style: str, cell_style: str) -> Cell:
    cell = Cell(style=cell_style)
    cell.append(Paragraph(xml_text(text), style=paragraph_style))
    return cell


def _grid(document: Document, grid: Grid) -> Table:
    table = Table(name=grid.name.capitalize(), style="Fabrique_Table")
    total = sum(grid.widths)
    for index, share in enumerate(grid.widths):
        width = TEXT_WIDTH_CM * share / total
        table.append(Column(style=_column_style(document, f"{grid.name}_col{index}", width)))
    header = HeaderRows()
    row = Row()
    for title in grid.header:
        row.append(_cell(title, "Fabrique_Table_Heading", "Fabrique_Header_Cell"))
    header.append(row)
    table.append(header)
    for values in grid.rows:
        row = Row()
        for value in values:
            row.append(_cell(value, "Fabrique_Table_Contents", "Fabrique_Cell"))
        table.append(row)
    return table


def _quadrant_table(document: Document, quadrants: Quadrants) -> Table:
    """Two areas a row, each cell its title and its ranked lines."""
    table = Table(name=quadrants.name.capitalize(), style="Fabrique_Table")
    style = _column_style(document, f"{quadrants.name}_col", TEXT_WIDTH_CM / 2)
    table.append(Column(style=style, repeated=2))
    for start in range(0, len(quadrants.cells), 2):
        row = Row()
        for title, lines in quadrants.cells[start : start + 2]:
            cell = Cell(style="Fabrique_Quadrant_Cell")
            cell.append(Paragraph(xml_text(title), style="Fabrique_Table_Heading"))
            for line in lines:
                cell.append(Paragraph(xml_text(line), style="Fabrique_Table_Contents"))
            row.append(cell)
        if len(quadrants.cells[start : start + 2]) == 1:
            row.append(Cell(style="Fabrique_Quadrant_Cell"))
        table.append(row)
    return table


TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


def _literal_spaces(body: Element) -> None:
    """odfdo writes a space at the edge of a span as <text:s/>, which some readers drop
    ("habitants(12)"). A single space after a letter needs no such element: it becomes
    a plain space; runs of spaces and leading ones keep theirs."""
    spacer_tag, count = f"{{{TEXT_NS}}}s", f"{{{TEXT_NS}}}c"
    root = body._Element__element  # type: ignore[attr-defined]
    for spacer in list(root.iter(spacer_tag)):
        if spacer.get(count) not in (None, "1"):
            continue
        paragraph = next(
            (a for a in spacer.iterancestors() if a.tag in (f"{{{TEXT_NS}}}p", f"{{{TEXT_NS}}}h")),
            None,
        )
        if paragraph is None:
            continue
        before = _text_before(paragraph, spacer)
        if not before or before[-1].isspace():
            continue
        previous, parent = spacer.getprevious(), spacer.getparent()
        tail = " " + (spacer.tail or "")
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
        parent.remove(spacer)


def _text_before(paragraph: Any, stop: Any) -> str:
    """The paragraph's text up to an element inside it, spaces counted."""
    pieces: list[str] = []

    def walk(element: Any) -> bool:
        if element is stop:
            return True
        if element.tag == f"{{{TEXT_NS}}}s":
            pieces.append(" " * int(element.get(f"{{{TEXT_NS}}}c", "1")))
        else:
            pieces.append(element.text or "")
        for child in element:
            if walk(child):
                return True
            pieces.append(child.tail or "")
        return False

    walk(paragraph)
    return "".join(pieces)


def _figures(document: Document, figures: Figures) -> Table:
    table = Table(name="Participation", style="Fabrique_Table")
    width = TEXT_WIDTH_CM / len(figures.items)
    style = _column_style(document, "participation_col", width)
    table.append(Column(style=style, repeated=len(figures.items)))
    labels, values = Row(), Row()
    for label, value in figures.items:
        labels.append(_cell(label, "Fabrique_Figure_Label", "Fabrique_Figure_Cell"))
        values.append(_cell(str(value), "Fabrique_Figure_Value", "Fabrique_Figure_Cell"))
    table.append(labels)
    table.append(values)
    return table


def _picture(document: Document, picture: Picture) -> Paragraph:
    # Stored by hand: add_file() would name it without .png and call it octet-stream.
    uri = f"Pictures/{picture.name}.png"
    document.container.set_part(uri, picture.png)
    if document.manifest.get_media_type("Pictures/") is None:
        document.manifest.add_full_path("Pictures/")
    document.manifest.add_full_path(uri, "image/png")
    width = picture.width_cm or TEXT_WIDTH_CM
    height = width * picture.height_px / picture.width_px
    frame = Frame.image_frame(
        uri,
        name=picture.name,
        style="Fabrique_Picture_Frame",
        size=(f"{width:.2f}cm", f"{height:.2f}cm"),
        anchor_type="as-char",
    )
    frame.svg_title = xml_text(picture.description)
    paragraph = Paragraph("", style="Fabrique_Picture")
    paragraph.append(frame)
    return paragraph


def _bullets(bullets: Bullets) -> List:
    items = List(style="Fabrique_Numbers" if bullets.numbered else "Fabrique_Bullets")
    for runs in bullets.items:
        item = ListItem()
        item.append(_paragraph(runs, "Fabrique_List"))
        items.append(item)
    return items


def _heading(heading: Heading) -> Header:
    element = Header(heading.level, xml_text(heading.text))
    element.style = f"Heading_20_{heading.level}"  # Header() itself ignores its style
    if heading.aside:
        element.append(Span(xml_text(f" — {heading.aside}"), style="Fabrique_Muted"))
    return element


def write(doc: Outline) -> bytes:
    document = Document("text")
    document.body.clear()
    # The template's thumbnail would show its own page, not this synthesis.
    document.del_part(THUMBNAIL)
    document.manifest.del_full_path(THUMBNAIL)
    _styles(document)
    document.set_language(doc.language)
    document.meta.title = xml_text(doc.title)
    document.meta.subject = xml_text(doc.subject)
    body = document.body
    styles = {"body": "Fabrique_Body", "eyebrow": "Fabrique_Eyebrow", "meta": "Fabrique_Meta"}
    styles |= {"empty": "Fabrique_Empty", "aside": "Fabrique_Empty"}
    styles |= {"licence": "Fabrique_Licence"}
    for block in doc.blocks:
        if isinstance(block, Heading):
            body.append(_heading(block))
        elif isinstance(block, Para):
            body.append(_paragraph(block.runs, styles[block.kind]))
        elif isinstance(block, Bullets):
            body.append(_bullets(block))
        elif isinstance(block, Figures):
            body.append(_figures(document, block))
        elif isinstance(block, Grid):
            body.append(_grid(document, block))
        elif isinstance(block, Quadrants):
            body.append(_quadrant_table(document, block))
        else:
            body.append(_picture(document, block))
    _literal_spaces(body)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def odt(workshop: Workshop) -> bytes:
    return write(outline(workshop))
