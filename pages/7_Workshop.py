"""Workshop: a review session from insight to owned actions — notes, open actions, dot voting, the story to present,
the follow-up of unhappy customers, and what the team takes away."""

from datetime import date

import streamlit as st

from analytics.loyalty import spend_gap
from analytics.workshop import votes_beside_data
from components import workshop as sections
from components import workshop_session as session
from components.closed_loop import followup_list
from components.notes import note_form
from components.page import setup_page
from components.workshop_charts import votes_beside_data as votes_chart
from data_access import reads

SECTIONS = {"notes": "Notes", "actions": "Open actions", "votes": "Voting", "story": "Story",
            "followup": "Follow-up", "takeaway": "Take away"}

page = setup_page("Workshop", ":material/groups:", "Review the journey together: note what you see, vote on what "
                  "comes first, give each fix an owner, follow up unhappy customers.")
today = date.today()
if not session.available():
    st.info("Read-only mode (CX_READ_ONLY=1): workshops, notes, votes and follow-ups are stored in the app's own "
            "tables, which a read-only warehouse does not have. Run the app on its own database to hold workshops.")
    st.stop()
sections.start_form(session.last_view())
workshop_id = session.workshop_choice(st)
asked = st.query_params.get("tab")
section = st.segmented_control("Section", list(SECTIONS), format_func=SECTIONS.get, required=True,
                               default=asked if asked in SECTIONS else "notes", key="workshop_section")

if section == "actions":
    sections.actions_board(today)
elif section == "story":
    sections.story_editor(st.session_state.get(session.KEYS["story"]))
elif section == "followup":
    followup_list(page, session.name())
elif workshop_id is None:
    st.info("Start a workshop above: its notes, votes and minutes live in it.")
else:
    workshop = reads.workshop.workshops_list().set_index("workshop_id").loc[workshop_id].copy()
    workshop["workshop_id"] = workshop_id
    sections.workshop_header(workshop)
    touchpoints = reads.survey.summary(page.filters, by=("stage_order", "stage", "touchpoint"))
    ranked = votes_beside_data(reads.workshop.votes(workshop_id), reads.workshop.actions(), touchpoints,
                               spend_gap(reads.loyalty.nps_group_outcomes(page.filters, page.data_end,
                                                                          by=("touchpoint",)), "touchpoint"))
    if section == "notes":
        sections.notes_board(workshop_id, today)
        note_form("workshop_note_form", dict(zip(touchpoints["touchpoint"], touchpoints["stage"], strict=True)),
                  None, page.script, page.query)
    elif section == "votes":
        sections.voting(workshop, ranked, touchpoints["touchpoint"].tolist(),
                        votes_chart(ranked, "What the room voted for, beside what the data says", page.describe()))
    else:
        sections.take_away(workshop, reads.workshop.notes(workshop_id), ranked,
                           st.session_state.get(session.KEYS["story"]))
