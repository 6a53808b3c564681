"""Observations and the posterior they give (Bayesian melding by importance weights on the run's own samples)."""

from __future__ import annotations

import math
import textwrap

import numpy as np
import pytest
from conftest import points_with
from scipy import stats

from mcsim.analysis.melding import wilson
from mcsim.analysis.psis import KHAT_RELIABLE, gpd_fit, pareto_khat, tail_length
from mcsim.cli import main
from mcsim.inputs.distributions import LogNormal, Normal, Uniform
from mcsim.inputs.errors import InputError
from mcsim.inputs.observations import Observation
from mcsim.inputs.runs import load_run, with_settings
from mcsim.pipeline import execute
from mcsim.report.posterior import observations_markdown
from mcsim.report.text import estimate

NORMALS = """
[meta]
model = "models_for_tests:PAYBACK"
""" + "".join(f"""
[inputs.x{i}]
point = 0
dist = "normal"
mean = 0
sd = 1
source = "test"
""" for i in (1, 2, 3))


def run_file(write, observations: str, *, samples: int = 16384, claims: str = "", extra: str = "",
             priors: str = NORMALS) -> str:
    write("priors.toml", priors)
    return str(write("run.toml", f"""
[run]
priors = "priors.toml"
samples = {samples}
seed = 3
workers = 1
{extra}
""" + textwrap.dedent(claims) + textwrap.dedent(observations)))


def run(path: str, **settings):
    spec = load_run(path)
    if settings:
        spec = with_settings(spec, **settings)
    return execute(spec, aside=False)


OBSERVE_X1 = """
[[observations]]
name = "x1_measured"
input = "x1"
dist = "normal"
mean = 1.5
sd = 0.5
source = "a measurement"
date = "2024-09"
"""


def _smoothed_ess_share(observed: float, prior_sd: float, error_sd: float) -> float:
    """E[w]**2 / E[w**2] for w = exp(-(x - o)**2 / (2 s**2)), x ~ N(0, prior_sd): the ESS's share of n."""
    def mean_of(t2: float) -> float:  # E exp(-(x - o)**2 / (2 t2))
        v = prior_sd**2
        return math.sqrt(t2 / (t2 + v)) * math.exp(-observed**2 / (2 * (t2 + v)))

    return mean_of(error_sd**2) ** 2 / mean_of(error_sd**2 / 2)


def test_a_normal_observation_of_a_normal_input_gives_the_conjugate_posterior(write):
    """Prior N(0, 1), observed 1.5 with sd 0.5: the posterior is N(1.2, 1 / sqrt(5)) (precisions add)."""
    result = run(run_file(write, OBSERVE_X1))
    found = result.posterior.inputs["x1"]
    mean, sd = 1.5 * 4 / 5, 1 / math.sqrt(5)
    assert found.mean == pytest.approx(mean, abs=0.01)
    assert found.sd == pytest.approx(sd, abs=0.01)
    for value, q in ((found.p05, 0.05), (found.p50, 0.5), (found.p95, 0.95)):
        assert value == pytest.approx(stats.norm.ppf(q, mean, sd), abs=0.015)
    # the other inputs are untouched: their posterior is their prior
    assert result.posterior.inputs["x2"].mean == pytest.approx(0, abs=0.02)
    assert result.posterior.inputs["x2"].sd == pytest.approx(1, abs=0.02)
    share = _smoothed_ess_share(1.5, 1.0, 0.5)
    assert result.posterior.ess / result.samples == pytest.approx(share, rel=0.03)
    assert result.posterior.reliable and result.posterior.khat < KHAT_RELIABLE


def test_an_observation_of_an_output_moves_a_claim_to_its_closed_form(write):
    """score = x1 + 2 x2 + 3 x3 ~ N(0, sqrt 14); observed 2 with sd 1: the posterior of the score is
    N(28 / 15, sqrt(14 / 15)), so P(score <= 1) = Phi((1 - 28/15) / sqrt(14/15))."""
    observation = """
    [[observations]]
    name = "score_seen"
    output = "score"
    dist = "normal"
    mean = 2
    sd = 1
    source = "a measurement"
    """
    result = run(run_file(write, observation, claims=LOW_SCORE))
    closed = stats.norm.cdf((1 - 28 / 15) / math.sqrt(14 / 15))
    found = result.posterior.claims["low_score"]
    assert found.probability == pytest.approx(closed, abs=0.01)
    assert result.claims["low_score"].probability == pytest.approx(stats.norm.cdf(1 / math.sqrt(14)), abs=0.005)
    assert found.ci95 == wilson(found.probability, result.posterior.ess)
    assert found.ci95[0] < closed < found.ci95[1]
    median = result.posterior.outputs["score"]
    assert median.p50 == pytest.approx(28 / 15, abs=0.03) and median.sd == pytest.approx(math.sqrt(14 / 15), abs=0.03)


OBSERVE_X2 = """
[[observations]]
name = "x2_measured"
input = "x2"
dist = "normal"
mean = -1
sd = 0.4
source = "another measurement"
"""

#: An observation of x1 whose error is wider than any sample's distance from it: it weighs every sample alike.
OBSERVE_NOTHING = """
[[observations]]
name = "anything"
input = "x1"
dist = "uniform"
low = -100
high = 100
source = "a measurement that says nothing"
"""

LOW_SCORE = """
[[claims]]
name = "low_score"
output = "score"
op = "<="
value = 1
"""


def _conjugate(observed: float, sd: float) -> tuple[float, float]:
    """The posterior mean and variance of a N(0, 1) input observed with a normal error."""
    return observed / (1 + sd**2), sd**2 / (1 + sd**2)


def test_each_claim_gives_its_probability_without_each_observation(write):
    """score = x1 + 2 x2 + 3 x3, x1 and x2 observed: without one, the claim's probability is that of the conjugate
    posterior of the other (x2's observation, which moves 2 x2, moves the claim most)."""
    result = run(run_file(write, OBSERVE_X1 + OBSERVE_X2, claims=LOW_SCORE, samples=65536))

    def closed(**observed: tuple[float, float]) -> float:  # each observed input's (observed, sd)
        mean, var = 0.0, 0.0
        for name, a in (("x1", 1.0), ("x2", 2.0), ("x3", 3.0)):
            m, v = _conjugate(*observed[name]) if name in observed else (0.0, 1.0)
            mean, var = mean + a * m, var + a * a * v
        return float(stats.norm.cdf((1 - mean) / math.sqrt(var)))

    found = result.posterior.claims["low_score"]
    assert found.probability == pytest.approx(closed(x1=(1.5, 0.5), x2=(-1, 0.4)), abs=0.01)
    assert found.without["x1_measured"] == pytest.approx(closed(x2=(-1, 0.4)), abs=0.01)
    assert found.without["x2_measured"] == pytest.approx(closed(x1=(1.5, 0.5)), abs=0.01)
    assert found.moved_most == "x2_measured"
    section = "\n".join(observations_markdown(result))
    assert (f"- `low_score`: from {result.claims['low_score'].probability:.3f} (") in section
    assert (f"given the observations; the observation that moves it most is `x2_measured`: without it, the probability "
            f"would be {found.without['x2_measured']:.3f}.") in section
    assert "| Claim | X1 | X2 | X3 |" in section
    assert f"| `low_score` | {found.first_order['x1']:.2f} | {found.first_order['x2']:.2f} |" in section
    single = run(run_file(write, OBSERVE_X1, claims=LOW_SCORE, samples=4096))  # one observation: without it, the priors
    assert single.posterior.claims["low_score"].without == {
        "x1_measured": pytest.approx(single.claims["low_score"].probability, rel=1e-12)}


def _first_order_closed(mean1: float, var1: float, threshold: float = 1.0) -> dict[str, float]:
    """S1 of 1{x1 + 2 x2 + 3 x3 <= threshold} on each input, x1 ~ N(mean1, var1), x2 and x3 ~ N(0, 1).

    For an input whose term is ``T ~ N(mu, t)`` beside the rest ``R ~ N(nu, r)``, E[Y | T] = Phi((c - T - nu) / sqrt r)
    and E[E[Y | T]**2] is the probability that two normals of variance t + r and covariance t are both at most
    c - mu - nu: a bivariate normal CDF.
    """
    terms = {"x1": (mean1, var1), "x2": (0.0, 4.0), "x3": (0.0, 9.0)}
    total_mean, total_var = sum(m for m, _ in terms.values()), sum(v for _, v in terms.values())
    p = stats.norm.cdf((threshold - total_mean) / math.sqrt(total_var))
    found = {}
    for name, (_, t) in terms.items():
        both = stats.multivariate_normal(mean=[total_mean] * 2, cov=[[total_var, t], [t, total_var]])
        found[name] = float((both.cdf([threshold, threshold]) - p * p) / (p * (1 - p)))
    return found


def test_the_first_order_indices_of_a_claim_given_the_observations_are_the_closed_form(write):
    """x1 observed 1.5 with sd 0.5: the posterior is N(1.2, 0.2) for x1 and the priors for x2 and x3, and each
    input's S1 for the claim's indicator is a bivariate normal probability (:func:`_first_order_closed`)."""
    result = run(run_file(write, OBSERVE_X1, claims=LOW_SCORE, samples=1 << 17))
    found = result.posterior.claims["low_score"].first_order
    closed = _first_order_closed(*_conjugate(1.5, 0.5))
    assert closed["x3"] > 0.4 and closed["x1"] < 0.05  # the test tells the inputs apart
    for name, value in closed.items():
        assert found[name] == pytest.approx(value, abs=0.005), name
    priors = _first_order_closed(0.0, 1.0)  # the observation moves x1's index: the estimator sees the weights
    assert abs(found["x1"] - priors["x1"]) > 0.02


def test_the_first_order_indices_with_equal_weights_are_the_unweighted_estimator(write):
    """An observation every sample meets weighs them all alike: the indices are those of the plain given-data
    estimator, equal-count bins of the sorted input and the variance of the claim's share across them."""
    from mcsim.compute.melding import S1_BINS

    result = run(run_file(write, OBSERVE_NOTHING, claims=LOW_SCORE, samples=4096, extra="keep_samples = 4096"))
    holds = result.kept.outputs["score"] <= 1
    p = holds.mean()
    for name in ("x1", "x2", "x3"):
        order = np.argsort(result.kept.inputs[name], kind="stable")
        shares = holds[order].reshape(S1_BINS, -1).mean(axis=1)
        plain = np.mean((shares - p) ** 2) / (p * (1 - p))
        assert result.posterior.claims["low_score"].first_order[name] == pytest.approx(plain, rel=1e-9), name


def test_the_weights_are_the_densities_scipy_computes(write):
    """With every sample kept, the run's weighted claim and ESS equal those of the weights scipy gives."""
    claims = """
    [[claims]]
    name = "quick"
    output = "months"
    op = "<="
    value = 1.5
    """
    observation = """
    [[observations]]
    name = "months_seen"
    output = "months"
    dist = "lognormal"
    p05 = 1.0
    p95 = 4.0
    source = "a measurement"

    [[observations]]
    name = "x3_seen"
    input = "x3"
    dist = "uniform"
    low = -1.5
    high = 2.5
    source = "another"
    """
    result = run(run_file(write, observation, claims=claims, samples=4096, extra="keep_samples = 4096"))
    months, x3 = result.kept.outputs["months"], result.kept.inputs["x3"]
    sigma = math.log(4.0) / (2 * stats.norm.ppf(0.95))
    w = stats.lognorm.pdf(2.0, sigma, scale=months) * stats.uniform.pdf(x3, loc=-1.5, scale=4.0)
    p = float(np.sum(w * (months <= 1.5)) / np.sum(w))
    assert result.posterior.claims["quick"].probability == pytest.approx(p, rel=1e-9)
    assert result.posterior.ess == pytest.approx(np.sum(w) ** 2 / np.sum(w**2), rel=1e-9)
    observed = Observation("m", LogNormal(2.0, sigma), "s", output="months")
    assert observed.log_likelihood(months) == pytest.approx(stats.lognorm.logpdf(2.0, sigma, scale=months))
    normal = Observation("n", Normal(0.3, 0.2), "s", input="x1")
    assert normal.log_likelihood(x3) == pytest.approx(stats.norm.logpdf(0.3, loc=x3, scale=0.2))
    uniform = Observation("u", Uniform(-1.5, 2.5), "s", input="x3")
    assert np.exp(uniform.log_likelihood(x3)) == pytest.approx(stats.uniform.pdf(0.5, loc=x3 - 2.0, scale=4.0))


def test_an_observation_every_sample_meets_changes_nothing(write):
    """A uniform error wider than every sample's distance weights all samples alike: ESS = n, posterior = prior."""
    result = run(run_file(write, OBSERVE_NOTHING, claims=LOW_SCORE, samples=4096))
    assert result.posterior.ess == pytest.approx(4096, rel=1e-12)
    assert result.posterior.claims["low_score"].probability == pytest.approx(result.claims["low_score"].probability,
                                                                            rel=1e-12)
    assert result.posterior.inputs["x1"].mean == pytest.approx(result.outputs["score"].mean * 0 + np.mean(
        result.kept.inputs["x1"]), abs=0.05)


def test_the_posterior_is_the_same_whatever_the_chunks_and_the_workers(write):
    path = run_file(write, OBSERVE_X1 + OBSERVE_X2, samples=32768, claims="""
    [[claims]]
    name = "low_score"
    output = "score"
    op = "<="
    value = 1
    """)
    one = run(path, chunk_size=8192).posterior  # four chunks, one process
    other = run(path, chunk_size=16384, workers=2).posterior  # two chunks, in two processes
    whole = run(path, chunk_size=1 << 15).posterior  # one chunk
    assert repr(one) == repr(other) == repr(whole)
    claim = whole.claims["low_score"]  # the repr holds each claim's probability without each observation, its indices
    assert set(claim.without) == {"x1_measured", "x2_measured"} and set(claim.first_order) == {"x1", "x2", "x3"}


def test_khat_matches_the_pareto_shape_and_the_weights_tail():
    rng = np.random.default_rng(5)
    n = 100_000
    for shape in (0.2, 0.5, 1.0):  # weights from a Pareto tail of shape k: k-hat near k
        log_weights = shape * rng.exponential(size=n)  # log of a Pareto(1 / k) variable
        assert pareto_khat(log_weights, n) == pytest.approx(shape, abs=0.1)
    assert tail_length(10_000) == 300 and tail_length(100) == 20
    assert math.isnan(pareto_khat(np.zeros(400), 10_000))  # too few kept: no fit
    x = np.sort(stats.genpareto.rvs(0.3, scale=2.0, size=20_000, random_state=6))
    k, sigma = gpd_fit(x)
    assert k == pytest.approx(0.3, abs=0.05) and sigma == pytest.approx(2.0, rel=0.1)


def test_khat_equals_arviz_on_the_same_weights():
    base = pytest.importorskip("arviz_stats.base")
    rng = np.random.default_rng(7)
    for n, spread in ((1000, 0.5), (5000, 1.5), (20000, 3.0)):
        log_weights = rng.normal(0, spread, n)
        _, theirs = base.array_stats.psislw(-log_weights)  # arviz-stats takes log-likelihoods (negated weights)
        assert pareto_khat(log_weights, n) == pytest.approx(float(theirs), rel=1e-10)
        assert pareto_khat(np.sort(log_weights)[-(tail_length(n) + 1):], n) == pytest.approx(float(theirs), rel=1e-10)


def test_wilson_with_a_whole_n_is_scipys():
    found = stats.binomtest(30, 100).proportion_ci(method="wilson")
    assert wilson(0.3, 100) == pytest.approx((found.low, found.high), rel=1e-12)


# -- validation ---------------------------------------------------------------------------------


def _problems(write, observations: str, priors: str = NORMALS) -> list[str]:
    with pytest.raises(InputError) as error:
        load_run(run_file(write, observations, priors=priors))
    return str(error.value).splitlines()


def test_an_unknown_input_or_output_is_named_with_a_suggestion(write):
    found = _problems(write, """
    [[observations]]
    name = "a"
    input = "x_1"
    dist = "normal"
    mean = 1
    sd = 1
    source = "s"

    [[observations]]
    name = "b"
    output = "scor"
    dist = "normal"
    mean = 1
    sd = 1
    source = "s"
    """)
    assert any(line.endswith('run.toml: [[observations]] "a" input = "x_1" is not an input of the run\'s priors; '
                             'did you mean "x1"? (inputs: x1, x2, x3)') for line in found), found
    assert any('[[observations]] "b" output = "scor" is not an output of model payback; did you mean "score"?'
               in line for line in found), found


def test_a_point_input_a_missing_source_and_an_unknown_error_are_refused(write):
    priors = NORMALS.replace('[inputs.x2]\npoint = 0\ndist = "normal"\nmean = 0\nsd = 1',
                             '[inputs.x2]\npoint = 0\ndist = "point"')
    found = _problems(write, """
    [[observations]]
    name = "a"
    input = "x2"
    dist = "normal"
    mean = 1
    sd = 1
    source = "s"

    [[observations]]
    name = "b"
    input = "x1"
    dist = "normal"
    mean = 1
    sd = 1

    [[observations]]
    name = "c"
    input = "x1"
    dist = "normla"
    mean = 1
    sd = 1
    source = "s"

    [[observations]]
    name = "d"
    input = "x1"
    dist = "normal"
    mean = 1
    sd = -1
    source = "s"
    """, priors=priors)
    assert any('[[observations]] "a" input = "x2" is a fixed point (0) in the run\'s priors' in line
               for line in found), found
    assert any("[[observations]] \"b\" is missing 'source'" in line for line in found), found
    assert any('[[observations]] "c" dist = "normla" is unknown; did you mean "normal"? (allowed: normal, '
               'lognormal, uniform)' in line for line in found), found
    assert any('[[observations]] "d" sd = -1 is invalid: must be > 0' in line for line in found), found


def test_a_gridded_output_needs_its_grid_point(write):
    priors = points_with(price='point = 20\ndist = "normal"\nmean = 20\nsd = 2\nsource = "s"')
    found = _problems(write, """
    [[observations]]
    name = "a"
    output = "surplus"
    dist = "normal"
    mean = 1e6
    sd = 1e5
    source = "s"

    [[observations]]
    name = "b"
    output = "surplus"
    users = 123
    dist = "normal"
    mean = 1e6
    sd = 1e5
    source = "s"
    """, priors=priors)
    assert any("[[observations]] \"a\" is missing 'users': surplus varies with users" in line for line in found)
    assert any('[[observations]] "b" users = 123 is not in the run\'s users grid' in line for line in found)


def test_an_observation_no_sample_can_explain_exits_2_without_a_traceback(write, capsys):
    path = run_file(write, """
    [[observations]]
    name = "far"
    input = "x1"
    dist = "uniform"
    low = 50
    high = 60
    source = "s"
    """, samples=4096)
    status = main(["run", path, "--out", str(write("unused.txt", "").parent / "out")])
    err = capsys.readouterr().err
    assert status == 2 and "Traceback" not in err
    assert 'run.toml: [[observations]] "far" dist makes the observation impossible for every one of the 4096 ' \
           "samples: x1 observed 55 (uniform, from 50 to 60)" in err


def test_min_ess_is_checked_and_says_when_the_posterior_is_unreliable(write):
    path = run_file(write, OBSERVE_X1, samples=4096, extra="\n[posterior]\nmin_ess = 0")
    with pytest.raises(InputError, match=r"\[posterior\] min_ess = 0 is invalid: must be a whole number >= 1"):
        load_run(path)
    with pytest.raises(InputError, match=r"\[posterior\] max_sample is not a known key; did you mean .max_samples.\?"):
        load_run(run_file(write, OBSERVE_X1, extra="\n[posterior]\nmax_sample = 4"))
    narrow = OBSERVE_X1.replace("sd = 0.5", "sd = 0.01")
    result = run(run_file(write, narrow, samples=4096, extra="\n[posterior]\nmax_samples = 4096"))
    assert result.posterior.ess < 1000 and not result.posterior.reliable
    assert result.samples == 4096 and result.posterior.extended_from is None


def test_a_run_draws_more_samples_until_its_posterior_is_reliable(write):
    """sd 0.05 keeps about 2.3 % of the samples' weight (closed form): 4096 samples give an ESS near 95, so
    the run draws 16 times as many (the power of 2 that reaches 1000), 65536, which give about 1500."""
    share = _smoothed_ess_share(1.5, 1.0, 0.05)
    assert 1000 / 65536 < share < 1000 / 32768
    narrow = OBSERVE_X1.replace("sd = 0.5", "sd = 0.05")
    result = run(run_file(write, narrow, samples=4096, extra="\n[posterior]\nmax_samples = 131072"))
    assert result.samples == 65536 and result.posterior.samples == 65536
    assert result.posterior.extended_from == 4096 and result.posterior.reliable
    assert result.posterior.ess == pytest.approx(share * 65536, rel=0.1)
    capped = run(run_file(write, narrow, samples=4096, extra="\n[posterior]\nmax_samples = 20000"))
    assert capped.samples == 16384 and not capped.posterior.reliable  # the largest power-of-2 multiple allowed
    assert "The run drew 16,384 samples rather than the 4,096 its file asks for" in "\n".join(
        observations_markdown(capped))


def test_the_summary_gives_the_posterior_and_fits_the_schema(write):
    jsonschema = pytest.importorskip("jsonschema")
    from mcsim.serialise import schema

    result = run(run_file(write, OBSERVE_X1, claims=LOW_SCORE, samples=4096))
    found = result.summary
    jsonschema.Draft202012Validator(schema()).validate(found)
    posterior = found["posterior"]
    assert posterior["reliable"] is True and posterior["ess"] == pytest.approx(result.posterior.ess)
    assert posterior["observations"][0] == {"name": "x1_measured", "input": "x1", "observed": 1.5, "dist": "normal",
                                            "mean": 1.5, "sd": 0.5, "source": "a measurement", "date": "2024-09"}
    assert posterior["inputs"]["x1"]["prior"]["p95"] == pytest.approx(stats.norm.ppf(0.95))
    assert posterior["claims"]["low_score"]["likelihood"] in ("likely", "very likely", "about as likely as not")
    given = result.posterior.claims["low_score"]
    assert posterior["claims"]["low_score"]["without"] == {"x1_measured": given.without["x1_measured"]}
    assert posterior["claims"]["low_score"]["moved_most"] == "x1_measured"
    assert posterior["claims"]["low_score"]["first_order"] == given.first_order and len(given.first_order) == 3
    del posterior["khat"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema()).validate(found)


def test_the_posterior_tables_give_the_summarys_numbers_in_csv_and_dataframes(write, tmp_path):
    """tables/posterior_claims, posterior_inputs and posterior_outputs (CSV, LaTeX, DataFrames): each claim, input and
    output before and after the observations, the numbers of summary.json's ``posterior``; none without observations."""
    import csv

    from mcsim.report import write_report

    result = run(run_file(write, OBSERVE_X1, claims=LOW_SCORE, samples=4096, extra='[report]\nfigures = "none"'))
    posterior = result.summary["posterior"]
    out = write_report(result, tmp_path / "report")
    rows = {name: list(csv.DictReader((out / "tables" / f"{name}.csv").open(encoding="utf-8")))
            for name in ("observations", "posterior_claims", "posterior_first_order", "posterior_inputs",
                         "posterior_outputs")}
    (observed,) = rows["observations"]
    assert (observed["observation"], observed["input"], float(observed["observed"]), observed["date"]) == \
        ("x1_measured", "x1", 1.5, "2024-09")
    first = {(row["claim"], row["input"]): float(row["first_order"]) for row in rows["posterior_first_order"]}
    assert first == {("low_score", name): value for name, value in posterior["claims"]["low_score"]["first_order"]
                     .items()}
    (claim,) = rows["posterior_claims"]
    assert claim["claim"] == "low_score"
    assert float(claim["probability"]) == posterior["claims"]["low_score"]["probability"]
    assert float(claim["prior_probability"]) == result.claims["low_score"].probability
    assert claim["moved_most"] == "x1_measured" and claim["without_it"] == ""  # one observation: without it, the prior
    inputs = {row["input"]: row for row in rows["posterior_inputs"]}
    assert set(inputs) == {"x1", "x2", "x3"}
    for name, row in inputs.items():
        for q in ("p05", "p50", "p95"):
            assert float(row[q]) == posterior["inputs"][name][q]
            assert float(row[f"prior_{q}"]) == pytest.approx(posterior["inputs"][name]["prior"][q], rel=1e-12)
    assert [row["output"] for row in rows["posterior_outputs"]] == list(posterior["outputs"])
    frames = result.tables()
    assert frames["posterior_inputs"].set_index("input").loc["x1", "p50"] == posterior["inputs"]["x1"]["p50"]
    assert all((out / "tables" / f"{name}.tex").read_text().count("\\toprule") == 1 for name in rows)
    md = (out / "report.md").read_text()
    assert "| Input | Prior median (90 % interval) | Posterior median (90 % interval) |" in md
    plain = write_report(run(run_file(write, "", claims=LOW_SCORE, samples=1024, extra='[report]\nfigures = "none"')),
                         tmp_path / "plain")
    assert not list((plain / "tables").glob("posterior_*")) and not (plain / "tables" / "observations.csv").exists()


def test_the_report_gives_the_answer_given_the_observations_in_english_and_in_french(write):
    from test_french_lint import english_words, findings, markdown_prose

    from mcsim.i18n import speaking
    from mcsim.report.posterior import posterior_answer
    from mcsim.report.verdict import answer_markdown, readings

    narrow = OBSERVE_X1.replace("sd = 0.5", "sd = 0.02")  # too narrow for 4096 samples: not reliable
    result = run(run_file(write, narrow, claims=LOW_SCORE, samples=4096, extra="\n[posterior]\nmax_samples = 4096"))
    answer = answer_markdown(result)
    given = next(i for i, line in enumerate(answer) if line.startswith("- **Given the published observations:**"))
    assert answer[given - 1].startswith("- **Is the claim robust?**")  # after the answer under the priors alone
    assert answer[given + 1].startswith("- The posterior is not reliable: the weights of the 4,096 samples")
    section = observations_markdown(result)
    assert section[0] == "## Observations"
    assert "| `x1_measured` | X1 | 1.5 | normal error, sd 0.02 | a measurement (2024-09) |" in section
    with speaking("fr"):
        french = "\n".join(answer_markdown(result) + observations_markdown(result))
    assert "## Observations" in french and "Au vu des observations publiées" in french
    with speaking("fr"):  # the lines this feature writes
        first = readings(next(iter(result.claims.values())), result)
        ours = "\n".join(line for line in posterior_answer(result, first) + observations_markdown(result)
                         if not line.startswith(("| Months", "| Score")))  # the test model's labels are English
    assert not findings("report.md", markdown_prose(ours), english_words())


def test_an_observation_cites_entries_of_the_priors_bibliography(write):
    write("priors.bib", "@misc{smith2020,\n  author = {Smith, A.},\n  title = {A survey},\n  year = {2020},\n}\n")
    priors = NORMALS.replace("[meta]\n", '[meta]\nbibliography = "priors.bib"\n')
    cited = OBSERVE_X1.replace('source = "a measurement"', 'source = "Smith (2020)"\ncite = ["smth2020"]')
    found = _problems(write, cited, priors=priors)
    assert any('[[observations]] "x1_measured" cite = "smth2020" is not an entry of' in line and
               'did you mean "smith2020"?' in line for line in found), found
    assert load_run(run_file(write, OBSERVE_X1.replace('source = "a measurement"',
                                                       'source = "Smith (2020)"\ncite = ["smith2020"]'),
                             priors=priors)).observations


def test_the_methods_describe_the_posterior_and_cite_its_sources(write):
    from test_french_lint import english_words, findings, markdown_prose

    from mcsim.i18n import speaking
    from mcsim.report.sections import build_methods

    result = run(run_file(write, OBSERVE_X1, claims=LOW_SCORE, samples=4096))
    markdown, tex, bib = build_methods(result, {})
    assert "Bayesian melding (Poole and Raftery 2000)" in markdown
    assert "Zhang and Stephens' estimator (Zhang and Stephens 2009)" in markdown
    assert "the probability of a claim without one observation is the weighted share under the product" in markdown
    assert ("by a weighted binning estimator on the given data (Plischke et al. 2013): each uncertain input is cut "
            "into 32 bins of equal posterior weight") in markdown
    for key in ("poole2000", "vehtari2024", "zhang2009", "kish1965", "plischke2013"):
        assert f"{{{key}," in bib and key in tex
    with speaking("fr"):
        french = build_methods(result, {})[0]
    said = [line for line in french.splitlines() if "fusion bayésienne" in line or "Kish" in line or "Wilson" in line
            or "premier ordre" in line]
    assert said and not findings("methods.md", markdown_prose("\n".join(said)), english_words())
    assert "(Poole et Raftery 2000)\u00a0: chaque tirage" in french  # one no-break space before the colon, not two


def test_a_figure_shows_each_inputs_prior_and_posterior_and_the_observation_of_an_observed_one(write):
    from mcsim.report.posterior_figures import posterior_figures
    from mcsim.report.style import look

    result = run(run_file(write, OBSERVE_X1))
    density = result.posterior.densities["x1"]
    assert list(result.posterior.densities) == ["x1", "x2", "x3"]  # every uncertain input, the observed one first here
    unobserved = result.posterior.densities["x2"]  # its posterior is its prior, N(0, 1)
    middles = 0.5 * (unobserved.edges[1:] + unobserved.edges[:-1])
    assert np.max(np.abs(unobserved.density - stats.norm.pdf(middles))) < 0.1 * stats.norm.pdf(0)
    widths = np.diff(density.edges)
    assert np.sum(density.density * widths) == pytest.approx(1, abs=1e-3)  # the weight beyond the range is tiny
    middles = 0.5 * (density.edges[1:] + density.edges[:-1])
    closed = stats.norm.pdf(middles, 1.2, 1 / math.sqrt(5))
    assert np.max(np.abs(density.density - closed)) < 0.1 * closed.max()
    figures = posterior_figures(result, look("default"))
    assert [f.stem for f in figures] == ["x1_posterior", "x2_posterior", "x3_posterior"]
    drawn = figures[0].draw()
    labels = drawn.axes[0].get_legend_handles_labels()[1]
    assert set(labels) == {"prior", "observed: 1.5", "posterior (weighted samples)"}
    assert set(figures[1].draw().axes[0].get_legend_handles_labels()[1]) == {"prior", "posterior (weighted samples)"}
    assert "no observation measures it" in figures[1].caption and "dashed line" in figures[0].caption
    from mcsim.report.figure_check import problems

    with look("default").context():  # no text overlaps another or leaves the figure, none too small
        assert problems(figures[0].draw()) == []


def test_an_input_of_listed_values_has_its_prior_mass_per_bin_beside_its_posterior(write):
    """A discrete prior has no density: the figure draws its mass in each bin over the bin's width, as the posterior's
    histogram is drawn (it crashed, once all was computed, asking a discrete prior for its density)."""
    from mcsim.report.posterior_figures import posterior_figures
    from mcsim.report.style import look

    priors = NORMALS.replace('[inputs.x2]\npoint = 0\ndist = "normal"\nmean = 0\nsd = 1\n',
                             '[inputs.x2]\npoint = 0\ndist = "discrete"\nvalues = [-1, 0, 2]\n'
                             'weights = [0.25, 0.5, 0.25]\n')
    assert priors != NORMALS
    result = run(run_file(write, OBSERVE_X1, priors=priors, samples=4096))
    (figure,) = [f for f in posterior_figures(result, look("default")) if f.stem == "x2_posterior"]
    ax = figure.draw().axes[0]
    (prior,) = [patch for patch in ax.patches if patch.get_label() == "prior"]  # a step outline, not a curve
    edges = result.posterior.densities["x2"].edges
    heights = prior.get_data().values
    assert np.sum(heights * np.diff(edges)) == pytest.approx(1.0)  # the prior's whole mass, bin by bin
    assert {round(float(h * w), 12) for h, w in zip(heights, np.diff(edges), strict=True)} - {0.0} == {0.25, 0.5}


def test_results_nc_gives_each_kept_samples_log_weight_and_each_claims_posterior(write):
    result = run(run_file(write, OBSERVE_X1, claims=LOW_SCORE, samples=4096, extra="keep_samples = 4096"))
    dataset = result.to_dataset()
    x1 = dataset["x1"].values
    assert dataset["log_weight"].values == pytest.approx(stats.norm.logpdf(1.5, loc=x1, scale=0.5))
    w = np.exp(dataset["log_weight"].values)
    p = float(np.sum(w * (dataset["score"].values <= 1)) / np.sum(w))
    assert float(dataset["claim_posterior_probability"].sel(claim="low_score")) == pytest.approx(p, rel=1e-9)
    assert "log_weight" not in run(run_file(write, "", claims=LOW_SCORE, samples=4096)).to_dataset()


def test_the_answer_gives_each_reading_given_the_observations(write):
    from mcsim.report.verdict import answer_markdown

    claims = """
    [[claims]]
    name = "low_score"
    output = "score"
    op = "<="
    value = 1

    [[claims]]
    name = "score_below_2"
    output = "score"
    op = "<="
    value = 2
    reading_of = "low_score"
    """
    result = run(run_file(write, OBSERVE_X1, claims=claims, samples=4096))
    answer = answer_markdown(result)
    given = answer.index("- **Given the published observations, reading by reading** (see Observations):")
    for line, name in zip(answer[given + 1:given + 3], ("low_score", "score_below_2"), strict=True):
        given = result.posterior.claims[name]
        p, low, high = estimate(given.probability, given.ci95)  # 0.48 (0.45 to 0.51) over 4,096 weighted samples
        assert line.startswith("  - ") and f"(probability {p}, 95 % interval {low} to {high})" in line
        assert line.endswith("under the priors alone.")


def test_the_results_repr_gives_the_posterior(write):
    result = run(run_file(write, OBSERVE_X1, claims=LOW_SCORE, samples=4096))
    lines = repr(result).splitlines()
    given = result.posterior.claims["low_score"]
    p, low, high = estimate(given.probability, given.ci95)
    assert lines[2].startswith(f"  low_score given the observations: P = {p} ({low} to {high}), ")
    assert lines[3].startswith("  posterior: effective sample size ") and lines[3].endswith(", reliable")
