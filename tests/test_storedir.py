"""The store directory's generations: publication, build lock, reader leases, cleaning, migration."""

from __future__ import annotations

import os
import threading
import time

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef

from photonics_kg.errors import StoreError
from photonics_kg.graph.store import KGStore, SourceInfo
from photonics_kg.graph.storedir import StoreDir

G = URIRef("https://w3id.org/photonics-kg/graph/test/one")
INFO = SourceInfo(loader="test", source="one.ttl", sha256="ab" * 32)


def _graph(n: int) -> Graph:
    g = Graph()
    for i in range(n):
        g.add((URIRef(f"https://example.org/s{i}"), URIRef("https://example.org/p"), Literal(i)))
    return g


def _write(path, n: int, **kwargs) -> None:
    with KGStore(path, **kwargs) as store:
        store.replace_graph(G, _graph(n), INFO)


def _count(store: KGStore) -> int:
    rows = store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s <https://example.org/p> ?o } }")
    return rows[0]["n"]


def _generations(path) -> list[str]:
    return sorted(e.name for e in (path / "generations").iterdir() if e.is_dir())


def test_a_build_publishes_a_new_generation_and_keeps_the_previous_one(tmp_path):
    path = tmp_path / "store"
    _write(path, 3)
    assert (path / "published").read_text().strip() == "000001"
    _write(path, 4)
    _write(path, 5)
    assert (path / "published").read_text().strip() == "000003"
    assert _generations(path) == ["000002", "000003"]        # the one before is kept for readers
    with KGStore(path, read_only=True) as store:
        assert _count(store) == 5 and store.generation == "000003"


def test_readers_see_the_published_state_while_a_writer_works(tmp_path):
    path = tmp_path / "store"
    _write(path, 3)
    writer = KGStore(path)
    writer.replace_graph(G, _graph(7), INFO)
    with KGStore(path, read_only=True) as reader:             # allowed while the writer writes
        assert _count(reader) == 3
    assert _count(writer) == 7
    writer.close()
    with KGStore(path, read_only=True) as reader:
        assert _count(reader) == 7


def test_an_exception_in_the_with_block_publishes_nothing(tmp_path):
    path = tmp_path / "store"
    _write(path, 3)
    with pytest.raises(RuntimeError):
        with KGStore(path) as store:
            store.replace_graph(G, _graph(9), INFO)
            raise RuntimeError("the build failed half-way")
    with KGStore(path, read_only=True) as store:
        assert _count(store) == 3
    assert _generations(path) == ["000001"]                   # the half-built one is gone
    _write(path, 4)                                           # and the lock was released


def test_abort_and_unchanged_builds_publish_nothing(tmp_path):
    path = tmp_path / "store"
    _write(path, 3)
    store = KGStore(path)
    store.replace_graph(G, _graph(8), INFO)
    store.abort()
    with KGStore(path) as store:                              # nothing written
        assert _count(store) == 3
    assert (path / "published").read_text().strip() == "000001"
    assert _generations(path) == ["000001"]


def test_a_second_writer_is_refused_with_the_holders_pid(tmp_path):
    path = tmp_path / "store"
    first = KGStore(path)
    with pytest.raises(StoreError, match=rf"in use by another photonics-kg process \(a build, PID {os.getpid()}\).*--wait"):
        KGStore(path)
    first.close()
    KGStore(path).close()


def test_a_waiting_writer_starts_from_what_the_first_one_published(tmp_path):
    path = tmp_path / "store"
    first = KGStore(path)
    first.replace_graph(G, _graph(2), INFO)
    seen = []

    def second():
        with KGStore(path, wait=True) as store:
            seen.append(_count(store))
            store.replace_graph(URIRef(str(G) + "-b"), _graph(1), INFO)

    t = threading.Thread(target=second)
    t.start()
    time.sleep(0.5)
    assert t.is_alive() and not seen                          # waiting on the build lock
    first.close()
    t.join(30)
    assert seen == [2]                                        # serialised, not interleaved
    with KGStore(path, read_only=True) as store:
        assert _count(store) == 3


def test_a_generation_a_reader_holds_is_kept_until_it_is_released(tmp_path):
    path = tmp_path / "store"
    _write(path, 1)                                           # 000001
    reader = KGStore(path, read_only=True)                    # holds 000001
    _write(path, 2)                                           # 000002
    _write(path, 3)                                           # 000003: 000001 would go, but is held
    assert _generations(path) == ["000001", "000002", "000003"]
    assert _count(reader) == 1
    reader.close()
    _write(path, 4)
    assert _generations(path) == ["000003", "000004"]


def test_refresh_moves_a_long_running_reader_to_the_new_generation(tmp_path):
    path = tmp_path / "store"
    _write(path, 1)
    reader = KGStore(path, read_only=True)
    assert reader.refresh() is False
    _write(path, 2)
    assert _count(reader) == 1
    assert reader.refresh() is True and _count(reader) == 2 and reader.generation == "000002"
    reader.close()


def test_leftovers_of_a_killed_build_are_removed_by_the_next_build(tmp_path):
    path = tmp_path / "store"
    _write(path, 1)
    gens = path / "generations"
    ox.Store(str(gens / "000002")).add(ox.Quad(ox.NamedNode("https://e.org/half"), ox.NamedNode("https://e.org/p"),
                                               ox.Literal("x")))   # a build killed before publishing
    (gens / "000002.lease").touch()
    (gens / "000009.trash").mkdir()                           # a removal killed half-way
    (path / ".published.12345").write_text("000002\n")        # a pointer never switched
    with KGStore(path, read_only=True) as store:
        assert _count(store) == 1 and store.generation == "000001"
    _write(path, 5)
    assert sorted(e.name for e in gens.iterdir()) == ["000001", "000001.lease", "000002", "000002.lease"]
    assert not list(path.glob(".published.*"))
    with KGStore(path, read_only=True) as store:
        assert _count(store) == 5 and not store.ask("ASK { <https://e.org/half> ?p ?o }")


def test_a_plain_oxigraph_directory_is_migrated_by_the_first_build(tmp_path):
    path = tmp_path / "store"
    legacy = ox.Store(str(path))                              # the layout of photonics-kg 0.1
    legacy.add(ox.Quad(ox.NamedNode("https://e.org/s"), ox.NamedNode("https://example.org/p"), ox.Literal("1"),
                       ox.NamedNode(str(G))))
    legacy.flush()
    del legacy
    with KGStore(path, read_only=True) as store:              # readers open it as it is
        assert _count(store) == 1 and store.generation is None
    with KGStore(path) as store:
        assert _count(store) == 1
        store.replace_graph(URIRef(str(G) + "-b"), _graph(2), INFO)
    assert sorted(e.name for e in path.iterdir()) == ["build.lock", "generations", "published"]
    with KGStore(path, read_only=True) as store:
        assert _count(store) == 3 and store.generation == "000002"


@pytest.mark.parametrize("setup, words", [
    (lambda p: (p / "notes.txt").write_text("mine"), "not a photonics-kg store"),
    (lambda p: (p / "published").write_text("../../etc\n"), "damaged"),
])
def test_foreign_or_damaged_directories_are_refused(tmp_path, setup, words):
    path = tmp_path / "store"
    path.mkdir()
    setup(path)
    with pytest.raises(StoreError, match=words):
        KGStore(path)
    assert not (path / "generations").exists() or words == "damaged"


def test_a_generation_directory_is_not_a_store_to_write(tmp_path):
    path = tmp_path / "store"
    _write(path, 1)
    with pytest.raises(StoreError, match=r"one generation of the store .*pass --store"):
        KGStore(path / "generations" / "000001")


def test_read_only_needs_a_published_generation(tmp_path):
    path = tmp_path / "store"
    StoreDir(path).generations.mkdir(parents=True)            # a first build killed before publishing
    with pytest.raises(StoreError, match="photonics-kg build"):
        KGStore(path, read_only=True)


def test_a_generation_still_open_is_not_published_and_frees_the_lock(tmp_path):
    path = tmp_path / "store"
    _write(path, 1)
    store = KGStore(path)
    store.replace_graph(G, _graph(6), INFO)
    leaked = store.oxigraph                                   # keeps RocksDB open past close()
    with pytest.raises(StoreError, match="still open in this process; it was not published"):
        store.close()
    del leaked
    with KGStore(path, read_only=True) as reader:
        assert _count(reader) == 1 and reader.generation == "000001"
    _write(path, 2)                                           # the lock was released


def test_a_missing_published_generation_is_reported(tmp_path):
    path = tmp_path / "store"
    _write(path, 1)
    (path / "published").write_text("000042\n")
    with pytest.raises(StoreError, match="000042 is missing"):
        KGStore(path, read_only=True)


def test_open_read_only_gives_the_raw_store_and_its_lease(tmp_path):
    from photonics_kg.graph.storedir import open_read_only

    path = tmp_path / "store"
    _write(path, 2)
    store, lease = open_read_only(path)
    assert lease.name == StoreDir(path).published_name() == "000001" and len(store) > 2
    _write(path, 3)
    assert StoreDir(path).published_name() != lease.name      # how a server notices a reload
    del store
    lease.release()
