"""The SPARQL query library (package data: select/, construct/, checks/ *.rq)."""
