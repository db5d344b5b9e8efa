"""The photonics-kg ontology, SHACL shapes and SKOS schemes (package data: *.ttl)."""
