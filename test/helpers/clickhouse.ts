import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Real ClickHouse servers for tests and benchmarks: each one in its own temp dir, on free loopback
 * ports, with a generated config. Debian's clickhouse-server 18.16 is what these machines have; the
 * same configs work on current releases (the <yandex> root is still accepted).
 */

const BINARIES = ['/usr/bin/clickhouse-server', '/usr/sbin/clickhouse-server'];

export function clickHouseBinary(): string | null {
  return BINARIES.find((b) => existsSync(b)) ?? null;
}

export interface ClickHouseNode {
  /** HTTP interface, e.g. http://127.0.0.1:41234 */
  url: string;
  /** HTTPS interface when started with `tls`, e.g. https://127.0.0.1:41235 */
  httpsUrl?: string;
  httpPort: number;
  tcpPort: number;
  dir: string;
  child: ChildProcess;
  /**
   * Stops the process and removes its directory. Tests throw the data away, so the default is
   * SIGKILL; `graceful` sends SIGTERM first (SIGKILL after 5 s).
   */
  stop(options?: { graceful?: boolean }): Promise<void>;
  /** The server's log files, for failure messages. */
  logs(): string;
}

export interface ClickHouseCluster {
  name: string;
  nodes: ClickHouseNode[];
  /** Every node's HTTP URL, comma-separated: the adapter runs DDL and mutations on each. */
  urls(first?: number): string;
  stop(): Promise<void>;
}

/**
 * A port to give a server we start. Picked at random below the kernel's ephemeral range (32768+):
 * a port the kernel handed out there can be taken by any outgoing connection (a client, ZooKeeper's
 * Java) between our check and the server's bind, which failed CI with "Address already in use".
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await canListen(port)) return port;
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

interface NodePorts {
  httpPort: number;
  tcpPort: number;
  interserverPort: number;
  httpsPort?: number;
}

export interface StartOptions {
  /** Serve https too, with this certificate and key (PEM files). */
  tls?: { certFile: string; keyFile: string };
  /** Extra users (name → password), allowed from loopback like `default`. */
  users?: Record<string, string>;
  /** Keep the server's files here, and keep them on stop (benchmarks reuse a seeded server). */
  dir?: string;
}

function tlsXml(ports: NodePorts, tls: StartOptions['tls']): string {
  if (!tls || ports.httpsPort === undefined) return '';
  return `<https_port>${ports.httpsPort}</https_port>
  <openSSL><server><certificateFile>${tls.certFile}</certificateFile><privateKeyFile>${tls.keyFile}</privateKeyFile><verificationMode>none</verificationMode><loadDefaultCAFile>false</loadDefaultCAFile><cacheSessions>true</cacheSessions><disableProtocols>sslv2,sslv3</disableProtocols><preferServerCiphers>true</preferServerCiphers></server></openSSL>`;
}

function remoteServersXml(name: string, shards: NodePorts[]): string {
  const shardXml = shards
    .map((s) => `<shard><replica><host>127.0.0.1</host><port>${s.tcpPort}</port></replica></shard>`)
    .join('');
  return `<remote_servers><${name}>${shardXml}</${name}></remote_servers>`;
}

/** Coordination for `ON CLUSTER` DDL: every node reads the same distributed DDL queue. */
function keeperXml(keeper: { host: string; port: number } | undefined): string {
  if (!keeper) return '';
  return `<zookeeper><node><host>${keeper.host}</host><port>${keeper.port}</port></node><session_timeout_ms>10000</session_timeout_ms></zookeeper>
  <distributed_ddl><path>/clickhouse/task_queue/ddl</path></distributed_ddl>`;
}

function configXml(dir: string, ports: NodePorts, remoteServers: string, tls = ''): string {
  return `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${dir}/log/server.log</log><errorlog>${dir}/log/err.log</errorlog><size>50M</size><count>1</count></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${ports.httpPort}</http_port>
  <tcp_port>${ports.tcpPort}</tcp_port>
  <interserver_http_port>${ports.interserverPort}</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <mark_cache_size>268435456</mark_cache_size>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <max_concurrent_queries>200</max_concurrent_queries>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  ${tls}
  ${remoteServers}
</yandex>
`;
}

const userXml = (name: string, password: string) =>
  `<${name}><password>${password}</password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></${name}>`;

const usersXml = (users: Record<string, string> = {}) => `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>4000000000</max_memory_usage></default></profiles>
  <users>${userXml('default', '')}${Object.entries(users)
    .map(([n, p]) => userXml(n, p))
    .join('')}</users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`;

async function allocatePorts(): Promise<NodePorts> {
  return {
    httpPort: await freePort(),
    tcpPort: await freePort(),
    interserverPort: await freePort(),
  };
}

async function waitReady(url: string, child: ChildProcess, logs: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`clickhouse-server exited with ${child.exitCode}:\n${logs()}`);
    }
    try {
      const res = await fetch(`${url}/ping`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`clickhouse-server at ${url} did not become ready:\n${logs()}`);
}

async function launch(
  ports: NodePorts,
  remoteServers: string,
  options: StartOptions = {},
): Promise<ClickHouseNode> {
  const binary = clickHouseBinary();
  if (!binary) {
    throw new Error('clickhouse-server is not installed (npm test installs it with apt-get)');
  }
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'tenantry-ch-'));
  for (const sub of ['log', 'data', 'tmp', 'user_files', 'format_schemas']) {
    mkdirSync(join(dir, sub), { recursive: true });
  }
  writeFileSync(
    join(dir, 'config.xml'),
    configXml(dir, ports, remoteServers, tlsXml(ports, options.tls)),
  );
  writeFileSync(join(dir, 'users.xml'), usersXml(options.users));
  const child = spawn(binary, [`--config-file=${join(dir, 'config.xml')}`], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out = (out + d.toString()).slice(-20_000);
  });
  child.stderr?.on('data', (d: Buffer) => {
    out = (out + d.toString()).slice(-20_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const logs = () => {
    const err = join(dir, 'log', 'err.log');
    return `${out}\n${existsSync(err) ? readFileSync(err, 'utf8').slice(-20_000) : ''}`;
  };
  const url = `http://127.0.0.1:${ports.httpPort}`;
  const node: ClickHouseNode = {
    url,
    ...(options.tls ? { httpsUrl: `https://127.0.0.1:${ports.httpsPort}` } : {}),
    httpPort: ports.httpPort,
    tcpPort: ports.tcpPort,
    dir,
    child,
    logs,
    async stop({ graceful = false } = {}) {
      if (child.exitCode === null) {
        child.kill(graceful ? 'SIGTERM' : 'SIGKILL');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await waitReady(url, child, logs);
  } catch (err) {
    await node.stop();
    throw err;
  }
  return node;
}

/** One ClickHouse server (no cluster). */
export async function startClickHouse(options: StartOptions = {}): Promise<ClickHouseNode> {
  for (let attempt = 1; ; attempt++) {
    const ports = await allocatePorts();
    if (options.tls) ports.httpsPort = await freePort();
    try {
      return await launch(ports, '', options);
    } catch (err) {
      // Another process took a port between the check and the bind: new ports, once or twice.
      if (attempt >= 3 || !/Address already in use/.test(String(err))) throw err;
    }
  }
}

/**
 * `shards` ClickHouse servers, each one shard of cluster `name` (declared in every node's
 * remote_servers), so a Distributed table on any node spans all of them. With `keeper` (a
 * ZooKeeper, test/helpers/zookeeper.ts) the nodes share a distributed DDL queue: `ON CLUSTER` runs.
 */
export async function startClickHouseCluster(
  shards = 2,
  name = 'tenantry_test',
  options: { keeper?: { host: string; port: number } } = {},
): Promise<ClickHouseCluster> {
  const ports: NodePorts[] = [];
  for (let i = 0; i < shards; i++) ports.push(await allocatePorts());
  const remote = remoteServersXml(name, ports) + keeperXml(options.keeper);
  const nodes = await Promise.all(ports.map((p) => launch(p, remote)));
  return {
    name,
    nodes,
    urls(first = 0) {
      const order = nodes.map((_, i) => nodes[(i + first) % nodes.length]!);
      return order.map((n) => n.url).join(',');
    },
    async stop() {
      await Promise.all(nodes.map((n) => n.stop()));
    },
  };
}

export interface TestCa {
  /** The CA certificate (PEM): what a client trusts. */
  caFile: string;
  /** A server certificate for 127.0.0.1 and localhost, signed by the CA, and its key. */
  certFile: string;
  keyFile: string;
}

/** A private CA and a server certificate it signed, made with openssl in `dir` (valid 2 days). */
export function makeTestCa(dir: string): TestCa {
  const f = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=tenantry test CA',
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.pem'),
  );
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=127.0.0.1',
    '-keyout',
    f('server.key'),
    '-out',
    f('server.csr'),
  );
  writeFileSync(f('ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(
    'x509',
    '-req',
    '-in',
    f('server.csr'),
    '-CA',
    f('ca.pem'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    f('ext.cnf'),
    '-out',
    f('server.pem'),
  );
  return { caFile: f('ca.pem'), certFile: f('server.pem'), keyFile: f('server.key') };
}
