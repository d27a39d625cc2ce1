"""Choice widgets (radio, selectbox) whose value is a stable key and whose label is in the current language.

Why this module exists: Streamlit 1.67 keeps a radio's or selectbox's value in
the browser as its *label*, and turns the label the browser sends back into a
value by looking it up among the labels of the run that drew the widget. After
a language switch the browser still holds the old language's label until the
server sends the value again; the next rerun (a slider step, say) then hands
the script that label as the value ("Whole route: Korea to Moscow" instead of
``route``), and anything keyed by it fails.

So every keyed choice goes through :func:`choice`, which records its options
and labels in both languages, and:

- :func:`repair_choices` (called before the view is read, in full and fragment
  runs alike) turns a label back into its key, or anything else into the
  widget's default, so no code downstream ever sees a label;
- :func:`resend_choices` (the language radio's ``on_change``) assigns every
  choice its own value again, which makes Streamlit send it, newly labelled,
  to the browser.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

from rkmap.core.messages import LANGS

_META_KEY = "_choice_meta"  # session key: {widget key: _Meta} of every choice drawn so far


@dataclass(frozen=True)
class _Meta:
    options: frozenset[Hashable]
    by_label: dict[str, Hashable]  # a label in any language -> its option
    default: Hashable


def _metas() -> dict[str, _Meta]:
    return st.session_state.setdefault(_META_KEY, {})


def choice(
    widget: Callable[..., Any],
    label: str,
    options: Sequence[Hashable],
    *,
    key: str,
    option_label: Callable[[Hashable, str], str],
    lang: str,
    default: Hashable | None = None,
    **kwargs: Any,
) -> Any:
    """Draw ``widget`` (``st.radio``, ``st.selectbox``, or a column's) for ``options`` keyed by ``key``.

    ``option_label(option, lang)`` gives an option's label in a language;
    ``default`` (the first option if not given) replaces a value that is no option.
    """
    default = options[0] if default is None and options else default
    by_label = {option_label(option, other): option for other in LANGS for option in options}
    _metas()[key] = _Meta(frozenset(options), by_label, default)
    _repair(key)
    return widget(label, options, key=key, format_func=lambda option: option_label(option, lang), **kwargs)


def _repair(key: str) -> None:
    meta = _metas().get(key)
    state = st.session_state
    if meta is None or key not in state:
        return
    value = state[key]
    if isinstance(value, Hashable) and value in meta.options:
        return
    state[key] = meta.by_label.get(value, meta.default) if isinstance(value, str) else meta.default


def admit(key: str, option: Hashable) -> None:
    """Make ``option`` one of choice ``key``'s options before the widget is drawn again (an item picked on the map
    that the list does not hold: the widget adds it, rkmap/app/detail.py), so :func:`repair_choices` keeps it."""
    meta = _metas().get(key)
    if meta is not None and option not in meta.options:
        _metas()[key] = _Meta(meta.options | {option}, meta.by_label, meta.default)


def repair_choices() -> None:
    """Every recorded choice's value back to one of its options (see the module's docstring)."""
    for key in list(_metas()):
        _repair(key)


def resend_choices() -> None:
    """Assign every recorded choice its value again, so the browser gets it with the new language's label."""
    repair_choices()
    state = st.session_state
    for key in _metas():
        if key in state:
            state[key] = state[key]
