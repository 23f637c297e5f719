"""Extract the perimeter-01 DI tables of the 2D-Doc spec into ``twoddoc/data/data_ids.json``.

Why: the catalogue is spec data, so it is regenerated from the specification itself (§7.0–§7.16 of
"Spécifications techniques des codes à barres 2D-Doc" v3.2.6, pp. 34–98) rather than typed by hand.
Usage (a maintenance tool, not run by the tests; needs poppler-utils):

    pdftotext -layout ants-2d-doc-specifications-techniques-v3.2.6.pdf spec.txt
    python tests/data/twoddoc/extract_catalog.py spec.txt > twoddoc/data/data_ids.json

Hand-made additions and corrections live in ``twoddoc/data/data_ids_additions.json`` and
``twoddoc/data/data_ids_errata.json`` and are applied by
``twoddoc.catalog`` at load time, so that a regeneration never loses them.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

_SECTION = re.compile(r"^\s*(7\.\d+)\.\s+(Identifiants.*)$")
_ENTRY = re.compile(r"^\s{0,6}([0-9A-Z]{2})\s{1,6}(\S.*)$")
_MIN = re.compile(r"^\s*Taille Min\.\s+(\d+)")
_MAX = re.compile(r"^\s*Taille Max\.\s+(\d+|Aucune)")
_TYPE = re.compile(r"^\s*Type\s+(\S.*)$")
_PAGE = re.compile(r"Page (\d+) sur 216")


def _kind(type_label: str, description: str, fixed: int | None) -> str:
    """Classify a DI from its spec type and description (same vocabulary as the ANTS catalogue)."""
    if "hexadécimal" in description and fixed == 4:
        return "date_days2000"
    if "Base32" in description:
        return "base32"
    if "HHMMSS" in description:
        return "time"
    if type_label.startswith("Numérique"):
        return "numeric"
    return "text"


def _charset(kind: str, type_label: str, description: str) -> str:
    """Name the characters an issuer may put in the DI, read from its spec description."""
    if kind == "date_days2000":
        return "hex"
    if kind == "base32":
        return "base32"
    if kind in ("numeric", "time"):
        signed = any(word in description for word in ("virgule", "tiret", "signe", "[,-]"))
        return "printable" if signed else "digits"
    letters = "[A-Z]" in description
    digits = "[0-9]" in description or "A-Z0-9" in description
    spaces = "espace" in description
    if "A-Z0-9" in description:
        return "alnum"
    if letters and "‘/’" in description and not digits:
        return "names"
    if letters and digits:
        return "alnum_space" if spaces else "alnum"
    if letters:
        return "alpha_space" if spaces else "alpha"
    if type_label.startswith("Alphabétique"):
        return "alpha_space"
    return "printable"


def extract(lines: list[str]) -> dict[str, dict[str, object]]:
    """Walk the §7 text and return {DI: entry} in spec order."""
    out: dict[str, dict[str, object]] = {}
    section = None
    page = 34  # §7 starts on page 34
    current: dict[str, object] | None = None
    in_desc = False
    for line in lines:
        m = _PAGE.search(line)
        if m:
            page = int(m.group(1)) + 1  # a footer closes its page: what follows is on the next
            continue
        m = _SECTION.match(line)
        if m:
            section = m.group(1)
            continue
        if line.startswith("8. Annexe"):
            break
        if section is None:
            continue
        m = _ENTRY.match(line)
        if m and not line.lstrip().startswith(("Taille", "Type", "Description")):
            # Only a line followed by "Taille Min." is an entry; confirmed when MIN is read.
            current = {"di": m.group(1), "label": m.group(2).strip(), "section": f"§{section}",
                       "page": page, "description": ""}
            in_desc = False
            continue
        if current is None:
            continue
        m = _MIN.match(line)
        if m:
            current["min"] = int(m.group(1))
            continue
        m = _MAX.match(line)
        if m:
            current["max"] = None if m.group(1) == "Aucune" else int(m.group(1))
            continue
        m = _TYPE.match(line)
        if m and "min" in current:
            current["type"] = m.group(1).strip()
            continue
        if line.lstrip().startswith("Description"):
            in_desc = True
            current["description"] = line.lstrip()[len("Description"):].strip()
            if "max" in current:
                out.setdefault(str(current["di"]), current)
            continue
        if in_desc and line.strip() and not line.startswith(" " * 40):
            current["description"] = f"{current['description']} {line.strip()}".strip()
    for entry in out.values():
        fixed = entry["min"] if entry["min"] == entry["max"] else None
        type_label, description = str(entry.pop("type", "")), str(entry.pop("description"))
        entry["kind"] = _kind(type_label, description, fixed)
        entry["charset"] = _charset(str(entry["kind"]), type_label, description)
    return out


def main(argv: list[str]) -> int:
    """Print the JSON catalogue extracted from a pdftotext -layout dump."""
    lines = Path(argv[1]).read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if "7.0. Identifiants de données compl" in line)
    data = extract(lines[start:])
    doc = {"spec": "ANTS 2D-Doc v3.2.6, §7 (perimeter 01, C40)", "perimeter": "01",
           "data_ids": list(data.values())}
    json.dump(doc, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
