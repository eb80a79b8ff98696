'use strict';
// A Node client of catalogd: stubs loaded from protos/ with
// @grpc/proto-loader, calls made with @grpc/grpc-js over mutual TLS (the
// steward's certificate of the test PKI) against a real catalogd on
// 127.0.0.1:0 with the development policy.
//
// Creates datasets, reads one back, lists them by domain, adds lineage edges
// (datasets and a delivery to an external party) and queries the lineage
// graph; checks the status codes of a missing dataset (NOT_FOUND), of an
// invalid one (INVALID_ARGUMENT naming the field) and that a connection
// without a client certificate is refused.
//
// Run: node --test (through ctest, see tests/node/CMakeLists.txt).

const assert = require('node:assert/strict');
const { after, before, describe, test } = require('node:test');

const { CatalogServer, call, client, grpc, loadCatalogPackage } = require('./catalogd');

const catalog = loadCatalogPackage();
const server = new CatalogServer();
let stub;
let lineage;

// A minimal valid dataset of `domain` (sector registration, on premises,
// intern), as the CatalogService takes it.
function dataset(id, domain, extra = {}) {
  return {
    id,
    title: `Dataset ${id}`,
    registration_type: 'REGISTRATION_TYPE_SECTORREGISTRATIE',
    domain,
    roles: { owner: 'Afdeling Node' },
    hosting: { kind: 'HOSTING_KIND_ON_PREMISES' },
    classification: { confidentiality: 'CONFIDENTIALITY_INTERN' },
    ...extra,
  };
}

// Asserts that `promise` rejects with the gRPC status `code` (a
// grpc.status value) and, when given, a message containing `detail`.
async function assertStatus(promise, code, detail) {
  await assert.rejects(promise, (error) => {
    assert.equal(error.code, code, `status ${error.code}: ${error.details}`);
    if (detail !== undefined) assert.match(error.details, new RegExp(detail));
    return true;
  });
}

before(async () => {
  await server.start();
  stub = client(catalog.CatalogService, server.address, 'steward');
  lineage = client(catalog.LineageService, server.address, 'steward');
});

after(async () => {
  for (const c of [stub, lineage]) if (c) c.close();
  const code = await server.stop();
  assert.equal(code, 0, 'catalogd exits with 0 after SIGTERM');
});

describe('CatalogService', () => {
  const domain = 'Node clienttest';

  test('creates, gets and lists datasets', async () => {
    const created = [];
    for (const id of ['node-wmo-clienten', 'node-brp-kopie', 'node-jeugdzorg']) {
      created.push(await call(stub, 'CreateDataset', {
        dataset: dataset(id, domain, { description: `Aangemaakt door Node: ${id}`, tags: ['node'] }),
      }));
    }
    // Another domain: not in the listing below.
    await call(stub, 'CreateDataset', { dataset: dataset('node-elders', 'Elders') });

    const first = created[0];
    assert.equal(first.id, 'node-wmo-clienten');
    assert.equal(first.title, 'Dataset node-wmo-clienten');
    assert.equal(first.description, 'Aangemaakt door Node: node-wmo-clienten');
    assert.equal(first.domain, domain);
    assert.equal(first.registration_type, 'REGISTRATION_TYPE_SECTORREGISTRATIE');
    assert.equal(first.classification.confidentiality, 'CONFIDENTIALITY_INTERN');
    assert.equal(first.status, 'DATASET_STATUS_COMPLETED', 'the default status');
    assert.deepEqual(first.tags, ['node']);
    assert.ok(Number(first.revision) > 0, `revision ${first.revision}`);
    assert.equal(first.etag, first.revision);
    assert.ok(Number(first.create_time.seconds) > 1000000000);
    const revisions = created.map((d) => Number(d.revision));
    assert.deepEqual(revisions, [...revisions].sort((a, b) => a - b), 'revisions increase');

    const got = await call(stub, 'GetDataset', { id: 'datasets/node-wmo-clienten' });
    assert.deepEqual(got, first, 'GetDataset returns what CreateDataset stored');

    const listed = await call(stub, 'ListDatasets', { filter: { domain } });
    assert.deepEqual(listed.datasets.map((d) => d.id),
      ['node-brp-kopie', 'node-jeugdzorg', 'node-wmo-clienten'], 'by id, this domain only');
    assert.equal(listed.next_page_token, '');

    const paged = await call(stub, 'ListDatasets', { filter: { domain }, page_size: 2 });
    assert.deepEqual(paged.datasets.map((d) => d.id), ['node-brp-kopie', 'node-jeugdzorg']);
    assert.notEqual(paged.next_page_token, '');
    const rest = await call(stub, 'ListDatasets',
      { filter: { domain }, page_size: 2, page_token: paged.next_page_token });
    assert.deepEqual(rest.datasets.map((d) => d.id), ['node-wmo-clienten']);
    assert.equal(rest.next_page_token, '');
  });

  test('a missing dataset is NOT_FOUND', async () => {
    await assertStatus(call(stub, 'GetDataset', { id: 'node-bestaat-niet' }),
      grpc.status.NOT_FOUND);
  });

  test('an invalid dataset is INVALID_ARGUMENT naming the field, and not stored', async () => {
    await assertStatus(
      call(stub, 'CreateDataset', { dataset: dataset('node-zonder-domein', '') }),
      grpc.status.INVALID_ARGUMENT, 'domain');
    await assertStatus(call(stub, 'GetDataset', { id: 'node-zonder-domein' }),
      grpc.status.NOT_FOUND);
    await assertStatus(call(stub, 'CreateDataset', { dataset: dataset('Geen_Geldig_Id', 'X') }),
      grpc.status.INVALID_ARGUMENT, 'id');
  });

  test('a connection without a client certificate is refused', async () => {
    const anonymous = client(catalog.CatalogService, server.address, null);
    try {
      await assertStatus(call(anonymous, 'ListDatasets', {}), grpc.status.UNAVAILABLE);
    } finally {
      anonymous.close();
    }
  });
});

describe('LineageService', () => {
  const domain = 'Node lineage';
  const name = (id) => `datasets/${id}`;

  before(async () => {
    for (const id of ['node-bron', 'node-tussen', 'node-doel']) {
      await call(stub, 'CreateDataset', { dataset: dataset(id, domain) });
    }
  });

  test('edges and a lineage query', async () => {
    const edge = await call(lineage, 'CreateEdge', {
      edge: {
        source: 'node-bron', // A bare id is a dataset.
        target: name('node-tussen'),
        relation: 'LINEAGE_RELATION_DERIVED',
        process: 'nachtelijke-job',
        frequency: 'UPDATE_FREQUENCY_DAILY',
      },
    });
    assert.equal(edge.name, 'lineage/node-bron/datasets/node-tussen');
    assert.equal(edge.source, name('node-bron'));
    assert.equal(edge.target, name('node-tussen'));
    assert.equal(edge.relation, 'LINEAGE_RELATION_DERIVED');
    assert.equal(edge.process, 'nachtelijke-job');
    assert.equal(edge.frequency, 'UPDATE_FREQUENCY_DAILY');
    assert.ok(Number(edge.revision) > 0);

    await call(lineage, 'CreateEdge', {
      edge: { source: name('node-tussen'), target: name('node-doel'), relation: 'LINEAGE_RELATION_SOURCE' },
    });
    const party = await call(lineage, 'CreateParty',
      { party: { id: 'node-cbs', name: 'CBS (Node)', kind: 'PARTY_KIND_CBS' } });
    assert.equal(party.id, 'node-cbs');
    await call(lineage, 'CreateEdge', {
      edge: { source: name('node-doel'), target: 'parties/node-cbs', relation: 'LINEAGE_RELATION_DELIVERY' },
    });

    const got = await call(lineage, 'GetEdge', { source: 'node-bron', target: 'node-tussen' });
    assert.deepEqual(got, edge);

    const down = await call(lineage, 'GetLineage', {
      root: 'node-bron', direction: 'LINEAGE_DIRECTION_DOWNSTREAM', view: 'LINEAGE_VIEW_FULL',
    });
    assert.deepEqual(down.nodes.map((n) => [n.name, n.depth]), [
      [name('node-bron'), 0], [name('node-tussen'), 1], [name('node-doel'), 2],
      ['parties/node-cbs', 3],
    ]);
    assert.equal(down.nodes[1].title, 'Dataset node-tussen');
    assert.equal(down.nodes[1].domain, domain);
    assert.equal(down.nodes[3].party_kind, 'PARTY_KIND_CBS');
    assert.deepEqual(down.edges.map((e) => [e.source, e.target, e.relation]).sort(), [
      [name('node-bron'), name('node-tussen'), 'LINEAGE_RELATION_DERIVED'],
      [name('node-doel'), 'parties/node-cbs', 'LINEAGE_RELATION_DELIVERY'],
      [name('node-tussen'), name('node-doel'), 'LINEAGE_RELATION_SOURCE'],
    ]);
    assert.equal(down.truncated, false);

    const up = await call(lineage, 'GetLineage', {
      root: 'node-doel', direction: 'LINEAGE_DIRECTION_UPSTREAM', max_depth: 1,
    });
    assert.deepEqual(up.nodes.map((n) => [n.name, n.depth]),
      [[name('node-doel'), 0], [name('node-tussen'), 1]]);
    assert.equal(up.nodes[1].more_beyond_depth, true, 'node-bron lies beyond max_depth');

    const edges = await call(lineage, 'ListEdges', { node: 'node-tussen', direction: 'EDGE_DIRECTION_BOTH' });
    assert.deepEqual(edges.edges.map((e) => e.name).sort(), [
      'lineage/node-bron/datasets/node-tussen', 'lineage/node-tussen/datasets/node-doel',
    ]);
  });

  test('lineage errors carry their status codes', async () => {
    await assertStatus(call(lineage, 'GetLineage', { root: 'node-onbekend' }), grpc.status.NOT_FOUND);
    await assertStatus(call(lineage, 'CreateEdge', {
      edge: { source: 'node-bron', target: 'node-onbekend', relation: 'LINEAGE_RELATION_DERIVED' },
    }), grpc.status.NOT_FOUND);
    await assertStatus(call(lineage, 'CreateEdge', {
      edge: { source: 'node-bron', target: 'node-doel' },
    }), grpc.status.INVALID_ARGUMENT, 'edge.relation');
    await assertStatus(call(lineage, 'GetLineage', { root: 'node-bron', max_depth: 51 }),
      grpc.status.INVALID_ARGUMENT, 'max_depth');
  });
});
