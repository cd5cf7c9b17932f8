import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './clickhouse.js';

/**
 * A standalone ZooKeeper (Debian's `libzookeeper-java`, installed by scripts/install-test-deps.sh),
 * the coordination service ClickHouse 18.16 needs for `ON CLUSTER` DDL: the distributed DDL queue
 * lives in it. ClickHouse Keeper speaks the same protocol on current releases.
 */
export interface ZooKeeper {
  host: string;
  port: number;
  stop(): Promise<void>;
  logs(): string;
}

/** The jar whose manifest names its dependencies' jars, so it alone is the classpath. */
export const ZOOKEEPER_JAR = '/usr/share/java/zookeeper.jar';
const SLF4J_SIMPLE_JAR = '/usr/share/java/slf4j-simple.jar';

export function zooKeeperInstalled(): boolean {
  return existsSync(ZOOKEEPER_JAR);
}

/**
 * ZooKeeper's four-letter `srvr` names the mode once the server serves clients (`ruok` answers
 * earlier: a ClickHouse 18.16 that connects then is dropped, and crashes later on its null session).
 */
function serving(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let answer = '';
    socket.setTimeout(1_000, () => socket.destroy());
    socket.on('connect', () => socket.write('srvr'));
    socket.on('data', (d: Buffer) => {
      answer += d.toString();
    });
    socket.on('error', () => resolve(false));
    socket.on('close', () => resolve(/^Mode: standalone$/m.test(answer)));
  });
}

export async function startZooKeeper(): Promise<ZooKeeper> {
  if (!zooKeeperInstalled()) {
    throw new Error(
      'ZooKeeper is not installed (npm test installs libzookeeper-java with apt-get)',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'tenantry-zk-'));
  mkdirSync(join(dir, 'data'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'zoo.cfg'),
    [
      'tickTime=500',
      `dataDir=${join(dir, 'data')}`,
      `clientPort=${port}`,
      'clientPortAddress=127.0.0.1',
      'admin.enableServer=false',
      '4lw.commands.whitelist=srvr',
      // Test data is thrown away: no fsync per transaction.
      'forceSync=no',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(
    'java',
    [
      '-Xmx256m',
      `-Dorg.slf4j.simpleLogger.defaultLogLevel=${process.env.TENANTRY_ZK_LOG ?? 'warn'}`,
      '-cp',
      // slf4j-simple (a dependency of Debian's package) so refusals reach the failure message.
      existsSync(SLF4J_SIMPLE_JAR) ? `${ZOOKEEPER_JAR}:${SLF4J_SIMPLE_JAR}` : ZOOKEEPER_JAR,
      'org.apache.zookeeper.server.ZooKeeperServerMain',
      join(dir, 'zoo.cfg'),
    ],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const zk: ZooKeeper = {
    host: '127.0.0.1',
    port,
    logs: () => out,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + 60_000;
  while (!(await serving(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await zk.stop();
      throw new Error(`ZooKeeper did not start on port ${port}:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return zk;
}
