'use strict';
// Helpers of the Node client test: the catalog.v1 stubs loaded from protos/
// at run time (@grpc/proto-loader), mutual TLS credentials from the test
// PKI, and one real catalogd on 127.0.0.1:0.
//
// The environment is the one ctest gives every client test
// (tests/CMakeLists.txt, CATALOG_TEST_ENV):
//   CATALOG_TEST_CERTS  ca.pem, server.pem/.key, <principal>.pem/.key
//   CATALOG_BIN_DIR     build/bin with catalogd
//   CATALOG_SOURCE_DIR  the repository (protos/, scripts/dev/policy.toml)
// The principals and their roles are those of scripts/dev/policy.toml
// (see tests/python/catalog_testlib.py): admin, steward (of every domain),
// reader, auditor.

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');

// A package of tests/node/node_modules, with what to do when it is missing.
function requireInstalled(name) {
  try {
    return require(name);
  } catch (error) {
    if (error.code !== 'MODULE_NOT_FOUND') throw error;
    throw new Error(`${name} is not installed in tests/node/node_modules: ` +
      'run scripts/install-deps.sh (it runs npm ci there)');
  }
}

const grpc = requireInstalled('@grpc/grpc-js');
const protoLoader = requireInstalled('@grpc/proto-loader');

// Milliseconds allowed for one RPC, for catalogd to print its port, and
// for it to exit after SIGTERM (its own grace is 10 s).
const RPC_TIMEOUT_MS = 10000;
const START_TIMEOUT_MS = 30000;
const STOP_TIMEOUT_MS = 20000;
const READY = /^catalogd listening on port (\d+)\s*$/;

function envDir(name) {
  const value = process.env[name] || '';
  if (!value) {
    throw new Error(`${name} is not set: run this test through ctest (see tests/CMakeLists.txt)`);
  }
  return value;
}

function sourceDir() {
  return process.env.CATALOG_SOURCE_DIR || path.resolve(__dirname, '..', '..');
}

function certPath(name) {
  return path.join(envDir('CATALOG_TEST_CERTS'), name);
}

// The catalog.v1 package, from the .proto files of the repository. Enums
// as their names, 64-bit integers as decimal strings, every field present
// (proto3 defaults) in what the server returns.
function loadCatalogPackage() {
  const protoDir = path.join(sourceDir(), 'protos');
  const files = ['catalog_service.proto', 'lineage_service.proto'].map(
    (file) => path.join(protoDir, 'catalog', 'v1', file));
  const definition = protoLoader.loadSync(files, {
    includeDirs: [protoDir],
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  return grpc.loadPackageDefinition(definition).catalog.v1;
}

// Mutual TLS as `principal` ("steward", "admin", ...); null: no client
// certificate.
function credentials(principal) {
  const root = fs.readFileSync(certPath('ca.pem'));
  if (principal === null) {
    return grpc.credentials.createSsl(root);
  }
  return grpc.credentials.createSsl(
    root,
    fs.readFileSync(certPath(`${principal}.key`)),
    fs.readFileSync(certPath(`${principal}.pem`)));
}

// A client of `Service` (e.g. catalog.CatalogService) at `address`
// (127.0.0.1:port). The server certificate is checked for "localhost", one
// of its names: TLS does not send an IP address as the server name.
function client(Service, address, principal) {
  return new Service(address, credentials(principal),
    { 'grpc.ssl_target_name_override': 'localhost' });
}

// Calls the unary `method` of `stub` with `request`; a promise of the
// response, rejected with the grpc-js error (code, details).
function call(stub, method, request) {
  return new Promise((resolve, reject) => {
    const deadline = new Date(Date.now() + RPC_TIMEOUT_MS);
    stub[method](request, { deadline }, (error, response) => {
      if (error) {
        reject(error);
      } else {
        resolve(response);
      }
    });
  });
}

// One catalogd process over a temporary data directory; its logs (stderr)
// go to a file there and are quoted when it fails to start.
class CatalogServer {
  constructor() {
    this.workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'catalog-node-client-test-'));
    this.process = null;
    this.port = null;
    this.logPath = path.join(this.workDir, 'catalogd.log');
  }

  get address() {
    return `127.0.0.1:${this.port}`;
  }

  command() {
    return [
      path.join(envDir('CATALOG_BIN_DIR'), 'catalogd'), 'serve',
      '--listen', '127.0.0.1:0',
      '--data-dir', path.join(this.workDir, 'data'),
      '--tls-cert', certPath('server.pem'),
      '--tls-key', certPath('server.key'),
      '--client-ca', certPath('ca.pem'),
      '--policy', path.join(sourceDir(), 'scripts', 'dev', 'policy.toml'),
    ];
  }

  logTail() {
    const text = fs.existsSync(this.logPath) ? fs.readFileSync(this.logPath, 'utf8') : '';
    return `catalogd log (last lines):\n${text.split('\n').slice(-30).join('\n')}`;
  }

  // Starts catalogd; resolves with the port it printed.
  start() {
    const [program, ...args] = this.command();
    const log = fs.openSync(this.logPath, 'w');
    this.process = spawn(program, args, { stdio: ['ignore', 'pipe', log] });
    fs.closeSync(log);
    return new Promise((resolve, reject) => {
      const fail = (why) => {
        clearTimeout(timer);
        reject(new Error(`${why}\n${this.logTail()}`));
      };
      const timer = setTimeout(() => {
        this.process.kill('SIGKILL');
        fail(`catalogd printed no port within ${START_TIMEOUT_MS} ms`);
      }, START_TIMEOUT_MS);
      this.process.once('error', (error) => fail(`catalogd did not start: ${error.message}`));
      this.process.once('exit', (code, signal) => {
        if (this.port === null) fail(`catalogd exited (${code ?? signal}) before listening`);
      });
      readline.createInterface({ input: this.process.stdout }).on('line', (line) => {
        const match = READY.exec(line);
        if (match && this.port === null) {
          this.port = Number(match[1]);
          clearTimeout(timer);
          resolve(this.port);
        }
      });
    });
  }

  // SIGTERM and wait; resolves with the exit code (null for a signal).
  // SIGKILL when it does not exit in time (then rejects). Removes the
  // temporary directory unless CATALOG_KEEP_TEST_DIRS is set.
  async stop() {
    const child = this.process;
    this.process = null;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      let timer;
      const late = new Promise((resolve) => {
        timer = setTimeout(() => resolve('late'), STOP_TIMEOUT_MS);
      });
      const code = await Promise.race([exited, late]);
      clearTimeout(timer);
      if (code === 'late') {
        child.kill('SIGKILL');
        throw new Error(`catalogd did not exit within ${STOP_TIMEOUT_MS} ms of SIGTERM`);
      }
      this.removeWorkDir();
      return code;
    }
    this.removeWorkDir();
    return child ? child.exitCode : null;
  }

  removeWorkDir() {
    if (!['', '0'].includes(process.env.CATALOG_KEEP_TEST_DIRS || '')) return;
    fs.rmSync(this.workDir, { recursive: true, force: true });
  }
}

module.exports = {
  CatalogServer, call, client, grpc, loadCatalogPackage,
};
