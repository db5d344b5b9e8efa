"""The strategy-gap report for the steering committee: HTML or Markdown, French or English.

:func:`build_report` gathers everything from a store (projection, structure, gaps with their
evidence, recommendations and their evaluation) into a :class:`Report`; :func:`render_html`
and :func:`render_markdown` write it. Figures are drawn with matplotlib and embedded as base64
PNG, so the file stands alone (no external script, style sheet or image). Every number names
the query or function it comes from; every gap links the documents and quotes behind it.

>>> text("fr", "summary"), text("en", "summary")
('Synthèse', 'Summary')
"""

from __future__ import annotations

import base64
import html
import io
import time
from dataclasses import dataclass, field
from datetime import date

import networkx as nx

from photonics_kg.errors import ConfigError
from photonics_kg.graph import analysis as an
from photonics_kg.graph import gaps as gp
from photonics_kg.graph import recommend as rc
from photonics_kg.graph.projection import actor_graph, project

LANGS = ("fr", "en")
FORMATS = ("html", "md")

TEXTS = {
    "fr": {
        "title": "Écosystème photonique : rapport sur les lacunes stratégiques",
        "generated": "Généré le {date} à partir de {source}{year}.",
        "as_of": ", état au {year}",
        "sample_warning": "Attention : le graphe contient des données d'exemple ou synthétiques ; les chiffres illustrent la méthode, ils ne décrivent pas l'écosystème réel.",
        "summary": "Synthèse",
        "summary_network": "Le réseau compte {nodes} acteurs et {ties} liens ; {share:.0%} des acteurs sont dans la plus grande composante ({components} composantes, {isolated} acteurs isolés).",
        "summary_brokers": "Acteurs pivots (intermédiarité) : {names}.",
        "summary_spof": "{n} point(s) de rupture : leur retrait coupe le réseau ({names}).",
        "summary_sponsors": "Sponsors ({names}) : {links:.0%} des liens, {paths:.0%} des plus courts chemins entre les autres acteurs passent par eux ; indice de concentration du parrainage (HHI) {hhi:.2f}.",
        "summary_gaps": "{n} lacunes relevées : {detail}.",
        "summary_recs": "{n} partenariats suggérés (hypothèses), dont en tête : {first}.",
        "coverage": "Couverture domaines × régions",
        "coverage_intro": "Nombre d'entreprises, laboratoires et pôles actifs dans chaque domaine prioritaire, par région (cases vides : aucun acteur connu ; « faible » : moins de {weak}).",
        "coverage_fig": "Carte de chaleur : acteurs par domaine et par région",
        "network": "Vue d'ensemble du réseau",
        "network_fig": "Le réseau des acteurs (taille : intermédiarité ; couleur : type)",
        "communities": "Communautés (Louvain), nommées par leur domaine et leur région dominants",
        "main_core": "Cœur du réseau (k-core le plus dense, k = {k}) : {size} acteurs.",
        "modularity": "Modularité de la partition : {q:.2f}.",
        "brokers": "Acteurs pivots",
        "brokers_intro": "Les acteurs par lesquels passent le plus de plus courts chemins. Contrainte de Burt basse et taille effective haute : l'acteur relie des groupes qui ne se parlent pas (trou structural).",
        "spof": "Points de rupture",
        "spof_intro": "{n} acteur(s) dont le retrait déconnecte le réseau et {b} lien(s) (ponts) dont la rupture isole une partie du réseau.",
        "sponsors": "Dépendance aux sponsors",
        "sponsors_none": "Aucun sponsor industriel (lien « sponsorOf ») dans le graphe.",
        "gaps": "Lacunes",
        "gaps_intro": "Chaque ligne est une lacune au sens des seuils ci-dessous ; la colonne « preuve » renvoie au document et à la citation qui fondent le constat, la colonne « requête » au fichier SPARQL qui donne le chiffre.",
        "recs": "Partenariats suggérés (hypothèses)",
        "recs_intro": "Paires d'acteurs non encore liés qui partagent des contextes (domaine, lieu, pôle, événement). Ce sont des hypothèses à vérifier, enregistrées à part dans le graphe nommé {graph}, jamais mêlées aux faits.",
        "recs_eval": "Évaluation : en masquant {hide:.0%} des {eligible} liens connus de ces types ({rounds} tirages), {p:.0%} des {k} premières suggestions retrouvent un lien masqué, contre {b:.1%} pour un tirage au hasard (gain ×{lift}).",
        "recs_eval_none": "Évaluation impossible : aucun lien connu de ces types à masquer.",
        "method": "Notes de méthode",
        "queries": "Requêtes derrière les chiffres",
        "col_domain": "Domaine", "col_region": "Région", "col_actor": "Acteur", "col_kind": "Type",
        "col_degree": "Degré", "col_betweenness": "Intermédiarité", "col_constraint": "Contrainte",
        "col_esize": "Taille effective", "col_spof": "Point de rupture", "col_community": "Communauté",
        "col_size": "Taille", "col_members": "Membres", "col_gap": "Lacune", "col_subject": "Sujet",
        "col_numbers": "Chiffres", "col_evidence": "Preuve", "col_query": "Requête", "col_pair": "Paire",
        "col_score": "Score (RA / AA / Jaccard)", "col_reasons": "Raisons", "col_measure": "Mesure",
        "col_value": "Valeur", "col_file": "Fichier", "col_what": "Ce qu'il mesure",
        "yes": "oui", "no": "non", "none": "aucune",
        "gap_kinds": {
            "coverage": "couverture insuffisante", "labs-without-firms": "laboratoires sans lien industriel",
            "sme-unreached": "PME hors des pôles et programmes", "no-training": "domaine sans offre de formation",
            "single-contact": "liens internationaux par un seul acteur", "cluster-without-research": "pôle sans partenaire de recherche",
        },
        "categories": {"firm": "entreprises", "sme": "PME", "lab": "laboratoires", "cluster": "pôles", "training": "formations"},
        "status": {"absent": "absent", "thin": "faible", "ok": "ok"},
        "kinds": {"firm": "entreprise", "cluster": "pôle", "lab": "laboratoire", "university": "université",
                  "public_body": "organisme public", "association": "association", "programme": "programme", "event": "événement"},
        "dep_rows": ["part des liens touchant un sponsor", "part des plus courts chemins passant par un sponsor",
                     "part des paires d'acteurs coupées sans les sponsors", "concentration du parrainage (HHI)",
                     "concentration de l'intermédiarité (HHI)"],
        "numbers": {
            "labs": "{labs} labo(s), {linked_labs} lié(s) à une entreprise",
            "hubs": "lié(e) à {hubs} pôle(s) ou programme(s)",
            "offers": "{offers} offre(s) de formation",
            "links": "{links} lien(s) international(aux), via : {contacts}",
            "research_partners": "{research_partners} partenaire(s) de recherche",
        },
        "notes": [
            "Projection : les organisations, programmes et événements sont des nœuds ; les lieux et domaines sont des attributs (un nœud « région » relierait artificiellement tous ses acteurs). Les liens sont les relations memberOf, partnerOf, sponsorOf, ownerOf, managerOf, participatesIn, acquired, subsidiaryOf, founded ; les fusions mettent fin à une organisation sans créer de lien.",
            "« État au » une année Y : une organisation existe si foundingYear ≤ Y < dissolutionYear ; un lien vaut si startYear ≤ Y ≤ endYear (bornes absentes : ouvertes). Les liens d'une organisation dissoute ne sont pas reportés sur son successeur.",
            "Mesures sur le graphe non pondéré. Intermédiarité exacte jusqu'à {sample_above} acteurs, estimée au-delà sur {k} sources ; centralité de vecteur propre sur la plus grande composante. Au-delà de {igraph_above} acteurs, les calculs lourds passent par python-igraph (résultats identiques à networkx, vérifiés par les tests).",
            "Part des chemins par les sponsors : moyenne, sur les paires d'acteurs reliées hors sponsors, de la part de leurs plus courts chemins qui passent par un sponsor. HHI : somme des carrés des parts (1 : un seul acteur concentre tout).",
            "Lacunes : seuils utilisés — case faible sous {weak} acteurs ; domaine signalé si au plus {max_linked_labs} labo lié à une entreprise ; PME liée à au plus {max_sme_hubs} pôle ou programme ; domaine avec au plus {max_training_offers} offre de formation ; liens internationaux d'un domaine portés par au plus {max_contacts} acteur(s) français ; pôle avec au plus {max_research_partners} partenaire de recherche.",
            "Suggestions : scores d'allocation de ressources (RA), Adamic–Adar (AA) et Jaccard sur les contextes partagés (domaine, région ou pays, pôle dont on est membre ou partenaire, programme ou événement) ; un contexte partagé par peu d'acteurs pèse plus.",
        ],
        "metric_sources": "analyse : photonics_kg.graph.analysis sur la projection (requêtes graph-nodes.rq, graph-edges.rq, graph-periods.rq)",
    },
    "en": {
        "title": "Photonics ecosystem: strategy-gap report",
        "generated": "Generated on {date} from {source}{year}.",
        "as_of": ", as of {year}",
        "sample_warning": "Warning: the graph holds sample or synthetic data; the numbers illustrate the method, they do not describe the real ecosystem.",
        "summary": "Summary",
        "summary_network": "The network has {nodes} actors and {ties} ties; {share:.0%} of the actors are in the largest component ({components} components, {isolated} isolated actors).",
        "summary_brokers": "Brokers (betweenness): {names}.",
        "summary_spof": "{n} single point(s) of failure: removing them splits the network ({names}).",
        "summary_sponsors": "Sponsors ({names}): {links:.0%} of the ties, {paths:.0%} of the shortest paths between other actors run through them; sponsorship concentration (HHI) {hhi:.2f}.",
        "summary_gaps": "{n} gaps found: {detail}.",
        "summary_recs": "{n} suggested partnerships (hypotheses), led by: {first}.",
        "coverage": "Domain × région coverage",
        "coverage_intro": "Number of firms, labs and clusters active in each priority domain, per région (empty cells: no known actor; weak: fewer than {weak}).",
        "coverage_fig": "Heat map: actors per domain and région",
        "network": "Network overview",
        "network_fig": "The actor network (size: betweenness; colour: type)",
        "communities": "Communities (Louvain), named by their dominant domain and région",
        "main_core": "Core of the network (densest k-core, k = {k}): {size} actors.",
        "modularity": "Modularity of the partition: {q:.2f}.",
        "brokers": "Brokers",
        "brokers_intro": "The actors the most shortest paths run through. Low Burt constraint and high effective size: the actor links groups that are not otherwise tied (a structural hole).",
        "spof": "Single points of failure",
        "spof_intro": "{n} actor(s) whose removal disconnects the network and {b} tie(s) (bridges) whose loss cuts part of it off.",
        "sponsors": "Dependence on the sponsors",
        "sponsors_none": "No industrial sponsor (sponsorOf tie) in the graph.",
        "gaps": "Gaps",
        "gaps_intro": "Each row is a gap under the thresholds below; the evidence column links the document and quote the finding rests on, the query column the SPARQL file giving the number.",
        "recs": "Suggested partnerships (hypotheses)",
        "recs_intro": "Pairs of actors not yet tied that share contexts (domain, place, cluster, event). These are hypotheses to check, stored apart in the named graph {graph}, never mixed with facts.",
        "recs_eval": "Evaluation: hiding {hide:.0%} of the {eligible} known ties of these kinds ({rounds} draws), {p:.0%} of the top {k} suggestions recover a hidden tie, against {b:.1%} for a random draw (lift ×{lift}).",
        "recs_eval_none": "No evaluation: no known tie of these kinds to hide.",
        "method": "Method notes",
        "queries": "Queries behind the numbers",
        "col_domain": "Domain", "col_region": "Région", "col_actor": "Actor", "col_kind": "Type",
        "col_degree": "Degree", "col_betweenness": "Betweenness", "col_constraint": "Constraint",
        "col_esize": "Effective size", "col_spof": "Single point of failure", "col_community": "Community",
        "col_size": "Size", "col_members": "Members", "col_gap": "Gap", "col_subject": "Subject",
        "col_numbers": "Numbers", "col_evidence": "Evidence", "col_query": "Query", "col_pair": "Pair",
        "col_score": "Score (RA / AA / Jaccard)", "col_reasons": "Reasons", "col_measure": "Measure",
        "col_value": "Value", "col_file": "File", "col_what": "What it measures",
        "yes": "yes", "no": "no", "none": "none",
        "gap_kinds": {
            "coverage": "thin coverage", "labs-without-firms": "labs with no industrial tie",
            "sme-unreached": "SME outside clusters and programmes", "no-training": "domain without a training offer",
            "single-contact": "international links through one actor", "cluster-without-research": "cluster without research partner",
        },
        "categories": {"firm": "firms", "sme": "SMEs", "lab": "labs", "cluster": "clusters", "training": "training"},
        "status": {"absent": "absent", "thin": "weak", "ok": "ok"},
        "kinds": {"firm": "firm", "cluster": "cluster", "lab": "lab", "university": "university",
                  "public_body": "public body", "association": "association", "programme": "programme", "event": "event"},
        "dep_rows": ["share of ties touching a sponsor", "share of shortest paths through a sponsor",
                     "share of actor pairs cut off without the sponsors", "sponsorship concentration (HHI)",
                     "brokerage concentration (HHI)"],
        "numbers": {
            "labs": "{labs} lab(s), {linked_labs} tied to a firm",
            "hubs": "tied to {hubs} cluster(s) or programme(s)",
            "offers": "{offers} training offer(s)",
            "links": "{links} international link(s), through: {contacts}",
            "research_partners": "{research_partners} research partner(s)",
        },
        "notes": [
            "Projection: organisations, programmes and events are nodes; places and domains are attributes (a région node would tie all its actors together artificially). Ties are the relations memberOf, partnerOf, sponsorOf, ownerOf, managerOf, participatesIn, acquired, subsidiaryOf, founded; mergers end an organisation without creating a tie.",
            "As of a year Y: an organisation exists when foundingYear ≤ Y < dissolutionYear; a tie holds when startYear ≤ Y ≤ endYear (missing bounds are open). Ties of a dissolved organisation are not carried over to its successor.",
            "Metrics on the unweighted graph. Betweenness exact up to {sample_above} actors, estimated above from {k} sources; eigenvector centrality on the largest component. Above {igraph_above} actors the heavy computations use python-igraph (same results as networkx, checked by the tests).",
            "Share of paths through the sponsors: mean, over pairs of connected non-sponsor actors, of the share of their shortest paths running through a sponsor. HHI: sum of squared shares (1: one actor holds everything).",
            "Gaps: thresholds used — a cell is weak below {weak} actors; a domain is flagged with at most {max_linked_labs} lab tied to a firm; an SME tied to at most {max_sme_hubs} cluster or programme; a domain with at most {max_training_offers} training offer; a domain whose international ties go through at most {max_contacts} French actor(s); a cluster with at most {max_research_partners} research partner.",
            "Suggestions: resource allocation (RA), Adamic–Adar (AA) and Jaccard scores over shared contexts (domain, région or country, cluster one is a member or partner of, programme or event); a context shared by few actors weighs more.",
        ],
        "metric_sources": "analysis: photonics_kg.graph.analysis over the projection (queries graph-nodes.rq, graph-edges.rq, graph-periods.rq)",
    },
}


def text(lang: str, key: str):
    """A text of the report in ``lang`` (fr or en)."""
    if lang not in LANGS:
        raise ConfigError(f"unknown language {lang!r}; allowed: {', '.join(LANGS)}")
    return TEXTS[lang][key]


# -- the report as data --------------------------------------------------------------------
@dataclass
class Link:
    """A table cell that links somewhere (a document)."""

    text: str
    href: str | None = None
    quote: str | None = None


@dataclass
class Block:
    kind: str                            #: h2, p, table, figure, list, note
    text: str = ""
    headers: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    source: str = ""                     #: the query or function behind the block's numbers
    image: str = ""                      #: base64 PNG for figures
    anchor: str = ""


@dataclass
class Report:
    lang: str
    title: str
    blocks: list[Block]
    data: dict                           #: the numbers, for --format json and the tests
    gap_count: int = 0


SECTION_KEYS = ("summary", "coverage", "network", "brokers", "sponsors", "gaps", "recs", "method")


def build_report(store, *, year: int | None = None, lang: str = "fr", thresholds: gp.Thresholds | None = None,
                 top: int = 10, backend: str = "auto", write_hypotheses: bool = False,
                 source: str = "", progress: bool | None = None, seed: int = 0) -> Report:
    """Compute everything the report shows; ``progress`` shows a tqdm bar on stderr."""
    import sys

    from tqdm import tqdm

    if lang not in LANGS:
        raise ConfigError(f"unknown language {lang!r}; allowed: {', '.join(LANGS)}")
    t = thresholds or gp.Thresholds()
    T = TEXTS[lang]
    steps = ["projection", "structure", "gaps", "evidence", "recommendations", "figures"]
    bar = tqdm(total=len(steps), desc="report", unit="step",
               disable=progress is False or (progress is None and not sys.stderr.isatty()))
    timings = {}

    def step(name):
        bar.set_postfix_str(name)
        timings[name] = time.perf_counter()

    def done(name):
        timings[name] = time.perf_counter() - timings[name]
        bar.update(1)

    step("projection")
    P = project(store, year)
    A = actor_graph(P)
    done("projection")
    step("structure")
    sponsors = an.sponsor_groups(P)
    structure = an.analyze(A, sponsors=sponsors, backend=backend, top=top, seed=seed, lang=lang)
    done("structure")
    step("gaps")
    found = gp.find_gaps(store, year=year, thresholds=t)
    done("gaps")
    step("evidence")
    evidence = {id(g): gp.gap_evidence(store, g) for g in found.gaps}
    done("evidence")
    step("recommendations")
    recs = rc.recommend(A, top=top, lang=lang)
    evaluation = rc.evaluate(A, seed=seed)
    if write_hypotheses:
        rc.write_hypotheses(store, recs)
    done("recommendations")
    step("figures")
    heat = heatmap_png(found.coverage, lang)
    overview = network_png(A, structure, lang)
    done("figures")
    bar.close()

    blocks: list[Block] = []
    sample = _has_sample_data(store)
    year_text = T["as_of"].format(year=year) if year is not None else ""
    blocks.append(Block("p", T["generated"].format(date=date.today().isoformat(), source=source or "the store", year=year_text)))
    if sample:
        blocks.append(Block("note", T["sample_warning"]))

    # summary
    s = structure["summary"]
    blocks.append(Block("h2", T["summary"], anchor="summary"))
    items = [T["summary_network"].format(nodes=s["nodes"], ties=s["ties"], share=s["largest_component_share"],
                                         components=s["components"], isolated=s["isolated"])]
    top_brokers = [b["label"] for b in structure["brokers"][:3] if b["betweenness"] > 0]
    if top_brokers:
        items.append(T["summary_brokers"].format(names=", ".join(top_brokers)))
    arts = structure["articulation_points"]
    if arts["count"]:
        items.append(T["summary_spof"].format(n=arts["count"], names=", ".join(a["label"] for a in arts["top"][:5])))
    dep = structure["sponsor_dependence"]
    if dep:
        items.append(T["summary_sponsors"].format(names=", ".join(dep["groups"]), links=dep["link_share"],
                                                  paths=dep["path_share"], hhi=dep["sponsorship_hhi"]))
    kinds_count = {}
    for g in found.gaps:
        kinds_count[g.kind] = kinds_count.get(g.kind, 0) + 1
    detail = ", ".join(f"{n} × {T['gap_kinds'][k]}" for k, n in kinds_count.items()) or T["none"]
    items.append(T["summary_gaps"].format(n=found.count, detail=detail))
    if recs:
        first = recs[0]
        items.append(T["summary_recs"].format(n=len(recs), first=f"{first.u_label} — {first.v_label}"))
    blocks.append(Block("list", rows=items))

    # coverage
    blocks.append(Block("h2", T["coverage"], anchor="coverage"))
    blocks.append(Block("p", T["coverage_intro"].format(weak=t.weak_below)))
    blocks.append(Block("figure", T["coverage_fig"], image=heat, source="gap-grid.rq, gap-domain-region-coverage.rq"))
    cov = found.coverage
    pick = 2 if lang == "en" else 1
    rows = []
    for d in cov.domains:
        row = [d[pick]]
        for r, _ in cov.regions:
            n = {c: cov.count(d[0], r, c) for c in ("firm", "lab", "cluster")}
            row.append("/".join(str(n[c]) for c in ("firm", "lab", "cluster")))
        rows.append(row)
    cats = T["categories"]
    blocks.append(Block("table", f"{cats['firm']} / {cats['lab']} / {cats['cluster']}",
                        headers=[T["col_domain"]] + [label for _, label in cov.regions], rows=rows,
                        source="gap-grid.rq, gap-domain-region-coverage.rq"))

    # network
    blocks.append(Block("h2", T["network"], anchor="network"))
    blocks.append(Block("figure", T["network_fig"], image=overview, source=T["metric_sources"]))
    mc = structure["main_core"]
    blocks.append(Block("p", T["main_core"].format(k=mc["k"], size=mc["size"]) + " "
                        + T["modularity"].format(q=structure["modularity"])))
    blocks.append(Block("table", T["communities"], headers=[T["col_community"], T["col_size"], T["col_members"]],
                        rows=[[c["name"], c["size"], ", ".join(c["members"][:8]) + (" …" if c["size"] > 8 else "")]
                              for c in structure["communities"]],
                        source="photonics_kg.graph.analysis.communities (Louvain), name_community"))

    # brokers
    blocks.append(Block("h2", T["brokers"], anchor="brokers"))
    blocks.append(Block("p", T["brokers_intro"]))
    kinds = T["kinds"]
    blocks.append(Block("table", "", headers=[T["col_actor"], T["col_kind"], T["col_degree"], T["col_betweenness"],
                                               T["col_constraint"], T["col_esize"], T["col_spof"]],
                        rows=[[b["label"], kinds.get(b["kind"], b["kind"]), b["degree"], f"{b['betweenness']:.3f}",
                               _fmt(b["constraint"]), _fmt(b["effective_size"]),
                               T["yes"] if b["articulation_point"] else T["no"]]
                              for b in structure["brokers"]],
                        source="photonics_kg.graph.analysis: betweenness, constraint, effective_size, articulation_points"))
    blocks.append(Block("h2", T["spof"], anchor="spof"))
    blocks.append(Block("p", T["spof_intro"].format(n=arts["count"], b=structure["bridges"]["count"])))
    if arts["top"]:
        blocks.append(Block("list", rows=[a["label"] for a in arts["top"]]))

    # sponsors
    blocks.append(Block("h2", T["sponsors"], anchor="sponsors"))
    if dep:
        values = [f"{dep['link_share']:.1%}", f"{dep['path_share']:.1%}", f"{dep['cut_share']:.1%}",
                  f"{dep['sponsorship_hhi']:.2f}", f"{structure['brokerage_hhi']:.2f}"]
        blocks.append(Block("p", ", ".join(dep["groups"])))
        blocks.append(Block("table", "", headers=[T["col_measure"], T["col_value"]],
                            rows=[[k, v] for k, v in zip(T["dep_rows"], values)]
                            + [[f"{name}: {T['dep_rows'][0]}", f"{g['link_share']:.1%}"] for name, g in dep["per_group"].items()],
                            source="photonics_kg.graph.analysis.sponsor_dependence, hhi"))
    else:
        blocks.append(Block("p", T["sponsors_none"]))

    # gaps
    blocks.append(Block("h2", T["gaps"], anchor="gaps"))
    blocks.append(Block("p", T["gaps_intro"]))
    labels = {n: (d.get("label_en") or d["label"]) if lang == "en" else d["label"] for n, d in P.nodes(data=True)}
    rows = []
    for g in found.gaps:
        label = g.label_en if lang == "en" else g.label
        rows.append([T["gap_kinds"][g.kind], label, _gap_numbers(g, T),
                     [Link(f"{labels.get(ev['subject'], _short(ev['subject']))} {ev['predicate']} — {ev.get('title') or _short(ev['doc'])}",
                           ev.get("url") or (ev["doc"] if ev["doc"].startswith("http") else None), ev.get("quote"))
                      for ev in evidence[id(g)]],
                     f"{g.query}.rq"])
    blocks.append(Block("table", "", headers=[T["col_gap"], T["col_subject"], T["col_numbers"], T["col_evidence"], T["col_query"]],
                        rows=rows, source="queries/select/gap-*.rq"))

    # recommendations
    blocks.append(Block("h2", T["recs"], anchor="recs"))
    blocks.append(Block("p", T["recs_intro"].format(graph=rc.HYPOTHESES_GRAPH)))
    blocks.append(Block("table", "", headers=[T["col_pair"], T["col_kind"], T["col_score"], T["col_reasons"]],
                        rows=[[f"{r.u_label} — {r.v_label}", r.pair, f"{r.resource_allocation:.2f} / {r.adamic_adar:.2f} / {r.jaccard:.2f}",
                               "; ".join(r.reasons)] for r in recs],
                        source="photonics_kg.graph.recommend.recommend"))
    ev = evaluation
    if ev["precision_at_k"] is not None:
        blocks.append(Block("p", T["recs_eval"].format(hide=ev["hide"], eligible=ev["eligible"], rounds=ev["rounds"],
                                                       p=ev["precision_at_k"], k=ev["k"], b=ev["random_baseline"],
                                                       lift=f"{ev['lift']:.1f}" if ev["lift"] else "—"),
                            source="photonics_kg.graph.recommend.evaluate"))
    else:
        blocks.append(Block("p", T["recs_eval_none"]))

    # method
    blocks.append(Block("h2", T["method"], anchor="method"))
    fmt = dict(sample_above=an.SAMPLE_ABOVE, k=an.BETWEENNESS_SAMPLES, igraph_above=an.IGRAPH_ABOVE,
               weak=t.weak_below, max_linked_labs=t.max_linked_labs, max_sme_hubs=t.max_sme_hubs,
               max_training_offers=t.max_training_offers, max_contacts=t.max_contacts,
               max_research_partners=t.max_research_partners)
    blocks.append(Block("list", rows=[n.format(**fmt) for n in T["notes"]]))
    blocks.append(Block("table", T["queries"], headers=[T["col_file"], T["col_what"]],
                        rows=_query_rows(), source="queries/select/"))

    data = {
        "year": year, "lang": lang, "sample_data": sample, "structure": structure,
        "gaps": [dict(kind=g.kind, subject=g.subject, label=g.label, label_en=g.label_en, numbers=g.numbers,
                      query=g.query, detail=g.detail, evidence=evidence[id(g)]) for g in found.gaps],
        "coverage": {"domains": cov.domains, "regions": cov.regions,
                     "counts": [{"domain": d, "region": r, **c} for (d, r), c in sorted(cov.counts.items())]},
        "international": found.international,
        "recommendations": [r.__dict__ for r in recs], "evaluation": evaluation,
        "timings": {**{k: v for k, v in timings.items()}, "projection_queries": P.graph.get("timings")},
    }
    return Report(lang, T["title"], blocks, data, gap_count=found.count)


def _gap_numbers(g: gp.Gap, T: dict) -> str:
    n = g.numbers
    if g.kind == "coverage":
        parts = []
        for cat, status in g.detail["status"].items():
            cells = g.detail["cells"][cat]
            where = ", ".join(f"{r} {c}" for r, c in cells[:3])
            parts.append(f"{T['categories'][cat]}: {T['status'][status]}" + (f" ({where})" if where and status != "ok" else ""))
        return "; ".join(parts)
    if g.kind == "labs-without-firms":
        return T["numbers"]["labs"].format(**n)
    if g.kind == "sme-unreached":
        return T["numbers"]["hubs"].format(**n) + (f" — {g.detail['region']}" if g.detail.get("region") else "")
    if g.kind == "no-training":
        return T["numbers"]["offers"].format(**n)
    if g.kind == "single-contact":
        return T["numbers"]["links"].format(links=n["links"], contacts=", ".join(g.detail["contacts"]))
    if g.kind == "cluster-without-research":
        return T["numbers"]["research_partners"].format(**n)
    return str(n)


def _query_rows() -> list[list[str]]:
    from photonics_kg.queries.library import all_queries

    names = {"graph-nodes", "graph-edges", "graph-periods"}
    return [[f"queries/select/{q.name}.rq", q.summary] for q in all_queries(("select",))
            if q.name in names or q.name.startswith("gap-")]


def _has_sample_data(store) -> bool:
    """True when a source graph is marked sample or synthetic (``graph-data-kinds.rq``)."""
    from photonics_kg.queries.library import get

    try:
        rows = store.select(get("graph-data-kinds").text)
    except Exception:  # a remote endpoint may not expose the provenance graphs: no warning then
        return False
    return any(r.get("sample") in (True, "true") or r.get("synthetic") in (True, "true") for r in rows)


def _fmt(x) -> str:
    return "—" if x is None else f"{x:.2f}"


def _short(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


# -- figures -------------------------------------------------------------------------------
def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def heatmap_png(cov: gp.Coverage, lang: str = "fr") -> str:
    """The domain × région heat map (firms + labs + clusters per cell) as base64 PNG."""
    import matplotlib
    import matplotlib.pyplot as plt
    import numpy as np

    matrix = np.array(cov.matrix(), dtype=float) if cov.domains and cov.regions else np.zeros((1, 1))
    pick = 2 if lang == "en" else 1
    fig, ax = plt.subplots(figsize=(max(6, 0.55 * len(cov.regions) + 3), max(2.5, 0.5 * len(cov.domains) + 1.5)))
    masked = np.ma.masked_equal(matrix, 0)
    cmap = matplotlib.colormaps["YlGnBu"].with_extremes(bad="#f3d9d9")  # empty cells stand out in pale red
    im = ax.imshow(masked, cmap=cmap, aspect="auto", vmin=0, vmax=max(1, matrix.max()))
    ax.set_xticks(range(len(cov.regions)), [r for _, r in cov.regions], rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(len(cov.domains)), [d[pick] for d in cov.domains], fontsize=8)
    for i in range(matrix.shape[0]):
        for j in range(matrix.shape[1]):
            value = int(matrix[i, j])
            weak = 0 < value < cov.thresholds.weak_below
            ax.text(j, i, str(value), ha="center", va="center", fontsize=7,
                    color="#a00" if value == 0 else ("#000" if value < matrix.max() * 0.6 else "#fff"),
                    fontweight="bold" if weak else "normal")
    bar = fig.colorbar(im, ax=ax, fraction=0.03)
    bar.locator = matplotlib.ticker.MaxNLocator(integer=True)
    bar.update_ticks()
    ax.set_title(text(lang, "coverage_fig"), fontsize=10)
    return _png(fig)


KIND_COLOURS = {"firm": "#1f77b4", "cluster": "#d62728", "lab": "#2ca02c", "university": "#98df8a",
                "public_body": "#9467bd", "association": "#8c564b", "programme": "#ff7f0e", "event": "#e377c2"}


def network_png(A: nx.Graph, structure: dict, lang: str = "fr", *, max_nodes: int = 300) -> str:
    """The actor network (the ``max_nodes`` best-connected actors above that size) as base64 PNG."""
    import matplotlib
    import matplotlib.pyplot as plt

    H = A
    if A.number_of_nodes() > max_nodes:
        keep = sorted(A, key=lambda n: (-A.degree(n), str(n)))[:max_nodes]
        H = A.subgraph(keep)
    fig, ax = plt.subplots(figsize=(8, 6))
    if H.number_of_nodes():
        pos = _component_layout(H)
        brokers = {b["node"]: b["betweenness"] for b in structure["brokers"]}
        sizes = [40 + 900 * brokers.get(n, 0.0) / (max(brokers.values()) or 1) if brokers else 40 for n in H]
        nx.draw_networkx_edges(H, pos, ax=ax, alpha=0.3, width=0.6)
        nx.draw_networkx_nodes(H, pos, ax=ax, node_size=sizes,
                               node_color=[KIND_COLOURS.get(H.nodes[n].get("kind"), "#7f7f7f") for n in H])
        labels = {b["node"]: b["label"] if len(b["label"]) <= 28 else b["label"][:27] + "…"
                  for b in structure["brokers"][:8] if b["node"] in H and b["betweenness"] > 0}
        nx.draw_networkx_labels(H, pos, labels=labels, ax=ax, font_size=7)
        kinds = TEXTS[lang]["kinds"]
        present = sorted({H.nodes[n].get("kind") for n in H} & set(KIND_COLOURS))
        for kind in present:
            ax.scatter([], [], c=KIND_COLOURS[kind], label=kinds.get(kind, kind), s=30)
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7, frameon=False)
    ax.set_axis_off()
    ax.set_title(text(lang, "network_fig"), fontsize=10)
    return _png(fig)


def _component_layout(H: nx.Graph) -> dict:
    """Spring layout per connected component, components side by side (largest first), so a
    small component does not push the main one into a corner."""
    import math

    comps = sorted(nx.connected_components(H), key=lambda c: (-len(c), min(map(str, c))))
    pos, x, row_y, row_h = {}, 0.0, 0.0, 0.0
    for comp in comps:
        size = math.sqrt(len(comp))
        sub = nx.spring_layout(H.subgraph(comp), seed=1, scale=size / 2, center=(0, 0)) if len(comp) > 1 else {next(iter(comp)): (0.0, 0.0)}
        if x > 0 and x + size > 12:  # wrap to a new row
            x, row_y, row_h = 0.0, row_y - row_h - 1.0, 0.0
        for n, (px, py) in sub.items():
            pos[n] = (x + size / 2 + px, row_y - size / 2 + py)
        x += size + 1.0
        row_h = max(row_h, size)
    return pos


# -- rendering -----------------------------------------------------------------------------
CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.25rem;border-bottom:1px solid #ddd;padding-bottom:.2rem;margin-top:2rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:.85rem}th,td{border:1px solid #ddd;padding:.25rem .45rem;vertical-align:top;text-align:left}
th{background:#f4f4f4}.note{background:#fff4e5;border-left:4px solid #f0a020;padding:.5rem .8rem}
.source{color:#666;font-size:.75rem;margin-top:-.3rem}figure{margin:.8rem 0}figure img{max-width:100%}
blockquote{margin:.2rem 0 .2rem .5rem;color:#555;font-style:italic;font-size:.8rem}nav a{margin-right:.8rem}
"""


def render_html(report: Report) -> str:
    """A standalone HTML page (inline style sheet and images, no script)."""
    T = TEXTS[report.lang]
    e = html.escape
    out = [f'<!DOCTYPE html>\n<html lang="{report.lang}">\n<head>\n<meta charset="utf-8">',
           f"<title>{e(report.title)}</title>\n<style>{CSS}</style>\n</head>\n<body>",
           f"<h1>{e(report.title)}</h1>",
           "<nav>" + "".join(f'<a href="#{b.anchor}">{e(b.text)}</a>' for b in report.blocks if b.kind == "h2" and b.anchor) + "</nav>"]
    for b in report.blocks:
        if b.kind == "h2":
            out.append(f'<h2 id="{b.anchor}">{e(b.text)}</h2>')
        elif b.kind == "p":
            out.append(f"<p>{e(b.text)}</p>")
        elif b.kind == "note":
            out.append(f'<p class="note">{e(b.text)}</p>')
        elif b.kind == "list":
            out.append("<ul>" + "".join(f"<li>{e(str(item))}</li>" for item in b.rows) + "</ul>")
        elif b.kind == "figure":
            out.append(f'<figure><img alt="{e(b.text)}" src="data:image/png;base64,{b.image}">'
                       f"<figcaption>{e(b.text)}</figcaption></figure>")
        elif b.kind == "table":
            if b.text:
                out.append(f"<p><strong>{e(b.text)}</strong></p>")
            rows = "".join("<tr>" + "".join(f"<td>{_html_cell(c)}</td>" for c in row) + "</tr>" for row in b.rows)
            head = "".join(f"<th>{e(str(h))}</th>" for h in b.headers)
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
        if b.source and b.kind in ("table", "figure"):
            colon = " :" if report.lang == "fr" else ":"
            out.append(f'<p class="source">{e(T["col_query"])}{colon} <code>{e(b.source)}</code></p>')
    out.append("</body>\n</html>\n")
    return "\n".join(out)


def _html_cell(cell) -> str:
    e = html.escape
    if isinstance(cell, list):
        return "".join(_html_cell(c) for c in cell) or "—"
    if isinstance(cell, Link):
        title = f'<a href="{e(cell.href)}">{e(cell.text)}</a>' if cell.href else e(cell.text)
        quote = f"<blockquote>« {e(cell.quote)} »</blockquote>" if cell.quote else ""
        return f"<div>{title}{quote}</div>"
    return e(str(cell))


def render_markdown(report: Report) -> str:
    """The same report in Markdown (figures as data: URIs, so the file still stands alone)."""
    T = TEXTS[report.lang]
    out = [f"# {report.title}", ""]
    for b in report.blocks:
        if b.kind == "h2":
            out += [f"## {b.text}", ""]
        elif b.kind == "p":
            out += [b.text, ""]
        elif b.kind == "note":
            out += [f"> **{b.text}**", ""]
        elif b.kind == "list":
            out += [f"- {item}" for item in b.rows] + [""]
        elif b.kind == "figure":
            out += [f"![{b.text}](data:image/png;base64,{b.image})", ""]
        elif b.kind == "table":
            if b.text:
                out += [f"**{b.text}**", ""]
            out.append("| " + " | ".join(_md(h) for h in b.headers) + " |")
            out.append("|" + "---|" * len(b.headers))
            out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in b.rows]
            out.append("")
        if b.source and b.kind in ("table", "figure"):
            out += [f"*{T['col_query']}: `{b.source}`*", ""]
    return "\n".join(out) + "\n"


def _md(value) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _md_cell(cell) -> str:
    if isinstance(cell, list):
        return "<br>".join(_md_cell(c) for c in cell) or "—"
    if isinstance(cell, Link):
        title = f"[{_md(cell.text)}]({cell.href})" if cell.href else _md(cell.text)
        return title + (f" « {_md(cell.quote)} »" if cell.quote else "")
    return _md(cell)


def render(report: Report, fmt: str = "html") -> str:
    if fmt not in FORMATS:
        raise ConfigError(f"unknown report format {fmt!r}; allowed: {', '.join(FORMATS)}")
    return render_html(report) if fmt == "html" else render_markdown(report)


__all__ = ["Report", "build_report", "render", "render_html", "render_markdown", "heatmap_png", "network_png",
           "text"]
