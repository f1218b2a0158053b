"""analytics.masking: what is hidden in comment text and, as much, what is left alone (a table of cases)."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.masking import mask_personal, mask_series

CASES = [
    # nothing to mask
    (None, None),
    ("", ""),
    ("Great service, thank you!", "Great service, thank you!"),
    # e-mail addresses
    ("Write to jane.doe@example.com please", "Write to [e-mail] please"),
    ("j_smith+orders@mail.example.co.uk.", "[e-mail]."),
    ("Two: a@b.io, c-d@e-f.org", "Two: [e-mail], [e-mail]"),
    ("JOHN@EXAMPLE.COM replied", "[e-mail] replied"),
    # phone numbers
    ("Call me on +44 20 7946 0958 today", "Call me on [phone] today"),
    ("Ring +44 (0)20 7946 0958", "Ring [phone]"),
    ("From abroad: 0044 20 7946 0958", "From abroad: [phone]"),
    ("My mobile is 07700 900123.", "My mobile is [phone]."),
    ("Mobile 07700900123", "Mobile [phone]"),
    ("Mobile 07700 900 123", "Mobile [phone]"),
    ("Office (020) 7946 0958 after 5pm", "Office [phone] after 5pm"),
    ("Landline 0161-496-0000", "Landline [phone]"),
    ("US office (555) 123-4567", "US office [phone]"),
    ("or 555-123-4567 or 555.123.4567 or 555 123 4567", "or [phone] or [phone] or [phone]"),
    ("Toll free 1-800-555-0199", "Toll free [phone]"),
    ("+1 (555) 123-4567 is my cell", "[phone] is my cell"),
    ("Call 07700 900123 10 times", "Call [phone] times"),  # a number right after it goes too: hide, not show
    # card numbers
    ("Charged twice on 4111 1111 1111 1111!", "Charged twice on [card number]!"),
    ("card 4111-1111-1111-1111", "card [card number]"),
    ("card 4111111111111111 expired", "card [card number] expired"),
    ("Amex 3782 822463 10005", "Amex [card number]"),
    ("Maestro 6759 6498 2643 8453 262", "Maestro [card number]"),
    ("typo 4111 1111 1111 1112", "typo [card number]"),  # no Luhn check: a mistyped card is still a card
    ("all three: x@y.com 07700 900123 4111111111111111", "all three: [e-mail] [phone] [card number]"),
    # ordinary numbers stay
    ("Order 12345678 never arrived", "Order 12345678 never arrived"),
    ("Order 01234567 was late", "Order 01234567 was late"),
    ("Ticket #123456 still open", "Ticket #123456 still open"),
    ("Paid £45.99 and then £1,299.00", "Paid £45.99 and then £1,299.00"),
    ("Delivered 2024-03-01, promised 2024-02-25", "Delivered 2024-03-01, promised 2024-02-25"),
    ("Came 05.12.2024 14:30 instead", "Came 05.12.2024 14:30 instead"),
    ("From 03-01-2024 10 days late", "From 03-01-2024 10 days late"),
    ("Customer since 2019 2020 2021", "Customer since 2019 2020 2021"),
    ("Arrived at 10:45, 20% off, 3.5 stars", "Arrived at 10:45, 20% off, 3.5 stars"),
    ("Version 2.0.1 of the app, 0.5 kg", "Version 2.0.1 of the app, 0.5 kg"),
    ("Parcel ref AB1234567890123GB", "Parcel ref AB1234567890123GB"),
    ("1000 points, 007 style", "1000 points, 007 style"),
    ("Not an address: me@home, @shop", "Not an address: me@home, @shop"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_mask_personal(text, expected):
    assert mask_personal(text) == expected


def test_mask_series_masks_each_text_and_keeps_missing_values():
    masked = mask_series(pd.Series(["mail a@b.io", None, "fine"], dtype="object"))
    assert masked.tolist()[::2] == ["mail [e-mail]", "fine"] and pd.isna(masked.iloc[1])


def test_masking_is_idempotent():
    once = [mask_personal(text) for text, _ in CASES]
    assert [mask_personal(text) for text in once] == once
