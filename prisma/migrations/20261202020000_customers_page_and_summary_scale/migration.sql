-- Issue 18, targets 1 and 5: a page of the Customers page and of `summary` must not cost more as
-- the claims grow. Both are kept by triggers, so no write path of the application (Prisma, the
-- set-based deadline sweep, a person with psql) can leave them behind.

-- 1. The Eligible tab lists the partner's open claims on an engagement in customer-name order. With
-- the name on the claim while it is open (null once terminal: COMPLETED, EXPIRED, CANCELED, DECLINED,
-- REJECTED_FINAL, services/claims/lifecycle.ts), that order is an index range scan that stops after
-- one page instead of a sort of every open claim.
ALTER TABLE "Claim" ADD COLUMN "openCustomerName" TEXT;

UPDATE "Claim" c SET "openCustomerName" = cu."name"
FROM "Customer" cu WHERE cu."id" = c."customerId"
  AND c."status" NOT IN ('COMPLETED', 'EXPIRED', 'CANCELED', 'DECLINED', 'REJECTED_FINAL');

CREATE INDEX "Claim_partnerId_engagementId_openCustomerName_customerId_idx"
  ON "Claim"("partnerId", "engagementId", "openCustomerName", "customerId");

-- The tabs check each KnownCustomer row of a page with index probes (services/customersPage/page.ts);
-- with the columns they read in the index, those probes never visit the table: the partner of an
-- open claim (own claim, active-claims limit) and the type and value of a customer's ids.
DROP INDEX "Claim_engagementId_customerId_status_idx";
CREATE INDEX "Claim_engagementId_customerId_status_partnerId_idx" ON "Claim"("engagementId", "customerId", "status", "partnerId");
DROP INDEX "CustomerIdentifier_customerId_idx";
CREATE INDEX "CustomerIdentifier_customerId_type_value_idx" ON "CustomerIdentifier"("customerId", "type", "value");

-- Whatever a writer puts there, the copy is the customer's name while the claim is open.
CREATE FUNCTION "claim_open_customer_name"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."status" IN ('COMPLETED', 'EXPIRED', 'CANCELED', 'DECLINED', 'REJECTED_FINAL') THEN
    NEW."openCustomerName" := NULL;
  ELSE
    SELECT "name" INTO NEW."openCustomerName" FROM "Customer" WHERE "id" = NEW."customerId";
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER "Claim_open_customer_name"
BEFORE INSERT OR UPDATE OF "status", "customerId", "openCustomerName" ON "Claim"
FOR EACH ROW EXECUTE FUNCTION "claim_open_customer_name"();

-- A renamed customer's open claims follow (the application never renames one today).
CREATE FUNCTION "customer_name_to_open_claims"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Claim" SET "openCustomerName" = NEW."name" WHERE "customerId" = NEW."id" AND "openCustomerName" IS NOT NULL;
  RETURN NULL;
END $$;

CREATE TRIGGER "Customer_name_to_open_claims"
AFTER UPDATE OF "name" ON "Customer"
FOR EACH ROW WHEN (OLD."name" IS DISTINCT FROM NEW."name")
EXECUTE FUNCTION "customer_name_to_open_claims"();

-- 2. `summary` counts a partner's claims per engagement and status. Every statement that writes
-- claims appends its net change per (partner, engagement, status) here; the sum of a key's rows is
-- the exact count and money of that key. Appending (no upsert of one counter row) means concurrent
-- writers never wait for or deadlock on each other; readers fold a key's rows into one now and then
-- (services/claims/summary.ts), so what a summary reads stays bounded by engagements × statuses.
CREATE TABLE "ClaimStatusTally" (
    "id" BIGSERIAL NOT NULL,
    "partnerId" TEXT NOT NULL,
    "engagementId" TEXT NOT NULL,
    "status" "ClaimStatus" NOT NULL,
    "claims" BIGINT NOT NULL,
    "withDealSize" BIGINT NOT NULL,
    "dealSizeUsd" BIGINT NOT NULL,
    "proposedPayoutUsd" BIGINT NOT NULL,

    CONSTRAINT "ClaimStatusTally_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "ClaimStatusTally_partnerId_engagementId_status_idx" ON "ClaimStatusTally"("partnerId", "engagementId", "status");

INSERT INTO "ClaimStatusTally" ("partnerId", "engagementId", "status", "claims", "withDealSize", "dealSizeUsd", "proposedPayoutUsd")
SELECT "partnerId", "engagementId", "status", count(*), count("estimatedDealSizeUsd"),
       coalesce(sum("estimatedDealSizeUsd"), 0), coalesce(sum("proposedPayoutUsd"), 0)
FROM "Claim" GROUP BY "partnerId", "engagementId", "status";

CREATE FUNCTION "claim_status_tally_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "ClaimStatusTally" ("partnerId", "engagementId", "status", "claims", "withDealSize", "dealSizeUsd", "proposedPayoutUsd")
  SELECT "partnerId", "engagementId", "status", count(*), count("estimatedDealSizeUsd"),
         coalesce(sum("estimatedDealSizeUsd"), 0), coalesce(sum("proposedPayoutUsd"), 0)
  FROM new_rows GROUP BY "partnerId", "engagementId", "status";
  RETURN NULL;
END $$;

-- An update moves its rows from their old key and amounts to their new ones; one that changes
-- neither (most updates) nets to zero and appends nothing.
CREATE FUNCTION "claim_status_tally_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "ClaimStatusTally" ("partnerId", "engagementId", "status", "claims", "withDealSize", "dealSizeUsd", "proposedPayoutUsd")
  SELECT "partnerId", "engagementId", "status", sum(n), sum(d), sum(ds), sum(pp)
  FROM (
    SELECT "partnerId", "engagementId", "status", 1 AS n, ("estimatedDealSizeUsd" IS NOT NULL)::int AS d,
           coalesce("estimatedDealSizeUsd", 0)::bigint AS ds, coalesce("proposedPayoutUsd", 0)::bigint AS pp
    FROM new_rows
    UNION ALL
    SELECT "partnerId", "engagementId", "status", -1, -("estimatedDealSizeUsd" IS NOT NULL)::int,
           -coalesce("estimatedDealSizeUsd", 0)::bigint, -coalesce("proposedPayoutUsd", 0)::bigint
    FROM old_rows
  ) change
  GROUP BY "partnerId", "engagementId", "status"
  HAVING sum(n) <> 0 OR sum(d) <> 0 OR sum(ds) <> 0 OR sum(pp) <> 0;
  RETURN NULL;
END $$;

CREATE FUNCTION "claim_status_tally_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "ClaimStatusTally" ("partnerId", "engagementId", "status", "claims", "withDealSize", "dealSizeUsd", "proposedPayoutUsd")
  SELECT "partnerId", "engagementId", "status", -count(*), -count("estimatedDealSizeUsd"),
         -coalesce(sum("estimatedDealSizeUsd"), 0), -coalesce(sum("proposedPayoutUsd"), 0)
  FROM old_rows GROUP BY "partnerId", "engagementId", "status";
  RETURN NULL;
END $$;

CREATE FUNCTION "claim_status_tally_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "ClaimStatusTally";
  RETURN NULL;
END $$;

CREATE TRIGGER "Claim_status_tally_insert" AFTER INSERT ON "Claim"
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "claim_status_tally_insert"();

CREATE TRIGGER "Claim_status_tally_update" AFTER UPDATE ON "Claim"
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "claim_status_tally_update"();

CREATE TRIGGER "Claim_status_tally_delete" AFTER DELETE ON "Claim"
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "claim_status_tally_delete"();

CREATE TRIGGER "Claim_status_tally_truncate" AFTER TRUNCATE ON "Claim"
FOR EACH STATEMENT EXECUTE FUNCTION "claim_status_tally_truncate"();
