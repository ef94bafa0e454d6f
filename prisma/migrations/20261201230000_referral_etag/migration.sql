-- The eTag Partner Center gave the referral at its last read or change: updates send it as
-- If-Match, so a referral changed in Partner Center meanwhile is re-read instead of overwritten.
ALTER TABLE "Referral" ADD COLUMN "externalEtag" TEXT;
