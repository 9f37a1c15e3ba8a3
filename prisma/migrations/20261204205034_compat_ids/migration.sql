-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN     "seq" SERIAL NOT NULL;

-- AlterTable
ALTER TABLE "ChatSession" ADD COLUMN     "externalId" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_seq_key" ON "ApiKey"("seq");

-- CreateIndex
CREATE UNIQUE INDEX "ChatSession_userId_externalId_key" ON "ChatSession"("userId", "externalId");
