"""What a run's samples say: sensitivity indices, tipping points, scenario discovery, the verdict."""
