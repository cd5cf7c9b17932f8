/**
 * Hard negatives of the context detectors: things that look like names, addresses, birth dates or
 * health details and are not. Each must survive redaction verbatim.
 */
import type { Rng } from '../rng.js';

/** Products, models, tools, companies and places that are also given names or look like names. */
const PRODUCTS = [
  'Claude',
  'Claude 3.5 Sonnet',
  'Claude Code',
  'Jasper',
  'Jasper AI',
  'Alexa',
  'Siri',
  'Gemini',
  'Mistral Large',
  'Llama 3',
  'GitHub Copilot',
  'Devin',
  'Harvey AI',
  'Watson Assistant',
  'Morgan Stanley',
  'Wells Fargo',
  'Ruby on Rails',
  'Julia',
  'Ada',
  'get_account_data',
  'lookup_customer',
  'send_email',
  'Amazon',
  'Jordan',
  'Victoria',
  'Georgia',
  'Sydney',
  'Austin',
];

const PRODUCT_TEMPLATES = [
  'Ask {v} to summarise the ticket.',
  'We switched the support bot to {v} last week.',
  'The agent called {v} twice with the same arguments.',
  'Shipping to {v} takes five business days.',
  '{v} returned an empty result for tenant acme.',
  'Compare {v} with the previous model on the eval set.',
  'tool={v} status=error latency_ms=812',
];

/** Paths, routes and identifiers with street words and numbers. */
const CODE_PATHS = [
  'src/street/main.ts',
  'app/routes/12-main-street.tsx',
  '/v1/road/42/lanes',
  'lib/Avenue.ts',
  'components/MainStreet.tsx',
  'road_map_v2.md',
  'packages/court/3/rules.json',
  'GET /api/v1/streets/221?limit=5',
  'infra/terraform/route53/main.tf',
  '3 Way merge',
  'docs/Place/10_Downing.md',
  'Drive 2 upload failed',
];

/** Dates without birth context: releases, deadlines, timestamps. */
function releaseDate(r: Rng): string {
  const y = r.int(2018, 2025);
  const m = String(r.int(1, 12)).padStart(2, '0');
  const d = String(r.int(1, 28)).padStart(2, '0');
  return r.pick([
    `released on ${y}-${m}-${d}`,
    `v${r.int(1, 9)}.${r.int(0, 20)} (${y}-${m}-${d})`,
    `shipped ${m}/${d}/${y}`,
    `Release date: March ${r.int(1, 28)}, ${y}`,
    `deadline ${d}.${m}.${y}`,
    `created_at=${y}-${m}-${d}T10:${m}:00Z`,
    `since ${y}-${m}-01`,
  ]);
}

/** Package names and topics that contain drug or condition words. */
const DRUG_LIKE = [
  'npm i xanax-ui',
  'prozac.js',
  '@acme/metformin-utils',
  'pip install insulin-sim==0.3',
  'the lyrica package',
  'import adderall from "adderall"',
  'the Great Depression',
  'depression in the housing market',
  'a cancer on the codebase',
  'asthma-dataset v2',
  'lithium-ion battery',
  'the insulin pump API docs',
  'diabetes guideline summary',
];

export function hardNegative(r: Rng): string {
  switch (r.int(0, 3)) {
    case 0:
      return r.pick(PRODUCTS);
    case 1:
      return r.pick(CODE_PATHS);
    case 2:
      return releaseDate(r);
    default:
      return r.pick(DRUG_LIKE);
  }
}

/** A sentence around a product name (the whole sentence must survive). */
export function productSentence(r: Rng): { text: string; negative: string } {
  const v = r.pick(PRODUCTS);
  return { text: r.pick(PRODUCT_TEMPLATES).replace('{v}', v), negative: v };
}
