/**
 * Word lists of the context detectors, lower case. English first; German, French and Spanish
 * where the corpus covers them (addresses, birth context, titles, months, common conditions).
 * Medications are international non-proprietary names plus the most prescribed brand names.
 */

const words = (s: string): string[] => s.split(/\s+/).filter((w) => w !== '');

/** Titles before a name; the name that follows is a person whatever it is. */
export const TITLES = words(`mr mrs ms miss mx dr prof sir dame herr frau mme mlle monsieur madame
 señor señora sr sra`);

/** Words before a name that make the next capitalised words a name. */
export const NAME_CONTEXT_STRONG = words(`name named dear signed regards sincerely cheers
 heiße heisse appelle llamo nom`);

/** Words near a name that make it likelier (Presidio's context words for PERSON). */
export const NAME_CONTEXT_WEAK = words(`hi hello hey thanks thank customer patient client contact
 user employee manager agent spoke talked emailed called asked told wife husband son daughter
 mother father brother sister colleague friend doctor nurse`);

/** Capitalised words that end a name without being part of it: sentence words, days, months. */
export const NOT_SURNAME = words(`i a an the and or but if in on at to for of with by from is are
 was were be we you he she they it this that these those my your our his her their me us them
 please thanks hi hello hey yes no not so as up do did does has have had will would can could
 should may might must shall what when where who why how which there here then than also just
 monday tuesday wednesday thursday friday saturday sunday january february march april may june
 july august september october november december today tomorrow yesterday ok okay`);

/**
 * Words after a given name that make the pair a product, company or place, not a person:
 * `Claude Code`, `Jasper AI`, `Mistral Large`, `Jordan River`, `Lincoln University`.
 */
export const PRODUCT_MARKERS =
  words(`ai api sdk cli app apps bot bots code sonnet opus haiku instant
 pro plus max mini turbo lite large small medium nemo embed inc ltd llc gmbh sa sarl ag corp co
 company labs lab cloud studio desktop assistant model models agent agents river valley
 university college school airport hospital street road avenue city county state kingdom
 republic sea lake mountain bank group team foundation institute on fargo stanley`);

/** Given names that are also brands and products: a name only with strong context. */
export const BRANDS = words(`claude jasper alexa siri cortana watson gemini llama mistral copilot
 devin harvey morgan wells chase tesla ford lincoln mercedes ruby julia ada`);

/** Words that announce a postal address nearby. */
export const ADDRESS_CONTEXT =
  words(`address live lives living located ship shipping deliver delivery
 billing mailing residence reside resides home adresse anschrift wohne wohnt wohnhaft habite
 domicile domicilio dirección vivo`);

/** Street types after the street name (US, UK) — `12 Baker Street`, `500 5th Ave`. */
export const STREET_SUFFIX = words(`street st avenue ave av road rd boulevard blvd lane ln drive dr
 court ct place pl way terrace ter circle cir parkway pkwy highway hwy close crescent gardens
 grove square sq row mews walk hill green parade esplanade trail loop alley plaza`);

/** Street types before the street name (FR, ES, IT) — `12 rue de Rivoli`. */
export const STREET_PREFIX = words(`rue avenue av bd boulevard place pl chemin allée allee impasse
 quai cours route square passage voie calle avenida paseo via viale piazza`);

/** German street-name endings, as a word (`Berliner Straße`) or a suffix (`Hauptstraße`). */
export const STREET_DE = words(`straße strasse str weg allee platz gasse ring damm ufer chaussee
 steig pfad markt`);

/** Words that make a date a date of birth. */
export const BIRTH_CONTEXT = words(`born birth birthday birthdate dob geboren geb geburtsdatum
 geburtstag né née nee naissance nacimiento nacido nacida nato nata`);

/** Month names and abbreviations (EN, DE, FR, ES); the value is the month number. */
export const MONTHS: Record<string, number> = {};
const MONTH_LISTS = [
  'january february march april may june july august september october november december',
  'jan feb mar apr may jun jul aug sep oct nov dec',
  'januar februar märz april mai juni juli august september oktober november dezember',
  'janvier février mars avril mai juin juillet août septembre octobre novembre décembre',
  'enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre',
];
for (const list of MONTH_LISTS) {
  words(list).forEach((m, i) => {
    MONTHS[m] = i + 1;
  });
}
MONTHS['sept'] = 9;

/** Words that say a condition or drug is someone's health, not a topic. */
export const HEALTH_CONTEXT_STRONG = words(`diagnosed diagnosis diagnose prescribed prescription
 medication medications medicine meds taking takes took dose dosage mg mcg ml tablet tablets pill
 pills suffer suffers suffering treated treatment therapy symptoms condition allergic allergy
 chronic relapse flare patient clinic doctor physician gp surgery hospitalised
 hospitalized diagnostiziert medikament medikamente nehme leide traitement ordonnance souffre
 diagnostiqué médicament nimmt prend prends`);

/** Possessive and first-person words: weaker evidence that health text is about someone. */
export const HEALTH_CONTEXT_WEAK =
  words(`my i i'm im his her he she mein meine meiner ich mon ma mes
 je son sa has have had`);

/** Words that say the word next to them is software, not medicine. */
export const SOFTWARE_CONTEXT = words(`package packages library lib npm pip crate module plugin repo
 repository install installed import version release sdk framework dependency`);

/** Conditions (single words; multi-word ones are in HEALTH_PHRASES). EN, DE, FR. */
export const CONDITIONS = words(`diabetes diabetic asthma asthmatic hypertension hypotension
 depression depressive anxiety bipolar schizophrenia adhd autism autistic epilepsy epileptic
 migraine migraines cancer leukemia leukaemia lymphoma melanoma carcinoma tumour tumor hiv aids
 hepatitis cirrhosis arthritis osteoarthritis osteoporosis fibromyalgia lupus psoriasis eczema
 dermatitis crohn's colitis celiac coeliac ibs copd emphysema bronchitis pneumonia tuberculosis
 dementia alzheimer's alzheimers parkinson's parkinsons ms sclerosis anorexia bulimia ptsd ocd
 insomnia narcolepsy apnea apnoea obesity hypothyroidism hyperthyroidism anemia anaemia
 endometriosis pcos infertility pregnant pregnancy miscarriage chlamydia gonorrhea syphilis
 herpes hiv-positive stroke angina arrhythmia glaucoma cataracts tinnitus scoliosis concussion
 addiction alcoholism sepsis covid covid-19 long-covid shingles gout kidney thrombosis
 diabète asthme dépression schizophrénie épilepsie cancer diabetes asthma depressionen
 krebs epilepsie bluthochdruck`);

/** Multi-word conditions, matched from their first word. */
export const HEALTH_PHRASES = [
  'high blood pressure',
  'low blood pressure',
  'type 1 diabetes',
  'type 2 diabetes',
  'multiple sclerosis',
  'heart disease',
  'heart failure',
  'heart attack',
  'kidney disease',
  'kidney failure',
  'breast cancer',
  'prostate cancer',
  'lung cancer',
  'bipolar disorder',
  'eating disorder',
  'panic attacks',
  'panic disorder',
  'sleep apnea',
  'sickle cell',
  'cystic fibrosis',
  'celiac disease',
  "crohn's disease",
  'chronic pain',
  'chronic fatigue',
  'mental illness',
  'post-traumatic stress',
];

/** Medications: generic names and the commonest brands. */
export const MEDICATIONS = words(`metformin insulin glipizide glyburide sitagliptin januvia
 empagliflozin jardiance semaglutide ozempic wegovy liraglutide victoza tirzepatide mounjaro
 lisinopril enalapril ramipril losartan valsartan amlodipine nifedipine metoprolol atenolol
 bisoprolol propranolol carvedilol hydrochlorothiazide furosemide lasix spironolactone
 atorvastatin lipitor simvastatin rosuvastatin crestor pravastatin ezetimibe warfarin coumadin
 apixaban eliquis rivaroxaban xarelto clopidogrel plavix levothyroxine synthroid omeprazole
 prilosec esomeprazole nexium pantoprazole lansoprazole ranitidine sertraline zoloft fluoxetine
 prozac citalopram escitalopram lexapro paroxetine paxil venlafaxine effexor duloxetine cymbalta
 bupropion wellbutrin mirtazapine trazodone amitriptyline nortriptyline lithium lamotrigine
 lamictal valproate depakote carbamazepine levetiracetam keppra topiramate gabapentin
 neurontin pregabalin lyrica quetiapine seroquel olanzapine zyprexa risperidone risperdal
 aripiprazole abilify haloperidol clozapine methylphenidate ritalin concerta adderall
 amphetamine lisdexamfetamine vyvanse alprazolam xanax lorazepam ativan diazepam valium
 clonazepam klonopin zolpidem ambien melatonin prednisone prednisolone methotrexate humira
 adalimumab etanercept enbrel infliximab hydroxychloroquine plaquenil albuterol salbutamol
 ventolin fluticasone advair symbicort montelukast singulair tiotropium spiriva amoxicillin
 azithromycin doxycycline ciprofloxacin cephalexin penicillin tamoxifen letrozole anastrozole
 oxycodone hydrocodone morphine fentanyl tramadol codeine buprenorphine suboxone methadone
 naltrexone naloxone ibuprofen naproxen diclofenac celecoxib sumatriptan imitrex finasteride
 tamsulosin sildenafil viagra tadalafil cialis estradiol progesterone testosterone truvada
 biktarvy descovy tenofovir emtricitabine dolutegravir`);

/** Person-name field keys (normalised: lower case, no separators). */
export const PERSON_KEYS = words(`fullname firstname lastname givenname familyname surname
 middlename customername patientname contactname displayname cardholder cardholdername
 accountholder accountholdername recipientname sendername billingname shippingname
 employeename authorname ownername vorname nachname prenom nomdefamille patient customer
 recipient sender employee author contact`);

/** Postal-address field keys. */
export const ADDRESS_KEYS = words(`address streetaddress street addressline1 addressline2 line1
 addr homeaddress billingaddress shippingaddress mailingaddress postaladdress deliveryaddress
 residentialaddress adresse anschrift strasse`);

/** Date-of-birth field keys. */
export const BIRTH_KEYS = words(`dob dateofbirth birthdate birthday birthdt geburtsdatum
 datedenaissance datenaissance fechadenacimiento born`);

/** Health field keys. */
export const HEALTH_KEYS = words(`diagnosis diagnoses medication medications meds prescription
 prescriptions allergies allergy symptoms medicalhistory medicalcondition healthcondition
 conditions diagnose diagnostic medikament medikamente medikation traitement`);
