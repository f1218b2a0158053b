"""Personal details in text people wrote (e-mail addresses, phone and card numbers) replaced by a placeholder.

The one place masking happens: pages, downloads and reports call `mask_personal` (or `mask_series` on a column),
so every view hides the same things the same way. Pure: no Streamlit, no SQL.

Decisions, each a trade between hiding too much and too little:
- Card numbers: 13-19 digits written together, in groups of four (4-4-4-4, with up to 3 more digits) or as
  American Express writes them (4-6-5). No Luhn check: a mistyped card number is still someone's card number,
  and a 13-19 digit reference hidden by mistake costs the reader little.
- Phone numbers: with an international prefix (+44 or 0044) and 8 digits or more; national numbers with a
  leading 0 and 10 digits or more (07700 900123, (020) 7946 0958), one kind of separator throughout; and the
  North American 3-3-4 shape ((555) 123-4567, 555.123.4567). Other runs of digits stay: order numbers,
  amounts, dates, times, years and percentages are what comments are about.
- A number that continues into another group joined by a dash or dot is a date or a reference, not a phone.
"""

from __future__ import annotations

import re
from typing import overload

import pandas as pd

EMAIL = "[e-mail]"
PHONE = "[phone]"
CARD = "[card number]"

_START = r"(?<![\w+])(?<!\d[.-])"  # not inside a word, nor inside a run of digits joined by dashes or dots
_END = r"(?!\w)(?![.-]\d)"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?!\w)")
_CARD = re.compile(_START + r"(?:\d{13,19}"
                   r"|\d{4}(?P<sep>[ -])\d{4}(?P=sep)\d{4}(?P=sep)\d{1,4}(?:(?P=sep)\d{1,3})?"
                   r"|\d{4}(?P<amex>[ -])\d{6}(?P=amex)\d{4,5})" + _END)
_PHONE = re.compile(_START + r"(?:"
                    r"(?P<international>(?:\+|00)[1-9]\d{0,2}(?:[ .-]?(?:\(\d{1,5}\)|\d{1,5})){1,6})"
                    r"|(?P<national>(?:\(0\d{1,4}\)[ ]?\d{2,6}|0\d{1,4})"
                    r"(?:(?P<national_sep>[ .-]?)\d{2,6}(?:(?P=national_sep)\d{2,6}){0,2})?)"
                    r"|(?:1[ .-]?)?(?:\(\d{3}\)[ ]?\d{3}[ .-]|\d{3}(?P<nanp_sep>[ .-])\d{3}(?P=nanp_sep))\d{4}"
                    r")" + _END)
_FEWEST_DIGITS = {"international": 8, "national": 10}  # fewer than this is a reference or a date, not a phone


def _phone(match: re.Match) -> str:
    kind = next((k for k in _FEWEST_DIGITS if match.group(k)), None)
    digits = sum(c.isdigit() for c in match.group(0))
    return PHONE if kind is None or digits >= _FEWEST_DIGITS[kind] else match.group(0)


@overload
def mask_personal(text: str) -> str: ...
@overload
def mask_personal(text: None) -> None: ...
def mask_personal(text: str | None) -> str | None:
    """The text with e-mail addresses, card numbers and phone numbers replaced by [e-mail], [card number] and
    [phone], so a list of comments can be shown or shared without the customers' contact details."""
    if not text:
        return text
    masked = _EMAIL.sub(EMAIL, text)
    masked = _CARD.sub(CARD, masked)  # before phones: a card's groups of four could read as a phone number
    return _PHONE.sub(_phone, masked)


def mask_series(texts: pd.Series) -> pd.Series:
    """mask_personal on every text of a column; missing values stay missing."""
    return texts.map(mask_personal, na_action="ignore")
