/** Filler prose for long prompts: words, code-ish tokens, numbers and harmless punctuation. */
import type { Rng } from './rng.js';

const WORDS = (
  'the a an to of and in for on with as by from that this it is are was be can will should ' +
  'agent tool call model user tenant request response latency error retry timeout trace span ' +
  'summary context window prompt answer question document search result memory cache store ' +
  'please explain why the deployment failed after we updated config and restarted workers ' +
  'customer account billing invoice refund shipping address delivery status update report ' +
  'function returns value array object string number boolean null undefined promise async ' +
  'quickly carefully again never always sometimes usually before after during between ' +
  'database query index table column row schema migration version release branch commit'
).split(' ');

const CODE = [
  'const x = await fetch(url);',
  'SELECT id, name FROM users WHERE active = true;',
  '`npm run build`',
  'if (err) return;',
  '{"ok": true}',
  'https://docs.example.com/guide/getting-started',
  'GET /api/v1/runs?limit=50',
  'std::vector<int>',
  'x => x + 1',
  '# Heading',
  '- item one',
];

function sentence(r: Rng): string {
  const n = r.int(6, 18);
  const words: string[] = [];
  for (let i = 0; i < n; i++) {
    if (r.chance(0.04)) words.push(String(r.int(0, 500)));
    else words.push(r.pick(WORDS));
  }
  const first = words[0]!;
  words[0] = first[0]!.toUpperCase() + first.slice(1);
  return `${words.join(' ')}${r.pick(['.', '.', '.', '?', '!', ':'])}`;
}

/** About `chars` characters of prose, in paragraphs, with occasional code lines. */
export function prose(r: Rng, chars: number): string {
  const parts: string[] = [];
  let len = 0;
  while (len < chars) {
    const piece = r.chance(0.08) ? r.pick(CODE) : sentence(r);
    parts.push(piece);
    len += piece.length + 1;
    if (r.chance(0.1)) {
      parts.push('\n\n');
      len += 2;
    }
  }
  return parts.join(' ');
}
