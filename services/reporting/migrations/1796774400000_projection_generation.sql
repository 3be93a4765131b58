-- Which generation of the projection code filled the projection tables
-- (PROJECTION_GENERATION in src/projection.ts). A build whose projection needs
-- the events read again (new tables or columns filled from events, such as
-- callbacks and resolutions) has a higher generation; at start the reporting
-- service then rebuilds into shadow tables by itself, the live figures answering
-- meanwhile, and the swap records the new generation in the same transaction.
-- Generation 1 is every build before this table existed.

-- Up Migration
CREATE TABLE projection_meta (
  singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  generation integer NOT NULL CHECK (generation >= 1)
);
INSERT INTO projection_meta (generation) VALUES (1);

-- Down Migration
DROP TABLE projection_meta;
