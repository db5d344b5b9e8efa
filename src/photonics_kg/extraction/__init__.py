"""The document extractor: French (and English) texts become entities, relations and evidence.

``reading`` decodes files and splits header from body; ``textutil`` folds names the way the
evaluation does; ``lexicon`` holds the French trigger words and typing nouns; ``gazetteer``
knows the names the store already holds; ``mentions`` finds and types named spans; ``relations``
applies trigger patterns over sentences; ``pipeline`` ties them together and writes RDF.
"""
