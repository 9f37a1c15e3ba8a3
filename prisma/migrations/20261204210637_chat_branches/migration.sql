-- AlterTable
ALTER TABLE "ChatSession" ADD COLUMN     "leafId" TEXT;

-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "parentId" TEXT;

-- Conversations so far are one line each: every message follows the one before it, and the last one is shown.
UPDATE "Message" AS m SET "parentId" = p."prev"
FROM (SELECT "id", lag("id") OVER (PARTITION BY "sessionId" ORDER BY "createdAt", "id") AS "prev" FROM "Message") AS p
WHERE p."id" = m."id";
UPDATE "ChatSession" AS s SET "leafId" = l."id"
FROM (SELECT DISTINCT ON ("sessionId") "sessionId", "id" FROM "Message" ORDER BY "sessionId", "createdAt" DESC, "id" DESC) AS l
WHERE l."sessionId" = s."id";
