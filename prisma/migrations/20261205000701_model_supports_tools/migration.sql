-- AlterTable
ALTER TABLE "Model" ADD COLUMN     "supportsTools" BOOLEAN NOT NULL DEFAULT false;
