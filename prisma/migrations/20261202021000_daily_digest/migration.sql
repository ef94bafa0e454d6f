-- The daily digest: each partner user's setting and record of days done, and the time zone Teams
-- gives on each activity, kept with the conversation it came from.
ALTER TABLE "ConversationReference" ADD COLUMN "timeZone" TEXT;

-- CreateTable
CREATE TABLE "DigestPreference" (
    "userId" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "minutes" INTEGER NOT NULL DEFAULT 480,
    "previousMinutes" INTEGER,
    "changedOn" TEXT,
    "lastDigestOn" TEXT,
    "lastDigestAt" TIMESTAMP(3),
    "nextDueAt" TIMESTAMP(3),
    "zone" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DigestPreference_pkey" PRIMARY KEY ("userId")
);

-- CreateIndex
CREATE INDEX "DigestPreference_enabled_nextDueAt_idx" ON "DigestPreference"("enabled", "nextDueAt");

-- AddForeignKey
ALTER TABLE "DigestPreference" ADD CONSTRAINT "DigestPreference_userId_fkey" FOREIGN KEY ("userId") REFERENCES "PartnerUser"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
