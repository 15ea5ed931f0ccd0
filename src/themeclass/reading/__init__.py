"""Reading reports: text, PDF and HTML readers, the segmenter and the metadata extractor."""
