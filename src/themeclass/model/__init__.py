"""A trained model: predicting from its arrays, its file format, and parallel prediction."""
