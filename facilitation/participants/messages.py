"""Strings the phone's scripts show (keys used by static/js/phone.js and static/js/phone/).

Keys start with ``phone.`` so that they never collide with the staff screens' keys (all
the scripts' strings travel in one object). ``_one`` / ``_many`` pairs are plurals: French
uses the singular for 0 and 1, English for 1 only (static/js/dom.js: plural).
"""

from flask_babel import lazy_gettext as _l

PHONE_MESSAGES = {
    # Connection and the workshop's state
    "phone.status_refused": _l("Not admitted"),
    "phone.status_ended": _l("Ended"),
    "phone.still_connecting": _l(
        "Still trying to connect… Check your Wi-Fi or mobile data; this page keeps trying."
    ),
    "phone.unsent": _l("Waiting to be sent: %(items)s."),
    "phone.unsent_notes_one": _l("%(n)s note"),
    "phone.unsent_notes_many": _l("%(n)s notes"),
    "phone.unsent_dots_one": _l("%(n)s dot"),
    "phone.unsent_dots_many": _l("%(n)s dots"),
    "phone.unsent_cards_one": _l("%(n)s card"),
    "phone.unsent_cards_many": _l("%(n)s cards"),
    "phone.unsent_pledges_one": _l("%(n)s pledge"),
    "phone.unsent_pledges_many": _l("%(n)s pledges"),
    "phone.unsent_changes_one": _l("%(n)s change"),
    "phone.unsent_changes_many": _l("%(n)s changes"),
    "phone.offline_saved": _l(
        "Offline: this page is the one kept on this phone. What you send waits here and goes "
        "once the connection returns."
    ),
    "phone.back_home": _l("Back to the home page"),
    "phone.join_again": _l("Join again"),
    "phone.ended": _l("The workshop has ended."),
    "phone.ended_detail": _l("Thank you for taking part! Everything you wrote has been kept."),
    "phone.read_synthesis": _l("Read the synthesis"),
    "phone.locked": _l("The board is locked for now."),
    "phone.locked_detail": _l(
        "The facilitator has paused contributions. You can still read everything."
    ),
    "phone.close": _l("Close"),
    "phone.not_saved_text": _l("Not saved: « %(text)s »"),
    # Phase and timer
    "phone.phase_step": _l("Step %(n)s/%(total)s"),
    "phone.timer_left": _l("left"),
    "phone.timer_paused": _l("paused"),
    "phone.timer_over": _l("time's up"),
    "phone.spotlight": _l("On the board now"),
    # Writing notes
    "phone.chars_left_one": _l("%(n)s character left"),
    "phone.chars_left_many": _l("%(n)s characters left"),
    "phone.chars_over_one": _l("%(n)s character too many"),
    "phone.chars_over_many": _l("%(n)s characters too many"),
    "phone.edit": _l("Edit"),
    "phone.delete": _l("Delete"),
    "phone.cancel": _l("Cancel"),
    "phone.save": _l("Save"),
    "phone.change": _l("Change"),
    "phone.edit_label": _l("Edit the text"),
    "phone.confirm_delete_note": _l("Delete this note?"),
    "phone.confirm_delete_card": _l("Delete this card?"),
    "phone.yours": _l("Yours"),
    "phone.hidden_by_facilitator": _l("Hidden by the facilitator"),
    # Reading notes
    "phone.your_notes": _l("Your notes"),
    "phone.all_notes": _l("All notes"),
    "phone.groups_and_notes": _l("Groups and notes"),
    "phone.groups": _l("Groups"),
    "phone.not_grouped": _l("Not grouped"),
    "phone.private_hint": _l("Only you see your notes until the facilitator reveals them."),
    "phone.no_notes": _l("No notes yet."),
    "phone.no_notes_yet": _l("Your notes will appear here."),
    "phone.notes_count_one": _l("%(n)s note"),
    "phone.notes_count_many": _l("%(n)s notes"),
    # Dot voting
    "phone.dots_one": _l("%(n)s dot"),
    "phone.dots_many": _l("%(n)s dots"),
    "phone.dots_left_one": _l("%(n)s dot left"),
    "phone.dots_left_many": _l("%(n)s dots left"),
    "phone.dots_left_per_area": _l("Dots left (%(n)s per area)"),
    "phone.all_dots_used": _l("All your dots are placed. Take one back with − to move it."),
    "phone.my_dots": _l("Your dots: %(n)s of %(max)s"),
    "phone.vote_add": _l("Add a dot to: %(item)s"),
    "phone.vote_remove": _l("Take a dot back from: %(item)s"),
    # Results
    "phone.results": _l("Results"),
    "phone.results_not_yet": _l("The facilitator has not revealed the results yet."),
    "phone.results_summary": _l("%(dots)s from %(voters)s"),
    "phone.voters_one": _l("%(n)s voter"),
    "phone.voters_many": _l("%(n)s voters"),
    "phone.no_votes": _l("No dots were placed."),
    "phone.rank": _l("Rank %(n)s"),
    "phone.rank_tied": _l("Tied at rank %(n)s"),
    # Pledges
    "phone.would_join": _l("I would join"),
    "phone.pledges_one": _l("%(n)s person would join"),
    "phone.pledges_many": _l("%(n)s people would join"),
    "phone.pledge_title": _l("Join this coalition"),
    "phone.pledge_identity": _l("Your name on pledges"),
    "phone.pledge_explain": _l(
        "Both are optional. They are kept on this phone for your next pledges."
    ),
    "phone.pledge_name": _l("Your name"),
    "phone.pledge_org": _l("Your organisation"),
    "phone.pledging_as": _l("Pledging as %(who)s."),
    "phone.pledging_anonymously": _l("Pledging without a name."),
    # Coalition proposals that came out of the workshop
    "phone.proposals": _l("Coalition proposals"),
    "phone.members_one": _l("%(n)s member"),
    "phone.members_many": _l("%(n)s members"),
    "phone.joined": _l("You joined"),
    "phone.status_draft": _l("Draft"),
    "phone.status_proposed": _l("Proposed"),
    "phone.status_forming": _l("Forming"),
    "phone.status_active": _l("Active"),
    "phone.status_closed": _l("Closed"),
    # Cards: strategies, roadmap, canvas
    "phone.cards": _l("Cards"),
    "phone.cards_count_one": _l("%(n)s card"),
    "phone.cards_count_many": _l("%(n)s cards"),
    "phone.no_cards": _l("Nothing here yet."),
    "phone.linked_items": _l("Drawn from"),
    "phone.kind_strategy": _l("Strategies"),
    "phone.kind_roadmap": _l("Roadmap"),
    "phone.kind_canvas": _l("Coalition canvas"),
    "phone.new_strategy": _l("Propose a strategy"),
    "phone.new_roadmap": _l("New roadmap item"),
    "phone.new_canvas": _l("Fill in the canvas"),
    "phone.slot_strategy": _l("Quadrant"),
    "phone.slot_roadmap": _l("When?"),
    "phone.slot_canvas": _l("Section"),
    "phone.canvas_group": _l("Coalition"),
    "phone.text_strategy": _l("Your strategy"),
    "phone.text_roadmap": _l("What should be done?"),
    "phone.text_canvas": _l("Your contribution"),
    "phone.placeholder_strategy": _l("How to combine these two quadrants?"),
    "phone.placeholder_roadmap": _l("An action, who carries it…"),
    "phone.placeholder_canvas": _l("Write for the chosen section"),
    "phone.add_strategy": _l("Add the strategy"),
    "phone.add_roadmap": _l("Add to the roadmap"),
    "phone.add_canvas": _l("Add to the canvas"),
    "phone.links_optional": _l("Link the items it draws on (optional)"),
    "phone.links_chosen": _l("Linked items: %(n)s (at most 10)"),
    "phone.no_canvas_groups": _l("The facilitator has not chosen the coalitions yet."),
    "phone.unknown_group": _l("A removed group"),
}
