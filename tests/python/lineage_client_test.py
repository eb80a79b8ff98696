"""LineageService through the generated Python stubs against catalogd.

One catalogd on 127.0.0.1:0 over mutual TLS with the development policy
(steward: every domain, vertrouwelijk; reader: intern). External parties,
edges between datasets and deliveries to parties, the traversal
(GetLineage) with depths and hidden datasets, impact analysis, lineage
findings, OpenLineage intake, and the error codes (INVALID_ARGUMENT naming
the field, NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION, ABORTED).

Run: python3 lineage_client_test.py (through ctest, see tests/python/CMakeLists.txt).
"""

import os
import sys
import unittest
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import catalog_testlib as T  # noqa: E402

import grpc  # noqa: E402

from catalog.v1 import dataset_pb2  # noqa: E402
from catalog.v1 import lineage_pb2  # noqa: E402
from catalog.v1 import lineage_service_pb2 as pb  # noqa: E402

TIMEOUT = T.RPC_TIMEOUT
DERIVED = lineage_pb2.LINEAGE_RELATION_DERIVED
DELIVERY = lineage_pb2.LINEAGE_RELATION_DELIVERY
DOWNSTREAM = pb.LINEAGE_DIRECTION_DOWNSTREAM
UPSTREAM = pb.LINEAGE_DIRECTION_UPSTREAM


def dataset_name(dataset_id):
    return f"datasets/{dataset_id}"


class LineageClientTest(T.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.steward = T.lineage_stub(cls.channel("steward"))
        cls.reader = T.lineage_stub(cls.channel("reader"))
        # Only owners and admins may delete parties.
        cls.admin = T.lineage_stub(cls.channel("admin"))

    def create_dataset(self, dataset_id, **fields):
        return T.create_dataset(self.channel("steward"), T.make_dataset(dataset_id, **fields))

    def create_edge(self, source, target, relation=DERIVED, **fields):
        edge = lineage_pb2.LineageEdge(source=source, target=target, relation=relation, **fields)
        return self.steward.CreateEdge(pb.CreateEdgeRequest(edge=edge), timeout=TIMEOUT)

    def create_party(self, party_id, name, kind=lineage_pb2.PARTY_KIND_OVERHEID):
        party = lineage_pb2.ExternalParty(id=party_id, name=name, kind=kind)
        return self.steward.CreateParty(pb.CreatePartyRequest(party=party), timeout=TIMEOUT)

    def lineage(self, stub, root, direction=DOWNSTREAM, **fields):
        return stub.GetLineage(pb.GetLineageRequest(root=root, direction=direction, **fields),
                               timeout=TIMEOUT)

    # ---- parties ----

    def test_parties(self):
        suffix = T.unique_suffix()
        created = self.create_party(f"ln-belasting-{suffix}", "Belastingdienst",
                                    lineage_pb2.PARTY_KIND_BELASTINGDIENST)
        self.assertEqual(created.id, f"ln-belasting-{suffix}")
        self.assertEqual(created.kind, lineage_pb2.PARTY_KIND_BELASTINGDIENST)
        self.assertGreater(created.revision, 0)
        self.assertEqual(created.etag, str(created.revision))
        generated = self.steward.CreateParty(pb.CreatePartyRequest(party=lineage_pb2.ExternalParty(
            name=f"Regionale Uitvoeringsdienst {suffix}", kind=lineage_pb2.PARTY_KIND_OVERHEID)),
            timeout=TIMEOUT)
        self.assertTrue(generated.id.startswith("regionale-uitvoeringsdienst"), generated.id)

        self.assertEqual(self.reader.GetParty(pb.GetPartyRequest(id=f"parties/{created.id}"),
                                              timeout=TIMEOUT), created)
        listed = T.list_pages(self.reader.ListParties, pb.ListPartiesRequest(page_size=1),
                              "parties")
        ids = [p.id for p in listed]
        self.assertEqual(ids, sorted(ids), "by id")
        self.assertIn(created.id, ids)
        self.assertIn(generated.id, ids)

        self.assert_code(grpc.StatusCode.ALREADY_EXISTS, self.create_party, created.id, "Dubbel")
        self.assert_code(grpc.StatusCode.INVALID_ARGUMENT, self.create_party,
                         f"ln-zonder-soort-{suffix}", "Zonder soort",
                         lineage_pb2.PARTY_KIND_UNSPECIFIED, detail="party.kind")
        self.assert_code(grpc.StatusCode.NOT_FOUND, self.reader.GetParty,
                         pb.GetPartyRequest(id=f"ln-onbekend-{suffix}"), TIMEOUT)

    # ---- edges and traversal ----

    def test_edges_and_traversal(self):
        s = T.unique_suffix()
        brp, wmo, rapport = f"ln-brp-{s}", f"ln-wmo-{s}", f"ln-rapport-{s}"
        geheim = f"ln-geheim-{s}"
        self.create_dataset(brp, schemaFields=[{"name": "bsn", "type": "string"},
                                               {"name": "naam", "type": "string"}])
        self.create_dataset(wmo, schemaFields=[{"name": "naam", "type": "string"}])
        self.create_dataset(rapport)
        # vertrouwelijk: above the reader's clearance (intern).
        self.create_dataset(geheim, classification={
            "confidentiality": "CONFIDENTIALITY_VERTROUWELIJK"})
        party = self.create_party(f"ln-cbs-{s}", "CBS", lineage_pb2.PARTY_KIND_CBS)

        edge = self.create_edge(brp, dataset_name(wmo), process="StUF-BG",
                                frequency=dataset_pb2.UPDATE_FREQUENCY_DAILY,
                                column_mappings=[lineage_pb2.ColumnMapping(
                                    source_field="naam", target_field="naam")])
        self.assertEqual(edge.name, f"lineage/{brp}/datasets/{wmo}")
        self.assertEqual((edge.source, edge.target), (dataset_name(brp), dataset_name(wmo)))
        self.assertEqual(edge.process, "StUF-BG")
        self.assertEqual([(m.source_field, m.target_field) for m in edge.column_mappings],
                         [("naam", "naam")])
        self.create_edge(wmo, dataset_name(rapport))
        self.create_edge(brp, dataset_name(geheim))
        delivery = self.create_edge(rapport, f"parties/{party.id}", DELIVERY,
                                    purpose="Statistiek")
        self.assertEqual(delivery.relation, DELIVERY)

        got = self.reader.GetEdge(pb.GetEdgeRequest(source=brp, target=wmo), timeout=TIMEOUT)
        self.assertEqual(got, edge)
        out_of_brp = T.list_edges(self.steward, brp, pb.EDGE_DIRECTION_OUT)
        self.assertEqual(sorted(T.edge_key(e) for e in out_of_brp),
                         [(dataset_name(brp), dataset_name(geheim)),
                          (dataset_name(brp), dataset_name(wmo))])

        down = self.lineage(self.steward, brp, view=pb.LINEAGE_VIEW_FULL)
        self.assertEqual({n.name: n.depth for n in down.nodes}, {
            dataset_name(brp): 0, dataset_name(wmo): 1, dataset_name(geheim): 1,
            dataset_name(rapport): 2, f"parties/{party.id}": 3})
        self.assertEqual(down.nodes[0].name, dataset_name(brp), "the root first")
        self.assertEqual(len(down.edges), 4)
        self.assertFalse(down.truncated)
        by_name = {n.name: n for n in down.nodes}
        self.assertEqual(by_name[dataset_name(wmo)].title, f"Dataset {wmo}")
        self.assertEqual(by_name[f"parties/{party.id}"].party_kind, lineage_pb2.PARTY_KIND_CBS)

        # The reader does not see geheim: a placeholder keeps the shape.
        hidden = self.lineage(self.reader, brp)
        names = [n.name for n in hidden.nodes]
        self.assertNotIn(dataset_name(geheim), names)
        self.assertEqual([n.name for n in hidden.nodes if n.hidden], ["hidden/1"])
        self.assertEqual(len(hidden.nodes), 5)

        up = self.lineage(self.steward, rapport, UPSTREAM, max_depth=1)
        self.assertEqual([(n.name, n.depth) for n in up.nodes],
                         [(dataset_name(rapport), 0), (dataset_name(wmo), 1)])
        self.assertTrue(up.nodes[1].more_beyond_depth)

        # Column-level: naam of brp reaches naam of wmo only.
        columns = self.lineage(self.steward, brp, field="naam")
        self.assertEqual([(n.name, list(n.fields)) for n in columns.nodes],
                         [(dataset_name(brp), ["naam"]), (dataset_name(wmo), ["naam"])])

        impact = self.steward.AnalyzeImpact(pb.AnalyzeImpactRequest(root=brp), timeout=TIMEOUT)
        self.assertEqual(impact.root.name, dataset_name(brp))
        self.assertEqual(impact.datasets, 3)
        self.assertEqual(impact.parties, 1)
        self.assertEqual(impact.hidden_datasets, 0)
        self.assertEqual(impact.highest_confidentiality, dataset_pb2.CONFIDENTIALITY_VERTROUWELIJK)
        self.assertEqual([(level.depth, sorted(d.name for d in level.datasets))
                          for level in impact.levels],
                         [(1, sorted([dataset_name(geheim), dataset_name(wmo)])),
                          (2, [dataset_name(rapport)]), (3, [])])
        self.assertEqual([p.name for p in impact.levels[2].parties], [f"parties/{party.id}"])
        self.assertEqual([d.name for d in impact.deliveries], [delivery.name])
        reader_impact = self.reader.AnalyzeImpact(pb.AnalyzeImpactRequest(root=brp),
                                                  timeout=TIMEOUT)
        self.assertEqual((reader_impact.datasets, reader_impact.hidden_datasets), (3, 1))

    def test_delete_edge_and_party(self):
        s = T.unique_suffix()
        bron, doel = f"ln-del-bron-{s}", f"ln-del-doel-{s}"
        self.create_dataset(bron)
        self.create_dataset(doel)
        party = self.create_party(f"ln-del-partij-{s}", "Partij")
        edge = self.create_edge(bron, doel)
        delivery = self.create_edge(bron, f"parties/{party.id}", DELIVERY)

        self.assert_code(grpc.StatusCode.PERMISSION_DENIED, self.steward.DeleteParty,
                         pb.DeletePartyRequest(id=party.id), TIMEOUT)
        self.assert_code(grpc.StatusCode.FAILED_PRECONDITION, self.admin.DeleteParty,
                         pb.DeletePartyRequest(id=party.id), TIMEOUT)
        self.assert_code(grpc.StatusCode.ABORTED, self.steward.DeleteEdge,
                         pb.DeleteEdgeRequest(source=bron, target=doel,
                                              etag=str(edge.revision + 1000)), TIMEOUT)
        deleted = self.steward.DeleteEdge(
            pb.DeleteEdgeRequest(source=bron, target=doel, etag=edge.etag), timeout=TIMEOUT)
        self.assertGreater(deleted.revision, delivery.revision)
        self.assert_code(grpc.StatusCode.NOT_FOUND, self.steward.GetEdge,
                         pb.GetEdgeRequest(source=bron, target=doel), TIMEOUT)
        self.steward.DeleteEdge(pb.DeleteEdgeRequest(source=bron, target=f"parties/{party.id}"),
                                timeout=TIMEOUT)
        self.admin.DeleteParty(pb.DeletePartyRequest(id=party.id), timeout=TIMEOUT)
        self.assert_code(grpc.StatusCode.NOT_FOUND, self.steward.GetParty,
                         pb.GetPartyRequest(id=party.id), TIMEOUT)

    def test_edge_errors(self):
        s = T.unique_suffix()
        bron, doel = f"ln-err-bron-{s}", f"ln-err-doel-{s}"
        self.create_dataset(bron, personalData={
            "containsPersonalData": True, "legalBasis": "LEGAL_BASIS_WETTELIJKE_VERPLICHTING"},
            schemaFields=[{"name": "bsn", "type": "string", "personalData": True}])
        self.create_dataset(doel)
        party = self.create_party(f"ln-err-partij-{s}", "Partij")
        cases = [
            ((bron, dataset_name(doel), lineage_pb2.LINEAGE_RELATION_UNSPECIFIED), {},
             "edge.relation"),
            ((bron, dataset_name(bron)), {}, "edge.target"),
            ((bron, f"parties/{party.id}"), {}, "edge.relation"),
            ((bron, f"parties/{party.id}", DELIVERY), {}, "edge.purpose"),
            ((bron, dataset_name(doel)),
             {"column_mappings": [lineage_pb2.ColumnMapping(source_field="onbekend")]},
             "edge.column_mappings[0].source_field"),
            (("Geen_Id", dataset_name(doel)), {}, "edge.source"),
        ]
        for args, fields, field in cases:
            with self.subTest(field=field, args=args):
                self.assert_code(grpc.StatusCode.INVALID_ARGUMENT,
                                 lambda: self.create_edge(*args, **fields), detail=field)
        self.assertEqual(T.list_edges(self.steward, bron), [], "nothing stored")
        self.assert_code(grpc.StatusCode.NOT_FOUND, self.create_edge, bron,
                         dataset_name(f"ln-err-onbekend-{s}"))
        self.create_edge(bron, dataset_name(doel))
        self.assert_code(grpc.StatusCode.ALREADY_EXISTS, self.create_edge, bron,
                         dataset_name(doel), lineage_pb2.LINEAGE_RELATION_SOURCE)
        self.assert_code(grpc.StatusCode.NOT_FOUND, self.lineage, self.steward,
                         f"ln-err-onbekend-{s}")
        self.assert_code(grpc.StatusCode.INVALID_ARGUMENT,
                         lambda: self.lineage(self.steward, bron, max_depth=51),
                         detail="max_depth")
        self.assert_code(grpc.StatusCode.RESOURCE_EXHAUSTED,
                         lambda: self.lineage(self.steward, bron, node_budget=100001))
        # The reader may read lineage, not write it.
        self.assert_code(grpc.StatusCode.PERMISSION_DENIED, self.reader.CreateEdge,
                         pb.CreateEdgeRequest(edge=lineage_pb2.LineageEdge(
                             source=doel, target=dataset_name(bron), relation=DERIVED)),
                         TIMEOUT)

    # ---- findings ----

    def test_findings(self):
        s = T.unique_suffix()
        bron, kopie = f"ln-fnd-bron-{s}", f"ln-fnd-kopie-{s}"
        self.create_dataset(bron, classification={
            "confidentiality": "CONFIDENTIALITY_VERTROUWELIJK"})
        self.create_dataset(kopie, classification={"confidentiality": "CONFIDENTIALITY_INTERN"})
        self.create_edge(bron, dataset_name(kopie), lineage_pb2.LINEAGE_RELATION_SOURCE)
        response = self.steward.ListLineageFindings(pb.ListLineageFindingsRequest(dataset=kopie),
                                                    timeout=TIMEOUT)
        self.assertEqual(len(response.findings), 1)
        finding = response.findings[0]
        self.assertEqual(finding.rule, pb.LINEAGE_FINDING_RULE_CLASSIFICATION_BELOW_SOURCE)
        self.assertEqual((finding.source, finding.target),
                         (dataset_name(bron), dataset_name(kopie)))
        self.assertEqual(finding.source_confidentiality,
                         dataset_pb2.CONFIDENTIALITY_VERTROUWELIJK)
        self.assertEqual(finding.target_confidentiality, dataset_pb2.CONFIDENTIALITY_INTERN)
        self.assertTrue(finding.message)
        self.assert_code(grpc.StatusCode.INVALID_ARGUMENT, self.steward.ListLineageFindings,
                         pb.ListLineageFindingsRequest(page_token="bogus"), TIMEOUT)

    # ---- OpenLineage ----

    def test_openlineage_intake(self):
        s = T.unique_suffix()
        namespace = "gemeente-clienttest"
        run_id = uuid.uuid4()
        event = T.openlineage_event(namespace, f"build_{s}", run_id,
                                    inputs=[(namespace, f"ol.bron_{s}")],
                                    outputs=[(namespace, f"ol.doel_{s}")])
        response = self.steward.IngestOpenLineage(pb.IngestOpenLineageRequest(events=[event]),
                                                  timeout=TIMEOUT)
        self.assertEqual(response.events, 1)
        self.assertEqual(len(response.datasets_created), 2)
        self.assertEqual(response.edges_created, 1)
        self.assertGreater(response.revision, 0)
        source, target = sorted(response.datasets_created)
        edge = self.steward.GetEdge(pb.GetEdgeRequest(source=source, target=target),
                                    timeout=TIMEOUT)
        self.assertEqual(edge.last_run.run_id, str(run_id))
        self.assertEqual(edge.last_run.state, lineage_pb2.RUN_STATE_COMPLETE)
        self.assertEqual(edge.last_run.job_name, f"build_{s}")

        replay = self.steward.IngestOpenLineage(pb.IngestOpenLineageRequest(events=[event]),
                                                timeout=TIMEOUT)
        self.assertEqual((replay.edges_created, list(replay.datasets_created)), (0, []))
        self.assertEqual(replay.revision, response.revision, "a replay changes nothing")

        # One malformed event: nothing of the request is applied.
        other = T.openlineage_event(namespace, f"other_{s}", uuid.uuid4(),
                                    inputs=[(namespace, f"ol.ander_{s}")],
                                    outputs=[(namespace, f"ol.doel_{s}")])
        self.assert_code(grpc.StatusCode.INVALID_ARGUMENT, self.steward.IngestOpenLineage,
                         pb.IngestOpenLineageRequest(events=[other, "{niet json"]), TIMEOUT,
                         detail="events[1]")
        self.assertEqual(len(T.list_edges(self.steward, target, pb.EDGE_DIRECTION_IN)), 1)


if __name__ == "__main__":
    unittest.main(verbosity=2)
