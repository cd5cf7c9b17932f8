/**
 * Rejected items are counted under `reason:tenant` keys; this turns them into the sentence a
 * partial success or a 429 carries back to the exporter.
 */
export function splitKey(key: string): [string, string] {
  const i = key.indexOf(':');
  return [key.slice(0, i), key.slice(i + 1)];
}

const REASON_TEXT: Record<string, string> = {
  tenant_mismatch: "claim a tenant other than the key's tenant",
  invalid_tenant: 'carry an invalid tenant.id (must be a 1-128 character string)',
  tenant_conflict: 'state one tenant while their resource states another',
  rate_limited: "are over the tenant's ingest limit",
  processing_limited:
    "are refused while the tenant's recent payloads exceed its processing-time budget (limits.processingMsPerSecond)",
};

export function describeRejections(rejections: Map<string, number>): string {
  return [...rejections]
    .map(([key, n]) => {
      const [reason, tenant] = splitKey(key);
      return `${n} item(s) of tenant '${tenant}' ${REASON_TEXT[reason] ?? reason}`;
    })
    .join('; ');
}
