"""Closed-loop optimisation: search spaces, batched Bayesian optimisation, campaigns, process tables."""

from .bayesopt import BatchBayesOpt as BatchBayesOpt
from .bayesopt import Observation as Observation
from .bayesopt import Suggestion as Suggestion
from .campaign import Campaign as Campaign
from .space import SearchSpace as SearchSpace
