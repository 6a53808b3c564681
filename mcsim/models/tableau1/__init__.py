"""Tableau 1 of Viseur (2025): the model, the table as printed, and the paper's inconsistencies."""

from mcsim.models.tableau1.model import TABLEAU1, evaluate

__all__ = ["TABLEAU1", "evaluate"]
