"""photonics-kg: a knowledge graph of the French photonics ecosystem.

Loaders turn documents and registries into RDF (one named graph per source, with PROV-O), an
embedded Oxigraph store keeps them, and queries, analyses and pages read them back.

>>> import photonics_kg
>>> photonics_kg.__version__
'0.1.0'
"""

__version__ = "0.1.0"
