-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "requestId" TEXT;
