import type { Tx } from '../db';

/**
 * Finds the Microsoft Entra tenant a registrable domain belongs to. The local default reads the
 * DirectoryDomain table; production asks the domain's OpenID discovery document. Domains are
 * expected lower-cased (as customer id parsing produces them).
 */
export interface TenantResolver {
  /** The tenant id of the domain, or null when the domain is not known to belong to any tenant. */
  tenantForDomain(domain: string): Promise<string | null>;
  /** The domains known to belong to a tenant; optional because discovery cannot answer it. */
  domainsForTenant?(tenantId: string): Promise<string[]>;
}

/** The local tenant directory: one DirectoryDomain row per domain. */
export class DirectoryTenantResolver implements TenantResolver {
  constructor(private readonly prisma: Tx) {}

  async tenantForDomain(domain: string): Promise<string | null> {
    const row = await this.prisma.directoryDomain.findUnique({ where: { domain: domain.toLowerCase() } });
    return row?.tenantId ?? null;
  }

  async domainsForTenant(tenantId: string): Promise<string[]> {
    const rows = await this.prisma.directoryDomain.findMany({ where: { tenantId }, orderBy: { domain: 'asc' } });
    return rows.map((row) => row.domain);
  }
}
