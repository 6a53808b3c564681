"""Reading input files into specs that validate themselves: errors, distributions, priors, runs."""
