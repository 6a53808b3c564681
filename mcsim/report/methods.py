"""``methods.md`` and ``methods.tex``: a methods section generated from the run, for a paper to take as it stands.

It says what mcsim did for this run and nothing else, one paragraph per analysis that ran (an
analysis the run did not make gets no word): the model and its citation, the sampler, sample size
and seed, each prior in a sentence with its sources, how the statistics, the tail indices, the
claims' probabilities and intervals, the median attribution, the Sobol indices (their design,
intervals and which targets did not converge), the Shapley effects, the cross-checks (Spearman,
PAWN, Borgonovo's delta), the tornado, the tipping points, the PRIM boxes, the value of
information and the comparison with the publication are made, and the software with its
versions. Every number is read from the Result. Each sentence goes
through gettext; a citation is ``\\cite{key}`` in the ``.tex`` (keys of the report's
``references.bib``) and ``(Author Year)`` in the ``.md``, which ends with the references in full.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from mcsim.analysis.psis import KHAT_RELIABLE
from mcsim.analysis.sensitivity.crosschecks import DELTA_RESAMPLES, PAWN_SLICES
from mcsim.analysis.sensitivity.shapley import EXACT_UP_TO, INNER, REPLICATES
from mcsim.analysis.sensitivity.tornado import QUANTILES as TORNADO_QUANTILES
from mcsim.analysis.tails import SUMMARY_ALPHA
from mcsim.i18n import _, general, language, listed, ngettext, pgettext
from mcsim.inputs.bibliography import Entry
from mcsim.report.bibliography import (
    author_year,
    cited_in,
    format_reference,
    localised,
    lookup,
    references,
    render_bib,
)
from mcsim.report.latex import tex_text
from mcsim.report.likelihood import ABOUT_AS_LIKELY_AS_NOT, SCALE, TERMS
from mcsim.report.priors_words import describe_distribution
from mcsim.report.text import (
    capital,
    claim_text,
    count,
    decimal,
    fixed,
    format_value,
    in_english,
    input_label,
    lower_first,
    md_text,
    number,
)
from mcsim.result import Result

__all__ = ["Cite", "English", "Methods", "Number", "comparison", "crosschecks", "medians", "methods_markdown",
           "model_and_sampling", "posterior", "priors", "render_methods", "sensitivity", "shapley", "software",
           "statistics", "tornado", "value_of_information", "verdict"]


@dataclass(frozen=True)
class Cite:
    """Keys of the references a sentence cites at this place."""

    keys: tuple[str, ...]


@dataclass(frozen=True)
class Number:
    """A number as the report writes it (already formatted): escaped for Markdown, turned into LaTeX for TeX."""

    text: str


@dataclass(frozen=True)
class English:
    """Words from an input file that have no version in the report's language (a prior's source): marked as English
    in a report in another language (``<span lang="en">`` in Markdown, ``\\foreignlanguage{english}`` in LaTeX,
    which babel and polyglossia both define)."""

    text: str


@dataclass
class Methods:
    """The paragraphs, as (template, values) sentences, and the keys they cite in order."""

    paragraphs: list[list[tuple[str, dict]]] = field(default_factory=list)
    cited: list[str] = field(default_factory=list)

    def paragraph(self) -> list[tuple[str, dict]]:
        self.paragraphs.append([])
        return self.paragraphs[-1]

    def say(self, template: str, **values) -> None:
        """Add a sentence: ``template`` (translated) with ``{name}`` fields: text, :class:`Number` or :class:`Cite`."""
        for value in values.values():
            if isinstance(value, Cite):
                self.cited += [key for key in value.keys if key not in self.cited]
        self.paragraphs[-1].append((template, values))

    def render(self, kind: str, labels: Mapping[str, str]) -> str:
        """The paragraphs as Markdown (``kind="md"``) or LaTeX (``"tex"``), one blank line between them."""
        return "\n\n".join(" ".join(_render(template, values, kind, labels) for template, values in sentences)
                           for sentences in self.paragraphs if sentences)


def _render(template: str, values: dict, kind: str, labels: Mapping[str, str]) -> str:
    out = []
    for literal, name, _spec, _conversion in string.Formatter().parse(template):
        out.append(_escaped(literal, kind))
        if name is None:
            continue
        value = values[name]
        if isinstance(value, Cite):
            if not value.keys:
                continue
            if kind == "md":
                out.append(" (" + _("; ").join(labels[key] for key in value.keys) + ")")
            else:
                out.append(f"~\\cite{{{','.join(value.keys)}}}")
        elif isinstance(value, Number):
            out.append(md_text(value.text) if kind == "md" else tex_text(value.text))
        elif isinstance(value, English):
            if kind == "md":
                out.append(in_english(md_text(value.text)))
            else:
                said = tex_text(value.text)
                out.append(said if language() == "en" else f"\\foreignlanguage{{english}}{{{said}}}")
        else:
            out.append(md_text(str(value)) if kind == "md" else tex_text(str(value)))
    return "".join(out).strip()


def _escaped(literal: str, kind: str) -> str:
    """A literal part of a sentence, escaped, keeping the spaces at its edges (the escapers trim them)."""
    if not literal.strip():
        return " " if literal else ""
    lead, trail = _edge(literal[0], kind), _edge(literal[-1], kind)
    inner = literal.strip()  # no-break spaces too: md_text keeps them, and the edges would double them
    return lead + (md_text(inner) if kind == "md" else tex_text(inner)) + trail


def _edge(character: str, kind: str) -> str:
    """The space at a literal's edge as it is written: none, an ordinary space, or French typography's no-break
    spaces (in LaTeX ``~`` and ``\\,``), which an edge must keep: « Table 2 [cite] : »."""
    if not character.isspace():
        return ""
    if character in "\u00a0\u202f":
        return character if kind == "md" else {"\u00a0": "~", "\u202f": "\\,"}[character]
    return " "


def _labels(entries: Sequence[Entry]) -> dict[str, str]:
    """Author-year labels, with a, b, ... where two entries would read the same (OpenAI 2023a, 2023b)."""
    said = {entry.key: author_year(entry) for entry in entries}
    counts: dict[str, list[str]] = {}
    for key, label in said.items():
        counts.setdefault(label, []).append(key)
    for label, keys in counts.items():
        if len(keys) > 1:
            for letter, key in zip("abcdefghijklmnopqrstuvwxyz", keys, strict=False):
                said[key] = label + letter
    return said


def render_methods(methods: Methods, result: Result, versions: Mapping[str, str]) -> tuple[str, str, str]:
    """``methods.md``, ``methods.tex`` and ``references.bib`` of a run, as texts: ``methods`` (the paragraphs of the
    report's sections, :func:`mcsim.report.sections.methods_of`), then the software's.

    Parameters
    ----------
    methods : Methods
    result : Result
    versions : mapping of str to str
        The versions of Python, mcsim and its dependencies (``summary.json``'s manifest).
    """
    methods = Methods([*methods.paragraphs], [*methods.cited])
    software(methods, versions)
    entries = _entries(methods, result)
    labels = _labels(entries)
    title, listed = _("Methods"), _("References")
    md = f"# {md_text(title)}\n\n{methods.render('md', labels)}\n\n## {md_text(listed)}\n\n" + "\n".join(
        f"- {_reference(entry)}" for entry in sorted(entries, key=lambda e: labels[e.key].lower())
    ) + "\n"
    tex = ("% " + _("Methods generated by mcsim from the run; \\input{methods.tex} it into a paper whose "
                    "bibliography is references.bib (\\bibliography{references}).") + "\n"
           + methods.render("tex", labels) + "\n")
    bib = render_bib(entries, _("References of the methods and of the sources the priors cite, written by mcsim."))
    return md, tex, bib


def methods_markdown(methods: Methods, result: Result) -> str:
    """The paragraphs of ``methods`` in Markdown, cited by author and year."""
    return methods.render("md", _labels(_entries(methods, result)))


def _entries(methods: Methods, result: Result) -> list:
    """The references: those the methods cite, in order, then the other sources the priors cite."""
    priors = result.spec.priors
    entries = [e for e in (lookup(key, priors) for key in methods.cited) if e is not None]
    return entries + [e for e in references(priors, ()) if e.key not in methods.cited]


def _reference(entry) -> str:
    """A reference in Markdown, marked as English where it has no version in the report's language."""
    said = md_text(format_reference(entry))
    return in_english(said) if localised(entry).get("langid") == "english" else said


def model_and_sampling(methods: Methods, result: Result) -> None:
    spec = result.spec
    methods.paragraph()
    model = spec.model
    if model.citation:
        cite = tuple(dict.fromkeys((*spec.priors.cite, *cited_in(model.citation, spec.priors))))
        methods.say(_("The model is that of {citation}{cite}: {description}."), citation=_(model.citation),
                    cite=Cite(cite), description=_(model.description))
    else:
        methods.say(_("The model: {description}{cite}."), description=_(model.description),
                    cite=Cite(spec.priors.cite))
    samples, seed = Number(decimal(spec.samples)), Number(str(spec.seed))
    if spec.sampler == "sobol":
        methods.say(_("We drew {samples} samples of the uncertain inputs from a scrambled Sobol' sequence{sobol}, "
                      "as implemented in SciPy{scipy}, with seed {seed}, and mapped each coordinate onto its prior "
                      "through the prior's inverse distribution function."),
                    samples=samples, seed=seed, sobol=Cite(("sobol1967",)), scipy=Cite(("virtanen2020",)))
    elif spec.sampler == "lhs":
        methods.say(_("We drew {samples} samples of the uncertain inputs by Latin hypercube sampling{lhs} (one random "
                      "permutation of the strata per input, a uniform draw within each stratum) with seed {seed}, "
                      "and mapped each coordinate onto its prior through the prior's inverse distribution function."),
                    samples=samples, seed=seed, lhs=Cite(("mckay1979",)))
    else:
        methods.say(_("We drew {samples} samples of the uncertain inputs by plain Monte Carlo sampling (independent "
                      "uniforms from NumPy's PCG64 generator{numpy}) with seed {seed}, and mapped each onto its prior "
                      "through the prior's inverse distribution function."),
                    samples=samples, seed=seed, numpy=Cite(("harris2020",)))
    methods.say(_("Every random stream derives from that seed through NumPy's SeedSequence, so the results do not "
                  "depend on how the run is split into chunks or workers."))
    if spec.priors.correlations:
        pairs = _(", ").join(_("{first} and {second} ({rank})").format(
            first=_label(spec, c.first), second=_label(spec, c.second), rank=number(c.rank))
            for c in spec.priors.correlations)
        methods.say(_("Rank correlations between inputs are imposed with a Gaussian copula: {pairs}."), pairs=pairs)
    if result.stopped_early and spec.target_se is not None:
        methods.say(_("Sampling stopped after {samples} of the {requested} samples requested, once every claim's "
                      "binomial standard error was at most {target}."),
                    samples=Number(decimal(result.samples)), requested=Number(decimal(spec.samples)),
                    target=Number(number(spec.target_se)))


def _label(spec, name: str) -> str:
    try:
        return input_label(spec.priors[name])
    except KeyError:
        return name


def priors(methods: Methods, result: Result) -> None:
    spec = result.spec
    methods.paragraph()
    uncertain = [p for p in spec.priors.inputs if not p.is_point]
    points = [p for p in spec.priors.inputs if p.is_point]
    methods.say(ngettext("The priors: {n} uncertain input.", "The priors: {n} uncertain inputs.",
                         len(uncertain)).format(n=len(uncertain)))
    if points:
        methods.say(ngettext("Besides, {n} input is fixed at a value.", "Besides, {n} inputs are fixed at a value.",
                             len(points)).format(n=len(points)))
    for prior in spec.priors.inputs:
        unit = prior.unit
        words = describe_distribution(prior.distribution, unit)
        label = input_label(prior)
        values = {"label": label, "distribution": Number(words), "point": Number(format_value(prior.point, unit)),
                  "cite": Cite(prior.cite), "source": English(prior.source)}
        if prior.cite:
            template = (_("{label}: {distribution}{cite}.") if prior.is_point else
                        _("{label}: {distribution}, with the point value {point}{cite}."))
        else:
            template = (_("{label}: {distribution} (source: {source}).") if prior.is_point else
                        _("{label}: {distribution}, with the point value {point} (source: {source})."))
        methods.say(template, **values)


def statistics(methods: Methods, result: Result) -> None:
    spec = result.spec
    methods.paragraph()
    methods.say(_("Quantiles are order statistics over all samples, infinite values included; means and standard "
                  "deviations are over the finite samples, and the share of infinite samples is given beside them."))
    methods.say(_("An output's 90 % interval runs from its 5th to its 95th percentile over the {samples} samples."),
                samples=Number(decimal(result.samples)))
    tails = [t for t in result.tails.values() if t is not None]
    if tails:
        methods.say(_("Each output's tail index is estimated on the {largest} largest magnitudes of the run by Hill's "
                      "estimator{hill}, on the tail whose fitted Pareto law is closest to the values in "
                      "Kolmogorov-Smirnov distance{clauset}, with its standard error alpha / sqrt(k) over a tail of k "
                      "values."), largest=Number(decimal(max(t.largest for t in tails))), hill=Cite(("hill1975",)),
                    clauset=Cite(("clauset2009",)))
        methods.say(_("Where the index is below {alpha} the variance may be infinite (below 1, the mean too): the "
                      "report then calls the mean and standard deviation no summary, since a few of the largest values "
                      "rule the mean, which would change from one run to the next, and the standard deviation "
                      "estimates nothing; the median and quantiles summarise such an output."),
                    alpha=Number(number(SUMMARY_ALPHA)))
    if not spec.claims:
        return
    methods.say(_("The probability of a claim is the share of samples in which it holds, with its binomial standard "
                  "error and Wilson's 95 % score interval{wilson}."), wilson=Cite(("wilson1927",)))
    thresholds = {said: (side, threshold) for said, side, threshold in SCALE}
    ranges = []
    for said in reversed(TERMS):
        if said == ABOUT_AS_LIKELY_AS_NOT:
            ranges.append(_("{term} between {low} and {high}").format(
                term=_(said), low=fixed(thresholds['unlikely'][1], 2), high=fixed(thresholds['likely'][1], 2)))
        else:
            side, threshold = thresholds[said]
            template = _("{term} at least {p}") if side == ">=" else _("{term} at most {p}")
            ranges.append(template.format(term=_(said), p=fixed(threshold, 2)))
    methods.say(_("Probabilities are worded on the IPCC's calibrated likelihood scale{ipcc}: {ranges}; where ranges "
                  "overlap the most specific term is used, and a probability on a boundary takes the term nearer the "
                  "end of the scale."), ipcc=Cite(("mastrandrea2010",)), ranges=_("; ").join(ranges))


def posterior(methods: Methods, result: Result) -> None:
    posterior = result.posterior
    methods.paragraph()
    methods.say(_("The priors are conditioned on published observations by Bayesian melding{melding}: each sample is "
                  "weighted by the likelihood of the observations given its values, the density at each observed "
                  "value of its measurement error (normal, lognormal or uniform) centred on the sample's value, and "
                  "the weighted samples stand for the posterior (self-normalised importance sampling)."),
                melding=Cite(("poole2000",)))
    methods.say(_("Their effective sample size is Kish's (sum w)^2 / sum w^2{kish}; the shape k-hat of the largest "
                  "weights' tail is fitted by a generalised Pareto law with Zhang and Stephens' estimator{zhang}, as "
                  "Pareto-smoothed importance sampling does{psis}, and the posterior is said to be reliable when the "
                  "effective sample size is at least {min_ess} and k-hat at most {limit}."),
                kish=Cite(("kish1965",)), zhang=Cite(("zhang2009",)), psis=Cite(("vehtari2024",)),
                min_ess=Number(decimal(posterior.min_ess)), limit=Number(fixed(KHAT_RELIABLE, 1)))
    methods.say(_("A claim's posterior probability is the weighted share of the samples in which it holds, with "
                  "Wilson's 95 % interval taking the effective sample size as n; posterior quantiles are read from "
                  "a weighted histogram of {bins} bins over the range of the run's first samples, interpolated "
                  "within a bin."), bins=Number(decimal(posterior.bins)))
    if not posterior.claims:
        return
    methods.say(_("Since the weights are a product over the observations, the probability of a claim without one "
                  "observation is the weighted share under the product of the others, summed in the same pass over "
                  "the same samples; the observation that moves a claim most is the one whose leaving out changes "
                  "its probability most."))
    methods.say(_("The first-order sensitivity index of a claim given the observations is that of its indicator Y "
                  "(1 where it holds) under the posterior, S1 = Var(E[Y | X_i]) / Var(Y), by a weighted binning "
                  "estimator on the given data{plischke}: each uncertain input is cut into {bins} bins of equal "
                  "posterior weight among the run's first samples, E[Y | X_i] is the claim's weighted share in each "
                  "bin, and its variance the weighted mean of the squared differences from the claim's posterior "
                  "probability; the estimate is biased upward by about the number of bins over the effective "
                  "sample size."), plischke=Cite(("plischke2013",)), bins=Number(decimal(posterior.first_order_bins)))


def _outputs_named(sentence: str, targets) -> str:
    """The outputs of ``targets`` as ``sentence`` names them: a list of their labels (each quoted in French, « la
    variable « … » »), a capital where the list opens the sentence."""
    said = listed(pgettext("a label in a list", "{label}").format(label=lower_first(_(t.label or t.output)))
                  for t in targets)
    return capital(said) if sentence.startswith("{outputs}") else said


def sensitivity(methods: Methods, result: Result) -> None:
    sensitivity = result.sensitivity
    spec = sensitivity.spec
    methods.paragraph()
    methods.say(_("First-order (S1) and total (ST) Sobol' indices{sobol} were computed with SALib{salib} on "
                  "Saltelli's sampling scheme{scheme} over a scrambled Sobol' sequence, with the first-order estimator "
                  "of Saltelli et al. and Jansen's total-order estimator{estimators}."),
                sobol=Cite(("sobol2001",)), salib=Cite(("herman2017", "iwanaga2022")), scheme=Cite(("saltelli2002",)),
                estimators=Cite(("saltelli2010", "jansen1999")))
    if spec.second_order:
        methods.say(_("Second-order indices use the estimator of Saltelli (2002)."))
    outputs = [t for t in sensitivity.targets if t.target.kind == "output"]
    ranked = [t.target for t in outputs if t.target.transform == "rank"]
    logged = [t.target for t in outputs if t.target.transform == "log10"]
    if ranked:
        said = ngettext("{outputs} enters through its rank among the samples{rank} (its empirical distribution "
                        "function, ties at the mid-rank), so that its infinite values tie at the top and need no cap.",
                        "{outputs} enter through their rank among the samples{rank} (their empirical distribution "
                        "function, ties at the mid-rank), so that infinite values tie at the top and need no cap.",
                        len(ranked))
        methods.say(said, outputs=_outputs_named(said, ranked), rank=Cite(("saltelli1995",)))
    if logged:
        said = ngettext("{outputs} enters on a log10 scale.", "{outputs} enter on a log10 scale.", len(logged))
        methods.say(said, outputs=_outputs_named(said, logged))
    if any(t.target.kind == "claim" for t in sensitivity.targets):
        methods.say(_("A claim enters through its indicator (1 where it holds, 0 elsewhere)."))
    level = Number(number(100 * spec.conf_level))
    if spec.replicates > 1:
        methods.say(_("The base sample is split into {k} independently scrambled replicates; each index's {level} % "
                      "interval is Student's t on the spread of the replicates' own estimates, as in replicated "
                      "randomised quasi-Monte Carlo{owen}."), k=Number(str(spec.replicates)), level=level,
                    owen=Cite(("owen2013",)))
    else:
        methods.say(_("Each index's {level} % interval is SALib's bootstrap with {b} resamples (z times the bootstrap "
                      "standard deviation)."), level=level, b=Number(decimal(spec.bootstrap)))
    finals = sorted({t.indices.base_samples for t in outputs if t.indices is not None})
    if finals:
        final = Number(decimal(finals[0]) if len(finals) == 1 else f"{decimal(finals[0])}–{decimal(finals[-1])}")
        methods.say(_("The base sample N started at {base} and was doubled, up to {cap}, until the widest total-index "
                      "interval of each output was narrower than {tolerance}, each output keeping the indices of the "
                      "first N that met it (a claim's indices are estimated once); the final N was {final}, with "
                      "N (D + 2) model evaluations for D = {d} uncertain inputs."),
                    base=Number(decimal(spec.base_samples)), cap=Number(decimal(spec.max_base_samples)),
                    tolerance=Number(number(spec.tolerance)), final=final, d=Number(str(len(sensitivity.names))))
    estimated = [t for t in sensitivity.targets if t.indices is not None]
    if estimated:
        methods.say(_("The Saltelli design took {evaluations} model evaluations in all, its scrambles derived from "
                      "seed {seed}."), evaluations=Number(decimal(max(t.indices.evaluations for t in estimated))),
                    seed=Number(str(sensitivity.seed)))
        _convergence(methods, result, estimated)
    if sensitivity.correlations:
        methods.say(_("The indices assume independent inputs: the priors' rank correlations are left out of them."))


def _convergence(methods: Methods, result: Result, estimated: list) -> None:
    """Which targets' indices met the convergence criterion, and which did not, with their widest ST interval."""
    spec = result.sensitivity.spec
    claims = {claim.name: claim for claim in result.spec.claims}

    def late(kind: str) -> list[str]:
        return [_("{target} (widest total-index interval {width} at N = {n})").format(
            target=(claim_text(claims[t.target.key]) if kind == "claim" and t.target.key in claims
                    else _(t.target.label or t.target.output)),
            width=fixed(t.indices.widest_ST[0], 3), n=decimal(t.indices.base_samples))
            for t in estimated if t.target.kind == kind and not t.converged]

    outputs, indicators = late("output"), late("claim")
    total = sum(t.target.kind == "claim" for t in estimated)
    if outputs:
        methods.say(_("The indices of these outputs had not met that criterion at the cap: {outputs}."),
                    outputs=_("; ").join(outputs))
    else:
        methods.say(_("Every output's indices met that criterion."))
    if indicators:
        methods.say(_("The indices of {count} of the {total} claims' indicators did not meet it (an interval at least "
                      "{tolerance} wide), and are not re-estimated on a larger N: {claims}."),
                    count=Number(str(len(indicators))), total=Number(str(total)),
                    tolerance=Number(number(spec.tolerance)), claims=_("; ").join(indicators))
    elif total:
        methods.say(_("The indices of every claim's indicator met it too."))


def medians(methods: Methods, result: Result) -> None:
    methods.paragraph()
    outputs = _("; ").join(_(result.spec.model.output(name).label) for name in result.medians)
    methods.say(_("Why an output's median differs from its value at the priors' point values ({outputs}) is told one "
                  "input at a time: each uncertain input is set to its prior's median, the others kept at their "
                  "points, and its shift is the output so obtained less the output at the points; its share is its "
                  "shift over the sum of every input's shift."), outputs=outputs)
    methods.say(_("Since effects need not add up, the output with every input at its median and the median over the "
                  "samples are given beside the shifts."))


def shapley(methods: Methods, result: Result) -> None:
    sensitivity = result.sensitivity
    spec = sensitivity.spec
    found = [t.shapley for t in sensitivity.targets if t.shapley is not None]
    if not found:
        return
    methods.paragraph()
    outer = spec.shapley_samples
    methods.say(_("Shapley effects{owen} share each target's variance among the inputs whether or not they are "
                  "correlated; they were estimated for each target with Sobol' indices by Song, Nelson and "
                  "Staum's algorithm{song}, on the cost E[Var(Y | X_-J)] with exact conditional sampling under the "
                  "priors' Gaussian copula."), owen=Cite(("owen2014",)), song=Cite(("song2016",)))
    if all(sh.method == "exact" for sh in found):
        methods.say(_("Every permutation of the {d} inputs was used (all of them are, up to {exact} inputs), each "
                      "subset's cost estimated once with common outer draws{iooss}."),
                    d=Number(str(len(sensitivity.names))), exact=Number(str(EXACT_UP_TO)), iooss=Cite(("iooss2019",)))
    else:
        methods.say(_("Beyond {exact} inputs the effects average over {permutations} random permutations."),
                    exact=Number(str(EXACT_UP_TO)), permutations=Number(decimal(8 * outer)))
    methods.say(_("The design had {outer} outer draws, {inner} inner draws per outer draw and {variance} draws for the "
                  "variance, {evaluations} model evaluations shared by every target, from streams derived from seed "
                  "{seed}; each effect's {level} % interval is Student's t over {replicates} independent replicates."),
                outer=Number(decimal(outer)), inner=Number(str(INNER)), variance=Number(decimal(2 * outer)),
                evaluations=Number(decimal(max(sh.evaluations for sh in found))), seed=Number(str(sensitivity.seed)),
                level=Number(number(100 * spec.conf_level)), replicates=Number(str(REPLICATES)))
    if sensitivity.correlations:
        methods.say(_("As the priors are correlated, the Shapley effects, not the Sobol' indices, rank the inputs."))
    else:
        methods.say(_("With independent inputs each effect lies between the input's first-order and total Sobol' "
                      "index."))


def crosschecks(methods: Methods, result: Result) -> None:
    sensitivity = result.sensitivity
    checks = [t.crosscheck for t in sensitivity.targets if t.crosscheck is not None]
    if not checks:
        return
    methods.paragraph()
    level = Number(number(100 * sensitivity.spec.conf_level))
    methods.say(_("The Sobol' ranking is cross-checked on a plain Monte Carlo sample of its own, {samples} independent "
                  "draws of the inputs from a stream derived from seed {seed}, by three estimators that share nothing "
                  "with Saltelli's design."), samples=Number(decimal(checks[0].samples)),
                seed=Number(str(sensitivity.seed)))
    methods.say(_("Spearman's rank correlation{spearman} of each input with each target, with its {level} % interval "
                  "from Fisher's z transform and the standard error 1.03 / sqrt(n - 3){fieller}."),
                spearman=Cite(("spearman1904",)), level=level, fieller=Cite(("fieller1957",)))
    methods.say(_("PAWN{pawn}: the median, over {slices} slices of the input, of the Kolmogorov-Smirnov distance "
                  "between the target's distribution within the slice and over the whole sample; below the two-sample "
                  "critical value at {level} % an input is indistinguishable from none."),
                pawn=Cite(("pianosi2015",)), slices=Number(str(PAWN_SLICES)), level=level)
    if any(cc.delta.size for cc in checks):
        methods.say(_("Borgonovo's moment-independent delta{borgonovo}, by Plischke, Borgonovo and Smith's "
                      "estimator{plischke} in SALib, with {resamples} bootstrap resamples for its {level} % interval."),
                    borgonovo=Cite(("borgonovo2007",)), plischke=Cite(("plischke2013",)),
                    resamples=Number(str(DELTA_RESAMPLES)), level=level)


def tornado(methods: Methods, result: Result) -> None:
    if not any(t.tornado is not None for t in result.sensitivity.targets):
        return
    methods.paragraph()
    low, high = TORNADO_QUANTILES
    methods.say(_("The tornado moves one input at a time to the {low} and the {high} quantiles of its prior, every "
                  "other input at its point value, and sorts the inputs by the swing of the target on the scale of "
                  "its indices (its rank, its log10 or the output itself); it ignores interactions and the shape of "
                  "each prior between those quantiles."), low=Number(number(low)), high=Number(number(high)))


def value_of_information(methods: Methods, result: Result) -> None:
    voi = result.value_of_information
    spec = result.spec
    methods.paragraph()
    methods.say(_("The value of information is estimated on the run's own sample: the same {samples} draws, from "
                  "the same sampler and seed {seed}."), samples=Number(decimal(voi.samples)),
                seed=Number(str(spec.seed)))
    if not voi.spec.users:
        methods.say(_("The decision, taken once, is to act, with {payoff} ({unit}) as payoff, or not, with payoff 0, "
                      "on the payoff's expected value; the expected value of perfect information (EVPI), "
                      "E[max(y, 0)] - max(E[y], 0), is the expected regret of deciding now, with the standard error "
                      "of the mean regret."), payoff=lower_first(_(voi.label)), unit=_(voi.unit))
    else:
        users = _("; ").join(count(u) for u in voi.spec.users)
        methods.say(_("At each number of monthly users ({users}) the decision is to act, with {payoff} ({unit}) as "
                      "payoff, or not, with payoff 0, taken on the payoff's expected value; the expected value of "
                      "perfect information (EVPI), E[max(y, 0)] - max(E[y], 0), is the expected regret of deciding "
                      "now, with the standard error of the mean regret."),
                    users=Number(users), payoff=lower_first(_(voi.label)), unit=_(voi.unit))
    methods.say(_("Each input's partial EVPI (EVPPI) is estimated by Strong and Oakley's nonparametric "
                  "regression{strong}: the payoff's mean in {bins} bins of equal counts of the input (grouped by value "
                  "where it has no more distinct values), with the upward bias of the maximum over noisy bin means "
                  "subtracted and the delta method's standard error."), strong=Cite(("strong2013",)),
                bins=Number(decimal(voi.bins)))
    if voi.claims:
        methods.say(_("For a claim, knowing an input is worth the expected fall in the probability that the likelier "
                      "verdict is wrong, min(p, 1 - p) - E[min(p(X), 1 - p(X))], estimated in the same way."))


def comparison(methods: Methods, result: Result) -> None:
    spec = result.spec
    published = spec.published
    methods.paragraph()
    name = published.name if published is not None else spec.model.citation
    methods.say(_("At the priors' point values the model is set beside {reference}{cite} as printed, and each figure "
                  "the publication states is recomputed from the model and from the publication's own inputs and "
                  "sources."), reference=_(name), cite=Cite(cited_in(name, spec.priors)))


def verdict(methods: Methods, result: Result) -> None:
    methods.paragraph()
    used = {t.method for cv in result.verdict.claims.values() for t in cv.tipping}
    if "closed form" in used and "root finding" in used:
        how = _("in closed form where the model gives one, otherwise by bracketing the sign change of a continuous "
                "margin on a grid and refining it with Brent's method")
    elif "closed form" in used:
        how = _("in closed form, as the model gives it")
    else:
        how = _("by bracketing the sign change of a continuous margin on a grid and refining it with Brent's method")
    methods.say(_("A claim's tipping points move one input at a time, every other input at its point value, to the "
                  "value at which the claim flips ({how}); the report gives where that value sits in the input's "
                  "prior (its percentile) and the prior's probability that the input alone lands where the claim "
                  "fails (P(failing side))."), how=how)
    discoveries = [cv.discovery for cv in result.verdict.claims.values() if cv.discovery.samples]
    if discoveries:
        kept = Number(decimal(max(d.samples for d in discoveries)))
        methods.say(_("The regions of the inputs where a claim fails are described as boxes by the Patient Rule "
                      "Induction Method{prim} as scenario discovery uses it{discovery}, with the prim package{package} "
                      "(peeling and pasting alpha 0.05, minimum box mass 0.05) on the first {kept} samples; each box "
                      "is read off its peeling trajectory at the step with the largest harmonic mean of coverage and "
                      "density, further boxes are sought among the samples outside the earlier ones, and a quasi-p "
                      "value says whether each restriction matters. A box's coverage is the share of all failures it "
                      "holds, its density the share of its samples that fail; a quasi-p value near 0 means the "
                      "restriction matters, and one below {floor} is given as < {floor}."),
                    prim=Cite(("friedman1999",)), discovery=Cite(("bryant2010",)),
                    package=Cite(("hadka_prim", "kwakkel2017")), kept=kept, floor=Number(general(1e-10)))


def software(methods: Methods, versions: Mapping[str, str]) -> None:
    methods.paragraph()
    methods.say(_("Computations used mcsim {mcsim} with Python {python}, NumPy {numpy}{numpy_cite}, SciPy "
                  "{scipy}{scipy_cite}, SALib {salib}{salib_cite} and PRIM {prim}."),
                mcsim=Number(versions.get("mcsim", "?")), python=Number(versions.get("python", "?")),
                numpy=Number(versions.get("numpy", "?")), numpy_cite=Cite(("harris2020",)),
                scipy=Number(versions.get("scipy", "?")), scipy_cite=Cite(("virtanen2020",)),
                salib=Number(versions.get("SALib", "?")), salib_cite=Cite(("herman2017", "iwanaga2022")),
                prim=Number(versions.get("PRIM", "?")))

