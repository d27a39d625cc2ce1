"""The page: the controls, the map with its time slider, the details, legend and panels.

Composed by app.py; each part is a small function of its own module.
"""

from __future__ import annotations

import streamlit as st

from rkmap.app import user_channel
from rkmap.app._markdown import md_escape
from rkmap.app.controls import current_view, init_state, sidebar_controls, time_controls, url_notices, write_url
from rkmap.app.data import shipped_dataset, source_caption
from rkmap.app.data_download import data_download
from rkmap.app.deck_map import deck_map
from rkmap.app.detail import ItemLookup, detail_panel, sync_map_pick
from rkmap.app.export_panel import export_panel
from rkmap.app.legend import legend
from rkmap.app.restart import restart_notice
from rkmap.app.safety import coordinate_notice
from rkmap.app.server_start import wait_for_warm_up
from rkmap.app.story import camera_count, story_controls, story_start
from rkmap.app.timeline import timeline_payload
from rkmap.app.upload_panel import session_dataset, upload_panel, user_data_notice
from rkmap.core.messages import t
from rkmap.core.text import data_end_note
from rkmap.data.load_worker import start_worker_server
from rkmap.data.user_data import has_user_data
from rkmap.render.deck import build_deck
from rkmap.render.view import date_span, region_box, shown_counts

DETAILS_HEIGHT_PX = 520


def render() -> None:
    """Compose the page for this run: every element, in page order."""
    wait_for_warm_up()  # a page opened as the server starts: its map is being built (rkmap/app/server_start.py)
    shipped, problems = shipped_dataset()
    dataset = session_dataset(shipped)  # plus this session's own data, if any
    first, last = date_span(dataset)
    user_frame = has_user_data(dataset)  # the "Your data" frame is offered only then
    init_state(first, last, ItemLookup(dataset), user_frame=user_frame)
    sidebar_controls(user_frame)
    view = current_view()

    st.title(t("app_title", view.lang))
    st.caption(t("app_caption", view.lang))
    url_notices()
    if problems:
        st.warning(t("data_problems", view.lang) + "\n\n" + "\n".join(f"- {md_escape(p)}" for p in problems))
    user_data_notice(view.lang)
    coordinate_notice(dataset, view.lang)
    restart_notice(view.lang)


    @st.fragment
    def map_and_time() -> None:
        """What follows the as-of date: a slider step reruns only this part.

        Kept small, as every element in it is redrawn on each step: the time buttons,
        legend and details (which do not depend on the date) sit outside it.
        """
        view = current_view()
        events_shown, legs_shown = shown_counts(dataset, view)
        st.caption(t("shown_count", view.lang, events=events_shown, legs=legs_shown, date=view.as_of.isoformat()) + data_end_note(view.as_of, first, last, view.lang))
        deck = build_deck(dataset, view, camera=camera_count(), channel=user_channel.publisher())
        picked = deck_map(deck, first, last, t("as_of", view.lang), timeline=timeline_payload(dataset, view), frame=region_box(view.region, dataset))
        if sync_map_pick(picked):
            st.rerun(scope="app")  # the details panel, outside this fragment, shows the clicked item
        # Inside the fragment, so they always use the current as-of date; drawn only while open
        # (lazy expanders), so a slider step with them closed costs little.
        with st.expander(t("data_download", view.lang), key="data_download_open", on_change="rerun") as box:
            if box.open:
                data_download(dataset, view)
        with st.expander(t("export", view.lang), key="export_open", on_change="rerun") as box:
            if box.open:
                export_panel(dataset, view)
        write_url(view)


    # Outside the fragment: a story step changes the frame and the clock, and a time
    # button the date, so they rerun the whole page.
    story_controls(shipped)
    story_start(time_controls(first, last), shipped)
    # The side column is a third of the page: quotes read at a line length of ~50 characters or more.
    map_column, side_column = st.columns([2.1, 1])
    with map_column:
        map_and_time()
    with side_column:
        # Details first, beside the map's top, scrolling inside their own box: a long source quote
        # never pushes the page down; the legend follows.
        # With nothing picked the box takes only its own room, so the legend stays in view.
        details_height = DETAILS_HEIGHT_PX if st.session_state.get("selected") else "content"
        with st.container(height=details_height, border=False, key="details_box"):
            detail_panel(dataset, view)
        legend(dataset, view.layers, view.lang)
    # Opening the panel reruns the page (its open state is then known) and starts the uploads' fork server:
    # its imports run while the analyst picks a file, not after the upload (rkmap/data/load_worker.py).
    with st.sidebar.expander(t("user_data", view.lang), key="user_data_open", on_change="rerun") as box:
        if box.open:
            start_worker_server()
        upload_panel(shipped, view.lang)
    st.caption(t("credits", view.lang))
    st.caption(source_caption(view.lang))
