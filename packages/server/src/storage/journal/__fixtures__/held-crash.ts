// Run by held-transaction.test.ts, then killed with SIGKILL while its held transaction is open.
import { openHeld, payloadOf, request } from './held-requests.js';

const [dataDir, committed, held, spansPerHeld] = process.argv
  .slice(2)
  .map((a, i) => (i === 0 ? a : Number(a))) as [string, number, number, number];
const j = await openHeld(dataDir);
for (let i = 0; i < committed; i++) await j.writer.write(request(i, 5), payloadOf(i, 5));
await j.writer.visible();
for (let i = committed; i < committed + held; i++) {
  await j.writer.write(request(i, spansPerHeld), payloadOf(i, spansPerHeld));
}
const rows = held * (spansPerHeld + 2);
while (j.storage.heldTransaction.heldRows < rows) await new Promise((r) => setTimeout(r, 20));
console.log(
  `held ${j.storage.heldTransaction.heldRows} rows, committed ${await j.count('spans')} spans`,
);
setInterval(() => {}, 60_000);
