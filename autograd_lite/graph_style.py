"""How graph drawings look: the gradient colour scale, the node styles of each role,
the legend, the formatting of norms, shapes and values, and DOT text helpers. Shared by
`draw_graph` (graph.py) and the interactive view (graph_page.py)."""

from __future__ import annotations

import functools
import html
import math
from typing import Any, Sequence

import numpy as np

# -- gradient colour scale -------------------------------------------------------------

# (upper bound of log10(norm), fill, font colour, legend text): a diverging palette,
# blue for vanishing gradients, green for healthy ones, red for exploding ones.
GRAD_SCALE = (
    (-7.0, "#2166ac", "white", "< 1e-7   vanishing"),
    (-5.0, "#67a9cf", "black", "1e-7 to 1e-5"),
    (-3.0, "#d1e5f0", "black", "1e-5 to 1e-3"),
    (1.0, "#d9f0d3", "black", "1e-3 to 1e1   healthy"),
    (2.0, "#fddbc7", "black", "1e1 to 1e2"),
    (3.0, "#ef8a62", "black", "1e2 to 1e3"),
    (math.inf, "#b2182b", "white", "> 1e3   exploding"),
)
ZERO_GRAD = ("#bdbdbd", "black", "exactly 0")
NONFINITE_GRAD = ("#762a83", "white", "nan or inf")


def grad_colour(norm: float) -> tuple[str, str]:
    """(fill, font colour) for a gradient of L2 norm `norm`, on a log10 scale.

    >>> grad_colour(1e-9), grad_colour(0.5), grad_colour(1e6)
    (('#2166ac', 'white'), ('#d9f0d3', 'black'), ('#b2182b', 'white'))
    """
    if not math.isfinite(norm):
        return NONFINITE_GRAD[:2]
    if norm == 0.0:
        return ZERO_GRAD[:2]
    exponent = math.log10(norm)
    for upper, fill, font, _ in GRAD_SCALE:
        if exponent < upper:
            return fill, font
    return GRAD_SCALE[-1][1:3]  # pragma: no cover - the last bound is inf


def l2_norm(array: Any) -> float:
    """The L2 norm of all elements, computed in float64 so float32 squares cannot overflow.

    >>> l2_norm(np.array([3.0, 4.0]))
    5.0
    """
    flat = np.asarray(array, dtype=np.float64).ravel()
    return float(math.sqrt(flat @ flat)) if flat.size else 0.0


def format_norm(norm: float) -> str:
    """A norm with three significant digits (`0.0123`, `4.56e-09`).

    >>> format_norm(0.012345), format_norm(4.5e-9)
    ('0.0123', '4.5e-09')
    """
    return f"{norm:.3g}"


def format_values(array: Any, max_values: int = 6) -> str:
    """The values of `array`, in full when it has at most `max_values` elements, else
    the first `max_values` (flattened) followed by `...` and the count.

    >>> format_values(np.array([0.5, 1.0, 2.0]))
    '[0.5, 1, 2]'
    >>> format_values(np.arange(10.0), max_values=3)
    '[0, 1, 2, ...] (10 values)'
    """
    array = np.asarray(array)
    options = {"separator": ", ", "max_line_width": 1_000_000, "threshold": 1_000_000}
    if array.dtype.kind in "fc":
        # `+ 0.0` turns -0.0 into 0.0: a gradient blocked by relu reads 0, not -0.
        options["formatter"] = {
            "float_kind": lambda v: f"{v + 0.0:.4g}",
            "complex_kind": lambda v: f"{v:.4g}",
        }
    if array.size <= max_values:
        return np.array2string(array, **options).replace("\n", "")
    head = np.array2string(array.ravel()[:max_values], **options)
    return f"{head[:-1]}, ...] ({array.size} values)"


_DTYPE_NAMES: dict = {}


def _dtype_name(dtype: np.dtype) -> str:
    name = _DTYPE_NAMES.get(dtype)
    if name is None:
        name = _DTYPE_NAMES[dtype] = str(dtype)
    return name


def format_shape(shape: tuple) -> str:
    """`(3, 4)`, or `scalar` for a 0-d shape."""
    return str(tuple(shape)) if shape else "scalar"


# -- DOT text --------------------------------------------------------------------------


def _quote(text: str) -> str:
    if "\\" in text or '"' in text or "\n" in text:
        text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{text}"'


def _escape(text: str) -> str:
    return html.escape(text, quote=False) if ("<" in text or ">" in text or "&" in text) else text


def _html_label(rows: list, header: str | None = None) -> str:
    cells = []
    if header is not None:
        cells.append(f"<TR><TD><B>{_escape(header)}</B></TD></TR>")
    for row in rows:
        cells.append(f'<TR><TD><FONT POINT-SIZE="10">{_escape(row)}</FONT></TD></TR>')
    return '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">' + "".join(cells) + "</TABLE>>"


@functools.lru_cache(maxsize=256)
def _node_style(role: str, fill: str | None = None, font: str | None = None, dashed: bool = False) -> str:
    """The DOT attributes of a node of `role`, with the fill (and font colour) replaced."""
    attributes = dict(ROLE_STYLES[role])
    if fill is not None:
        attributes["fillcolor"] = fill
    if font is not None:
        attributes["fontcolor"] = font
    if dashed:
        attributes["style"] += ",dashed"
    return " ".join(f"{key}={_quote(value)}" for key, value in attributes.items())


def _node_line(dot_id: str, style: str, tooltip: str, label: str) -> str:
    return f"\t{dot_id} [{style} tooltip={_quote(tooltip)} label={label}]\n"


# Node styles by role. Roles are told apart by shape and border only: every role is
# filled white, and the fill is kept for the gradient's health (GRAD_SCALE) alone.
NO_GRAD_FILL = "white"
ROLE_STYLES = {
    "data": {"shape": "note", "style": "filled", "color": "#b45f06", "fillcolor": NO_GRAD_FILL},
    "input": {"shape": "box", "style": "filled,rounded", "penwidth": "1.5", "color": "#b45f06", "fillcolor": NO_GRAD_FILL},
    "parameter": {"shape": "box", "style": "filled", "peripheries": "2", "color": "#1f4e79", "fillcolor": NO_GRAD_FILL},
    "intermediate": {"shape": "box", "style": "filled", "color": "#7f7f7f", "fillcolor": NO_GRAD_FILL},
    "output": {"shape": "box", "style": "filled,bold", "penwidth": "2.5", "color": "#a50026", "fillcolor": NO_GRAD_FILL},
    "operation": {"shape": "ellipse", "style": "filled", "color": "#555555", "fillcolor": NO_GRAD_FILL, "fontsize": "10", "height": "0.3", "margin": "0.05,0.02"},
    "module": {"shape": "box3d", "style": "filled", "color": "#5b2c6f", "fillcolor": NO_GRAD_FILL},
}  # fmt: skip

# (role, legend text, swatch): the swatch imitates the border (its shape is in the text).
ROLE_LEGEND = (
    ("data", "data, needs no gradient (folded corner)", "plain"),
    ("input", "input tensor (rounded)", "rounded"),
    ("parameter", "parameter (double border)", "double"),
    ("intermediate", "intermediate tensor", "plain"),
    ("output", "output (bold border)", "bold"),
    ("operation", "operation (ellipse)", "rounded"),
    ("module", "collapsed module (3-D box)", "plain"),
)

# Every fill a tensor can get from its gradient, in legend order: the scale, then 0, nan.
GRAD_BANDS = tuple(entry[1:] for entry in GRAD_SCALE) + (ZERO_GRAD, NONFINITE_GRAD)


def grad_band(norm: float) -> int:
    """The index in GRAD_BANDS of the colour of a gradient of L2 norm `norm`.

    >>> GRAD_BANDS[grad_band(0.5)][2]
    '1e-3 to 1e1   healthy'
    """
    fill = grad_colour(norm)[0]
    return next(index for index, band in enumerate(GRAD_BANDS) if band[0] == fill)


def _swatch(kind: str, border: str, fill: str = NO_GRAD_FILL) -> str:
    """A legend cell drawing a small node border: plain, rounded, double or bold."""
    inner = f'<TD WIDTH="20" HEIGHT="10" BGCOLOR="{fill}"></TD>'
    if kind == "double":
        inner = f'<TD WIDTH="16" HEIGHT="6" BORDER="1" COLOR="{border}" BGCOLOR="{fill}"></TD>'
        table = f'<TABLE BORDER="1" COLOR="{border}" CELLSPACING="1" CELLPADDING="0" CELLBORDER="0">'
    elif kind == "rounded":
        table = f'<TABLE BORDER="1" COLOR="{border}" STYLE="rounded" CELLSPACING="0" CELLPADDING="0" CELLBORDER="0">'
    else:
        width = "3" if kind == "bold" else "1"
        table = f'<TABLE BORDER="{width}" COLOR="{border}" CELLSPACING="0" CELLPADDING="0" CELLBORDER="0">'
    return f"<TD>{table}<TR>{inner}</TR></TABLE></TD>"


def legend_entries(roles: set, bands: set) -> tuple[list, list]:
    """The roles (role, text, swatch) and bands (fill, font, text) to list, in order."""
    shown_roles = [entry for entry in ROLE_LEGEND if entry[0] in roles]
    shown_bands = [band for index, band in enumerate(GRAD_BANDS) if index in bands]
    return shown_roles, shown_bands


def _legend(roles: set, bands: set, notes: Sequence[str] = ()) -> str:
    """The graph's label: the styles of the roles present, the gradient colours present
    and any notes (one line each under the table)."""
    shown_roles, shown_bands = legend_entries(roles, bands)
    role_rows = [
        _swatch(kind, ROLE_STYLES[role]["color"]) + f'<TD ALIGN="LEFT">{text}</TD>'
        for role, text, kind in shown_roles
    ]
    columns = [['<TD COLSPAN="2" ALIGN="LEFT"><B>node roles: shape and border</B></TD>'] + role_rows]
    if shown_bands:
        band_rows = [
            _swatch("plain", "#555555", fill) + f'<TD ALIGN="LEFT">{html.escape(text, quote=False)}</TD>'
            for fill, _, text in shown_bands
        ]
        columns.append(['<TD COLSPAN="2" ALIGN="LEFT"><B>fill: gradient L2 norm</B></TD>'] + band_rows)
    rows = []
    for index in range(max(len(column) for column in columns)):
        cells = [column[index] if index < len(column) else '<TD COLSPAN="2"></TD>' for column in columns]
        rows.append("<TR>" + "".join(cells) + "</TR>")
    width = 2 * len(columns)
    for note in notes:
        rows.append(
            f'<TR><TD COLSPAN="{width}" ALIGN="LEFT"><I>{html.escape(note, quote=False)}</I></TD></TR>'
        )
    return (
        '<<TABLE BORDER="1" COLOR="#999999" STYLE="ROUNDED" CELLBORDER="0" CELLSPACING="3" CELLPADDING="2">'
        + "".join(rows)
        + "</TABLE>>"
    )
