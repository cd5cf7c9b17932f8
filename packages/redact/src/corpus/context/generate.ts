/**
 * The labelled corpus of the context types (PERSON, ADDRESS, DATE_OF_BIRTH, HEALTH): prompts,
 * tool arguments, log lines and JSON strings in English, German and French, with hard negatives
 * (products, code paths, release dates, drug-like package names) mixed into a third of the cases
 * and alone in others. Seeded: a fixed seed gives the same cases everywhere.
 */
import type { Entity, LabeledCase } from '../generate.js';
import { Rng } from '../rng.js';
import { hardNegative, productSentence } from './negatives.js';
import {
  address,
  birthDate,
  CONDITIONS,
  firstName,
  MEDICATIONS,
  person,
  titled,
} from './values.js';

type Lang = 'en' | 'de' | 'fr';
type Make = (r: Rng) => { text: string; entities: Entity[] };

const one =
  (type: Entity['type'], templates: string[], value: (r: Rng) => string): Make =>
  (r) => {
    const v = value(r);
    return { text: r.pick(templates).replace('{v}', v), entities: [{ type, value: v }] };
  };

const PERSON_EN = [
  'My name is {v} and I need help with my order.',
  'Please update the account for {v}.',
  '{v} called about the refund yesterday.',
  "Hi, I'm {v}. The agent keeps looping.",
  'Dear {v},\nyour ticket has been resolved.',
  'Thanks,\n{v}',
  'Customer {v} reported that the invoice doubled.',
  'Forward this to {v} in billing.',
  'The reservation is under {v}.',
  'Best regards, {v}',
  'Can you check why {v} was charged twice?',
  'I spoke with {v} from the Denver office.',
];
const PERSON_DE = [
  'Ich heiße {v} und habe eine Frage zur Rechnung.',
  'Mit freundlichen Grüßen\n{v}',
];
const PERSON_FR = ["Je m'appelle {v}, j'ai un problème de facture.", 'Cordialement, {v}'];

const ADDRESS_T: Record<Lang, string[]> = {
  en: [
    'Please ship it to {v}.',
    'I live at {v}.',
    'New billing address: {v}',
    'Deliver to {v} before Friday.',
    'My address changed to {v} last month.',
    'Send the replacement card to {v}, thanks.',
  ],
  de: ['Lieferadresse: {v}', 'Ich wohne in der {v}.', 'Bitte an {v} schicken.'],
  fr: ["J'habite au {v}.", 'Adresse de livraison : {v}', 'Envoyez-le au {v} svp.'],
};

const DOB_T: Record<Lang, string[]> = {
  en: [
    'I was born on {v}.',
    'DOB: {v}',
    'Date of birth {v}, please verify.',
    'My birthday is {v} if you need it.',
    'Patient (born {v}) reports dizziness.',
    'dob={v} plan=pro',
    'Birthdate: {v}',
  ],
  de: ['Ich bin am {v} geboren.', 'Geburtsdatum: {v}', 'geboren am {v} in Köln'],
  fr: ['Je suis née le {v}.', 'Date de naissance : {v}', 'né le {v} à Lyon'],
};

const HEALTH_T = {
  condition: [
    'I was diagnosed with {v} last year.',
    'My {v} is getting worse since the new job.',
    'Patient has a history of {v}.',
    'I suffer from {v}, can I still get the insurance?',
    'She was treated for {v} in 2019.',
    'Ich leide an {v}.',
    'Je souffre de {v} depuis 2015.',
  ],
  medication: [
    'I take {v} every morning.',
    'My doctor prescribed {v} 20 mg.',
    'Can I drink alcohol while taking {v}?',
    'Refill my {v} prescription please.',
    'He is on {v} for two years now.',
    'Ich nehme {v} seit März.',
  ],
};

const lang = (r: Rng): Lang => (r.chance(0.7) ? 'en' : r.chance(0.5) ? 'de' : 'fr');

const MAKERS: Record<string, Make> = {
  person: one('PERSON', [...PERSON_EN, ...PERSON_DE, ...PERSON_FR], person),
  titled: (r) => {
    const t = titled(r);
    const text = r.pick([
      `Please call ${t.prefix} ${t.value} back.`,
      `Appointment with ${t.prefix} ${t.value} on Monday.`,
      `${t.prefix} ${t.value} asked for the report.`,
    ]);
    return { text, entities: [{ type: 'PERSON', value: t.value }] };
  },
  firstOnly: one(
    'PERSON',
    ['My name is {v}.', 'Hi {v}, thanks for reaching out!', 'Dear {v},', 'Signed, {v}'],
    firstName,
  ),
  address: (r) => {
    const l = lang(r);
    const style = l === 'de' ? 'DE' : l === 'fr' ? 'FR' : r.pick(['US', 'UK', 'US', 'UK'] as const);
    return one('ADDRESS', ADDRESS_T[l], (x) => address(x, style))(r);
  },
  dob: (r) => {
    const l = lang(r);
    return one('DATE_OF_BIRTH', DOB_T[l], (x) => birthDate(x, l))(r);
  },
  condition: one('HEALTH', HEALTH_T.condition, (r) => r.pick(CONDITIONS)),
  medication: one('HEALTH', HEALTH_T.medication, (r) => r.pick(MEDICATIONS)),
  mixed: (r) => {
    const p = person(r);
    const a = address(r, 'US');
    const d = birthDate(r);
    const h = r.pick(CONDITIONS);
    return {
      text: `My name is ${p}, I live at ${a}, born ${d}, and my ${h} medication ran out.`,
      entities: [
        { type: 'PERSON', value: p },
        { type: 'ADDRESS', value: a },
        { type: 'DATE_OF_BIRTH', value: d },
        { type: 'HEALTH', value: h },
      ],
    };
  },
};

/** Tool arguments as agents pass them: the key says what the value is. */
function toolArgs(r: Rng): { input: unknown; entities: Entity[] } {
  const p = person(r);
  const [first, ...rest] = p.split(' ');
  switch (r.int(0, 5)) {
    case 0:
      return {
        input: { tool: 'get_account_data', args: { customer_name: p, plan: 'pro' } },
        entities: [{ type: 'PERSON', value: p }],
      };
    case 1:
      return {
        input: { first_name: first, last_name: rest.join(' '), tier: 'gold' },
        entities: [
          { type: 'PERSON', value: first! },
          { type: 'PERSON', value: rest.join(' ') },
        ],
      };
    case 2: {
      const a = address(r);
      return {
        input: { name: 'update_shipping', arguments: { shipping_address: a, express: true } },
        entities: [{ type: 'ADDRESS', value: a }],
      };
    }
    case 3: {
      const d = birthDate(r);
      return {
        input: { patient: { dob: d, id: `p-${r.int(1, 999)}` } },
        entities: [{ type: 'DATE_OF_BIRTH', value: d }],
      };
    }
    case 4: {
      const m = r.pick(MEDICATIONS);
      const c = r.pick(CONDITIONS);
      return {
        input: { diagnosis: c, medications: [m], visit: 'follow-up' },
        entities: [
          { type: 'HEALTH', value: c },
          { type: 'HEALTH', value: m },
        ],
      };
    }
    default:
      return {
        input: { contact: { name: p, role: 'admin' } },
        entities: [{ type: 'PERSON', value: p }],
      };
  }
}

function logLine(r: Rng, text: string): string {
  const level = r.pick(['INFO', 'WARN', 'ERROR']);
  return `2025-0${r.int(1, 9)}-1${r.int(0, 9)}T10:2${r.int(0, 9)}:00Z ${level} tenant=acme msg="${text.replace(/\n/g, ' ')}" trace_id=${r.int(1e6, 9e6)}`;
}

export function generateContextCorpus(seed: number, n: number): LabeledCase[] {
  const r = new Rng(seed);
  const makers = Object.values(MAKERS);
  const cases: LabeledCase[] = [];
  for (let i = 0; i < n; i++) {
    const x = r.next();
    if (x < 0.12) {
      // Hard negatives alone, in prose.
      const neg = hardNegative(r);
      const ps = productSentence(r);
      cases.push({
        kind: 'negative',
        input: `${ps.text} Also: ${neg}.`,
        entities: [],
        negatives: [neg, ps.text],
      });
      continue;
    }
    if (x < 0.27) {
      const t = toolArgs(r);
      const asString = r.chance(0.3);
      cases.push({
        kind: asString ? 'json-string' : 'json',
        input: asString ? { 'gen_ai.tool.call.arguments': JSON.stringify(t.input) } : t.input,
        entities: t.entities,
        negatives: [],
      });
      continue;
    }
    const made = r.pick(makers)(r);
    const negatives: string[] = [];
    let text = made.text;
    if (r.chance(0.35)) {
      const ps = productSentence(r);
      text = r.chance(0.5) ? `${text} ${ps.text}` : `${ps.text} ${text}`;
      negatives.push(ps.text);
    }
    const asLog = r.chance(0.2);
    cases.push({
      kind: asLog ? 'log' : 'prompt',
      input: asLog ? logLine(r, text) : text,
      entities: made.entities,
      negatives,
    });
  }
  return cases;
}
