/** The redaction panel's rows: entity types by count, most first, with a plain-language label. */
export interface RedactionsResponse {
  tenantId: string;
  since: string;
  total: number;
  byType: Record<string, number>;
}

const LABELS: Record<string, string> = {
  EMAIL: 'Email addresses',
  PHONE: 'Phone numbers',
  CREDIT_CARD: 'Card numbers',
  IBAN: 'IBANs',
  US_SSN: 'US social security numbers',
  IP_ADDRESS: 'IP addresses',
  SECRET: 'API keys and tokens',
  CREDENTIAL: 'Credentials',
  SENSITIVE_KEY: 'Values under sensitive keys',
  PERSON: 'Person names',
  ADDRESS: 'Postal addresses',
  DATE_OF_BIRTH: 'Dates of birth',
  HEALTH: 'Health details',
};

export interface RedactionRow {
  type: string;
  label: string;
  count: number;
  share: number;
}

export function redactionRows(r: RedactionsResponse): RedactionRow[] {
  return Object.entries(r.byType)
    .filter(([, n]) => n > 0)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([type, count]) => ({
      type,
      label: LABELS[type] ?? type,
      count,
      share: r.total === 0 ? 0 : count / r.total,
    }));
}
