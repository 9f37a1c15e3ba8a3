-- AlterTable
ALTER TABLE "User" ADD COLUMN     "lastChatModel" TEXT;
