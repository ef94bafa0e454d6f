-- CreateEnum
CREATE TYPE "Role" AS ENUM ('INCENTIVES_ADMIN', 'INCENTIVES_USER', 'REFERRALS_ADMIN');

-- CreateEnum
CREATE TYPE "PayType" AS ENUM ('FIXED', 'VARIABLE');

-- CreateEnum
CREATE TYPE "CustomerIdType" AS ENUM ('DOMAIN', 'TENANT_ID', 'TPID', 'AZURE_SUBSCRIPTION_ID', 'MSX_OPPORTUNITY_ID');

-- CreateEnum
CREATE TYPE "ClaimOrigin" AS ENUM ('ADDED', 'CLAIMED');

-- CreateEnum
CREATE TYPE "ClaimStatus" AS ENUM ('ADDED', 'CLAIMED', 'CONSENT_REQUESTED', 'CONSENT_GRANTED', 'SUBMITTED', 'REJECTED', 'COMPLETED', 'REJECTED_FINAL', 'EXPIRED', 'CANCELED', 'DECLINED');

-- CreateEnum
CREATE TYPE "ConsentResponse" AS ENUM ('ACCEPTED', 'DECLINED');

-- CreateEnum
CREATE TYPE "ReferralDealType" AS ENUM ('PARTNER_LED', 'CO_SELL');

-- CreateEnum
CREATE TYPE "ReferralStatus" AS ENUM ('NEW', 'ACTIVE', 'CLOSED');

-- CreateEnum
CREATE TYPE "ReferralSubstatus" AS ENUM ('PENDING', 'RECEIVED', 'ACCEPTED', 'WON', 'LOST', 'DECLINED', 'EXPIRED');

-- CreateEnum
CREATE TYPE "OutboxChannel" AS ENUM ('EMAIL', 'TEAMS');

-- CreateEnum
CREATE TYPE "OutboxStatus" AS ENUM ('PENDING', 'SENT', 'DEAD', 'UNDELIVERABLE');

-- CreateEnum
CREATE TYPE "ConversationKind" AS ENUM ('PERSONAL', 'CHANNEL', 'GROUP_CHAT');

-- CreateEnum
CREATE TYPE "ActorKind" AS ENUM ('USER', 'CUSTOMER', 'SELLER', 'SYSTEM');

-- CreateTable
CREATE TABLE "Partner" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Partner_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Location" (
    "id" TEXT NOT NULL,
    "partnerId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "country" TEXT NOT NULL,
    "mciEnrolled" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Location_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LocationEngagement" (
    "locationId" TEXT NOT NULL,
    "engagementId" TEXT NOT NULL,
    "enrolledAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LocationEngagement_pkey" PRIMARY KEY ("locationId", "engagementId")
);

-- CreateTable
CREATE TABLE "PartnerUser" (
    "id" TEXT NOT NULL,
    "partnerId" TEXT NOT NULL,
    "aadObjectId" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "phone" TEXT,
    "lastLocationId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PartnerUser_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UserRole" (
    "userId" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "grantedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "UserRole_pkey" PRIMARY KEY ("userId", "role")
);

-- CreateTable
CREATE TABLE "Engagement" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "consentTerms" TEXT NOT NULL,
    "payType" "PayType" NOT NULL,
    "consentWindowDays" INTEGER NOT NULL,
    "submissionWindowDays" INTEGER NOT NULL,
    "maxActiveClaimsPerCustomer" INTEGER NOT NULL,
    "referralsEnabled" BOOLEAN NOT NULL DEFAULT false,
    "referralMinDealSizeUsd" INTEGER,
    "hourlyRateTiers" JSONB,
    "maxHours" INTEGER,
    "payoutCapUsd" INTEGER,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Engagement_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EngagementIdType" (
    "engagementId" TEXT NOT NULL,
    "idType" "CustomerIdType" NOT NULL,

    CONSTRAINT "EngagementIdType_pkey" PRIMARY KEY ("engagementId", "idType")
);

-- CreateTable
CREATE TABLE "Customer" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Customer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CustomerIdentifier" (
    "type" "CustomerIdType" NOT NULL,
    "value" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,

    CONSTRAINT "CustomerIdentifier_pkey" PRIMARY KEY ("type", "value")
);

-- CreateTable
CREATE TABLE "EligibilityEntry" (
    "engagementId" TEXT NOT NULL,
    "idType" "CustomerIdType" NOT NULL,
    "idValue" TEXT NOT NULL,
    "eligible" BOOLEAN NOT NULL,
    "reason" TEXT,

    CONSTRAINT "EligibilityEntry_pkey" PRIMARY KEY ("engagementId", "idType", "idValue")
);

-- CreateTable
CREATE TABLE "MsxOpportunity" (
    "id" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "valueUsd" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MsxOpportunity_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DirectoryDomain" (
    "domain" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,

    CONSTRAINT "DirectoryDomain_pkey" PRIMARY KEY ("domain")
);

-- CreateTable
CREATE TABLE "KnownCustomer" (
    "partnerId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "firstClaimId" TEXT NOT NULL,
    "knownSince" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "KnownCustomer_pkey" PRIMARY KEY ("partnerId", "customerId")
);

-- CreateTable
CREATE TABLE "Claim" (
    "id" TEXT NOT NULL,
    "partnerId" TEXT NOT NULL,
    "engagementId" TEXT NOT NULL,
    "locationId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "idType" "CustomerIdType" NOT NULL,
    "idValue" TEXT NOT NULL,
    "friendlyName" TEXT NOT NULL,
    "origin" "ClaimOrigin" NOT NULL,
    "status" "ClaimStatus" NOT NULL,
    "openClaimKey" TEXT,
    "hours" INTEGER,
    "proposedPayoutUsd" INTEGER,
    "customerContactName" TEXT NOT NULL,
    "customerContactEmail" TEXT NOT NULL,
    "customerContactPhone" TEXT,
    "partnerContactName" TEXT NOT NULL,
    "partnerContactEmail" TEXT NOT NULL,
    "partnerContactPhone" TEXT,
    "tenantMismatchReason" TEXT,
    "estimatedDealSizeUsd" INTEGER,
    "disclaimerAcceptedAt" TIMESTAMP(3),
    "consentDeadline" TIMESTAMP(3) NOT NULL,
    "submissionDeadline" TIMESTAMP(3),
    "consentRequestedAt" TIMESTAMP(3),
    "consentAnsweredAt" TIMESTAMP(3),
    "submittedAt" TIMESTAMP(3),
    "reviewedAt" TIMESTAMP(3),
    "closedAt" TIMESTAMP(3),
    "closeReason" TEXT,
    "deliverySummary" TEXT,
    "completionDate" TIMESTAMP(3),
    "evidenceLinks" JSONB,
    "reviewNote" TEXT,
    "createdByUserId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "Claim_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConsentRequest" (
    "claimId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "firstSentAt" TIMESTAMP(3) NOT NULL,
    "lastSentAt" TIMESTAMP(3) NOT NULL,
    "sendCount" INTEGER NOT NULL DEFAULT 1,
    "response" "ConsentResponse",
    "respondedAt" TIMESTAMP(3),

    CONSTRAINT "ConsentRequest_pkey" PRIMARY KEY ("claimId")
);

-- CreateTable
CREATE TABLE "Referral" (
    "id" TEXT NOT NULL,
    "claimId" TEXT NOT NULL,
    "partnerId" TEXT NOT NULL,
    "externalId" TEXT,
    "dealType" "ReferralDealType" NOT NULL,
    "status" "ReferralStatus" NOT NULL,
    "substatus" "ReferralSubstatus" NOT NULL,
    "dealSizeUsd" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "upgradedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Referral_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Seller" (
    "id" TEXT NOT NULL,
    "aadObjectId" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Seller_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SellerCoverage" (
    "sellerId" TEXT NOT NULL,
    "tpid" TEXT NOT NULL,

    CONSTRAINT "SellerCoverage_pkey" PRIMARY KEY ("sellerId", "tpid")
);

-- CreateTable
CREATE TABLE "ConversationReference" (
    "conversationId" TEXT NOT NULL,
    "kind" "ConversationKind" NOT NULL,
    "aadObjectId" TEXT,
    "tenantId" TEXT,
    "serviceUrl" TEXT NOT NULL,
    "reference" JSONB NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "inactiveReason" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ConversationReference_pkey" PRIMARY KEY ("conversationId")
);

-- CreateTable
CREATE TABLE "OutboxMessage" (
    "id" TEXT NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "channel" "OutboxChannel" NOT NULL,
    "event" TEXT NOT NULL,
    "claimId" TEXT,
    "partnerId" TEXT,
    "recipient" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" "OutboxStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedUntil" TIMESTAMP(3),
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "OutboxMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" TEXT NOT NULL,
    "partnerId" TEXT,
    "claimId" TEXT,
    "actorKind" "ActorKind" NOT NULL,
    "actorId" TEXT,
    "action" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BotState" (
    "key" TEXT NOT NULL,
    "document" JSONB NOT NULL,
    "eTag" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BotState_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE UNIQUE INDEX "Partner_tenantId_key" ON "Partner"("tenantId");

-- CreateIndex
CREATE INDEX "Location_partnerId_idx" ON "Location"("partnerId");

-- CreateIndex
CREATE INDEX "LocationEngagement_engagementId_idx" ON "LocationEngagement"("engagementId");

-- CreateIndex
CREATE UNIQUE INDEX "PartnerUser_aadObjectId_key" ON "PartnerUser"("aadObjectId");

-- CreateIndex
CREATE UNIQUE INDEX "PartnerUser_email_key" ON "PartnerUser"("email");

-- CreateIndex
CREATE INDEX "PartnerUser_partnerId_idx" ON "PartnerUser"("partnerId");

-- CreateIndex
CREATE UNIQUE INDEX "Engagement_name_key" ON "Engagement"("name");

-- CreateIndex
CREATE INDEX "CustomerIdentifier_customerId_idx" ON "CustomerIdentifier"("customerId");

-- CreateIndex
CREATE INDEX "EligibilityEntry_idType_idValue_idx" ON "EligibilityEntry"("idType", "idValue");

-- CreateIndex
CREATE INDEX "MsxOpportunity_customerId_idx" ON "MsxOpportunity"("customerId");

-- CreateIndex
CREATE INDEX "DirectoryDomain_tenantId_idx" ON "DirectoryDomain"("tenantId");

-- CreateIndex
CREATE INDEX "KnownCustomer_partnerId_name_customerId_idx" ON "KnownCustomer"("partnerId", "name", "customerId");

-- CreateIndex
CREATE UNIQUE INDEX "Claim_openClaimKey_key" ON "Claim"("openClaimKey");

-- CreateIndex
CREATE INDEX "Claim_partnerId_engagementId_status_customerId_idx" ON "Claim"("partnerId", "engagementId", "status", "customerId");

-- CreateIndex
CREATE INDEX "Claim_partnerId_engagementId_closedAt_id_idx" ON "Claim"("partnerId", "engagementId", "closedAt", "id");

-- CreateIndex
CREATE INDEX "Claim_engagementId_customerId_status_idx" ON "Claim"("engagementId", "customerId", "status");

-- CreateIndex
CREATE INDEX "Claim_status_consentDeadline_idx" ON "Claim"("status", "consentDeadline");

-- CreateIndex
CREATE INDEX "Claim_status_submissionDeadline_idx" ON "Claim"("status", "submissionDeadline");

-- CreateIndex
CREATE INDEX "Claim_partnerId_createdAt_idx" ON "Claim"("partnerId", "createdAt");

-- CreateIndex
CREATE INDEX "Claim_createdByUserId_createdAt_idx" ON "Claim"("createdByUserId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "ConsentRequest_tokenHash_key" ON "ConsentRequest"("tokenHash");

-- CreateIndex
CREATE UNIQUE INDEX "Referral_claimId_key" ON "Referral"("claimId");

-- CreateIndex
CREATE INDEX "Referral_partnerId_createdAt_idx" ON "Referral"("partnerId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Seller_aadObjectId_key" ON "Seller"("aadObjectId");

-- CreateIndex
CREATE UNIQUE INDEX "Seller_email_key" ON "Seller"("email");

-- CreateIndex
CREATE INDEX "SellerCoverage_tpid_idx" ON "SellerCoverage"("tpid");

-- CreateIndex
CREATE INDEX "ConversationReference_aadObjectId_active_idx" ON "ConversationReference"("aadObjectId", "active");

-- CreateIndex
CREATE UNIQUE INDEX "OutboxMessage_dedupeKey_key" ON "OutboxMessage"("dedupeKey");

-- CreateIndex
CREATE INDEX "OutboxMessage_status_nextAttemptAt_idx" ON "OutboxMessage"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "OutboxMessage_claimId_idx" ON "OutboxMessage"("claimId");

-- CreateIndex
CREATE INDEX "OutboxMessage_partnerId_status_idx" ON "OutboxMessage"("partnerId", "status");

-- CreateIndex
CREATE INDEX "AuditEvent_claimId_at_idx" ON "AuditEvent"("claimId", "at");

-- CreateIndex
CREATE INDEX "AuditEvent_partnerId_at_idx" ON "AuditEvent"("partnerId", "at");

-- AddForeignKey
ALTER TABLE "Location" ADD CONSTRAINT "Location_partnerId_fkey" FOREIGN KEY ("partnerId") REFERENCES "Partner"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LocationEngagement" ADD CONSTRAINT "LocationEngagement_locationId_fkey" FOREIGN KEY ("locationId") REFERENCES "Location"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LocationEngagement" ADD CONSTRAINT "LocationEngagement_engagementId_fkey" FOREIGN KEY ("engagementId") REFERENCES "Engagement"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PartnerUser" ADD CONSTRAINT "PartnerUser_partnerId_fkey" FOREIGN KEY ("partnerId") REFERENCES "Partner"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PartnerUser" ADD CONSTRAINT "PartnerUser_lastLocationId_fkey" FOREIGN KEY ("lastLocationId") REFERENCES "Location"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UserRole" ADD CONSTRAINT "UserRole_userId_fkey" FOREIGN KEY ("userId") REFERENCES "PartnerUser"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EngagementIdType" ADD CONSTRAINT "EngagementIdType_engagementId_fkey" FOREIGN KEY ("engagementId") REFERENCES "Engagement"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CustomerIdentifier" ADD CONSTRAINT "CustomerIdentifier_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EligibilityEntry" ADD CONSTRAINT "EligibilityEntry_engagementId_fkey" FOREIGN KEY ("engagementId") REFERENCES "Engagement"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KnownCustomer" ADD CONSTRAINT "KnownCustomer_partnerId_fkey" FOREIGN KEY ("partnerId") REFERENCES "Partner"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KnownCustomer" ADD CONSTRAINT "KnownCustomer_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Claim" ADD CONSTRAINT "Claim_partnerId_fkey" FOREIGN KEY ("partnerId") REFERENCES "Partner"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Claim" ADD CONSTRAINT "Claim_engagementId_fkey" FOREIGN KEY ("engagementId") REFERENCES "Engagement"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Claim" ADD CONSTRAINT "Claim_locationId_fkey" FOREIGN KEY ("locationId") REFERENCES "Location"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Claim" ADD CONSTRAINT "Claim_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Claim" ADD CONSTRAINT "Claim_createdByUserId_fkey" FOREIGN KEY ("createdByUserId") REFERENCES "PartnerUser"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConsentRequest" ADD CONSTRAINT "ConsentRequest_claimId_fkey" FOREIGN KEY ("claimId") REFERENCES "Claim"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Referral" ADD CONSTRAINT "Referral_claimId_fkey" FOREIGN KEY ("claimId") REFERENCES "Claim"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Referral" ADD CONSTRAINT "Referral_partnerId_fkey" FOREIGN KEY ("partnerId") REFERENCES "Partner"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SellerCoverage" ADD CONSTRAINT "SellerCoverage_sellerId_fkey" FOREIGN KEY ("sellerId") REFERENCES "Seller"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_partnerId_fkey" FOREIGN KEY ("partnerId") REFERENCES "Partner"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_claimId_fkey" FOREIGN KEY ("claimId") REFERENCES "Claim"("id") ON DELETE SET NULL ON UPDATE CASCADE;
