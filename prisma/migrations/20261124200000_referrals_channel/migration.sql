-- Referral changes are pushed to the Partner Center Referrals API from the outbox, never from
-- inside the transaction that makes them.
ALTER TYPE "OutboxChannel" ADD VALUE 'REFERRALS';
