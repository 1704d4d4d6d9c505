-- +goose Up
-- The processes that run jobs (`attest serve`, `attest worker`), each under
-- its job-queue client ID, and when each last said it was alive, in seconds
-- since 1970 by the database's own clock (so that nodes whose clocks differ
-- still agree on who is silent). A job left running by a process that has
-- been silent too long (killed, its machine lost) is put back in the queue
-- at once, instead of after the queue's own rescue delay, which must outlast
-- the longest collection. Not an organization's record: no revision.
CREATE TABLE job_processes (
    id         TEXT NOT NULL PRIMARY KEY,
    host       TEXT NOT NULL,
    pid        BIGINT NOT NULL,
    started_at DOUBLE PRECISION NOT NULL,
    seen_at    DOUBLE PRECISION NOT NULL
);

-- +goose Down
DROP TABLE job_processes;
