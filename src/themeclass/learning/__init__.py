"""Learning from labelled units: the dataset and its split rule, the two estimators, training and evaluation."""
