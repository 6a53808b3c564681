"""Sampling the priors, evaluating the model in chunks, and merging the chunks' statistics."""
