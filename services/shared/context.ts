import type { Database } from '../db';
import type { EligibilitySource } from '../ports/eligibilitySource';
import type { TenantResolver } from '../ports/tenantResolver';
import type { Clock } from './clock';

/** Where consent links point and the key of their tokens (CONSENT_TOKEN_SECRET, PUBLIC_BASE_URL). */
export interface ConsentSettings {
  /** CONSENT_TOKEN_SECRET: keys the stored token hash and the page's form tokens. */
  tokenSecret: string;
  /** PUBLIC_BASE_URL without a trailing slash: the consent link is `${publicBaseUrl}/consent/${token}`. */
  publicBaseUrl: string;
}

/** The outside-world ports the use cases read through (tenant resolver, eligibility source). */
export interface EligibilityPorts {
  tenants: TenantResolver;
  eligibility: EligibilitySource;
}

/** What every module's facade is built from, once, by the composition root (bot/app.ts). */
export interface ServiceContext {
  db: Database;
  clock: Clock;
  ports: EligibilityPorts;
  consent: ConsentSettings;
  /** PARTNER_CENTER_REFERRALS_URL: where Referrals admins open a referral; Partner Center's Referrals workspace unless given. */
  partnerCenterReferralsUrl?: string;
}
