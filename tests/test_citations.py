"""A prior's ``cite`` keys, the .bib file beside the priors, and ``label_fr``: every problem is one clear line."""

from __future__ import annotations

import dataclasses
import tomllib
from types import SimpleNamespace

import pytest
from conftest import ROOT, points_with
from test_methods import citations, resolves

from mcsim.inputs.bibliography import load_bibliography, parse_bibliography
from mcsim.inputs.distributions import Point
from mcsim.inputs.errors import InputError
from mcsim.inputs.priors import Prior, Priors, load_priors
from mcsim.inputs.runs import load_run
from mcsim.report.bibliography import METHODS

BIB = """
% the references of these priors
@article{smith2020,
  author = {Smith, Jane and {Data Team}},
  title = "Prices {GPT}",
  journal = {J. Econ.},
  year = 2020,
}
@comment{not an entry @misc{ignored, title={x}}}
@misc{epoch2025, title = {How much energy} # { does it use}, month = feb, url = {https://epoch.ai/x}}
"""


def _priors(cite: str, *, meta: str = "") -> str:
    text = points_with(price=f'point = 20\ndist = "point"\nsource = "price list"\n{cite}')
    return (f"[meta]\n{meta}\n" if meta else "") + text


def _problems(path) -> list[str]:
    with pytest.raises(InputError) as info:
        load_priors(path)
    return [str(p) for p in info.value.problems]


def test_bib_entries_are_read_with_their_fields():
    bib = parse_bibliography(BIB, "refs.bib")
    assert bib.keys == ("smith2020", "epoch2025")
    assert bib["smith2020"].kind == "article" and bib["smith2020"].get("author") == "Smith, Jane and {Data Team}"
    assert bib["smith2020"].get("title") == "Prices {GPT}" and bib["smith2020"].get("year") == "2020"
    assert bib["epoch2025"].get("title") == "How much energy does it use"
    again = parse_bibliography("\n".join(entry.to_bibtex() for entry in bib.entries), "again.bib")
    assert again.entries == bib.entries


@pytest.mark.parametrize(("text", "line", "message"), [
    ("@article{a, title={x}", 1, "expected ',' between fields, or '}' closing the entry"),
    ("\n\n@article{a, title={unclosed}, note={x}\n", 4, "expected ',' between fields, or '}' closing the entry (','), "
                                                   "found the end of the file (in the @article entry from line 3)"),
    ("@article{a, title={x}}\n@misc{a, title={y}}", 2, "the key a is given twice (first at line 1)"),
    ("@article{a, title={x}, Title={y}}", 1, "the field title is given twice in entry a"),
    ("@article{a, month=janvier}", 1, "the value janvier is a @string macro, which mcsim does not expand"),
    ("@article{a, title={x}}\n@book{b, title = {never closed}", 2, "expected ',' between fields"),
    ("@article{a, title={x {y}\n", 1, "a '{' is never closed (in the @article entry from line 1)"),
    ("@article{, title={x}}", 1, "expected the key of this @article entry"),
])
def test_malformed_bib_is_refused_with_its_line(text, line, message):
    with pytest.raises(InputError) as info:
        parse_bibliography(text, "refs.bib")
    (problem,) = info.value.problems
    assert str(problem).startswith(f"refs.bib: line {line} is not valid BibTeX: {message}")


def test_cite_keys_resolve_in_the_bib_beside_the_priors(write):
    write("p.bib", BIB)
    priors = load_priors(write("p.toml", _priors('cite = ["smith2020", "epoch2025"]', meta='cite = "smith2020"')))
    assert priors["price"].cite == ("smith2020", "epoch2025") and priors.cite == ("smith2020",)
    assert priors.cited == ("smith2020", "epoch2025")
    assert priors.bibliography.keys == ("smith2020", "epoch2025")
    assert priors["training_cost"].cite == ()


def test_meta_bibliography_names_another_file(write):
    write("refs/all.bib", BIB)
    priors = load_priors(write("p.toml", _priors('cite = "epoch2025"', meta='bibliography = "refs/all.bib"')))
    assert priors["price"].cite == ("epoch2025",) and priors.bibliography.file.endswith("all.bib")


def test_an_unknown_key_names_the_field_the_value_and_the_keys(write):
    write("p.bib", BIB)
    path = write("p.toml", _priors('cite = "smith2021"'))
    bib = path.with_suffix(".bib")
    assert _problems(path) == [f'{path}: [inputs.price] cite = "smith2021" is not an entry of {bib}; '
                               'did you mean "smith2020"? (its keys: smith2020, epoch2025)']


def test_a_missing_bib_is_refused(write):
    path = write("p.toml", _priors('cite = "smith2020"'))
    (problem,) = _problems(path)
    assert problem == (f'{path}: [inputs.price] cite = "smith2020" names a reference, but the priors have no '
                       f"bibliography: {path.with_suffix('.bib')} does not exist; ship a .bib file beside the priors "
                       'file or name it with [meta] bibliography = "FILE.bib" (relative to the priors file)')
    path = write("q.toml", _priors("", meta='bibliography = "nowhere.bib"'))
    (problem,) = _problems(path)
    assert problem.startswith(f'{path}: [meta] bibliography = "nowhere.bib" cannot be used: ')
    assert problem.endswith("nowhere.bib does not exist (a BibTeX file, relative to the priors file)")


def test_a_malformed_bib_is_refused_naming_the_priors_field(write):
    write("p.bib", "@article{a, title={x}\n")
    path = write("p.toml", _priors('cite = "a"'))
    (problem,) = _problems(path)
    assert problem.startswith(f'{path}: [inputs.price] cite = "a" cannot be used: {path.with_suffix(".bib")}: line 2 '
                              "is not valid BibTeX: expected ','")


@pytest.mark.parametrize(("value", "message"), [
    ("3", 'cite = 3 is invalid: must be a key of the priors\' bibliography or a list of keys (e.g. "mcguinness2023" or '
          '["a", "b"])'),
    ('""', 'cite = "" is invalid: must be a key'),
    ('"two words"', 'cite = "two words" is invalid: must be a key'),
    ("[]", "cite = [] is invalid: must be a key"),
    ('["a", "a"]', 'cite = ["a", "a"] is invalid: names a key twice'),
])
def test_a_bad_cite_value_is_refused(write, value, message):
    write("p.bib", BIB)
    path = write("p.toml", _priors(f"cite = {value}"))
    assert _problems(path)[0].startswith(f"{path}: [inputs.price] {message}")


@pytest.mark.parametrize(("value", "ok"), [('"Prix de l\'abonnement"', True), ('""', False), ('"  "', False),
                                           ("12", False), ('["a"]', False)])
def test_label_fr_is_a_non_empty_string(write, value, ok):
    path = write("p.toml", _priors(f"label_fr = {value}"))
    if ok:
        assert load_priors(path)["price"].label_fr == "Prix de l'abonnement"
        assert load_priors(path)["training_cost"].label_fr is None
    else:
        assert _problems(path) == [f"{path}: [inputs.price] label_fr = {value} is invalid: must be a non-empty "
                                   "string (the input's label in French)"]


def test_label_fr_and_cite_of_priors_built_in_python():
    bib = parse_bibliography(BIB, "refs.bib")
    prior = Prior("price", 20, Point(20), source="list", label_fr="Prix", cite="smith2020")
    assert prior.cite == ("smith2020",) and prior.label_fr == "Prix"
    with pytest.raises(InputError, match=r"label_fr = \"\" is invalid: must be a non-empty string"):
        Prior("price", 20, Point(20), source="list", label_fr="")
    priors = Priors(inputs=(prior,), bibliography=bib)
    assert priors.cited == ("smith2020",)
    with pytest.raises(InputError, match=r'\[inputs.price\] cite = "smith2020" names a reference, but the priors have '
                                         r"no bibliography: give Priors\(bibliography="):
        Priors(inputs=(prior,))
    with pytest.raises(InputError, match=r'cite = "nope" is not an entry of refs.bib'):
        dataclasses.replace(priors, inputs=(dataclasses.replace(prior, cite=("nope",)),))


def test_overrides_carry_and_check_cite_and_label_fr(write):
    write("p.bib", BIB)
    write("p.toml", _priors('cite = "smith2020"\nlabel_fr = "Prix"'))
    run = '[run]\npriors = "p.toml"\nsamples = 64\n[overrides.price]\n{}\n'
    kept = load_run(write("a.toml", run.format("point = 25"))).priors["price"]
    assert kept.cite == ("smith2020",) and kept.label_fr == "Prix"
    dropped = load_run(write("b.toml", run.format('source = "a new list"'))).priors["price"]
    assert dropped.cite == () and dropped.source == "a new list"
    both = load_run(write("c.toml", run.format('source = "x"\ncite = "epoch2025"\nlabel_fr = "Tarif"'))).priors["price"]
    assert both.cite == ("epoch2025",) and both.label_fr == "Tarif"
    path = write("d.toml", run.format('cite = "nope"'))
    with pytest.raises(InputError) as info:
        load_run(path)
    assert [str(p) for p in info.value.problems] == [
        f'{path}: [overrides.price] cite = "nope" is not an entry of {write("p.bib", BIB)} '
        "(its keys: smith2020, epoch2025)"]


SHIPPED_PRIORS = sorted(path.stem for path in (ROOT / "priors").glob("*.toml"))
SHIPPED_RUNS = sorted(path.stem for path in (ROOT / "runs").glob("*.toml"))


@pytest.mark.parametrize("name", SHIPPED_PRIORS)
def test_shipped_priors_cite_full_references_and_have_french_labels(name):
    priors = load_priors(ROOT / "priors" / f"{name}.toml")
    assert all(prior.cite for prior in priors.inputs), "every shipped prior cites its sources"
    assert all(prior.label_fr and prior.label_fr != prior.label for prior in priors.inputs)
    assert priors.bibliography.entries == load_bibliography(ROOT / "priors" / "sources.bib").entries
    for key in priors.cited:
        entry = priors.bibliography[key]
        assert entry.get("title") and entry.get("year") and entry.get("author")
        # the paper itself is a manuscript: its entry says where in it, not where it is online
        assert entry.get("url") or entry.get("doi") or entry.kind == "unpublished", f"{key} has no URL nor DOI"


# --- every author-year citation a shipped priors or run file puts into a report resolves ----------------------------

def _unresolved(texts, entries) -> list[str]:
    """The ``Author (Year)`` / ``(Author Year)`` citations of ``texts`` that name none of ``entries``."""
    bib = SimpleNamespace(entries=list(entries))
    return sorted({f"{who} ({year})" for text in texts for who, year in citations(text)
                   if not resolves(who, year, bib)})


@pytest.mark.parametrize("name", SHIPPED_PRIORS)
def test_shipped_priors_cite_every_source_their_texts_name(name):
    """A report's references.bib holds the entries its priors cite: each citation in a source or [meta] is one."""
    path = ROOT / "priors" / f"{name}.toml"
    priors = load_priors(path)
    assert priors.bibliography is not None and priors.cite, f"{name} has no [meta] bibliography or cite"
    meta = tomllib.loads(path.read_text(encoding="utf-8"))["meta"]
    texts = [meta.get(key, "") for key in ("title", "reference", "description")]
    texts += [prior.source for prior in priors.inputs]
    assert not _unresolved(texts, [priors.bibliography[key] for key in priors.cited])


@pytest.mark.parametrize("name", SHIPPED_RUNS)
def test_shipped_runs_overrides_and_models_cite_what_they_name(name):
    """The run's priors after its overrides, and its model's own citation (which may name a method's entry)."""
    spec = load_run(ROOT / "runs" / f"{name}.toml")
    priors = spec.priors
    cited = [priors.bibliography[key] for key in priors.cited]
    assert not _unresolved([prior.source for prior in priors.inputs], cited)
    assert not _unresolved([spec.model.citation], [*priors.bibliography.entries, *METHODS.entries])
