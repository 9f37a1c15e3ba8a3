import "server-only";
import { getDb } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { Pagination } from "@/lib/validations/admin";

// Messages flagged for review, newest flag first, with their conversation and its owner.

export async function listFlaggedMessages(input: Pagination & { userId?: string }) {
  const db = await getDb();
  const and: Prisma.MessageWhereInput[] = [{ flagged: true }];
  if (input.userId) and.push({ session: { userId: input.userId } });
  if (input.q) {
    const contains = { contains: input.q, mode: "insensitive" } as const;
    and.push({
      OR: [
        { text: contains },
        { flagReason: contains },
        { session: { title: contains } },
        { session: { user: { email: contains } } },
      ],
    });
  }
  const where = { AND: and };
  const [total, items] = await Promise.all([
    db.message.count({ where }),
    db.message.findMany({
      where,
      select: {
        id: true,
        role: true,
        text: true,
        model: true,
        flagReason: true,
        flaggedAt: true,
        createdAt: true,
        session: {
          select: { id: true, title: true, source: true, user: { select: { id: true, email: true, name: true } } },
        },
      },
      orderBy: [{ flaggedAt: { sort: "desc", nulls: "last" } }, { createdAt: "desc" }, { id: "desc" }],
      take: input.limit,
      skip: input.offset,
    }),
  ]);
  return { total, items };
}
