"""The C40 message zone: a sequence of <DI><value>[<GS>|<RS>] blocks (§3.4.1, pp.21–22).

Why: values carry no length prefix; a fixed-length DI (min == max) is followed directly by the
next DI, a variable-length one ends with <GS>, with <RS> when it was truncated, at its maximum
length ("qu'il n'a pas atteint sa longueur maximale", p.21), or at the end of the message. So the
catalogue is what splits the text, and an unknown DI can only be read up to the next separator
(lenient mode) or refused (strict mode, §3.4.4 forbids DIs outside the spec).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from twoddoc.c40 import GS, RS, US, normalise_to
from twoddoc.catalog import ANTS_PERIMETER, ENCODE_LAYOUTS, LAYOUTS
from twoddoc.errors import EncodeError, FieldError, UnknownFieldError

_DI_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_CONTROL = frozenset(GS + RS + US)


class Field(NamedTuple):
    """One message field (donnée): DI, value, whether it was truncated, whether the DI is known.

    A tuple, so decoding builds one per field at C speed; ``known`` is ``False`` only for DIs
    kept raw by a lenient decode.
    """

    di: str
    value: str
    truncated: bool = False
    known: bool = True


_new = tuple.__new__  # builds a Field without the Python-level NamedTuple constructor


def parse_message(text: str, start: int, end: int, perimeter: str | None = ANTS_PERIMETER, *,
                  strict: bool = True) -> tuple[Field, ...]:
    """Split ``text[start:end]`` into fields; positions in errors index ``text``.

    ``perimeter`` selects the catalogue; for a perimeter we have none for (or ``None``) every
    DI is unknown. The spec allows a trailing <GS> on the last field (p.22). The loop is written
    for speed, as it runs once per scan: plain-tuple layouts, one ``find`` per variable value,
    <RS> searched only when the message has one, no regex.
    """
    fields: list[Field] = []
    append = fields.append
    find = text.find
    get = LAYOUTS.get(perimeter or "", {}).get
    has_rs = find(RS, start, end) >= 0
    pos = start
    while pos < end:
        di = text[pos:pos + 2]
        layout = get(di)
        vstart = pos + 2
        if layout is None:
            _check_di(text, pos, end)
            if strict:
                raise UnknownFieldError(f"unknown data identifier {di}", field=di, position=pos)
            low, high = 0, 1 << 30
        else:
            low, high = layout
            if low == high:
                pos = vstart + low
                value = text[vstart:pos]
                if pos > end or GS in value or RS in value:
                    _fixed_error(text, di, vstart, pos, end)
                append(_new(Field, (di, value, False, True)))
                continue
        stop = find(GS, vstart, end)
        if stop < 0:
            stop = end
        truncated = False
        if has_rs:
            rs = find(RS, vstart, stop)
            if rs >= 0:
                stop, truncated = rs, True
        if stop - vstart > high:
            # A value at its maximum length needs no separator (§3.4.1, p.21).
            pos = vstart + high
            append(_new(Field, (di, text[vstart:pos], False, True)))
            continue
        if stop - vstart < low and not truncated:
            raise FieldError(f"value has {stop - vstart} characters, minimum is {low}",
                             field=di, position=stop)
        append(_new(Field, (di, text[vstart:stop], truncated, layout is not None)))
        pos = stop + 1
    return tuple(fields)


def _check_di(text: str, pos: int, end: int) -> None:
    """Raise ``FieldError`` unless ``text[pos:pos+2]`` is a complete DI of [A-Z0-9]."""
    if pos + 2 > end:
        raise FieldError("message ends inside a data identifier", field=text[pos:end],
                         position=pos)
    di = text[pos:pos + 2]
    for i, ch in enumerate(di):
        if ch not in _DI_CHARS:
            raise FieldError(f"data identifier {di!r} is not 2 characters [A-Z0-9]", field=di,
                             position=pos + i)


def _fixed_error(text: str, di: str, vstart: int, vend: int, end: int) -> None:
    """Raise the ``FieldError`` of a fixed-length value that is cut short or holds a separator."""
    size = vend - vstart
    for i in range(vstart, min(vend, end)):
        if text[i] in _CONTROL:
            raise FieldError(f"fixed-length value needs {size} characters, found a separator",
                             field=di, position=i)
    raise FieldError(f"fixed-length value needs {size} characters, only {end - vstart} left",
                     field=di, position=end)


def format_message(items: Sequence[Field | tuple[str, str]],
                   perimeter: str = ANTS_PERIMETER) -> str:
    """Write fields as the C40 message text, checking each value against its DI (§3.4.1, §7).

    Values are folded (upper case, no accents) for their DI's characters; a ``Field`` with
    ``truncated=True`` is cut to the DI's maximum and ends with <RS>, even when last; <GS> is
    written only after a variable-length value that is neither last nor at its maximum length.
    ``EncodeError.position`` is the index of the offending character in the value.
    """
    layouts = ENCODE_LAYOUTS.get(perimeter, {})
    out: list[str] = []
    append = out.append
    last = len(items) - 1
    for index, item in enumerate(items):
        if len(item) == 2:
            di, raw = item
            truncated = False
        else:
            di, raw, truncated = item[0], item[1], bool(item[2])
        layout = layouts.get(di)
        if layout is None:
            raise UnknownFieldError(f"unknown data identifier {di!r}", field=str(di),
                                    position=index)
        chars, low, high, fold_case, is_date = layout
        # Inline fast path of c40.normalise_to: ASCII already in the set once upper-cased.
        value = raw.upper() if fold_case else raw
        if not (raw.isascii() and chars.issuperset(value)):
            value = normalise_to(raw, chars, field=di, fold_case=fold_case)
        if truncated:
            append(_truncated(di, value, low, high, fold_case))
            continue
        size = len(value)
        if not low <= size <= high or (is_date and value == "FFFF"):
            _size_error(di, value, low, high)
        if size == high or index == last:
            # Fixed length, maximum length or last field: no separator (§3.4.1, p.21).
            append(di + value)
        else:
            append(di + value + GS)
    return "".join(out)


def _size_error(di: str, value: str, low: int, high: int) -> None:
    """Raise the ``EncodeError`` of a value whose length is out of bounds, or a ``FFFF`` date."""
    size = len(value)
    if size > high:
        raise EncodeError(f"value has {size} characters, maximum is {high}",
                          field=di, position=high)
    if size < low:
        raise EncodeError(f"value has {size} characters, minimum is {low}",
                          field=di, position=size)
    raise EncodeError("FFFF is not a date here", field=di, position=0)


def _truncated(di: str, value: str, low: int, high: int, fold_case: bool) -> str:
    """Write a field the issuer asked to truncate: cut to the DI's maximum, end with <RS>."""
    if low == high:
        raise EncodeError("a fixed-length field cannot be truncated (§3.4.1)", field=di,
                          position=len(value))
    if not fold_case:
        raise EncodeError("a truncated URL is meaningless: 0C is never truncated (§7.0)",
                          field=di, position=len(value))
    return f"{di}{value[:high]}{RS}"
