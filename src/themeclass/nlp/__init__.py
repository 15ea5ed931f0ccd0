"""The language side: keyword rules (a spaCy component), features and evidence sentences."""
