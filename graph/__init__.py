"""Stores, consolidation, the networkx projection, analyses and pages (photonics_kg.graph)."""
