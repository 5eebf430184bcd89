"""Twin configs engineers write: every key understood, every parameter known to PyBaMM, no unphysical value."""

from __future__ import annotations

from pathlib import Path

import pytest

from gwangyang.battery.twin import simulate
from gwangyang.battery.twin_config import DEFAULT_CONFIG, TwinConfig
from gwangyang.battery.twin_parameters import parameter_values
from gwangyang.errors import InputError

pytest.importorskip("pybamm")


def config(tmp_path: Path, extra: str) -> TwinConfig:
    path = tmp_path / "셀.toml"
    path.write_text(DEFAULT_CONFIG.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return TwinConfig.from_file(path)


def test_unknown_model_key_is_refused(tmp_path: Path) -> None:
    # A typo of parameter_set was ignored: the twin ran the default set without a word.
    path = tmp_path / "셀.toml"
    path.write_text('[model]\nname = "SPM"\nparamter_set = "Chen2020"\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"셀\.toml: model: unknown key\(s\) paramter_set; expected name"):
        TwinConfig.from_file(path)


@pytest.mark.parametrize(
    ("extra", "match"),
    [
        (
            '"Nominal cell capacity [mA.h]" = 2300.0\n',
            r"parameters\.'Nominal cell capacity \[mA\.h\]' is not a parameter of Prada2013; "
            r"closest: 'Nominal cell capacity \[A\.h\]'",
        ),
        (
            '"Nominal cell capacity [A.h]" = -2.3\n',
            r"parameters\.'Nominal cell capacity \[A\.h\]' = -2\.3: expected a positive number \(Prada2013 has 2\.3\)",
        ),
        (
            '"Initial temperature [K]" = 0.0\n',
            r"'Initial temperature \[K\]' = 0\.0: expected a positive number",
        ),
        (
            '"Negative electrode thickness [m]" = -3.4e-05\n',
            r"'Negative electrode thickness \[m\]' = -3\.4e-05: expected a positive number \(Prada2013 has 3\.4e-05\)",
        ),
    ],
)
def test_parameter_overrides_are_checked_against_the_set(tmp_path: Path, extra: str, match: str) -> None:
    with pytest.raises(InputError, match=match):
        parameter_values(config(tmp_path, extra))


def test_variation_of_a_function_parameter_is_refused(tmp_path: Path) -> None:
    # It raised TypeError (function * float) in the middle of a simulation.
    text = DEFAULT_CONFIG.read_text(encoding="utf-8").replace(
        "[variation]\n", '[variation]\n"Electrolyte conductivity [S.m-1]" = 0.1\n'
    )
    path = tmp_path / "셀.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(
        InputError,
        match=r"variation\.'Electrolyte conductivity \[S\.m-1\]': Prada2013 gives it as a function",
    ):
        parameter_values(TwinConfig.from_file(path))


def test_unknown_parameter_set_in_one_line(tmp_path: Path) -> None:
    text = DEFAULT_CONFIG.read_text(encoding="utf-8").replace('"Prada2013"', '"Prada2031"')
    path = tmp_path / "셀.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        parameter_values(TwinConfig.from_file(path))
    assert "\n" not in str(info.value)
    assert "model.parameter_set 'Prada2031': not a PyBaMM parameter set; known: " in str(info.value)
    assert "Prada2013" in str(info.value)


def test_overridden_capacity_sets_the_c_rates_and_the_retention(tmp_path: Path) -> None:
    import pybamm

    cell = config(tmp_path, '"Nominal cell capacity [A.h]" = 1.15\n')
    assert parameter_values(cell)["Nominal cell capacity [A.h]"] == 1.15
    assert pybamm.ParameterValues("Prada2013")["Nominal cell capacity [A.h]"] == 2.3
    result = simulate("4.8-5.2-5.2", cycles=1, config=cell)
    # By hand: 4.8C of 1.15 Ah is 5.52 A; 5.2C is 5.98 A (PyBaMM's own C-rate basis is the override).
    steps = result.timeseries.groupby("step_index")["current_a"].median()
    assert steps[1] == pytest.approx(4.8 * 1.15, rel=1e-6)
    assert steps[2] == pytest.approx(5.2 * 1.15, rel=1e-6)
    # Retention was divided by the set's 2.3 Ah whatever the config said.
    assert result.meta["nominal_capacity_ah"] == 1.15
    row = result.cycles.iloc[0]
    assert row["retention"] == pytest.approx(row["discharge_capacity_ah"] / 1.15)


def test_cli_refuses_an_unknown_parameter_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from gwangyang.cli.main import main

    path = tmp_path / "셀.toml"
    path.write_text(
        DEFAULT_CONFIG.read_text(encoding="utf-8") + '"Nominal cell capacity [mAh]" = 2300.0\n',
        encoding="utf-8",
    )
    code = main(["battery", "twin", "simulate", "4.8-5.2-5.2", "--cycles", "1", "--config", str(path)])
    assert code == 2
    err = capsys.readouterr().err
    assert "셀.toml: parameters.'Nominal cell capacity [mAh]' is not a parameter of Prada2013" in " ".join(
        err.split()
    )


def test_variation_multiplies_the_overridden_value(tmp_path: Path) -> None:
    # Both in [parameters] and [variation]: the factor multiplied the set's 2.5e-22 (5e-22), dropping the override.
    import pybamm

    key = "SEI solvent diffusivity [m2.s-1]"
    cell = config(tmp_path, f'"{key}" = 5e-21\n')
    assert pybamm.ParameterValues("OKane2022")[key] != 5e-21
    assert parameter_values(cell, {key: 2.0})[key] == pytest.approx(1e-20, rel=1e-12, abs=0)
    assert parameter_values(cell)[key] == 5e-21


def test_an_override_reaches_pybamm_as_a_direct_run_shows(tmp_path: Path) -> None:
    """One cycle with a thinner positive electrode: the twin's discharge equals PyBaMM run by hand with the same values."""
    import pybamm

    key = "Positive electrode thickness [m]"
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    start, end = text.index("[variation]"), text.index("[parameters]")
    path = tmp_path / "셀.toml"
    path.write_text(
        text[:start] + text[end:] + f'"{key}" = 6e-05\n', encoding="utf-8"
    )  # one cell, no variation
    twin = simulate("4.8-5.2-5.2", cycles=1, config=TwinConfig.from_file(path))

    def direct(thickness: float | None) -> float:
        values = pybamm.ParameterValues("Prada2013")
        donor = pybamm.ParameterValues("OKane2022")
        missing = {k: donor[k] for k in donor.keys() if k not in values.keys()}  # noqa: SIM118 (not a dict)
        values.update(missing, check_already_exists=False)
        values.update({"Ambient temperature [K]": 303.15})
        if thickness is not None:
            values.update({key: thickness})
        model = pybamm.lithium_ion.SPM(
            options={"SEI": "solvent-diffusion limited", "lithium plating": "partially reversible"}
        )
        # Attia's steps written out: 20 % SOC at 4.8, 5.2, 5.2 C and CC4 = 12 / (10 - 2.5 - 2 * 12/5.2) C.
        cc4 = 12 / (10 - 12 / 4.8 - 2 * 12 / 5.2)
        steps = [
            "Charge at 4.8C for 2.5 minutes or until 3.6 V",
            f"Charge at 5.2C for {12 / 5.2} minutes or until 3.6 V",
            f"Charge at 5.2C for {12 / 5.2} minutes or until 3.6 V",
            f"Charge at {cc4}C for {12 / cc4} minutes or until 3.6 V",
            "Charge at 1C until 3.6 V",
            "Hold at 3.6 V until C/20",
            "Rest for 5 minutes",
            "Discharge at 1C until 2 V",
            "Hold at 2 V until C/20",  # Attia's CC-CV discharge
            "Rest for 5 minutes",
        ]
        experiment = pybamm.Experiment([tuple(steps)], period="30 seconds")
        solution = pybamm.Simulation(model, parameter_values=values, experiment=experiment).solve(
            initial_soc=0.0
        )
        start = solution.cycles[0].steps[7]["Discharge capacity [A.h]"].entries[0]
        end = solution.cycles[0].steps[8]["Discharge capacity [A.h]"].entries[-1]
        return float(end - start)

    thin = direct(6e-05)
    assert twin.cycles["solver_discharge_ah"].iloc[0] == pytest.approx(thin, rel=1e-6)
    # The override matters (the set's 80 µm electrode gives another capacity, over 100 tolerances from 60 µm's).
    assert abs(direct(None) - thin) > 100 * 1e-6 * thin
