/** Hard negatives for the corpus: values that look like PII or secrets but are not. */
import { cardLikeInvalid, mod97 } from './fakes.js';
import { ALNUM, HEX, type Rng, UPPER_ALNUM } from './rng.js';

/** IBAN-shaped strings whose mod-97 check fails. */
export function ibanLikeInvalid(r: Rng): string {
  const bban = r.digits(18);
  const check = String(98 - mod97(`${bban}DE00`)).padStart(2, '0');
  const wrong = String((Number(check) + r.int(1, 40)) % 97).padStart(2, '0');
  return `DE${wrong === check ? '00' : wrong}${bban}`;
}

/** Values that look like PII or secrets but are not; none may be redacted. */
export function hardNegative(r: Rng): string {
  return r.pick([
    () => `ORD-${r.digits(10)}`,
    () => `order #${r.digits(8)}`,
    () => `INV-${r.int(2019, 2026)}-${r.digits(6)}`,
    () =>
      `${r.int(2019, 2026)}-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}T${String(r.int(0, 23)).padStart(2, '0')}:${r.int(10, 59)}:${r.int(10, 59)}Z`,
    () =>
      `${r.int(2019, 2026)}-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')} ${r.int(10, 23)}:${r.int(10, 59)}`,
    () => String(1_600_000_000 + r.int(0, 200_000_000)),
    () => String(1_600_000_000_000 + r.int(0, 2e11)),
    () => [8, 4, 4, 4, 12].map((n) => r.fromAlphabet(HEX, n)).join('-'),
    () => r.fromAlphabet(HEX, 40),
    () => r.fromAlphabet(HEX, 7),
    () => cardLikeInvalid(r),
    () => `v${r.int(0, 9)}.${r.int(0, 30)}.${r.int(0, 99)}`,
    () => `${r.int(0, 9)}.${r.int(0, 30)}.${r.int(0, 99)}`,
    () => `${r.int(1, 9)}.${r.int(0, 9)}.${r.int(0, 9)}-beta.${r.int(1, 9)}`,
    () => `$${r.int(1, 9999)}.${r.digits(2)}`,
    () => `€${r.int(1, 99)},${r.digits(2)}`,
    () => `USD ${r.int(1, 999)},${r.digits(3)}.${r.digits(2)}`,
    () => `${r.int(1, 99)}%`,
    () => `${r.int(900, 999)}-${r.digits(2)}-${r.digits(4)}`,
    () => `000-${r.digits(2)}-${r.digits(4)}`,
    () => `${r.int(2, 9)}${r.digits(2)}-${r.digits(4)}`,
    () => `sku ${r.fromAlphabet(UPPER_ALNUM, 10)}`,
    () => `build ${r.int(1000, 99999)}`,
    () => `${r.int(1, 12)}/${r.int(1, 28)}/${r.int(2019, 2026)}`,
    () => `port ${r.int(1024, 65535)}`,
    () => `@${r.pick(['tenantry', 'types', 'vitest'])}/${r.pick(['redact', 'node', 'core'])}`,
    () => `${r.pick(['react', 'zod', 'vite'])}@${r.int(1, 19)}.${r.int(0, 9)}.${r.int(0, 9)}`,
    () => `std::vector`,
    () => `${r.int(10, 23)}:${r.int(10, 59)}:${r.int(10, 59)}`,
    () => `tokens: ${r.int(100, 99999)}`,
    () => `sk-learn`,
    () => `a Basic plan`,
    () => `the bearer of news`,
    () => `ISBN 978-${r.digits(1)}-${r.digits(3)}-${r.digits(5)}-${r.digits(1)}`,
    () => ibanLikeInvalid(r),
    () => `Content-Length: ${r.int(100, 999999)}`,
    () => `HTTP/1.1 ${r.pick([200, 404, 503])}`,
    () => `${r.int(-89, 89)}.${r.digits(4)},${r.int(-179, 179)}.${r.digits(4)}`,
    () => `nginx:1.${r.int(10, 27)}.${r.int(0, 9)}`,
    () => `localhost:${r.int(3000, 9999)}`,
    () => `took ${r.int(1, 9999)}.${r.digits(2)}ms`,
    () => `${r.int(1, 999)},${r.digits(3)},${r.digits(3)} rows`,
    () =>
      `${String(r.int(1, 28)).padStart(2, '0')}.${String(r.int(1, 12)).padStart(2, '0')}.${r.int(2019, 2026)}`,
    () =>
      `${r.int(2019, 2026)}/${String(r.int(1, 12)).padStart(2, '0')}/${String(r.int(1, 28)).padStart(2, '0')}`,
    () => `00:${r.int(10, 59)}:${r.int(10, 59)}.${r.digits(3)}`,
    () => `sha256:${r.fromAlphabet(HEX, 64)}`,
    () => `${r.fromAlphabet(ALNUM, 43)}=`,
    () =>
      `api-${r.fromAlphabet(HEX, 10)}-${r.fromAlphabet('abcdefghijklmnopqrstuvwxyz0123456789', 5)}`,
    () => `arn:aws:iam::${r.digits(12)}:role/agent`,
    () =>
      `${r.int(2019, 2026)}${String(r.int(1, 12)).padStart(2, '0')}${String(r.int(1, 28)).padStart(2, '0')}${String(r.int(0, 23)).padStart(2, '0')}${r.int(10, 59)}${r.int(10, 59)}`,
    () => `+${r.int(1, 9)} votes`,
    () => `SKU 00${r.digits(2)}-${r.digits(4)}-${r.digits(4)}`,
    () => `pid ${r.int(100, 99999)} exited with code ${r.int(0, 255)}`,
  ])();
}
