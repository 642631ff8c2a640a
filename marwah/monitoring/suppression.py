"""Small-count suppression, so no sexual-violence victim can be singled out from a figure.

Primary suppression: every sensitive count below the threshold (default 5, setting
`MARWAH_SUPPRESSION_THRESHOLD`) reads "< 5". Secondary suppression: a table with a total row
or column is a set of additive equations (parts = total); a suppressed cell alone in an
equation could be derived by subtraction, so complementary cells are suppressed until every
equation has zero or at least two suppressed cells, with at least one of them not a small
primary and their sum above zero (else bounds alone would pin them). `disclosed_cells` then
attacks the result the way an analyst would (exact linear algebra over the equations plus
interval propagation with the known bounds) and any cell it pins forces more suppression.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.conf import settings

from marwah.core.figures import Figure, Table

Cell = tuple[int, int]  # (row, column) in the table's rows, column 0 being the row label


def threshold() -> int:
    return int(getattr(settings, "MARWAH_SUPPRESSION_THRESHOLD", 5))


def small_label(limit: int | None = None) -> str:
    return f"< {limit or threshold()}"


def _numeric(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def equations(table: Table) -> list[list[tuple[Cell, int]]]:
    """Each additive constraint as (cell, coefficient) pairs summing to zero."""
    rows, width = len(table.rows), len(table.columns)
    out: list[list[tuple[Cell, int]]] = []
    if table.has_total_column and width > 2:
        for r in range(rows):
            line = [((r, c), 1) for c in range(1, width - 1) if _numeric(table.rows[r][c])]
            if line and _numeric(table.rows[r][width - 1]):
                out.append([*line, ((r, width - 1), -1)])
    if table.has_total_row and rows > 1:
        for c in range(1, width):
            line = [((r, c), 1) for r in range(rows - 1) if _numeric(table.rows[r][c])]
            if line and _numeric(table.rows[rows - 1][c]):
                out.append([*line, ((rows - 1, c), -1)])
    return out


def sensitive_cells(table: Table) -> set[Cell]:
    out = set()
    for r, row in enumerate(table.rows):
        for c in range(1, len(row)):
            if (c in table.sensitive_columns or r in table.sensitive_rows) and _numeric(row[c]):
                out.add((r, c))
    return out


def _value(table: Table, cell: Cell) -> float:
    return float(table.rows[cell[0]][cell[1]])


def _is_total(table: Table, cell: Cell) -> bool:
    return (table.has_total_row and cell[0] == len(table.rows) - 1) or \
        (table.has_total_column and cell[1] == len(table.columns) - 1)


def _line_ok(table: Table, line: list[tuple[Cell, int]], hidden: set[Cell], primary: set[Cell]) -> bool:
    cells = [c for c, _ in line if c in hidden]
    if not cells:
        return True
    if len(cells) < 2:
        return False
    # All hidden cells bounded by the threshold, or summing to zero, would be pinned by bounds.
    return any(c not in primary for c in cells) and sum(_value(table, c) for c in cells) > 0


def _complement(table: Table, line: list[tuple[Cell, int]], hidden: set[Cell]) -> Cell | None:
    """The cheapest visible cell to hide with the line's suppressed ones: not a total if possible,
    non-zero, smallest value."""
    options = [c for c, _ in line if c not in hidden]
    if not options:
        return None
    return min(options, key=lambda c: (_is_total(table, c), _value(table, c) == 0, _value(table, c), c))


def suppress(table: Table, limit: int | None = None) -> tuple[set[Cell], set[Cell]]:
    """(primary, all suppressed) cells of `table`."""
    limit = limit or threshold()
    primary = {c for c in sensitive_cells(table) if _value(table, c) < limit}
    hidden = set(primary)
    lines = equations(table)
    for _round in range(4 * len(table.rows) * max(len(table.columns), 1) + 4):
        changed = False
        for line in lines:
            if not _line_ok(table, line, hidden, primary):
                extra = _complement(table, line, hidden)
                if extra is not None:
                    hidden.add(extra)
                    changed = True
        if not changed:
            pinned = disclosed_cells(table, hidden, primary, limit)
            if not pinned:
                break
            # Hide every cell of the equations that pin a cell; converges (all hidden = nothing known).
            for line in lines:
                if any(c in pinned for c, _ in line):
                    hidden.update(c for c, _ in line)
    return primary, hidden


# --- The attacker, also used by the tests ------------------------------------------------------------

def _solve_rank(rows: list[dict[Cell, Fraction]], cell: Cell) -> bool:
    """Is x[cell] fixed by the linear system? (e_cell in the row space, by Gaussian elimination)."""
    basis: list[tuple[Cell, dict[Cell, Fraction]]] = []
    for row in rows:
        vec = dict(row)
        for pivot, brow in basis:
            if vec.get(pivot):
                factor = vec[pivot]
                for k, v in brow.items():
                    vec[k] = vec.get(k, Fraction(0)) - factor * v
                vec = {k: v for k, v in vec.items() if v}
        if vec:
            pivot = min(vec)
            scale = vec[pivot]
            vec = {k: v / scale for k, v in vec.items()}
            new_basis = []
            for p, brow in basis:
                if brow.get(pivot):
                    f = brow[pivot]
                    brow = {k: brow.get(k, Fraction(0)) - f * vec.get(k, Fraction(0)) for k in set(brow) | set(vec)}
                    brow = {k: v for k, v in brow.items() if v}
                new_basis.append((p, brow))
            basis = [*new_basis, (pivot, vec)]
    target = {cell: Fraction(1)}
    for pivot, brow in basis:
        if target.get(pivot):
            f = target[pivot]
            target = {k: target.get(k, Fraction(0)) - f * brow.get(k, Fraction(0)) for k in set(target) | set(brow)}
            target = {k: v for k, v in target.items() if v}
    return not target


def disclosed_cells(table: Table, hidden: set[Cell], primary: set[Cell], limit: int) -> set[Cell]:
    """Hidden cells an analyst can pin from the published cells: exact linear derivation, or
    bounds (0 <= x, small cells < limit) squeezed to one value by interval propagation."""
    systems: list[tuple[dict[Cell, Fraction], Fraction]] = []
    for line in equations(table):
        vec: dict[Cell, Fraction] = {}
        rhs: Fraction = Fraction(0)
        for cell, coef in line:
            if cell in hidden:
                vec[cell] = vec.get(cell, Fraction(0)) + coef
            else:
                rhs -= Fraction(_value(table, cell)).limit_denominator() * coef
        if vec:
            systems.append((vec, rhs))
    pinned = {c for c in hidden if _solve_rank([v for v, _ in systems], c)}
    lo: dict[Cell, float] = {c: 0.0 for c in hidden}
    hi: dict[Cell, float] = {c: (limit - 1 if c in primary else float("inf")) for c in hidden}
    for _ in range(50):
        moved = False
        for vec, rhs in systems:
            for cell, weight in vec.items():
                rest = [(k, v) for k, v in vec.items() if k != cell]
                # coef*x = rhs - sum(v*x_k): bounds of the right side.
                r_lo = float(rhs) - sum(float(v) * (hi[k] if v > 0 else lo[k]) for k, v in rest)
                r_hi = float(rhs) - sum(float(v) * (lo[k] if v > 0 else hi[k]) for k, v in rest)
                new_lo, new_hi = (r_lo / float(weight), r_hi / float(weight)) if weight > 0 else \
                    (r_hi / float(weight), r_lo / float(weight))
                if new_lo > lo[cell] + 1e-9:
                    lo[cell], moved = new_lo, True
                if new_hi < hi[cell] - 1e-9:
                    hi[cell], moved = new_hi, True
        if not moved:
            break
    pinned |= {c for c in hidden if hi[c] - lo[c] < 1 - 1e-9}
    return pinned


# --- Published forms -------------------------------------------------------------------------------

@dataclass(frozen=True)
class PublishedCell:
    value: Any  # the number, or None when suppressed
    text: str
    suppressed: bool = False


@dataclass(frozen=True)
class PublishedTable:
    table: Table
    rows: list[list[PublishedCell]]

    @property
    def key(self) -> str:
        return self.table.key


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return str(value)


def publish_table(table: Table, limit: int | None = None) -> PublishedTable:
    limit = limit or threshold()
    _primary, hidden = suppress(table, limit)
    rows = []
    for r, row in enumerate(table.rows):
        cells = []
        for c, value in enumerate(row):
            if (r, c) in hidden:
                cells.append(PublishedCell(None, small_label(limit), True))
            else:
                cells.append(PublishedCell(value, _fmt(value) if c else str(value)))
        rows.append(cells)
    return PublishedTable(table=table, rows=rows)


def publish_figure(figure: Figure, limit: int | None = None) -> tuple[str, str]:
    """(value, previous) as shown."""
    limit = limit or threshold()

    def show(v: Any) -> str:
        if figure.sensitive and _numeric(v) and v < limit:
            return small_label(limit)
        if figure.kind == "percent" and _numeric(v):
            return f"{_fmt(v)}%"
        return _fmt(v)
    return show(figure.value), show(figure.previous) if figure.previous is not None else ""
