"""A report's ``references.bib``: the methods' references and every source the run's priors cite.

:data:`METHODS` holds the references of what mcsim does (the sampler, Sobol indices and their
estimators, PRIM and scenario discovery, the likelihood scale, the libraries). The methods
paragraph cites those it uses; :func:`references` gathers them with the entries the priors
cite (a priors' entry wins over a method's of the same key: it is the author's). For Markdown,
:func:`author_year` gives ``Saltelli et al. 2010`` and :func:`format_reference` a full reference.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from mcsim.inputs.bibliography import Entry, parse_bibliography
from mcsim.inputs.priors import Priors

__all__ = ["METHODS", "author_year", "format_reference", "lookup", "plain", "references", "render_bib"]

METHODS = parse_bibliography(r"""
@article{saltelli2010,
  author  = {Saltelli, Andrea and Annoni, Paola and Azzini, Ivano and Campolongo, Francesca and Ratto, Marco and
             Tarantola, Stefano},
  title   = {Variance based sensitivity analysis of model output. Design and estimator for the total sensitivity
             index},
  journal = {Computer Physics Communications},
  volume  = {181},
  number  = {2},
  pages   = {259--270},
  year    = {2010},
  doi     = {10.1016/j.cpc.2009.09.018},
}
@article{saltelli2002,
  author  = {Saltelli, Andrea},
  title   = {Making best use of model evaluations to compute sensitivity indices},
  journal = {Computer Physics Communications},
  volume  = {145},
  number  = {2},
  pages   = {280--297},
  year    = {2002},
  doi     = {10.1016/S0010-4655(02)00280-1},
}
@article{sobol2001,
  author  = {Sobol', Ilya M.},
  title   = {Global sensitivity indices for nonlinear mathematical models and their {Monte Carlo} estimates},
  journal = {Mathematics and Computers in Simulation},
  volume  = {55},
  number  = {1--3},
  pages   = {271--280},
  year    = {2001},
  doi     = {10.1016/S0378-4754(00)00270-6},
}
@article{jansen1999,
  author  = {Jansen, Michiel J. W.},
  title   = {Analysis of variance designs for model output},
  journal = {Computer Physics Communications},
  volume  = {117},
  number  = {1--2},
  pages   = {35--43},
  year    = {1999},
  doi     = {10.1016/S0010-4655(98)00154-4},
}
@article{saltelli1995,
  author  = {Saltelli, Andrea and Sobol', Ilya M.},
  title   = {About the use of rank transformation in sensitivity analysis of model output},
  journal = {Reliability Engineering \& System Safety},
  volume  = {50},
  number  = {3},
  pages   = {225--239},
  year    = {1995},
  doi     = {10.1016/0951-8320(95)00099-2},
}
@article{sobol1967,
  author  = {Sobol', Ilya M.},
  title   = {On the distribution of points in a cube and the approximate evaluation of integrals},
  journal = {USSR Computational Mathematics and Mathematical Physics},
  volume  = {7},
  number  = {4},
  pages   = {86--112},
  year    = {1967},
  doi     = {10.1016/0041-5553(67)90144-9},
}
@article{mckay1979,
  author  = {McKay, Michael D. and Beckman, Richard J. and Conover, William J.},
  title   = {A comparison of three methods for selecting values of input variables in the analysis of output from a
             computer code},
  journal = {Technometrics},
  volume  = {21},
  number  = {2},
  pages   = {239--245},
  year    = {1979},
  doi     = {10.2307/1268522},
}
@misc{owen2013,
  author       = {Owen, Art B.},
  title        = {{Monte Carlo} theory, methods and examples},
  howpublished = {Book, published online by the author},
  year         = {2013},
  note         = {Chapter 17, randomized quasi-{Monte Carlo}},
  url          = {https://artowen.su.domains/mc/},
}
@article{wilson1927,
  author  = {Wilson, Edwin B.},
  title   = {Probable inference, the law of succession, and statistical inference},
  journal = {Journal of the American Statistical Association},
  volume  = {22},
  number  = {158},
  pages   = {209--212},
  year    = {1927},
  doi     = {10.1080/01621459.1927.10502953},
}
@article{friedman1999,
  author  = {Friedman, Jerome H. and Fisher, Nicholas I.},
  title   = {Bump hunting in high-dimensional data},
  journal = {Statistics and Computing},
  volume  = {9},
  number  = {2},
  pages   = {123--143},
  year    = {1999},
  doi     = {10.1023/A:1008894516817},
}
@article{bryant2010,
  author  = {Bryant, Benjamin P. and Lempert, Robert J.},
  title   = {Thinking inside the box: A participatory, computer-assisted approach to scenario discovery},
  journal = {Technological Forecasting and Social Change},
  volume  = {77},
  number  = {1},
  pages   = {34--49},
  year    = {2010},
  doi     = {10.1016/j.techfore.2009.08.002},
}
@article{kwakkel2017,
  author  = {Kwakkel, Jan H.},
  title   = {The Exploratory Modeling Workbench: An open source toolkit for exploratory modeling, scenario
             discovery, and (multi-objective) robust decision making},
  journal = {Environmental Modelling \& Software},
  volume  = {96},
  pages   = {239--250},
  year    = {2017},
  doi     = {10.1016/j.envsoft.2017.06.054},
}
@misc{hadka_prim,
  author       = {Hadka, David},
  title        = {{PRIM}: Patient Rule Induction Method for {Python}},
  howpublished = {Python package, version 1.0.0, on the Python Package Index (https://pypi.org/project/PRIM/)},
  year         = {2023},
  note         = {A standalone version of the {PRIM} of the {EMA} Workbench by Jan Kwakkel},
  url          = {https://github.com/Project-Platypus/PRIM},
}
@techreport{mastrandrea2010,
  author      = {Mastrandrea, Michael D. and Field, Christopher B. and Stocker, Thomas F. and Edenhofer, Ottmar and
                 Ebi, Kristie L. and Frame, David J. and Held, Hermann and Kriegler, Elmar and Mach, Katharine J.
                 and Matschoss, Patrick R. and Plattner, Gian-Kasper and Yohe, Gary W. and Zwiers, Francis W.},
  title       = {Guidance Note for Lead Authors of the {IPCC} Fifth Assessment Report on Consistent Treatment of
                 Uncertainties},
  institution = {Intergovernmental Panel on Climate Change (IPCC)},
  year        = {2010},
  url         = {https://www.ipcc.ch/site/assets/uploads/2017/08/AR5_Uncertainty_Guidance_Note.pdf},
}
@article{herman2017,
  author    = {Herman, Jon and Usher, Will},
  title     = {{SALib}: An open-source {Python} library for Sensitivity Analysis},
  journal   = {The Journal of Open Source Software},
  volume    = {2},
  number    = {9},
  pages     = {97},
  year      = {2017},
  doi       = {10.21105/joss.00097},
}
@article{iwanaga2022,
  author  = {Iwanaga, Takuya and Usher, William and Herman, Jonathan},
  title   = {Toward {SALib} 2.0: Advancing the accessibility and interpretability of global sensitivity analyses},
  journal = {Socio-Environmental Systems Modelling},
  volume  = {4},
  pages   = {18155},
  year    = {2022},
  doi     = {10.18174/sesmo.18155},
}
@article{virtanen2020,
  author  = {Virtanen, Pauli and Gommers, Ralf and Oliphant, Travis E. and others},
  title   = {{SciPy} 1.0: fundamental algorithms for scientific computing in {Python}},
  journal = {Nature Methods},
  volume  = {17},
  pages   = {261--272},
  year    = {2020},
  doi     = {10.1038/s41592-019-0686-2},
}
@article{harris2020,
  author  = {Harris, Charles R. and Millman, K. Jarrod and van der Walt, St{\'e}fan J. and others},
  title   = {Array programming with {NumPy}},
  journal = {Nature},
  volume  = {585},
  pages   = {357--362},
  year    = {2020},
  doi     = {10.1038/s41586-020-2649-2},
}
@article{clauset2009,
  author  = {Clauset, Aaron and Shalizi, Cosma Rohilla and Newman, Mark E. J.},
  title   = {Power-law distributions in empirical data},
  journal = {SIAM Review},
  volume  = {51},
  number  = {4},
  pages   = {661--703},
  year    = {2009},
  doi     = {10.1137/070710111},
}
""", "mcsim's methods")


def references(priors: Priors, methods: Iterable[str]) -> list[Entry]:
    """The entries a report's ``references.bib`` holds: ``methods`` (keys of :data:`METHODS`), then the priors'.

    A key both cite is the priors' entry, once.
    """
    cited = list(priors.cited)
    own = priors.bibliography
    entries = [METHODS[key] for key in dict.fromkeys(methods) if key not in cited]
    entries += [own[key] for key in cited if own is not None and key in own]
    return entries


def render_bib(entries: Iterable[Entry], header: str = "") -> str:
    """The entries as one ``.bib`` text, a comment line first."""
    head = f"% {header}\n\n" if header else ""
    return head + "\n".join(entry.to_bibtex() for entry in entries)


def lookup(key: str, priors: Priors) -> Entry | None:
    """The entry of ``key``: the priors' own, else a method's."""
    own = priors.bibliography
    if own is not None and key in own:
        return own[key]
    try:
        return METHODS[key]
    except KeyError:
        return None


_ACCENTS = {"'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "c": "\u0327"}
_ACCENT = re.compile(r"""\{?\\(['`^"~]|c )\{?([A-Za-z])\}?\}?""")
_COMMAND = re.compile(r"\\([&%$#_{}])")


def plain(value: str) -> str:
    """A BibTeX value as plain text: braces dropped, accents and escaped characters as themselves."""
    text = _ACCENT.sub(lambda m: unicodedata.normalize("NFC", m.group(2) + _ACCENTS[m.group(1).strip()]), value)
    text = _COMMAND.sub(r"\1", text).replace("---", "\u2014").replace("--", "\u2013")
    text = text.replace("{", "").replace("}", "")
    return " ".join(text.split())


def _surname(author: str) -> str:
    author = author.strip()
    if author.startswith("{") and author.endswith("}"):  # an organisation, kept whole
        return plain(author)
    return plain(author.split(",")[0] if "," in author else author.split()[-1])


def _authors(entry: Entry) -> list[str]:
    field = entry.get("author") or entry.get("editor") or entry.get("institution") or entry.key
    return [a for a in re.split(r"\s+and\s+", field) if a.strip()]


def author_year(entry: Entry) -> str:
    """``Saltelli et al. 2010``, ``Bryant and Lempert 2010``, ``OpenAI 2023`` (for an author-year citation)."""
    authors = _authors(entry)
    names = [_surname(a) for a in authors]
    if len(names) >= 3 or (len(names) == 2 and authors[1].strip() == "others"):
        who = f"{names[0]} et al."
    elif len(names) == 2:
        who = f"{names[0]} and {names[1]}"
    else:
        who = names[0]
    return f"{who} {plain(entry.get('year', 'n.d.'))}"


def _sentence(text: str) -> str:
    """``text`` ending with a full stop, unless it ends with punctuation of its own."""
    return text if not text or text[-1] in ".?!" else text + "."


def format_reference(entry: Entry) -> str:
    """A full reference in plain text: authors (year). Title. Where. DOI or URL."""
    authors = [plain(a) for a in _authors(entry) if a.strip() != "others"]
    who = ", ".join(authors[:-1]) + (", and " if len(authors) > 2 else " and ") + authors[-1] \
        if len(authors) > 1 else (authors[0] if authors else entry.key)
    if len(_authors(entry)) > len(authors):
        who += " et al."
    parts = [f"{who} ({plain(entry.get('year', 'n.d.'))}). {_sentence(plain(entry.get('title', '')))}"]
    where = entry.get("journal") or entry.get("booktitle") or entry.get("howpublished") or entry.get("institution")
    if where:
        number = f"({plain(entry.get('number'))})" if entry.get("number") and entry.get("volume") else ""
        volume = plain(entry.get("volume")) + number if entry.get("volume") else ""
        pages = plain(entry.get("pages")) if entry.get("pages") else ""
        details = ", ".join(part for part in (volume, pages) if part)
        parts.append(f"{plain(where)}" + (f" {details}" if details else "") + ".")
    if entry.get("note"):
        parts.append(_sentence(plain(entry.get("note"))))
    if entry.get("doi"):
        parts.append(f"https://doi.org/{plain(entry.get('doi'))}")
    elif entry.get("url"):
        parts.append(plain(entry.get("url")))
    return " ".join(parts)

