import { TenantryError } from '../../errors.js';

/** ClickHouse refused a statement or could not be reached (the message carries its reply). */
export class ClickHouseError extends TenantryError {
  constructor(message: string) {
    super('TENANTRY_E_CLICKHOUSE', message);
  }
}
