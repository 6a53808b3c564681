"""A model's grid (users or months): run files, claims, data and reports name it; a batch of several models."""

import dataclasses
import io
import json
import re
import subprocess
import sys

import pytest
from conftest import ROOT

from mcsim.batch import run_batch
from mcsim.i18n import speaking
from mcsim.inputs.claims import Claim
from mcsim.inputs.errors import InputError
from mcsim.inputs.runs import load_run
from mcsim.models.grid import MONTHS, USERS
from mcsim.report.comparison import write_comparison
from mcsim.report.text import condition, grid_against, grid_axis, grid_point

DYNAMICS_PRIORS = (ROOT / "priors" / "dynamics-2025.toml").as_posix()
FOOTPRINT_PRIORS = (ROOT / "priors" / "footprint-gpt3.toml").as_posix()


def _problems(write, body):
    path = write("r.toml", body)
    with pytest.raises(InputError) as info:
        load_run(path)
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize(("body", "message"), [
    (f'[run]\npriors = "{DYNAMICS_PRIORS}"\nusers = [1e6, 1e7]',
     r"\[run\] users = \[1e\+06, 1e\+07\] is invalid: the model runs over months, not users "
     r"\(give \[run\] months = \[\.\.\.\] instead\)"),
    (f'[run]\npriors = "{FOOTPRINT_PRIORS}"\nmonths = [0, 12]',
     r"\[run\] months = \[0, 12\] is invalid: the model runs over users, not months"),
    (f'[run]\npriors = "{DYNAMICS_PRIORS}"\nmonths = [0, 200]',
     r"\[run\] months = \[0, 200\] is invalid: must be a non-empty list of numbers from 0 to 120"),
    (f'[run]\npriors = "{DYNAMICS_PRIORS}"\nmonths = [12, 0]',
     r"months = \[12, 0\] is invalid: must be strictly increasing"),
    (f'[run]\npriors = "{DYNAMICS_PRIORS}"\nmonths = [0, 24]\n[[claims]]\nname = "c"\noutput = "energy_ratio"\n'
     'op = ">"\nvalue = 1\nusers = 24',
     r'\[\[claims\]\] "c" users = 24 is invalid: model dynamics runs over months, not users; name months = \.\.\. '
     r"instead"),
    (f'[run]\npriors = "{DYNAMICS_PRIORS}"\nmonths = [0, 24]\n[[claims]]\nname = "c"\noutput = "energy_ratio"\n'
     'op = ">"\nvalue = 1',
     r"\[\[claims\]\] \"c\" is missing 'months': energy_ratio varies with months; name one of the run's months grid "
     r"\(0, 24\)"),
    (f'[run]\npriors = "{DYNAMICS_PRIORS}"\nmonths = [0, 24]\n[[claims]]\nname = "c"\noutput = "energy_ratio"\n'
     'op = ">"\nvalue = 1\nmonths = 12', r"months = 12 is not in the run's months grid \(0, 24\)"),
    (f'[run]\npriors = "{DYNAMICS_PRIORS}"\n[[claims]]\nname = "c"\noutput = "break_even_month"\n'
     'op = "<="\nvalue = 12\nmonths = -3', r"months = -3 is invalid: must be a number of months from 0 to 120"),
    (f'[run]\npriors = "{FOOTPRINT_PRIORS}"\n[[claims]]\nname = "c"\noutput = "training_co2"\n'
     'op = "<="\nvalue = 600\nmonths = 3', r"months = 3 is invalid: model footprint runs over users, not months"),
])
def test_a_grid_of_the_wrong_kind_is_named(write, body, message):
    problems = _problems(write, body)
    assert any(re.search(message, p) for p in problems), problems


def test_the_command_line_refuses_the_wrong_grid(write):
    path = write("r.toml", f'[run]\npriors = "{DYNAMICS_PRIORS}"\nusers = [1e6]')
    done = subprocess.run([sys.executable, "-m", "mcsim", "validate", str(path)], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [f"{path}: [run] users = [1e+06] is invalid: the model runs over "
                                                "months, not users (give [run] months = [...] instead)"]


def test_a_months_run_without_a_grid_takes_the_default(write):
    spec = load_run(write("r.toml", f'[run]\npriors = "{DYNAMICS_PRIORS}"'))
    assert spec.grid is MONTHS and spec.grid_values == MONTHS.default
    users = load_run(ROOT / "runs" / "footprint-gpt3.toml")
    assert users.grid is USERS and users.grid_values == (1e5, 1e6, 1e7, 1e8)
    with pytest.raises(InputError, match=r"\[run\] users = \[0, 24\] is invalid: must be a non-empty list of "
                                         r"numbers > 0"):
        dataclasses.replace(users, grid_values=(0.0, 24.0))


def test_words_follow_the_grid():
    claim = Claim("c", "", "energy_ratio", ">", 1.0, at=24, grid="months")
    assert claim.at == 24 and claim.grid == "months" and claim.describe() == "energy_ratio at 24 months > 1"
    assert condition("Inference energy relative to month 0", "times month 0", claim).startswith(
        "inference energy relative to month 0 at 24 months above 1")
    assert grid_point(USERS, 5e7) == "at 50 million users" and grid_point(MONTHS, 24) == "at 24 months"
    assert grid_axis(MONTHS) == "months" and grid_axis(USERS) == "monthly active users"
    assert grid_against("Surplus", MONTHS) == "Surplus against months"
    with speaking("fr"):
        assert grid_point(MONTHS, 24).endswith("24 months") or "24" in grid_point(MONTHS, 24)


def _small(path, tmp):
    """A copy of a shipped run file with few samples (the value of information's too: they are the run's) and a small
    sensitivity design, its priors path absolute."""
    priors = (ROOT / "priors").as_posix()
    text = path.read_text(encoding="utf-8").replace('priors = "../priors/', f'priors = "{priors}/')
    text = re.sub(r"(?m)^samples = .*$", "samples = 4096\nworkers = 1", text)
    text = re.sub(r"(?m)^base_samples = .*$", "base_samples = 512\nmax_base_samples = 512\ncrosscheck_samples = 512\n"
                  "shapley_samples = 4096", text)
    copy = tmp / path.name
    copy.write_text(text, encoding="utf-8")
    return copy


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("models")
    runs = [_small(ROOT / "runs" / name, tmp) for name in
            ("paper-table1.toml", "footprint-gpt3.toml", "footprint-chatgpt.toml", "dynamics-rebound.toml")]
    text = runs[0].read_text(encoding="utf-8")  # Tableau 1, here for its group in the comparison: no analyses
    runs[0].write_text(text[:text.index("[sensitivity]")], encoding="utf-8")
    # no figures: these tests read the words and numbers; the comparison's figures are drawn where they are tested
    return run_batch(runs, reports=tmp / "reports", stream=io.StringIO(), figures="none"), tmp / "reports"


def test_months_name_the_data_and_the_report(batch):
    _scenarios, batch = batch
    summary = json.loads((batch / "dynamics-rebound" / "summary.json").read_text())
    assert summary["run"]["months"] == [0, 6, 12, 18, 24, 36] and "users" not in summary["run"]
    assert summary["outputs"]["energy_ratio"]["months"] == [0, 6, 12, 18, 24, 36]
    assert summary["claims"]["rebound_at_24_months"]["months"] == 24
    import xarray as xr

    with xr.open_dataset(batch / "dynamics-rebound" / "results.nc", engine="netcdf4") as data:
        assert data["energy_ratio"].dims == ("sample", "months") and "users" not in data.dims
    text = (batch / "dynamics-rebound" / "report.md").read_text()
    assert "at 24 months" in text and "against months" in text
    assert not re.search(r"\b24 users\b|against users|monthly active users", text)
    users = json.loads((batch / "footprint-gpt3" / "summary.json").read_text())
    assert users["run"]["users"] == [1e5, 1e6, 1e7, 1e8] and "users" in users["outputs"]["search_ratio"]


@pytest.mark.parametrize("stem", ["footprint-gpt3", "footprint-chatgpt", "dynamics-rebound"])
def test_reports_of_the_environmental_models_say_nothing_of_tableau1(batch, stem):
    _scenarios, batch = batch
    text = (batch / stem / "report.md").read_text()
    assert not re.search(r"Tableau|break-even monthly users|Plus subscription\b.*Tableau", text)
    summary = json.loads((batch / stem / "summary.json").read_text())
    assert summary["claims"] and summary["sensitivity"]
    assert all(c["likelihood"] for c in summary["claims"].values())
    assert any(t["value"] is not None for t in summary["verdict"]["claims"][next(iter(summary["claims"]))]
               ["tipping_points"])


def test_the_gpt3_report_flags_the_papers_522_t(batch):
    _scenarios, batch = batch
    text = (batch / "footprint-gpt3" / "report.md").read_text()
    assert "**Training CO2 of GPT-3** (inconsistent)" in text and "552" in text


def test_the_comparison_groups_scenarios_by_model(batch, tmp_path):
    scenarios, batch = batch
    summary = json.loads((batch / "comparison" / "summary.json").read_text())
    groups = {g["model"]: g["scenarios"] for g in summary["groups"]}
    assert groups == {"tableau1": ["paper-table1"], "footprint": ["footprint-gpt3", "footprint-chatgpt"],
                      "dynamics": ["dynamics-rebound"]}
    assert [g["focus"]["output"] for g in summary["groups"]] == ["break_even_users", "training_co2",
                                                                 "annual_energy_growth"]
    text = (batch / "comparison" / "report.md").read_text()
    sections = re.split(r"(?m)^## Model ", text)
    assert len(sections) == 4
    footprint = next(s for s in sections if s.startswith("`footprint`"))
    assert "break_even" not in footprint and "energy_ratio" not in footprint
    assert not (batch / "comparison" / "figures").exists()  # the batch drew none
    figures = sorted(p.name for p in (write_comparison(scenarios, tmp_path / "drawn") / "figures").glob("*.png"))
    assert "claims_by_scenario_dynamics.png" in figures and "training_co2_by_scenario_footprint.png" in figures


SCALAR_PRIORS = """[meta]
model = "anymodel:NONE"
[inputs.x1]
point = 1.0
dist = "normal"
mean = 1.0
sd = 0.5
source = "a test"
[inputs.x2]
point = 0.5
dist = "uniform"
low = 0
high = 1
source = "a test"
[inputs.x3]
point = 2.0
dist = "lognormal"
median = 2.0
sigma = 0.3
source = "a test"
"""


def _scalar_run(write, extra: str = "", claim_extra: str = "") -> str:
    import shutil

    folder = write("priors.toml", SCALAR_PRIORS).parent
    shutil.copy(ROOT / "tests" / "data" / "anymodel.py", folder / "anymodel.py")
    return write("run.toml", f'[run]\npriors = "priors.toml"\nsamples = 1024\n{extra}\n'
                             f'[[claims]]\nname = "positive"\noutput = "y"\nop = ">"\nvalue = 0\n{claim_extra}')


@pytest.mark.parametrize(("extra", "claim_extra", "message"), [
    ("users = [1, 2]", "", r"\[run\] users = \[1, 2\] is invalid: model any_none has no output over a grid \(each of "
                           r"its outputs is one number a sample\); leave it out"),
    ("months = [0, 12]", "", r"\[run\] months = \[0, 12\] is invalid: model any_none has no output over a grid"),
    ("", "users = 5", r'\[\[claims\]\] "positive" users = 5 is invalid: model any_none has no output over a grid: y '
                      r"is one number a sample"),
])
def test_a_model_without_a_grid_refuses_one(write, extra, claim_extra, message):
    with pytest.raises(InputError, match=message):
        load_run(_scalar_run(write, extra, claim_extra))


def test_a_model_without_a_grid_has_none_in_its_data(write, tmp_path):
    """No users dimension in results.nc, no grid in summary.json's run: the model has none."""
    import xarray as xr

    from mcsim.cli import main

    out = tmp_path / "out"
    assert main(["run", str(_scalar_run(write)), "--out", str(out)]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert not {"users", "months"} & set(summary["run"])
    with xr.open_dataset(out / "results.nc") as data:
        assert set(data.dims) == {"sample", "quantile", "claim"}  # no grid
    assert "users" not in (out / "report.md").read_text().lower()


def _own_grid_run(tmp_path, model: str, run: str, lang: str = "en") -> str:
    import shutil

    shutil.copy(ROOT / "tests" / "data" / "anymodel.py", tmp_path / "anymodel.py")
    (tmp_path / "priors.toml").write_text(SCALAR_PRIORS.replace("anymodel:NONE", f"anymodel:{model}"))
    (tmp_path / "run.toml").write_text(f'[run]\npriors = "priors.toml"\nsamples = 1024\n{run}\n'
                                       f'[report]\nlang = "{lang}"\n')
    return str(tmp_path / "run.toml")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_model_over_a_grid_of_its_own_runs_and_is_worded_by_it(tmp_path, lang):
    """A model's own grid (a subscription's price, in dollars): the run file and claims name it, the report says it
    in the model's words in either language, the data and summary.json use its name."""
    import jsonschema
    import xarray as xr

    from mcsim.cli import main
    from mcsim.serialise import schema

    run = _own_grid_run(tmp_path, "PRICED", 'price = [10.0, 25.0]\n[[claims]]\nname = "profit"\noutput = "g"\n'
                                            'op = ">"\nvalue = 0\nprice = 25.0\n', lang)
    spec = load_run(run)
    assert spec.grid.name == "price" and spec.grid_values == (10.0, 25.0)
    assert (spec.claims[0].at, spec.claims[0].grid) == (25.0, "price")
    out = tmp_path / "out"
    assert main(["run", str(run), "--out", str(out)]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["run"]["price"] == [10.0, 25.0] and summary["outputs"]["g"]["price"] == [10.0, 25.0]
    assert summary["claims"]["profit"]["price"] == 25.0
    assert list(jsonschema.Draft202012Validator(schema()).iter_errors(summary)) == []
    with xr.open_dataset(out / "results.nc") as data:
        assert list(data["price"].values) == [10.0, 25.0] and data["price"].attrs["units"] == "USD"
        assert data["g_p50"].dims == ("price",) if "g_p50" in data else "price" in data["g"].dims
    text = (out / "report.md").read_text()
    said = {"en": ("at a price of $25", "Profit against the price"),
            "fr": ("à un prix de 25 $", "Profit selon le prix")}[lang]
    assert said[0] in text.replace("\u202f", " ").replace("\u00a0", " ") and said[1] in text
    rows = (out / "tables" / "outputs_by_price_g.csv").read_text().splitlines()
    assert rows[0].startswith("price,") and len(rows) == 3
    assert "users" not in text.lower().replace("users_", "")


def test_a_grid_of_its_own_is_refused_under_another_name_and_checked_like_any(write, tmp_path):
    run = _own_grid_run(tmp_path, "FLEETED", "users = [8.0, 64.0]")
    with pytest.raises(InputError, match=r"\[run\] users = \[8, 64\] is invalid: the model runs over gpus, not users "
                                         r"\(give \[run\] gpus = \[\.\.\.\] instead\)"):
        load_run(run)
    for given, message in [("gpus = [64.0, 8.0]", r"\[run\] gpus = \[64, 8\] is invalid: must be strictly increasing"),
                           ("gpus = [0.0, 8.0]", r"\[run\] gpus = \[0, 8\] is invalid: must be a non-empty list of "
                                                 r"numbers > 0"),
                           ("gpu = [8.0]", r"\[run\] gpu is not a known key; did you mean \"gpus\"\?")]:
        with pytest.raises(InputError, match=message):
            load_run(_own_grid_run(tmp_path, "FLEETED", given))
    spec = load_run(_own_grid_run(tmp_path, "FLEETED", ""))
    assert spec.grid_values == (8.0, 64.0, 512.0)  # the grid's default


def test_a_grid_declared_wrongly_says_what_is_wrong():
    from mcsim.models.grid import Grid

    with pytest.raises(ValueError, match=r"grid 'samples': name = 'samples' must be a Python identifier other than"):
        Grid("samples", "x", (1.0,))
    with pytest.raises(ValueError, match=r"default = \(2.0, 1.0\) must be a non-empty, strictly increasing list"):
        Grid("gpus", "GPUs", (2.0, 1.0))
    with pytest.raises(ValueError, match=r"at = 'at GPUs' must hold \{value\}"):
        Grid("gpus", "GPUs", (1.0,), at="at GPUs")
    with pytest.raises(ValueError, match="log_scale needs values > 0"):
        Grid("gpus", "GPUs", (1.0,), log_scale=True)


def test_the_value_of_information_of_a_payoff_over_another_grid_than_users_is_refused(write):
    """Its decision is taken at some monthly users (or once): a payoff over months is not one it can value."""
    problems = _problems(write, f'[run]\npriors = "{DYNAMICS_PRIORS}"\n[value_of_information]\nusers = [1e6]\n'
                                'output = "surplus"\n')
    assert problems == [f"{problems[0].split(':')[0]}: [value_of_information] output = \"surplus\" is invalid: it "
                        "varies with months, and the decision whose information is valued is taken at some monthly "
                        "users, or once; name a scalar output of the model (annual_energy_growth, break_even_month, "
                        "rebound_halving_months)"]


def test_a_grid_in_dollars_is_drawn_in_dollars(tmp_path):
    from mcsim.pipeline import execute
    from mcsim.report.figures import run_figures
    from mcsim.report.rendering import draw
    from mcsim.report.style import look

    result = execute(load_run(_own_grid_run(tmp_path, "PRICED", "price = [10.0, 25.0]")))
    style = look("default")
    fig = draw(next(f for f in run_figures(result, style) if f.stem == "g_fan"), style)
    fig.canvas.draw()
    shown = [t.get_text() for t in fig.axes[0].get_xticklabels() if t.get_text()]
    assert shown and all(text.startswith("\\$") for text in shown), shown  # "$" kept out of mathtext
    assert fig.axes[0].get_xlabel() == "monthly price of a subscription"
