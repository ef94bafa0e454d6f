-- Bulk add from a spreadsheet: a checked file's rows wait here between the report and the Add click.
CREATE TYPE "BulkAddStatus" AS ENUM ('CHECKED', 'ADDING', 'ADDED');

CREATE TABLE "BulkAddFile" (
    "id" TEXT NOT NULL,
    "partnerId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "status" "BulkAddStatus" NOT NULL DEFAULT 'CHECKED',
    "rows" JSONB NOT NULL,
    "result" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "BulkAddFile_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "BulkAddFile_partnerId_createdAt_idx" ON "BulkAddFile"("partnerId", "createdAt");
