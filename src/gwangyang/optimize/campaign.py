"""A campaign kept in a folder: the space, the settings, every suggestion and observation.

``DIR/state.json`` is rewritten (write to a temporary file, then rename) after every change, and
``DIR/rounds/round-NNN.json`` keeps the state as each round closed. Everything the optimiser
needs is in the state file, so a campaign that spans weeks resumes exactly; a rejected request
(unknown suggestion, NaN objective, spent budget) raises before anything is written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import ConflictError, InputError
from ..files import write_json
from ..store.lock import WriteLock
from .bayesopt import BatchBayesOpt, Observation, Suggestion
from .results import ResultRows, check_results
from .space import SearchSpace

STATE_VERSION = 1
STATE_FILE = "state.json"
CAMPAIGN_LOCK = ".campaign.lock"
"""Lock file in a campaign's folder: one change at a time (a start included), each on the state as last saved."""
START_WAIT_S = 120.0
"""How long a start waits for another start (or change) of the same campaign before it is refused."""


@dataclass
class CampaignState:
    """Everything a campaign has decided and seen (JSON-serialisable)."""

    space: dict[str, Any]
    seed: int = 0
    batch_size: int = 8
    rounds: int = 4
    kappa: float = 2.0
    allow_repeats: bool = True
    round: int = 0
    observations: list[dict[str, Any]] = field(default_factory=list)
    pending: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    """What results reported beside their values: ``{"round", "id", "warning"}`` (e.g. the twin's CC steps on their limit)."""
    version: int = STATE_VERSION

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return dict(self.__dict__)


def _write_json(path: Path, document: dict[str, Any]) -> None:
    write_json(path, document, indent=1)


def _refuse_started(folder: Path) -> None:
    """Refuse a start where a campaign is already saved (named by its folder's name: the API's answers name no server path)."""
    if (folder / STATE_FILE).exists():
        raise ConflictError(
            f"campaign {folder.name!r}: its folder already holds a campaign ({STATE_FILE}); "
            "use another name or --state folder."
        )


class Campaign:
    """A closed-loop campaign stored in a folder.

    Use :meth:`create` for a new one and :meth:`open` to resume.
    """

    def __init__(self, folder: Path, state: CampaignState) -> None:
        self.folder = folder
        self.state = state
        self.space = SearchSpace.from_dict(state.space, source=str(folder / STATE_FILE))
        self.optimizer = BatchBayesOpt(
            self.space, kappa=state.kappa, seed=state.seed, allow_repeats=state.allow_repeats
        )

    # ---- files -------------------------------------------------------------------------------
    @classmethod
    def create(
        cls,
        folder: str | Path,
        space: SearchSpace,
        seed: int = 0,
        batch_size: int = 8,
        rounds: int = 4,
        kappa: float = 2.0,
        allow_repeats: bool = True,
        history: list[Observation] | None = None,
        wait: float = START_WAIT_S,
        notes: list[str] | None = None,
    ) -> Campaign:
        """Start a campaign in an empty or new folder.

        ``history`` holds past experiments (see :func:`gwangyang.optimize.process.history_observations`),
        which the first round's surrogate is fitted to; ``notes`` (what reading it left out) are kept among the
        campaign's warnings of round 0, id ``history``. Nothing is written until every setting is
        checked; the state is then saved under the campaign's lock (``wait`` seconds for another start
        of the same campaign, which then refuses this one), in one atomic write.

        Raises
        ------
        ConflictError
            The folder already holds a campaign (also when another process started it meanwhile); an
            :class:`~gwangyang.errors.InputError`, so the CLI exits 2 and the API answers 409.
        InputError
            A setting is out of range, or the space has no feasible point or fewer than ``batch_size``.
        StoreError
            Another process held the campaign's lock for longer than ``wait`` seconds.
        """
        folder = Path(folder)
        _refuse_started(folder)
        if batch_size < 1:
            raise InputError(f"batch: expected at least 1, got {batch_size!r}.")
        if rounds < 1:
            raise InputError(f"rounds: expected at least 1, got {rounds!r}.")
        # Raises on a space with no feasible point: the candidates round 0 will use (16 samples missed
        # a feasible region of 5 % of a continuous space for some seeds).
        feasible = len(BatchBayesOpt(space, kappa=kappa, seed=seed).candidates(0))
        if feasible < batch_size:  # the first suggest refused it, after the campaign was started
            raise InputError(
                f"batch: {batch_size} asked, but the space {space.name!r} ({space.source}) has only {feasible} "
                f"feasible point(s); ask for at most {feasible}, or widen the space."
            )
        state = CampaignState(
            space=space.to_dict(),
            seed=int(seed),
            batch_size=int(batch_size),
            rounds=int(rounds),
            kappa=float(kappa),
            allow_repeats=bool(allow_repeats),
            observations=[o.to_dict() for o in history or []],
            warnings=[{"round": 0, "id": "history", "warning": line} for line in notes or []],
        )
        campaign = cls(folder, state)
        # Everything is checked; only now is the folder made. Two starts of one campaign at once both
        # passed the check above and both saved: the second replaced the first's state, and both were
        # told they had started it. The lock makes the second wait for the first, then refuses it.
        with WriteLock(folder, wait=wait, name=CAMPAIGN_LOCK, what=f"campaign {folder.name!r}"):
            _refuse_started(folder)
            campaign.save()
        return campaign

    @classmethod
    def open(cls, folder: str | Path) -> Campaign:
        """Resume the campaign saved in a folder.

        Raises
        ------
        InputError
            No campaign there, or a state file that is not ours.
        """
        folder = Path(folder)
        path = folder / STATE_FILE
        if not path.is_file():
            raise InputError(
                f"{folder}: no campaign here (no {STATE_FILE}); run `gwangyang optimize init` first."
            )
        try:
            data = json.loads(path.read_text())
            if data.get("version") != STATE_VERSION:
                raise InputError(f"{path}: state version {data.get('version')!r}, expected {STATE_VERSION}.")
            state = CampaignState(**data)
        except (json.JSONDecodeError, TypeError) as exc:
            raise InputError(f"{path}: not a campaign state file ({type(exc).__name__}).") from exc
        return cls(folder, state)

    def save(self, snapshot: bool = False) -> None:
        """Write the state file (and, first, a snapshot of the round that just closed).

        The state file is written last: it is what commits the change. A crash before it leaves the
        previous state (the snapshot is written again, the same, when the round closes again); a crash
        after it leaves nothing missing.
        """
        if snapshot:
            rounds = self.folder / "rounds"
            rounds.mkdir(exist_ok=True)
            _write_json(rounds / f"round-{self.state.round - 1:03d}.json", self.state.to_dict())
        _write_json(self.folder / STATE_FILE, self.state.to_dict())

    # ---- the loop ----------------------------------------------------------------------------
    @property
    def observations(self) -> list[Observation]:
        """Every observation so far."""
        return [Observation.from_dict(o) for o in self.state.observations]

    @property
    def pending(self) -> list[Suggestion]:
        """Suggestions of the open round that have no observation yet."""
        return [
            Suggestion.from_dict(p) for p in self.state.pending if not (p.get("observed") or p.get("failed"))
        ]

    @property
    def done(self) -> bool:
        """True when the budget of rounds is spent."""
        return self.state.round >= self.state.rounds

    def _close_round(self) -> None:
        observed = [p for p in self.state.pending if p.get("observed")]
        best = self.best()
        self.state.history.append(
            {
                "round": self.state.round,
                "suggested": len(self.state.pending),
                "observed": len(observed),
                "failed": sum(bool(p.get("failed")) for p in self.state.pending),
                "best_value": None if best is None else best["value"],
                "warnings": [w for w in self.state.warnings if w["round"] == self.state.round],
            }
        )
        self.state.pending = []
        self.state.round += 1

    def suggest(self, batch: int | None = None) -> list[Suggestion]:
        """The open round's batch; a new one is proposed when no round is open.

        Asking again before any result comes back returns the same batch. Once some results of
        a round are in, asking closes that round (its missing results are dropped) and
        proposes the next.

        Raises
        ------
        InputError
            The budget of rounds is spent, or ``batch`` is below 1.
        """
        if batch is not None and batch < 1:
            raise InputError(f"batch: expected at least 1, got {batch!r}.")
        if self.state.pending and not any(p.get("observed") or p.get("failed") for p in self.state.pending):
            return self.pending
        if self.state.pending:
            self._close_round()
            self.save(snapshot=True)
        if self.done:
            raise InputError(
                f"{self.folder}: the budget of {self.state.rounds} round(s) is spent; see `gwangyang optimize status`."
            )
        size = self.state.batch_size if batch is None else int(batch)
        suggestions = self.optimizer.suggest(self.observations, size, self.state.round)
        self.state.pending = [s.to_dict() for s in suggestions]
        self.save()
        return suggestions

    def observe(
        self,
        results: pd.DataFrame | list[dict[str, Any]],
        source: str = "measured",
        where: str | None = None,
    ) -> list[Observation]:
        """Record results of pending suggestions; the new observations (see :meth:`record`)."""
        return self.record(results, source, where).observations

    def record(
        self,
        results: pd.DataFrame | list[dict[str, Any]],
        source: str = "measured",
        where: str | None = None,
    ) -> ResultRows:
        """Record results of pending suggestions: columns ``id``, ``value`` (or the objective's name), optional ``std``.

        All rows are checked before anything is recorded (:func:`gwangyang.optimize.results.check_results`:
        also ``cell`` for replicate cells and ``status = failed`` for a run without a result). The round
        closes when every suggestion of it has a result or has failed; ``where`` names the file in errors.

        Raises
        ------
        InputError
            A missing or unknown column, an id that is not a pending suggestion, a repeated id, a
            value or std that is not a finite number (std must be >= 0), or a value outside the
            objective's ``low``/``high``.
        """
        table = pd.DataFrame(results) if not isinstance(results, pd.DataFrame) else results
        pending = {p["id"]: p for p in self.state.pending}
        checked = check_results(table, pending, self.space, where or f"results for {self.folder}", source)
        for ident in checked.failed:
            pending[ident]["failed"] = True
        for obs in checked.observations:
            pending[obs.id]["observed"] = True
            self.state.observations.append(obs.to_dict())
        seen = {w["warning"] for w in self.state.warnings if w["round"] == self.state.round}
        for ident, lines in checked.warnings.items():
            for line in lines:
                if line not in seen:  # a config's warning comes with every point: kept once a round
                    seen.add(line)
                    self.state.warnings.append({"round": self.state.round, "id": ident, "warning": line})
        closed = bool(self.state.pending) and all(
            p.get("observed") or p.get("failed") for p in self.state.pending
        )
        if closed:
            self._close_round()
        self.save(snapshot=closed)
        return checked

    def best(self) -> dict[str, Any] | None:
        """The best observation so far (by value), or None."""
        if not self.state.observations:
            return None
        sign = 1.0 if self.space.direction == "maximize" else -1.0
        return max(self.state.observations, key=lambda o: sign * float(o["value"]))

    def recommend(self) -> dict[str, Any] | None:
        """The surrogate's best point (posterior mean), or None before any observation."""
        if not self.state.observations:
            return None
        return self.optimizer.recommend(self.observations, self.state.round)

    def status(self) -> dict[str, Any]:
        """JSON-ready summary: rounds, counts, best observed, surrogate recommendation, pending ids.

        The campaign is named by its folder's name, never its path (the API's answers name no server path).
        """
        return {
            "campaign": self.folder.name,
            "space": self.space.name,
            "objective": self.space.objective,
            "direction": self.space.direction,
            "round": self.state.round,
            "rounds": self.state.rounds,
            "batch_size": self.state.batch_size,
            "done": self.done,
            "observations": len(self.state.observations),
            "pending": [s.id for s in self.pending],
            "best_observed": self.best(),
            "recommended": self.recommend(),
            "history": list(self.state.history),
            "warnings": list(self.state.warnings),
        }
