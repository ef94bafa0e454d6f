export { PrismaClient, Prisma } from './generated/client';
export * from './generated/enums';
export type * from './generated/client';
export type { Database, SqlDriver, DatabaseTarget } from './database';

import type { Prisma as P } from './generated/client';
/** A Prisma client inside an interactive transaction. */
export type Tx = P.TransactionClient;
