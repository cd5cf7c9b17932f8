/**
 * Fake people, addresses, birth dates and health details for the context corpus. Written for it,
 * not drawn from the detectors' lexicons: a fifth of the given names are not in the name list at
 * all (so names found only by their context are measured too), and surnames have no list there.
 */
import type { Rng } from '../rng.js';

const w = (s: string) => s.split(/\s+/).filter(Boolean);

/** Given names the detector's list has (EN and other languages). */
const KNOWN_FIRST = w(`Jane John Emily Michael Sarah David Laura James Olivia Daniel Sophie Thomas
 Hannah Robert Maria Peter Anna Lucas Julia Mohammed Fatima Priya Arjun Wei Jürgen François
 Sébastien Hélène Giulia Alejandro Lucía Ingrid Søren Katarzyna Ahmed Aisha Rahul Ananya Kenji
 Yuki Chloé Manon Lena Niklas Matteo Chiara Olga Dmitri Grace Mark Jordan Claire Nathalie Stefan`);

/** Given names the list lacks: found only with a surname, a title or context. */
const UNKNOWN_FIRST = w(`Tendai Nkechi Ayodele Xochitl Leilani Thiago Dagny Eero Siddharth Meera
 Zuzanna Oisín Tadhg Saoirse Anouk Maëlle Yannick Bongani Lwazi Ikaika`);

const SURNAMES = w(`Smith Johnson Williams Brown Garcia Miller Davis Rodriguez Martinez Wilson
 Anderson Taylor Moore Jackson Martin Lee Thompson Harris Clark Lewis Walker Young Allen Wright
 Müller Schmidt Schneider Fischer Weber Becker Dubois Lefèvre Moreau Laurent Girard Rossi
 Russo Ferrari Esposito Patel Sharma Nguyen Tran Kim Park Chen Wang Tanaka Sato Okafor Adeyemi
 Kowalski Nowak Novak Ivanova Petrov Jensen Hansen Lindqvist O'Brien Smith-Jones MacDonald
 Fernández López Haddad Mensah`);

const TITLES = ['Mr', 'Mrs', 'Ms', 'Dr.', 'Dr', 'Prof.', 'Herr', 'Frau', 'Mme', 'Monsieur'];

export function firstName(r: Rng): string {
  return r.chance(0.2) ? r.pick(UNKNOWN_FIRST) : r.pick(KNOWN_FIRST);
}

/** A person as written in text: mostly `First Last`, sometimes a middle initial or a particle. */
export function person(r: Rng): string {
  const x = r.next();
  if (x < 0.08)
    return `${firstName(r)} ${String.fromCharCode(65 + r.int(0, 25))}. ${r.pick(SURNAMES)}`;
  if (x < 0.12) return `${firstName(r)} ${r.pick(['van der', 'de', 'von'])} ${r.pick(SURNAMES)}`;
  return `${firstName(r)} ${r.pick(SURNAMES)}`;
}

/** `Dr. Smith`: the value is the surname (the title stays). */
export function titled(r: Rng): { prefix: string; value: string } {
  return { prefix: r.pick(TITLES), value: r.pick(SURNAMES) };
}

const US_STREETS = w(`Main Oak Maple Cedar Pine Elm Washington Lake Hill Park Sunset Lincoln Madison
 Jefferson Highland Ridge Willow Cherry Walnut Chestnut Pennsylvania Broadway Market Church`);
const US_SUFFIX = w(
  'Street St Avenue Ave Road Rd Boulevard Blvd Lane Ln Drive Dr Court Ct Way Place',
);
const US_CITIES: Array<[string, string]> = [
  ['Springfield', 'IL'],
  ['Austin', 'TX'],
  ['Portland', 'OR'],
  ['Denver', 'CO'],
  ['Columbus', 'OH'],
  ['Albany', 'NY'],
  ['Madison', 'WI'],
  ['Sacramento', 'CA'],
  ['Raleigh', 'NC'],
  ['Boise', 'ID'],
];
const UK_STREETS = w('Baker High Station Church Victoria Mill Queens Kings Manor Park Green Abbey');
const UK_SUFFIX = w('Street Road Lane Close Crescent Gardens Grove Terrace Way Avenue Mews');
const UK_TOWNS: Array<[string, string]> = [
  ['London', 'SW1A 2AA'],
  ['Manchester', 'M1 1AE'],
  ['Leeds', 'LS1 4DY'],
  ['Bristol', 'BS1 5TR'],
  ['Edinburgh', 'EH1 1YZ'],
  ['Cardiff', 'CF10 1EP'],
  ['Oxford', 'OX1 3PW'],
];
const DE_STREETS = w(`Haupt Bahnhof Schiller Goethe Linden Garten Kirch Berg Wald Schul Mozart
 Friedrich Bismarck Rosen Birken`);
const DE_SUFFIX = w('straße strasse str. weg allee platz gasse ring');
const DE_CITIES: Array<[string, string]> = [
  ['10115', 'Berlin'],
  ['80331', 'München'],
  ['20095', 'Hamburg'],
  ['50667', 'Köln'],
  ['60311', 'Frankfurt am Main'],
  ['70173', 'Stuttgart'],
  ['04109', 'Leipzig'],
];
const FR_TYPES = w('rue avenue boulevard place chemin allée impasse quai');
const FR_NAMES = [
  'de Rivoli',
  'de la Paix',
  'Victor Hugo',
  'des Lilas',
  'du Général Leclerc',
  'Jean Jaurès',
  'Saint-Michel',
  'de la République',
  'Pasteur',
  'des Écoles',
];
const FR_CITIES: Array<[string, string]> = [
  ['75001', 'Paris'],
  ['69002', 'Lyon'],
  ['13001', 'Marseille'],
  ['31000', 'Toulouse'],
  ['33000', 'Bordeaux'],
  ['59000', 'Lille'],
  ['44000', 'Nantes'],
];

export type AddressStyle = 'US' | 'UK' | 'DE' | 'FR';

export function address(r: Rng, style: AddressStyle = r.pick(['US', 'UK', 'DE', 'FR'])): string {
  switch (style) {
    case 'US': {
      const [city, st] = r.pick(US_CITIES);
      const street = `${r.int(1, 9999)} ${r.chance(0.15) ? `${r.int(2, 99)}th` : r.pick(US_STREETS)} ${r.pick(US_SUFFIX)}`;
      const unit = r.chance(0.2)
        ? `, ${r.pick(['Apt', 'Suite', 'Unit'])} ${r.int(1, 40)}${r.pick(['', 'B'])}`
        : '';
      if (r.chance(0.2)) return `${street}${unit}`;
      return `${street}${unit}, ${city}, ${st} ${r.digits(5)}`;
    }
    case 'UK': {
      const [town, pc] = r.pick(UK_TOWNS);
      const street = `${r.int(1, 250)}${r.pick(['', '', 'A', 'B'])} ${r.pick(UK_STREETS)} ${r.pick(UK_SUFFIX)}`;
      if (r.chance(0.2)) return street;
      return `${r.chance(0.15) ? `Flat ${r.int(1, 12)}, ` : ''}${street}, ${town} ${pc}`;
    }
    case 'DE': {
      const [zip, city] = r.pick(DE_CITIES);
      const suf = r.pick(DE_SUFFIX);
      const street = `${r.pick(DE_STREETS)}${suf} ${r.int(1, 180)}${r.pick(['', '', 'a'])}`;
      if (r.chance(0.2)) return street;
      return `${street}, ${zip} ${city}`;
    }
    case 'FR': {
      const [zip, city] = r.pick(FR_CITIES);
      const street = `${r.int(1, 200)}${r.pick(['', '', ' bis'])} ${r.pick(FR_TYPES)} ${r.pick(FR_NAMES)}`;
      if (r.chance(0.2)) return street;
      return `${street}, ${zip} ${city}`;
    }
  }
}

const MONTHS_EN = w(
  'January February March April May June July August September October November December',
);
const MONTHS_DE = w(
  'Januar Februar März April Mai Juni Juli August September Oktober November Dezember',
);
const MONTHS_FR = w(
  'janvier février mars avril mai juin juillet août septembre octobre novembre décembre',
);

const pad = (n: number) => String(n).padStart(2, '0');

/** A birth date in one of the formats people type; `lang` picks the month names. */
export function birthDate(r: Rng, lang: 'en' | 'de' | 'fr' = 'en'): string {
  const y = r.int(1935, 2006);
  const m = r.int(1, 12);
  const d = r.int(1, 28);
  if (lang === 'de')
    return r.chance(0.5) ? `${pad(d)}.${pad(m)}.${y}` : `${d}. ${MONTHS_DE[m - 1]} ${y}`;
  if (lang === 'fr')
    return r.chance(0.5) ? `${pad(d)}/${pad(m)}/${y}` : `${d} ${MONTHS_FR[m - 1]} ${y}`;
  switch (r.int(0, 5)) {
    case 0:
      return `${pad(m)}/${pad(d)}/${y}`;
    case 1:
      return `${y}-${pad(m)}-${pad(d)}`;
    case 2:
      return `${MONTHS_EN[m - 1]} ${d}, ${y}`;
    case 3:
      return `${d} ${MONTHS_EN[m - 1]} ${y}`;
    case 4:
      return `${pad(d)}/${pad(m)}/${y}`;
    default:
      return `${MONTHS_EN[m - 1]!.slice(0, 3)} ${d} ${y}`;
  }
}

export const CONDITIONS = w(`diabetes asthma hypertension depression anxiety epilepsy migraines
 arthritis psoriasis eczema COPD dementia insomnia ADHD PTSD endometriosis glaucoma lupus
 fibromyalgia hypothyroidism`).concat([
  'type 2 diabetes',
  'high blood pressure',
  'bipolar disorder',
  'multiple sclerosis',
  'heart disease',
  "Crohn's disease",
  'breast cancer',
  'sleep apnea',
]);

export const MEDICATIONS = w(`metformin insulin lisinopril atorvastatin sertraline fluoxetine
 levothyroxine omeprazole amlodipine gabapentin albuterol prednisone warfarin Ozempic Xanax
 Adderall Lexapro Humira methotrexate lithium quetiapine bupropion escitalopram`);
