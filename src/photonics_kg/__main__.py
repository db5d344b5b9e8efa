"""``python -m photonics_kg`` runs the command line."""

from photonics_kg.cli import main

main()
