import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The fields of the generic JSON webhook body (payload.ts) that tests look at. */
export interface JsonWebhookBody {
  state: string;
  tenant: string;
  rule: { id: string; name: string; kind: string; severity: string };
  summary: string;
  threshold: number;
}

/** A real webhook receiver on 127.0.0.1:0 that records bodies; its answer is scriptable. */
export interface Receiver {
  url: string;
  bodies: unknown[];
  /** Status to answer for the n-th request (0-based); 200 when it returns undefined. */
  statusFor: (n: number) => number | undefined;
  /** While set, requests are held open until `release()`. */
  hold: boolean;
  release(): void;
  /** Resolves once at least `n` requests have arrived. */
  waitFor(n: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const held: ServerResponse[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  let requests = 0;
  const receiver: Receiver = {
    url: '',
    bodies: [],
    statusFor: () => undefined,
    hold: false,
    release() {
      receiver.hold = false;
      for (const res of held.splice(0)) res.writeHead(200).end('ok');
    },
    waitFor(n) {
      return new Promise<void>((resolve) => {
        if (requests >= n) resolve();
        else waiters.push({ n, resolve });
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        receiver.release();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const n = requests++;
      receiver.bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      for (const w of waiters.filter((x) => requests >= x.n)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
      if (receiver.hold) {
        held.push(res);
        return;
      }
      res.writeHead(receiver.statusFor(n) ?? 200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return receiver;
}

/** A URL nobody listens on: a port that was just free. */
export async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/hook`;
}
