import dataclasses

from mcsim.inputs.distributions import Uniform
from mcsim.inputs.errors import InputError
from mcsim.inputs.priors import Prior
from mcsim.inputs.runs import load_run

spec = load_run("api.toml")
price = Prior("price_per_1k", 0.02, Uniform(0.01, 0.04), source="A price rise under study")
spec = dataclasses.replace(spec, samples=4096, priors=spec.priors.with_overrides([price]))  # checked again
try:
    dataclasses.replace(spec, samples=5000)
except InputError as error:
    print(error)  # api.toml: [run] samples = 5000 is invalid with sampler sobol: Sobol points keep their
    #               balance only in powers of 2 (nearest: 4096 or 8192)
