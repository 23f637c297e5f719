"""The C40 message zone: a sequence of <DI><value>[<GS>|<RS>] blocks (§3.4.1, pp.21–22).

Why: values carry no length prefix; a fixed-length DI (min == max) is followed directly by the
next DI, a variable-length one ends with <GS>, with <RS> when it was truncated, at its maximum
length ("qu'il n'a pas atteint sa longueur maximale", p.21), or at the end of the message. So the
catalogue is what splits the text, and an unknown DI can only be read up to the next separator
(lenient mode) or refused (strict mode, §3.4.4 forbids DIs outside the spec).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from twoddoc.c40 import GS, RS, Charset, normalise
from twoddoc.catalog import DataId
from twoddoc.errors import EncodeError, FieldError, UnknownFieldError

_DI_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_CONTROL = frozenset(GS + RS + "\x1f")


class Field(NamedTuple):
    """One message field (donnée): DI, value, whether it was truncated, whether the DI is known.

    A tuple, so decoding builds one per field at C speed; ``known`` is ``False`` only for DIs
    kept raw by a lenient decode.
    """

    di: str
    value: str
    truncated: bool = False
    known: bool = True


def parse_message(text: str, start: int, end: int, table: Mapping[str, DataId] | None, *,
                  strict: bool = True) -> tuple[Field, ...]:
    """Split ``text[start:end]`` into fields; positions in errors index ``text``.

    ``table`` is the perimeter's catalogue, or ``None`` for a perimeter we have none for (every
    DI is then unknown). The spec allows a trailing <GS> on the last field (p.22).
    """
    fields: list[Field] = []
    append = fields.append
    find = text.find
    pos = start
    while pos < end:
        if pos + 2 > end:
            raise FieldError("message ends inside a data identifier", field=text[pos:end],
                             position=pos)
        di = text[pos:pos + 2]
        if di[0] not in _DI_CHARS or di[1] not in _DI_CHARS:
            bad = pos if di[0] not in _DI_CHARS else pos + 1
            raise FieldError(f"data identifier {di!r} is not 2 characters [A-Z0-9]", field=di,
                             position=bad)
        entry = table.get(di) if table is not None else None
        vstart = pos + 2
        if entry is not None and entry.max == entry.min:
            vend = vstart + entry.min
            if vend > end:
                raise FieldError(f"fixed-length value needs {entry.min} characters, "
                                 f"only {end - vstart} left", field=di, position=end)
            value = text[vstart:vend]
            if not _CONTROL.isdisjoint(value):
                bad = next(i for i, ch in enumerate(value) if ch in _CONTROL)
                raise FieldError(f"fixed-length value needs {entry.min} characters, found a "
                                 "separator", field=di, position=vstart + bad)
            append(Field(di, value))
            pos = vend
            continue
        if entry is None and strict:
            raise UnknownFieldError(f"unknown data identifier {di}", field=di, position=pos)
        gs = find(GS, vstart, end)
        rs = find(RS, vstart, end)
        stop = gs if rs < 0 or 0 <= gs < rs else rs
        if stop < 0:
            stop = end
        if entry is None:
            append(Field(di, text[vstart:stop], stop == rs, False))
            pos = stop + 1
            continue
        maximum = entry.max
        if maximum is not None and stop - vstart > maximum:
            # A value at its maximum length needs no separator (§3.4.1, p.21).
            append(Field(di, text[vstart:vstart + maximum]))
            pos = vstart + maximum
            continue
        truncated = stop == rs
        if stop - vstart < entry.min and not truncated:
            raise FieldError(f"value has {stop - vstart} characters, minimum is {entry.min}",
                             field=di, position=stop)
        append(Field(di, text[vstart:stop], truncated))
        pos = stop + 1
    return tuple(fields)


def _as_field(item: Field | tuple[str, str]) -> Field:
    """Accept a ``Field`` or a plain ``(di, value)`` pair."""
    if isinstance(item, Field):
        return item
    di, value = item
    return Field(di, value)


def format_message(items: Sequence[Field | tuple[str, str]], table: Mapping[str, DataId]) -> str:
    """Write fields as the C40 message text, checking each value against its DI (§3.4.1, §7).

    Values are folded (upper case, no accents) for their DI's characters; a ``Field`` with
    ``truncated=True`` is cut to the DI's maximum and ends with <RS>, even when last; <GS> is
    written only after a variable-length value that is neither last nor at its maximum length.
    ``EncodeError.position`` is the index of the offending character in the value.
    """
    out: list[str] = []
    last = len(items) - 1
    for index, item in enumerate(items):
        field = _as_field(item)
        di = field.di
        entry = table.get(di)
        if entry is None:
            raise UnknownFieldError(f"unknown data identifier {di!r}", field=str(di),
                                    position=index)
        value = normalise(field.value, entry.charset, field=di)
        if entry.charset is Charset.HEX and value == "FFFF":
            raise EncodeError("FFFF is not a date here", field=di, position=0)
        if field.truncated:
            if entry.fixed:
                raise EncodeError("a fixed-length field cannot be truncated (§3.4.1)", field=di,
                                  position=len(value))
            if entry.kind == "base32":
                raise EncodeError("a truncated URL is meaningless: 0C is never truncated "
                                  "(§7.0)", field=di, position=len(value))
            if entry.max is not None:
                value = value[:entry.max]
            out.append(f"{di}{value}{RS}")
            continue
        if entry.max is not None and len(value) > entry.max:
            raise EncodeError(f"value has {len(value)} characters, maximum is {entry.max}",
                              field=di, position=entry.max)
        if len(value) < entry.min:
            raise EncodeError(f"value has {len(value)} characters, minimum is {entry.min}",
                              field=di, position=len(value))
        if entry.fixed or index == last or len(value) == entry.max:
            out.append(f"{di}{value}")
        else:
            out.append(f"{di}{value}{GS}")
    return "".join(out)
