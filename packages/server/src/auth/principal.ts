/** Who is calling, as resolved from the presented API key by the auth hook. */
export interface Principal {
  keyId: string;
  kind: 'admin' | 'ingest' | 'read';
  /** A key bound to a tenant only ever writes or reads that tenant. */
  tenantId: string | null;
}
