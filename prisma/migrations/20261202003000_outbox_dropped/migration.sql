-- A message not sent on purpose (a deadline reminder no longer timely) is DROPPED, not DEAD: it is
-- recorded with why, and never shown to Incentives admins as an undelivered message.
ALTER TYPE "OutboxStatus" ADD VALUE 'DROPPED';
