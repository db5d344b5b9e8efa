"""Synthetic SIRENE files for benchmarks and tests: SYNTHETIC DATA, never real firms.

Rows follow the StockEtablissement layout of 2021 (48 columns, the shared sample's header) with
numbers that pass the Luhn check, activity codes drawn so that a small share are photonics codes,
and commune codes of real départements. Every name says ``SYNTHETIC``; the file name should too
(the sirene loader marks a graph ``phot:synthetic true`` when its file name contains
"synthetic"). Bad rows can be injected at known lines to test the load report.

>>> import io
>>> buf = io.StringIO()
>>> bad = write_stock_etablissement(buf, 20, seed=1, bad_every=7)
>>> buf.getvalue().splitlines()[0].split(",")[:3]
['siren', 'nic', 'siret']
>>> sorted(bad)
[8, 15]
"""

from __future__ import annotations

import random

HEADER_2021 = (
    "siren,nic,siret,statutDiffusionEtablissement,dateCreationEtablissement,trancheEffectifsEtablissement,"
    "anneeEffectifsEtablissement,activitePrincipaleRegistreMetiersEtablissement,dateDernierTraitementEtablissement,"
    "etablissementSiege,nombrePeriodesEtablissement,complementAdresseEtablissement,numeroVoieEtablissement,"
    "indiceRepetitionEtablissement,typeVoieEtablissement,libelleVoieEtablissement,codePostalEtablissement,"
    "libelleCommuneEtablissement,libelleCommuneEtrangerEtablissement,distributionSpecialeEtablissement,"
    "codeCommuneEtablissement,codeCedexEtablissement,libelleCedexEtablissement,codePaysEtrangerEtablissement,"
    "libellePaysEtrangerEtablissement,complementAdresse2Etablissement,numeroVoie2Etablissement,"
    "indiceRepetition2Etablissement,typeVoie2Etablissement,libelleVoie2Etablissement,codePostal2Etablissement,"
    "libelleCommune2Etablissement,libelleCommuneEtranger2Etablissement,distributionSpeciale2Etablissement,"
    "codeCommune2Etablissement,codeCedex2Etablissement,libelleCedex2Etablissement,codePaysEtranger2Etablissement,"
    "libellePaysEtranger2Etablissement,dateDebut,etatAdministratifEtablissement,enseigne1Etablissement,"
    "enseigne2Etablissement,enseigne3Etablissement,denominationUsuelleEtablissement,activitePrincipaleEtablissement,"
    "nomenclatureActivitePrincipaleEtablissement,caractereEmployeurEtablissement"
)
PHOTONICS = ["26.11Z", "26.30Z", "26.51A", "26.51B", "26.60Z", "26.70Z", "27.31Z", "27.40Z", "32.50A",
             "32.50B", "33.13Z", "71.12B", "72.19Z"]
OTHER = ["47.11F", "56.10A", "68.20B", "70.22Z", "43.21A", "62.01Z", "86.21Z", "96.02A", "49.41A", "41.20A",
         "45.20A", "47.73Z", "69.20Z", "85.59A", "93.12Z", "10.71C", "46.69B", "25.62B", "81.21Z", "74.10Z"]
DEPS = ["01", "13", "2A", "31", "33", "35", "38", "44", "59", "67", "69", "75", "87", "92", "974"]
CITIES = ["VILLE SYNTHETIQUE", "BOURG SYNTHETIQUE", "CITE SYNTHETIQUE"]


def _luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:  # positions that are doubled once the check digit is appended
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def write_stock_etablissement(out, rows: int, *, seed: int = 0, photonics_share: float = 0.003,
                              bad_every: int | None = None) -> set[int]:
    """Write ``rows`` synthetic establishments to the text stream ``out``; return the bad lines.

    With ``bad_every=k``, every k-th data row is broken (a wrong SIRET check digit, or a row cut
    short): those photonics rows are the ones a loader must reject, and their line numbers (1 is
    the header) are returned.
    """
    rng = random.Random(seed)
    out.write(HEADER_2021 + "\n")
    bad: set[int] = set()
    empty_mid = "," * 14
    for i in range(rows):
        line = i + 2
        body = f"{rng.randrange(10_000_000, 99_999_999):08d}"
        siren = body + _luhn_digit(body)
        nic_body = f"{rng.randrange(0, 9999):04d}"
        siret_body = siren + nic_body
        siret = siret_body + _luhn_digit(siret_body)
        nic = siret[9:]
        photonics = rng.random() < photonics_share
        naf = rng.choice(PHOTONICS) if photonics else rng.choice(OTHER)
        dep = rng.choice(DEPS)
        commune = f"{dep}{rng.randrange(1, 99):03d}" if len(dep) == 2 else f"{dep}{rng.randrange(1, 24):02d}"
        postcode = ("20000" if dep == "2A" else f"{dep}{rng.randrange(0, 999):03d}")[:5]
        state = "A" if rng.random() < 0.8 else "F"
        broken = bad_every is not None and (i + 1) % bad_every == 0 and (photonics or bad_every < 50)
        if broken:
            naf = rng.choice(PHOTONICS)
            state = "A"
            if len(bad) % 2 == 0:
                siret = siret[:-1] + str((int(siret[-1]) + 1) % 10)
            bad.add(line)
        fields = [siren, nic, siret, "O", "2001-01-01", "NN", "", "", "2021-01-01T00:00:00", "true", "1", "",
                  str(rng.randrange(1, 200)), "", "RUE", "DE LA SYNTHESE", postcode, rng.choice(CITIES), "", "",
                  commune, "", "", "", ""]
        text = ",".join(fields) + empty_mid + f",2015-01-01,{state},SYNTHETIC {i},,,,{naf},NAFRev2,N"
        if broken and len(bad) % 2 == 0:
            parts = text.split(",")
            text = ",".join(parts[:20] + parts[-5:])  # a row missing columns (its activity still there)
        out.write(text + "\n")
    return bad
