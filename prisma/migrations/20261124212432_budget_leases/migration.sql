-- CreateTable
CREATE TABLE "Lease" (
    "id" TEXT NOT NULL,
    "instanceId" TEXT NOT NULL,
    "limitIds" TEXT[],
    "money" BIGINT NOT NULL,
    "tokens" BIGINT NOT NULL,
    "requests" INTEGER NOT NULL,
    "day" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Lease_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Lease_instanceId_idx" ON "Lease"("instanceId");
