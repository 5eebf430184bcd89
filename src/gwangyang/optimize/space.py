"""Search spaces from a TOML file: continuous, integer and categorical parameters with constraints.

Format::

    name = "attia2020"
    constraints = ["12/cc1 + 12/cc2 + 12/cc3 < 10", "cc4 <= 4.81"]   # must all hold

    [objective]
    name = "cycle_life"          # the column of results that is optimised
    direction = "maximize"       # or "minimize"
    unit = "cycles"              # optional, shown only
    low = 0.0                    # optional bounds: a result outside them is refused

    [parameters.cc1]
    type = "categorical"         # values: numbers (ordered, encoded by value) or strings (one-hot)
    values = [3.6, 4.0, 4.4]

    [parameters.temperature_c]
    type = "continuous"          # low, high; log = true for a log scale; unit (text) optional
    low = 20.0
    high = 45.0

    [parameters.layers]
    type = "integer"             # low, high (inclusive)
    low = 1
    high = 8

    [derived]                    # columns computed from the parameters, usable in constraints
    cc4 = "12 / (10 - 12/cc1 - 12/cc2 - 12/cc3)"

Expressions are those of :mod:`gwangyang.optimize.expr`; names may be Korean, and a text category
compared with a value it does not have is refused (the constraint would hold nowhere). A derived value that is not finite makes
its point infeasible.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ..files import read_toml
from . import expr
from .parameter import Parameter, parameter_from_spec

GRID_LIMIT = 200_000
"""A space with at most this many grid points is enumerated exactly; larger ones are sampled."""


@dataclass
class SearchSpace:
    """A search space: parameters, derived columns, constraints and the objective.

    Use :meth:`from_file` or :meth:`from_dict`; both validate and raise :class:`InputError` with
    a message naming the field.
    """

    parameters: list[Parameter]
    derived: dict[str, str] = field(default_factory=dict)
    constraints: list[str] = field(default_factory=list)
    objective: str = "objective"
    direction: str = "maximize"
    name: str = "space"
    source: str = "space"
    objective_unit: str | None = None
    objective_low: float | None = None
    objective_high: float | None = None

    def __post_init__(self) -> None:
        names = [p.name for p in self.parameters]
        if not names:
            raise InputError(f"{self.source}: parameters: expected at least one parameter.")
        if len(set(names)) != len(names):
            raise InputError(f"{self.source}: parameters: repeated names.")
        if self.direction not in {"maximize", "minimize"}:
            raise InputError(
                f"{self.source}: objective.direction: expected maximize or minimize, got {self.direction!r}."
            )
        self._derived = {k: expr.parse(v, f"{self.source}: derived.{k}") for k, v in self.derived.items()}
        clash = set(self.derived) & set(names)
        if clash:
            raise InputError(f"{self.source}: derived.{sorted(clash)[0]}: has the name of a parameter.")
        self._constraints = [
            expr.parse(c, f"{self.source}: constraints[{i}]") for i, c in enumerate(self.constraints)
        ]
        normal = [expr.normal_name(n) for n in [*names, *self.derived]]
        if len(set(normal)) != len(normal):
            twice = sorted({n for n in normal if normal.count(n) > 1})[0]
            raise InputError(
                f"{self.source}: parameters: two names read as {twice!r} in an expression (Unicode NFKC)."
            )
        known = {expr.normal_name(n) for n in names}
        categories = {
            expr.normal_name(p.name): p for p in self.parameters if p.kind == "categorical" and not p.numeric
        }
        for key, tree in self._derived.items():
            missing = expr.names(tree) - known
            if missing:
                raise InputError(
                    f"{self.source}: derived.{key}: unknown name(s) {', '.join(sorted(missing))}."
                )
            _check_categories(tree, categories, f"{self.source}: derived.{key}")
            known.add(expr.normal_name(key))
        for i, tree in enumerate(self._constraints):
            missing = expr.names(tree) - known
            if missing:
                raise InputError(
                    f"{self.source}: constraints[{i}]: unknown name(s) {', '.join(sorted(missing))}."
                )
            _check_categories(tree, categories, f"{self.source}: constraints[{i}]")
        for key, value in (("low", self.objective_low), ("high", self.objective_high)):
            if value is not None and (
                not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value)
            ):
                raise InputError(f"{self.source}: objective.{key}: expected a finite number, got {value!r}.")
        if (
            self.objective_low is not None
            and self.objective_high is not None
            and not self.objective_low < self.objective_high
        ):
            raise InputError(f"{self.source}: objective: expected low < high.")

    # ---- construction ----------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "space") -> SearchSpace:
        """Build from the TOML document's dict."""
        unknown = set(data) - {"name", "constraints", "objective", "parameters", "derived"}
        if unknown:
            raise InputError(f"{source}: unknown key(s) {', '.join(sorted(unknown))}.")
        params = data.get("parameters")
        if not isinstance(params, dict) or not params:
            raise InputError(f"{source}: parameters: expected at least one [parameters.NAME] table.")
        objective = data.get("objective", {})
        if not isinstance(objective, dict):
            raise InputError(f"{source}: objective: expected a table with name and direction.")
        unknown = set(objective) - {"name", "direction", "unit", "low", "high"}
        if unknown:
            raise InputError(f"{source}: objective: unknown key(s) {', '.join(sorted(unknown))}.")
        unit = objective.get("unit")
        if unit is not None and not isinstance(unit, str):
            raise InputError(f'{source}: objective.unit: expected text such as "cycles", got {unit!r}.')
        constraints = data.get("constraints", [])
        if not isinstance(constraints, list) or not all(isinstance(c, str) for c in constraints):
            raise InputError(f"{source}: constraints: expected a list of expression strings.")
        derived = data.get("derived", {})
        if not isinstance(derived, dict) or not all(isinstance(v, str) for v in derived.values()):
            raise InputError(f'{source}: derived: expected a table of NAME = "expression".')
        return cls(
            parameters=[parameter_from_spec(str(k), v, source) for k, v in params.items()],
            derived={str(k): v for k, v in derived.items()},
            constraints=list(constraints),
            objective=str(objective.get("name", "objective")),
            direction=str(objective.get("direction", "maximize")),
            name=str(data.get("name", Path(source).stem)),
            source=source,
            objective_unit=unit,
            objective_low=objective.get("low"),
            objective_high=objective.get("high"),
        )

    @classmethod
    def from_file(cls, path: str | Path) -> SearchSpace:
        """Read a TOML space file."""
        return cls.from_dict(read_toml(path, "space"), source=str(path))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, which :meth:`from_dict` reads back."""
        return {
            "name": self.name,
            "constraints": list(self.constraints),
            "objective": self._objective_dict(),
            "parameters": {p.name: p.to_dict() for p in self.parameters},
            "derived": dict(self.derived),
        }

    def _objective_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.objective, "direction": self.direction}
        for key, value in (
            ("unit", self.objective_unit),
            ("low", self.objective_low),
            ("high", self.objective_high),
        ):
            if value is not None:
                out[key] = value
        return out

    def objective_problem(self, value: float) -> str | None:
        """Why an objective value cannot be kept (outside ``[objective] low``/``high``), or None.

        Examples: a negative cycle life where the space says ``low = 0``.
        """
        low, high = self.objective_low, self.objective_high
        if low is not None and value < low:
            return f"below the objective's low = {low:g}"
        if high is not None and value > high:
            return f"above the objective's high = {high:g}"
        return None

    # ---- points ----------------------------------------------------------------------------
    @property
    def names(self) -> list[str]:
        """Parameter names, in file order."""
        return [p.name for p in self.parameters]

    def size(self) -> float:
        """Number of grid points before constraints (``inf`` with a continuous parameter)."""
        return float(np.prod([p.size() for p in self.parameters]))

    def complete(self, table: pd.DataFrame) -> pd.DataFrame:
        """Add the derived columns and a boolean ``feasible`` column to a table of points."""
        missing = [n for n in self.names if n not in table.columns]
        if missing:
            raise InputError(f"{self.source}: points lack parameter column(s) {', '.join(missing)}.")
        out = table.copy()
        columns: dict[str, Any] = {n: out[n].to_numpy() for n in self.names}
        ok = np.ones(len(out), dtype=bool)
        for key, tree in self._derived.items():
            value = np.asarray(expr.evaluate(tree, columns, f"{self.source}: derived.{key}"), dtype="float64")
            value = np.broadcast_to(value, (len(out),)).copy()
            ok &= np.isfinite(value)
            columns[key] = value
            out[key] = value
        for i, tree in enumerate(self._constraints):
            value = expr.evaluate(tree, columns, f"{self.source}: constraints[{i}]")
            ok &= np.broadcast_to(np.asarray(value, dtype=bool), (len(out),))
        out["feasible"] = ok
        return out

    def grid(self) -> pd.DataFrame:
        """Every feasible point of a discrete space (with derived columns)."""
        if not math.isfinite(self.size()) or self.size() > GRID_LIMIT:
            raise InputError(f"{self.source}: space is not a finite grid of at most {GRID_LIMIT} points.")
        axes = [p.grid() for p in self.parameters]
        mesh = np.meshgrid(*[np.arange(len(a)) for a in axes], indexing="ij")
        table = pd.DataFrame({p.name: axes[i][mesh[i].ravel()] for i, p in enumerate(self.parameters)})
        for p in self.parameters:
            if p.numeric:
                table[p.name] = table[p.name].astype("float64")
        done = self.complete(table)
        return done.loc[done["feasible"]].drop(columns="feasible").reset_index(drop=True)

    def candidates(self, n: int = 4096, seed: int = 0) -> pd.DataFrame:
        """Feasible candidate points: the whole grid when finite, else a scrambled Sobol sample.

        Raises
        ------
        InputError
            No feasible point (the constraints exclude everything tried).
        """
        sampled = not (math.isfinite(self.size()) and self.size() <= GRID_LIMIT)
        if not sampled:
            table = self.grid()
        else:
            from scipy.stats import qmc

            sampler = qmc.Sobol(d=len(self.parameters), scramble=True, seed=seed)
            u = sampler.random(int(2 ** math.ceil(math.log2(max(n, 2)))))[:n]
            raw = pd.DataFrame({p.name: p.from_unit(u[:, i]) for i, p in enumerate(self.parameters)})
            done = self.complete(raw)
            table = done.loc[done["feasible"]].drop(columns="feasible").reset_index(drop=True)
        if len(table) == 0 and sampled:
            raise InputError(
                f"{self.source}: no feasible point: none of {n} points sampled meets the constraints "
                "(a feasible region that small is not searched; relax the constraints or narrow the bounds)."
            )
        if len(table) == 0:
            raise InputError(
                f"{self.source}: no feasible point: the constraints exclude every point of the space."
            )
        return table

    def check_points(self, table: pd.DataFrame, where: str) -> pd.DataFrame:
        """Check that points lie in the space and meet the constraints; returns them completed.

        Raises
        ------
        InputError
            A value outside its parameter's range or values, or a constraint broken (row named).
        """
        done = self.complete(table)
        for p in self.parameters:
            values = done[p.name]
            if p.kind == "categorical":
                bad = ~values.isin(list(p.values))
            else:
                numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64")
                assert p.low is not None and p.high is not None
                bad = pd.Series(~((numbers >= p.low) & (numbers <= p.high)), index=done.index)
                if p.kind == "integer":
                    bad |= pd.Series(np.round(numbers) != numbers, index=done.index)
            if bool(np.asarray(bad).any()):
                row = int(np.flatnonzero(np.asarray(bad))[0])
                raise InputError(
                    f"{where}: row {row + 1}: {p.name}={_plain(values.iloc[row])!r} is outside the space."
                )
        if not bool(done["feasible"].all()):
            row = int(np.flatnonzero(~done["feasible"].to_numpy())[0])
            raise InputError(f"{where}: row {row + 1}: breaks the space's constraints.")
        return done.drop(columns="feasible")

    def encode(self, table: pd.DataFrame) -> np.ndarray:
        """Features in [0, 1] for the surrogate: scaled numbers, one-hot string categories."""
        blocks = []
        for p in self.parameters:
            values = table[p.name]
            if p.kind == "categorical" and not p.numeric:
                blocks.append(np.stack([(values == v).to_numpy(dtype="float64") for v in p.values], axis=1))
                continue
            x = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64")
            if p.kind == "categorical":
                low, high = float(min(p.values)), float(max(p.values))
            else:
                assert p.low is not None and p.high is not None
                low, high = p.low, p.high
            if p.log:
                x, low, high = np.log(x), math.log(low), math.log(high)
            span = high - low if high > low else 1.0
            blocks.append(((x - low) / span)[:, None])
        return np.hstack(blocks)


SPACES_DIR = Path(__file__).with_name("spaces")
"""Space files shipped with the package (``attia2020.toml``)."""


def shipped_space(name: str) -> SearchSpace:
    """A space shipped in :data:`SPACES_DIR` by name (``"attia2020"``).

    Raises
    ------
    InputError
        No such shipped space.
    """
    path = SPACES_DIR / f"{name}.toml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in SPACES_DIR.glob("*.toml")))
        raise InputError(f"space {name!r}: no such shipped space; known: {known}.")
    return SearchSpace.from_file(path)


def attia_space_dict() -> dict[str, Any]:
    """Attia's 224-protocol space as a space document (see :mod:`gwangyang.battery.protocols`)."""
    from ..battery.protocols import CC1_VALUES, CC2_VALUES, CC3_VALUES, CC4_MAX

    return {
        "name": "attia2020",
        "constraints": [
            "12/cc1 + 12/cc2 + 12/cc3 < 10",
            f"cc4 <= {CC4_MAX}",
            "not (cc1 == cc2 == cc3 and abs(cc4 - cc1) < 1e-9)",
        ],
        "objective": {"name": "cycle_life", "direction": "maximize", "unit": "cycles", "low": 0.0},
        "parameters": {
            "cc1": {"type": "categorical", "values": list(CC1_VALUES)},
            "cc2": {"type": "categorical", "values": list(CC2_VALUES)},
            "cc3": {"type": "categorical", "values": list(CC3_VALUES)},
        },
        "derived": {"cc4": "12 / (10 - 12/cc1 - 12/cc2 - 12/cc3)"},
    }


def _check_categories(tree: Any, categories: dict[str, Parameter], where: str) -> None:
    """Refuse a comparison of a text category with a value it does not have (it would hold nowhere, silently)."""
    import ast

    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare):
            continue
        operands = [node.left, *node.comparators]
        names = [
            expr.normal_name(o.id)
            for o in operands
            if isinstance(o, ast.Name) and expr.normal_name(o.id) in categories
        ]
        texts = [o.value for o in operands if isinstance(o, ast.Constant) and isinstance(o.value, str)]
        for name in names:
            for text in texts:
                if text not in categories[name].values:
                    shown = ", ".join(map(str, categories[name].values))
                    raise InputError(f"{where}: {text!r} is not a value of {name} ({shown}).")


def _plain(value: Any) -> Any:
    """Numpy scalars to plain Python values (for messages and JSON)."""
    return value.item() if isinstance(value, np.generic) else value
