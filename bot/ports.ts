import { ClientCertificateCredential, ClientSecretCredential, ManagedIdentityCredential, type TokenCredential } from '@azure/identity';
import type { Tx } from '../services/db';
import type { ChannelHandler } from '../services/outbox';
import { GraphEmailSender, LocalEmailSender, type EmailSender } from '../services/ports/email';
import { CatalogEligibilitySource, type EligibilitySource } from '../services/ports/eligibilitySource';
import { PartnerCenterReferralSync, localReferralSync } from '../services/ports/partnerCenterReferrals';
import { KeyVaultSecret } from '../services/ports/keyVaultSecret';
import { RefreshTokenGrant } from '../services/ports/partnerCenterToken';
import { DirectoryTenantResolver, type TenantResolver } from '../services/ports/tenantResolver';
import type { Config, AzureCredentialConfig } from './config';
import type { Logger } from './logger';

/** The ports to the outside world, each implementation chosen once, here, from the configuration. */
export interface Ports {
  email: EmailSender;
  tenants: TenantResolver;
  eligibility: EligibilitySource;
  /** The outbox handler of the REFERRALS channel: pushes referral changes to Partner Center, or nothing to push locally. */
  referrals: ChannelHandler;
}

export function createPorts(config: Config, logger: Logger, prisma: Tx): Ports {
  return {
    email: createEmailSender(config, logger),
    tenants: new DirectoryTenantResolver(prisma),
    eligibility: new CatalogEligibilitySource(prisma),
    referrals: createReferralSync(config, logger, prisma),
  };
}

function createReferralSync(config: Config, logger: Logger, prisma: Tx): ChannelHandler {
  const referrals = config.referrals;
  if (referrals.provider === 'local') return localReferralSync;
  const vault = referrals.refreshTokenVault;
  logger.info(
    { baseUrl: referrals.baseUrl, mode: referrals.mode, tenantId: referrals.auth.tenantId, refreshTokenKeptIn: vault ? `${vault.vaultUrl} (${vault.secretName})` : 'memory' },
    'referrals go to the Partner Center Referrals API with App+User sign-in',
  );
  return new PartnerCenterReferralSync({
    prisma,
    baseUrl: referrals.baseUrl,
    mode: referrals.mode,
    ...(referrals.createSettings ? { createSettings: referrals.createSettings } : {}),
    coSell: referrals.coSell,
    tokens: new RefreshTokenGrant({
      ...referrals.auth,
      ...(vault ? { store: new KeyVaultSecret({ vaultUrl: vault.vaultUrl, secretName: vault.secretName, credential: createCredential(vault.credential) }) } : {}),
      onStoreError: (error, action) =>
        logger.error({ err: error, action }, 'the Partner Center refresh token could not be kept in Key Vault: a restart may need a new sign-in (docs/deployment.md)'),
    }),
  });
}

function createEmailSender(config: Config, logger: Logger): EmailSender {
  const email = config.email;
  if (email.provider === 'local') {
    return new LocalEmailSender({ dataDir: config.dataDir, log: logger.child({ port: 'email', provider: 'local' }), logLinks: config.localMode });
  }
  logger.info({ sender: email.sender, credential: email.credential.kind }, 'email is sent through Microsoft Graph');
  return new GraphEmailSender({ sender: email.sender, baseUrl: email.baseUrl, credential: createCredential(email.credential) });
}

export function createCredential(credential: AzureCredentialConfig): TokenCredential {
  switch (credential.kind) {
    case 'client-secret':
      return new ClientSecretCredential(credential.tenantId, credential.clientId, credential.clientSecret);
    case 'client-certificate':
      return new ClientCertificateCredential(credential.tenantId, credential.clientId, {
        certificatePath: credential.certificatePath,
        ...(credential.certificatePassword ? { certificatePassword: credential.certificatePassword } : {}),
      });
    case 'managed-identity':
      return credential.clientId ? new ManagedIdentityCredential({ clientId: credential.clientId }) : new ManagedIdentityCredential();
  }
}
