"""French (and some English) words the extractor reasons with: typing nouns, legal forms, roles.

Everything here is general language about organisations, not names of particular ones: names
come from the store (the gazetteer). Keys are folded (lower case, no accents), multi-word keys
are space-separated folded tokens.
"""

from __future__ import annotations

#: a name starting with one of these nouns is of this type ("Université de Bordeaux",
#: "Laboratoire Charles Fabry", "Commission européenne"); longest key first when matching
NAME_HEADS: dict[str, str] = {
    # clusters
    "pole de competitivite": "Cluster", "pole": "Cluster", "cluster": "Cluster", "grappe": "Cluster",
    "technopole": "Cluster", "plateforme de competitivite": "Cluster", "vallee": "Cluster",
    # labs, platforms, transfer centres
    "laboratoire": "ResearchLab", "labo": "ResearchLab", "unite mixte": "ResearchLab", "umr": "ResearchLab",
    "plate forme": "ResearchLab", "plateforme": "ResearchLab", "centre technologique": "ResearchLab",
    "centre de recherche": "ResearchLab", "centre de recherches": "ResearchLab", "institut": "ResearchLab",
    "centre d etudes": "ResearchLab", "centre de transfert": "ResearchLab", "laboratory": "ResearchLab",
    "observatoire": "ResearchLab",
    # universities and schools
    "universite": "University", "university": "University", "ecole": "University", "grande ecole": "University",
    "centre de formation": "University", "lycee": "University", "iut": "University", "campus": "University",
    "ens": "University", "ecole nationale": "University", "ecole superieure": "University",
    "institut national polytechnique": "University",
    "institut polytechnique": "University", "conservatoire": "University",
    # public bodies
    "ministere": "PublicBody", "ministry": "PublicBody", "agence": "PublicBody", "agency": "PublicBody",
    "commission": "PublicBody", "conseil regional": "PublicBody", "conseil general": "PublicBody",
    "conseil departemental": "PublicBody", "conseil": "PublicBody", "council": "PublicBody",
    "gouvernement": "PublicBody", "etat": "PublicBody", "parlement": "PublicBody", "senat": "PublicBody",
    "assemblee nationale": "PublicBody", "direction generale": "PublicBody", "prefecture": "PublicBody",
    "region": "PublicBody", "union europeenne": "PublicBody", "banque europeenne": "PublicBody",
    "banque publique": "PublicBody", "caisse des depots": "PublicBody", "office": "PublicBody",
    "secretariat": "PublicBody", "metropole": "PublicBody", "communaute d agglomeration": "PublicBody",
    "european commission": "PublicBody", "european union": "PublicBody", "national research council": "PublicBody",
    # associations, federations, committees
    "association": "Association", "federation": "Association", "syndicat": "Association",
    "comite": "Association", "chambre": "Association", "club": "Association", "alliance": "Association",
    "societe francaise": "Association", "union des": "Association", "groupement": "Association",
    # programmes, projects, calls, funds, phases, installations
    "programme": "Programme", "program": "Programme", "projet": "Programme", "project": "Programme",
    "appel a projets": "Programme", "appel a candidatures": "Programme", "appel": "Programme",
    "fonds": "Programme", "fund": "Programme", "plan": "Programme", "phase": "Programme", "loi": "Programme",
    "investissements": "Programme", "initiative": "Programme", "equipement d excellence": "Programme",
    "equipex": "Programme", "labex": "Programme", "contrat": "Programme", "strategie": "Programme",
    # events
    "salon": "Event", "forum": "Event", "assises": "Event", "rencontres": "Event", "journees": "Event",
    "journee": "Event", "conference": "Event", "colloque": "Event", "congres": "Event", "symposium": "Event",
    "sommet": "Event", "trophees": "Event", "exposition": "Event", "festival": "Event", "workshop": "Event",
    "show": "Event", "expo": "Event", "week": "Event",
    # firms
    "societe": "Firm", "groupe": "Firm", "compagnie": "Firm", "entreprise": "Firm", "laboratoires": "Firm",
    "cabinet": "Firm", "journal": "Firm", "editions": "Firm",
    # places
    "palais des congres": "Place", "parc": "Place", "park": "Place", "zone": "Place", "cite": "Place",
    "technoparc": "Place", "ville": "Place", "departement": "Place", "ile": "Place", "cote": "Place",
    "pays": "Place", "site": "Place",
}

#: a descriptor before a name types it: "la société Amplitude Systèmes", "le pôle Optitec";
#: those marked True also make the descriptor + name an alias ("pôle de compétitivité Optitec")
DESCRIPTORS: dict[str, tuple[str, bool]] = {
    "pole de competitivite": ("Cluster", True), "pole": ("Cluster", True), "poles": ("Cluster", False),
    "poles de competitivite": ("Cluster", False), "cluster": ("Cluster", False), "clusters": ("Cluster", False),
    "grappe": ("Cluster", False), "technopole": ("Cluster", False), "plateforme de competitivite": ("Cluster", False),
    "laboratoire": ("ResearchLab", True), "labo": ("ResearchLab", False), "laboratoires": ("ResearchLab", False),
    "plate forme": ("ResearchLab", True), "plateforme": ("ResearchLab", True),
    "centre technologique": ("ResearchLab", False), "centre de recherche": ("ResearchLab", False),
    "universite": ("University", True), "ecole": ("University", True), "ecole d ingenieurs": ("University", False),
    "grande ecole": ("University", False), "campus": ("University", False),
    "association": ("Association", False), "federation": ("Association", False), "syndicat": ("Association", False),
    "comite": ("Association", False), "reseau": ("Association", False),
    "programme": ("Programme", True), "projet": ("Programme", True), "fonds": ("Programme", False),
    "appel a projets": ("Programme", True), "appel a projets national": ("Programme", True),
    "appel a candidatures": ("Programme", True), "equipement d excellence": ("Programme", True),
    "initiative": ("Programme", False), "dispositif": ("Programme", False),
    "salon": ("Event", True), "forum": ("Event", True), "congres": ("Event", False), "conference": ("Event", False),
    "societe": ("Firm", False), "societes": ("Firm", False), "groupe": ("Firm", False), "groupes": ("Firm", False),
    "entreprise": ("Firm", False), "entreprises": ("Firm", False), "start up": ("Firm", False),
    "startup": ("Firm", False), "pme": ("Firm", False), "eti": ("Firm", False), "industriel": ("Firm", False),
    "industriels": ("Firm", False), "fabricant": ("Firm", False), "constructeur": ("Firm", False),
    "equipementier": ("Firm", False), "filiale": ("Firm", False), "editeur": ("Firm", False),
    "specialiste": ("Firm", False), "leader": ("Firm", False), "deeptech": ("Firm", False),
    "fabricant de verres": ("Firm", False), "opticien": ("Firm", False), "chez": ("Firm", False),
    "site": ("Firm", False), "usine": ("Firm", False),
    "ville": ("Place", False), "commune": ("Place", False), "departement": ("Place", False),
    "agglomeration": ("Place", False), "zone": ("Place", False), "parc": ("Place", False),
    "m": ("Person", False), "mme": ("Person", False), "monsieur": ("Person", False), "madame": ("Person", False),
    "professeur": ("Person", False), "docteur": ("Person", False), "dr": ("Person", False), "pr": ("Person", False),
}

#: a noun phrase after "X, un/une ..." types X: "Alphanov, un centre technologique"
APPOSITIONS: dict[str, str] = {
    "centre technologique": "ResearchLab", "laboratoire": "ResearchLab", "plate forme": "ResearchLab",
    "plateforme technologique": "ResearchLab", "unite mixte": "ResearchLab", "centre de recherche": "ResearchLab",
    "federation": "Association", "association": "Association", "syndicat": "Association", "comite": "Association",
    "pole de competitivite": "Cluster", "cluster": "Cluster", "hub d innovation": "Cluster",
    "societe": "Firm", "entreprise": "Firm", "start up": "Firm", "startup": "Firm", "pme": "Firm",
    "groupe": "Firm", "fabricant": "Firm", "acteur": "Firm", "specialiste": "Firm", "leader": "Firm",
    "filiale": "Firm", "fleuron": "Firm", "equipementier": "Firm", "deeptech": "Firm",
    "universite": "University", "ecole": "University", "grande ecole": "University",
    "etablissement d enseignement": "University", "zone d accueil": "Place", "parc": "Place",
    "programme": "Programme", "projet": "Programme", "fonds": "Programme", "salon": "Event", "forum": "Event",
}

#: legal forms after a firm's name ("Keopsys SA")
LEGAL_FORMS = {"sa", "sas", "sasu", "sarl", "eurl", "sca", "snc", "se", "gmbh", "ag", "inc", "ltd", "llc",
               "bv", "nv", "spa", "srl", "plc", "corp", "co"}

#: roles saying a person (or organisation) manages an organisation: "P, directeur de X"
MANAGER_ROLES = (
    "president directeur general", "president du directoire", "directeur general delegue",
    "directrice generale deleguee", "directeur general", "directrice generale", "delegue general",
    "deleguee generale", "vice president", "vice presidente", "president", "presidente", "directeur",
    "directrice", "pdg", "ceo", "dg", "responsable", "gerant", "gerante", "dirigeant", "dirigeante",
    "patron", "patronne", "secretaire general", "secretaire generale", "administrateur general",
    "chef", "cheffe", "coordinateur", "coordinatrice", "animateur", "animatrice", "head", "director",
    "chairman", "chairwoman", "managing director", "maitre d oeuvre",
)
FOUNDER_ROLES = ("cofondateur", "co fondateur", "cofondatrice", "co fondatrice", "fondateur", "fondatrice",
                 "founder", "co founder")   # kept in step with relations._FOUNDER

#: words that look like names at the start of a line but are not (page furniture, headings)
NOT_NAMES = {
    "note", "source", "abonnez", "abonnez vous", "s abonner", "devenez", "devenir", "publie", "publie le",
    "mis en ligne", "photo", "dossier", "focus", "rappel", "axe", "informations", "contactez nous",
    "madame", "monsieur", "lire aussi", "voir", "selectionner", "fermer", "definir", "offrir", "concretement",
    "premiere", "premier", "innovations", "r d", "r amp d", "tpe", "pme", "eti", "tpe pme", "iv", "v", "vi",
    "ii", "iii", "xxie", "xxeme", "xxieme", "xxe", "xxi", "pol", "implante", "elargir", "la", "le", "les",
    "nos adherents", "actualites", "nous", "il", "elle", "ils", "elles", "on", "ce", "cette", "c",
    "pour", "dans", "en", "mais", "alors", "depuis", "apres", "avant", "parmi", "avec", "ainsi", "enfin",
    "aujourd hui", "tout", "tous", "chacun", "a", "au", "aux", "de", "des", "du", "sur", "par",
    "janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre", "octobre",
    "novembre", "decembre", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    "prix nobel", "nobel", "internet", "laser", "lasers", "photonique", "optique", "defense", "sante",
    "la defense", "key enabling technologies", "made for china", "deep tech", "r&d", "x",
}

#: lower-case words allowed inside a proper name ("Route des Lasers", "Bioeconomy for change")
NAME_CONNECTORS = {"de", "des", "du", "d", "la", "le", "l", "et", "&", "en", "sur", "pour", "of", "for",
                   "the", "and", "aux", "au", "a", "les", "y", "von", "van", "da", "di"}

#: demonyms end like this; the stem is compared with places the text names ("lannionnais")
DEMONYM_SUFFIXES = ("naises", "naise", "nnais", "nais", "aises", "aise", "ais", "oises", "oise", "ois",
                    "ines", "ine", "ins", "in", "aines", "aine", "ains", "ain", "ennes", "enne", "ens", "en",
                    "ais")

#: containers before a domain: "dans les secteurs de l'optique" -> optique
DOMAIN_CONTAINERS = ("le secteur", "les secteurs", "le domaine", "les domaines", "les technologies",
                     "la technologie", "les metiers", "le marche", "les marches", "la production",
                     "la fabrication", "les applications", "l industrie", "la filiere", "les activites",
                     "le developpement", "la conception")

MONTHS = {"janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7, "aout": 8,
          "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12, "january": 1, "february": 2,
          "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8, "september": 9,
          "october": 10, "november": 11, "december": 12}
