-- CreateEnum
CREATE TYPE "ModelKind" AS ENUM ('CHAT', 'EMBEDDING');

-- AlterTable
ALTER TABLE "Model" ADD COLUMN     "kind" "ModelKind" NOT NULL DEFAULT 'CHAT';
