-- Trigram indexes serve name and partial-email search (L4). drizzle-kit never writes
-- CREATE EXTENSION; pg_trgm is a trusted extension, so the database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
