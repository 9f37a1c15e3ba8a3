-- AlterTable
ALTER TABLE "ChatSession" ADD COLUMN     "shareTokenHash" TEXT,
ADD COLUMN     "sharedAt" TIMESTAMP(3);

-- CreateIndex
CREATE UNIQUE INDEX "ChatSession_shareTokenHash_key" ON "ChatSession"("shareTokenHash");
