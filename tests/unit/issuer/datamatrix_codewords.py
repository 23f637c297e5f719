"""Read the codewords of a square ECC 200 DataMatrix from its module matrix (tests only).

Why: pylibdmtx's public ``encode`` returns a drawing, not the codewords, and the spec's C40
requirement (annex 10.2, p.136: the data stream opens with the C40 latch, codeword 230) is about
the codewords. This reader is independent of libdmtx: it strips the finder and timing patterns of
each data region (ISO/IEC 16022 §5.8, table 7 for the square sizes) and follows the module
placement algorithm of ISO/IEC 16022 annex F to put the bits back into codewords.
"""

from __future__ import annotations

import numpy as np

__all__ = ["codewords", "mapping_matrix"]

# Square ECC 200 symbols: size → (data region side, regions per side) (ISO/IEC 16022 table 7).
_REGIONS = {
    10: (8, 1), 12: (10, 1), 14: (12, 1), 16: (14, 1), 18: (16, 1), 20: (18, 1), 22: (20, 1),
    24: (22, 1), 26: (24, 1), 32: (14, 2), 36: (16, 2), 40: (18, 2), 44: (20, 2), 48: (22, 2),
    52: (24, 2), 64: (14, 4), 72: (16, 4), 80: (18, 4), 88: (20, 4), 96: (22, 4), 104: (24, 4),
    120: (18, 6), 132: (20, 6), 144: (22, 6),
}


def mapping_matrix(modules: np.ndarray) -> np.ndarray:
    """The symbol's data modules: each region without its one-module border of patterns."""
    side, _ = modules.shape
    region, count = _REGIONS[side]
    rows = [modules[r * (region + 2) + 1 : r * (region + 2) + 1 + region] for r in range(count)]
    grid = np.concatenate(rows)
    cols = [grid[:, c * (region + 2) + 1 : c * (region + 2) + 1 + region] for c in range(count)]
    return np.concatenate(cols, axis=1)


def _placement(nrow: int, ncol: int) -> dict[tuple[int, int], tuple[int, int]]:
    """Annex F: (row, col) of the mapping matrix → (codeword index from 0, bit 1 = MSB … 8)."""
    places: dict[tuple[int, int], tuple[int, int]] = {}

    def module(row: int, col: int, chr_: int, bit: int) -> None:
        if row < 0:
            row += nrow
            col += 4 - ((nrow + 4) % 8)
        if col < 0:
            col += ncol
            row += 4 - ((ncol + 4) % 8)
        places[(row, col)] = (chr_, bit)

    def utah(row: int, col: int, chr_: int) -> None:
        for bit, (dr, dc) in enumerate(((-2, -2), (-2, -1), (-1, -2), (-1, -1), (-1, 0),
                                        (0, -2), (0, -1), (0, 0)), start=1):
            module(row + dr, col + dc, chr_, bit)

    def corner(chr_: int, cells: tuple[tuple[int, int], ...]) -> None:
        for bit, (row, col) in enumerate(cells, start=1):
            module(row, col, chr_, bit)

    n, m = nrow, ncol
    corners = {
        1: ((n - 1, 0), (n - 1, 1), (n - 1, 2), (0, m - 2), (0, m - 1), (1, m - 1), (2, m - 1),
            (3, m - 1)),
        2: ((n - 3, 0), (n - 2, 0), (n - 1, 0), (0, m - 4), (0, m - 3), (0, m - 2), (0, m - 1),
            (1, m - 1)),
        3: ((n - 3, 0), (n - 2, 0), (n - 1, 0), (0, m - 2), (0, m - 1), (1, m - 1), (2, m - 1),
            (3, m - 1)),
        4: ((n - 1, 0), (n - 1, m - 1), (0, m - 3), (0, m - 2), (0, m - 1), (1, m - 3),
            (1, m - 2), (1, m - 1)),
    }
    chr_, row, col = 0, 4, 0
    while True:
        if row == n and col == 0:
            corner(chr_, corners[1])
            chr_ += 1
        if row == n - 2 and col == 0 and m % 4:
            corner(chr_, corners[2])
            chr_ += 1
        if row == n - 2 and col == 0 and m % 8 == 4:
            corner(chr_, corners[3])
            chr_ += 1
        if row == n + 4 and col == 2 and not m % 8:
            corner(chr_, corners[4])
            chr_ += 1
        while True:  # sweep up and right
            if row < n and col >= 0 and (row, col) not in places:
                utah(row, col, chr_)
                chr_ += 1
            row, col = row - 2, col + 2
            if not (row >= 0 and col < m):
                break
        row, col = row + 1, col + 3
        while True:  # sweep down and left
            if row >= 0 and col < m and (row, col) not in places:
                utah(row, col, chr_)
                chr_ += 1
            row, col = row + 2, col - 2
            if not (row < n and col >= 0):
                break
        row, col = row + 3, col + 1
        if not (row < n or col < m):
            return places


def codewords(modules: np.ndarray) -> bytes:
    """Every codeword of the symbol (data then error correction, as placed), from its modules."""
    data = mapping_matrix(modules)
    nrow, ncol = data.shape
    places = _placement(nrow, ncol)
    words = [0] * (max(index for index, _ in places.values()) + 1)
    for (row, col), (index, bit) in places.items():
        if data[row, col]:
            words[index] |= 1 << (8 - bit)
    return bytes(words)
