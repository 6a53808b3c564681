"""mcsim batch: reruns skip finished runs, redo a run whose inputs changed, and write the comparison."""

import io
import json
import re
import shutil

import pytest
from conftest import ROOT, new_process, user_model

from mcsim.batch import plan, run_batch
from mcsim.inputs import sources
from mcsim.inputs.errors import InputError
from mcsim.inputs.sources import code_sha256, file_sha256
from mcsim.pipeline import execute
from mcsim.report.likelihood import TERMS, term
from mcsim.report.summary_words import summary as build_summary

RUN = """
[run]
title = "{title}"
priors = "{priors}"
samples = 1024
sampler = "sobol"
seed = 7
workers = 1
users = [1e6, 5e7]

[[claims]]
name = "break_even_within_6M"
output = "break_even_users"
op = "<="
value = 6e6
"""


@pytest.fixture(scope="module")
def batch_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("batch")
    shutil.copy(ROOT / "priors" / "paper-table1.toml", d / "a.priors.toml")
    shutil.copy(ROOT / "priors" / "evidence-2025.toml", d / "b.priors.toml")
    shutil.copy(ROOT / "priors" / "sources.bib", d / "sources.bib")  # the references the priors cite
    (d / "one.toml").write_text(RUN.format(title="one", priors="a.priors.toml"))
    (d / "two.toml").write_text(RUN.format(title="two", priors="b.priors.toml"))
    first = _run(d)
    assert [s.ran for s in first] == [True, True]
    return d


def _run(d, **options):
    return run_batch([d / "one.toml", d / "two.toml"], reports=d / "reports", stream=io.StringIO(), **options)


def test_comparison_is_written(batch_dir):
    d = batch_dir
    out = d / "reports" / "comparison"
    summary = json.loads((out / "summary.json").read_text())
    assert [s["stem"] for s in summary["scenarios"]] == ["one", "two"]
    one = json.loads((d / "reports" / "one" / "summary.json").read_text())
    assert summary["scenarios"][0]["claims"]["break_even_within_6M"]["probability"] == \
        one["claims"]["break_even_within_6M"]["probability"]
    text = (out / "report.md").read_text()
    assert "How the verdict moves" in text and "break_even_within_6M" in text
    # scenarios counted by their term on the calibrated scale
    terms = {s["stem"]: term(s["claims"]["break_even_within_6M"]["probability"]) for s in summary["scenarios"]}
    counted = {t: [stem for stem, u in terms.items() if u == t] for t in reversed(TERMS) if t in terms.values()}
    said = (" ".join(f"It is {t} in {len(stems)} scenario{'s' if len(stems) > 1 else ''} "
                     f"({', '.join(f'`{stem}`' for stem in stems)})." for t, stems in counted.items())
            if len(counted) > 1 else f"It is {next(iter(counted))} in all of them.")
    assert said in text
    assert f"each one's report is in `{(d / 'reports').as_posix()}/`, under its name." in text
    assert "interval above 0.5" not in text
    for stem in ("break_even_users_by_scenario", "claims_by_scenario"):
        assert (out / "figures" / f"{stem}.png").is_file() and (out / "figures" / f"{stem}.pdf").is_file()
    assert "data:image/png;base64," in (out / "report.html").read_text()


def _comparison_data(probabilities, *, reports="out", tipping=None):
    """The comparison's data of one claim over scenarios with these probabilities, as build_comparison writes it."""
    rows = []
    for k, p in enumerate(probabilities):
        claim = {"probability": p, "ci95": [p - 0.01, p + 0.01], "holds_at_point": True, "text": "A surplus",
                 "text_fr": "Un surplus : vraiment", "top_driver": {"input": "conversion_rate", "ST": 0.8},
                 "most_likely_tipping_point": tipping, "first_box": None,
                 "no_box": {"note": "no box found", "reason": "", "base_rate": None}}
        rows.append({"stem": f"s{k}", "title": f"Scenario {k}", "title_fr": f"Scénario {k}", "model": "tableau1",
                     "report": f"{reports}/s{k}", "ran": True, "claims": {"surplus": claim}, "outputs": {},
                     "labels": {"conversion_rate": "Share of users paying for Plus"},
                     "units": {"conversion_rate": "share of users"},
                     "run": {"run_file": f"s{k}.toml", "run_sha256": "0" * 64, "samples": 4096, "sampler": "sobol",
                             "seed": 1, "overrides": []}})
    return {"scenarios": rows, "focus": None, "groups": [{"model": "tableau1", "scenarios": [r["stem"] for r in rows],
                                                          "focus": None}]}


def test_the_comparison_says_a_range_of_one_value_as_one_value_and_counts_in_words():
    from mcsim.report.comparison import render_comparison

    text = render_comparison(_comparison_data([0.15]))
    assert "its probability is 0.150 in the one scenario that tests it." in text
    assert "ranges from" not in text and "Of 1 scenarios" not in text
    assert "1 scenario, run with its own priors and overrides; its report is in `out/s0/`." in text
    assert "It is unlikely there." in text
    text = render_comparison(_comparison_data([0.15, 0.15]))
    assert "its probability is 0.150 in each of the 2 scenarios that test it. It is unlikely in all of them." in text


def test_the_comparison_names_the_reports_folder_and_gives_tipping_values_in_their_unit():
    from mcsim.report.comparison import render_comparison

    tip = {"input": "conversion_rate", "value": 0.04875, "fails": "above", "quantile": 0.53, "failing_share": 0.47}
    text = render_comparison(_comparison_data([0.2, 0.6], reports="/tmp/elsewhere", tipping=tip))
    assert "each one's report is in `/tmp/elsewhere/`, under its name." in text and "reports/<scenario>" not in text
    assert "it fails when the share of users paying for Plus is above 4.88 % (the 53rd percentile of its prior)" \
        in text
    assert "= 0.04875" not in text


def test_a_french_comparison_is_in_french():
    from mcsim.i18n import speaking
    from mcsim.report.comparison import render_comparison

    tip = {"input": "conversion_rate", "value": 0.04875, "fails": "above", "quantile": 0.53, "failing_share": 0.47}
    with speaking("fr"):
        text = render_comparison(_comparison_data([0.15], tipping=tip))
    assert text.startswith("# Comparaison des scénarios\n")
    assert "sa probabilité est de 0,150 dans l'unique scénario qui la met à l'épreuve." in text
    assert "Un surplus\u00a0: vraiment" in text and "Scénario 0" in text
    assert "dépasse 4,88\u00a0% (le 53e centile de sa loi a priori)" in text
    for english in ("Of 1", "scenario", "ranges from", " samples", "Made by"):
        assert english not in text


def test_settings_and_force_make_a_run_stale(batch_dir):
    d = batch_dir
    jobs = plan([d / "one.toml"], reports=d / "reports", samples=2048)
    assert jobs[0].reasons == ("samples 1024 -> 2048",)
    assert plan([d / "one.toml"], reports=d / "reports", seed=8)[0].reasons == ("seed 7 -> 8",)
    assert plan([d / "one.toml"], reports=d / "reports", force=True)[0].reasons == ("forced",)
    assert plan([d / "one.toml"], reports=d / "reports")[0].reasons == ()
    copy = d / "one-copy.toml"
    copy.write_text((d / "one.toml").read_text().replace('title = "one"', 'title = "one!"'))
    shutil.copytree(d / "reports" / "one", d / "reports" / "one-copy")
    assert plan([copy], reports=d / "reports")[0].reasons == ("run file changed",)


def test_rerun_skips_finished_runs_and_redoes_one_whose_priors_changed(batch_dir):
    d = batch_dir
    stamps = {s: (d / "reports" / s / "summary.json").stat().st_mtime_ns for s in ("one", "two", "comparison")}
    said = io.StringIO()
    again = run_batch([d / "one.toml", d / "two.toml"], reports=d / "reports", stream=said)
    assert [s.ran for s in again] == [False, False]
    assert all((d / "reports" / s / "summary.json").stat().st_mtime_ns == t for s, t in stamps.items())
    assert f"comparison: up to date ({d / 'reports' / 'comparison'}/), skipped" in said.getvalue()
    assert "kept" not in again[0].__dict__  # results.nc is not read for a comparison left as it is

    priors = d / "b.priors.toml"
    priors.write_text(priors.read_text().replace("p95 = 150e6", "p95 = 160e6"))
    jobs = plan([d / "one.toml", d / "two.toml"], reports=d / "reports")
    assert [j.reasons for j in jobs] == [(), ("priors file changed",)]
    third = _run(d)
    assert [s.ran for s in third] == [False, True]
    assert (d / "reports" / "one" / "summary.json").stat().st_mtime_ns == stamps["one"]
    assert (d / "reports" / "two" / "summary.json").stat().st_mtime_ns != stamps["two"]


def test_reserved_and_repeated_names_are_refused(batch_dir):
    d = batch_dir
    shutil.copy(d / "one.toml", d / "comparison.toml")
    (d / "sub").mkdir()
    (d / "sub" / "one.toml").write_text(RUN.format(title="x", priors="../a.priors.toml"))
    with pytest.raises(InputError) as error:
        plan([d / "one.toml", d / "comparison.toml", d / "sub" / "one.toml"], reports=d / "reports")
    message = str(error.value)
    assert "'comparison' is reserved" in message and "same stem" in message


def test_a_run_file_named_twice_runs_once_where_first_named(batch_dir):
    """`mcsim batch runs/base.toml runs/*.toml` puts the baseline first without running it twice."""
    d = batch_dir
    jobs = plan([d / "two.toml", d / "one.toml", d / "two.toml", d / "." / "one.toml"], reports=d / "reports")
    assert [job.spec.stem for job in jobs] == ["two", "one"]


def test_an_edited_model_file_makes_its_run_stale(tmp_path, monkeypatch):
    code = tmp_path / "code"
    model_file = user_model(code, "batch_user_model")
    monkeypatch.syspath_prepend(str(code))  # how a user's model is found: on the Python path
    new_process(monkeypatch, "batch_user_model")
    shutil.copy(ROOT / "priors" / "paper-table1.toml", tmp_path / "a.priors.toml")
    shutil.copy(ROOT / "priors" / "sources.bib", tmp_path / "sources.bib")
    run = tmp_path / "mine.toml"
    run.write_text(RUN.format(title="mine", priors="a.priors.toml").replace(
        "[run]\n", '[run]\nmodel = "batch_user_model:MODEL"\n'))

    assert run_batch([run], reports=tmp_path / "reports", stream=io.StringIO())[0].ran
    first = json.loads((tmp_path / "reports" / "mine" / "summary.json").read_text())
    model = first["manifest"]["inputs"]["model"]
    assert model == {"name": "batch_user_model:MODEL", "module": "batch_user_model",
                     "path": "code/batch_user_model.py", "sha256": file_sha256(model_file)}  # from the run file
    assert first["manifest"]["code"]["mcsim"]["sha256"] == code_sha256()

    new_process(monkeypatch, "batch_user_model")  # a new `mcsim batch`
    assert plan([run], reports=tmp_path / "reports")[0].reasons == ()  # up to date: skipped

    model_file.write_text(model_file.read_text().replace("PRICE_FACTOR = 1.0", "PRICE_FACTOR = 1.25"))
    new_process(monkeypatch, "batch_user_model")
    job = plan([run], reports=tmp_path / "reports")[0]
    assert job.reasons == ("model source changed",)
    second = build_summary(execute(job.spec))  # what the batch runs and writes
    assert second["manifest"]["inputs"]["model"]["sha256"] == file_sha256(model_file) != model["sha256"]
    assert second["outputs"] != first["outputs"]  # the edited model runs


def test_changed_mcsim_code_makes_every_run_stale(batch_dir, tmp_path, monkeypatch):
    d = batch_dir
    copy = tmp_path / "mcsim"
    shutil.copytree(sources.CODE_ROOT, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(sources, "CODE_ROOT", copy)
    try:
        code_sha256.cache_clear()
        assert [j.reasons for j in plan([d / "one.toml", d / "two.toml"], reports=d / "reports")] == [(), ()]
        with (copy / "stats.py").open("a", encoding="utf-8") as file:
            file.write("# an edit\n")
        code_sha256.cache_clear()
        jobs = plan([d / "one.toml", d / "two.toml"], reports=d / "reports")
        assert [j.reasons for j in jobs] == [("mcsim code changed",), ("mcsim code changed",)]
    finally:
        code_sha256.cache_clear()


def test_a_report_from_before_the_code_sha256_is_stale(tmp_path, batch_dir):
    d = batch_dir
    shutil.copytree(d / "reports" / "one", tmp_path / "one")
    summary = json.loads((tmp_path / "one" / "summary.json").read_text())
    del summary["manifest"]["code"], summary["manifest"]["inputs"]["model"]
    (tmp_path / "one" / "summary.json").write_text(json.dumps(summary))
    assert plan([d / "one.toml"], reports=tmp_path)[0].reasons == ("no sha256 of mcsim's code recorded",
                                                                   "no model sha256 recorded")


def test_a_comparison_is_made_again_when_its_scenarios_style_or_files_change(tmp_path):
    """Left as it is only when this code made it from these very summaries, in this style and language, whole."""
    shutil.copy(ROOT / "priors" / "paper-table1.toml", tmp_path / "a.priors.toml")
    shutil.copy(ROOT / "priors" / "sources.bib", tmp_path / "sources.bib")
    (tmp_path / "one.toml").write_text(RUN.format(title="one", priors="a.priors.toml").replace("1024", "256"))
    comparison = tmp_path / "reports" / "comparison"

    def made(**options) -> bool:
        before = (comparison / "summary.json").stat().st_mtime_ns if comparison.exists() else None
        run_batch([tmp_path / "one.toml"], reports=tmp_path / "reports", stream=io.StringIO(), **options)
        return (comparison / "summary.json").stat().st_mtime_ns != before

    assert made() and not made()
    assert made(figures="journal") and not made(figures="journal")
    (comparison / "figures" / "claims_by_scenario.png").unlink()
    assert made(figures="journal") and (comparison / "figures" / "claims_by_scenario.png").is_file()
    summary = tmp_path / "reports" / "one" / "summary.json"  # a scenario's summary that changed
    summary.write_text(summary.read_text().replace('"title": "one"', '"title": "one!"', 1))
    assert made(figures="journal")


def test_a_batch_with_nothing_to_do_reads_no_run_file_and_agrees_with_the_plan(tmp_path, monkeypatch):
    """A no-op batch answers from the reports' manifests alone; any change that makes the plan run again (the run
    file, its priors, their bibliography, the model's source, a report file gone) makes it load and plan instead."""
    import mcsim.inputs.runs as runs
    from mcsim.batch import _unchanged

    code = tmp_path / "code"
    model_file = user_model(code, "noop_user_model")
    monkeypatch.syspath_prepend(str(code))
    new_process(monkeypatch, "noop_user_model")
    shutil.copy(ROOT / "priors" / "paper-table1.toml", tmp_path / "a.priors.toml")
    shutil.copy(ROOT / "priors" / "sources.bib", tmp_path / "sources.bib")
    run = tmp_path / "mine.toml"
    run.write_text(RUN.format(title="mine", priors="a.priors.toml").replace(
        "[run]\n", '[run]\nmodel = "noop_user_model:MODEL"\n').replace("1024", "256"))
    reports = tmp_path / "reports"
    assert run_batch([run], reports=reports, stream=io.StringIO())[0].ran

    def loading(*args, **kwargs):
        raise AssertionError("a run file was loaded")

    with monkeypatch.context() as patched:
        patched.setattr(runs, "load_run", loading)
        said = io.StringIO()
        again = run_batch([run], reports=reports, stream=said)
    assert [s.ran for s in again] == [False] and again[0].summary["run"]["title"] == "mine"
    assert said.getvalue().splitlines() == [f"mcsim batch: mine: up to date ({reports / 'mine'}/), skipped",
                                            f"mcsim batch: comparison: up to date ({reports / 'comparison'}/), skipped"]

    for changed in (run, tmp_path / "a.priors.toml", tmp_path / "sources.bib", model_file):
        before = changed.read_bytes()
        changed.write_bytes(before + b"\n# an edit\n")
        new_process(monkeypatch, "noop_user_model")
        assert _unchanged([run], reports) is None and plan([run], reports=reports)[0].reasons, changed.name
        changed.write_bytes(before)
    new_process(monkeypatch, "noop_user_model")
    assert _unchanged([run], reports) is not None and plan([run], reports=reports)[0].reasons == ()
    (reports / "mine" / "results.nc").rename(tmp_path / "results.nc")
    assert _unchanged([run], reports) is None and plan([run], reports=reports)[0].reasons


def test_a_comparison_of_two_models_numbers_its_figures_through_the_whole_page():
    """Each model's figures were numbered from 1: a page of two models had two Figure 1s."""
    from mcsim.i18n import speaking
    from mcsim.report.comparison import render_comparison
    from mcsim.report.figures import Figure

    data = _comparison_data([0.2, 0.6])
    data["groups"] = [{"model": "tableau1", "scenarios": ["s0"], "focus": None},
                      {"model": "footprint", "scenarios": ["s1"], "focus": None}]
    figures = {"tableau1": {"claims": [Figure("a", "The first.")]},
               "footprint": {"claims": [Figure("c", "The third.")], "moves": [Figure("b", "The second.")]}}
    text = render_comparison(data, figures)
    assert re.findall(r"^!\[(Figure \d)\]\(figures/(\w)\.png\)", text, flags=re.MULTILINE) == [
        ("Figure 1", "a"), ("Figure 2", "b"), ("Figure 3", "c")]
    assert "*Figure 2. The second.* (PDF: `figures/b.pdf`)" in text
    # each figure straight after its section: the claims' after their table, before the tipping points
    first = text.split("## Model `footprint`")[0]
    assert first.index("### Claims by scenario") < first.index("figures/a.png") < first.index("### Where each claim")
    assert "only: `tableau1`: `s0`; `footprint`: `s1`." in text
    with speaking("fr"):  # each model's scenarios as French punctuates them
        assert "\u00a0: `tableau1`\u00a0: `s0`\u202f; `footprint`\u00a0: `s1`." in render_comparison(data, figures)
