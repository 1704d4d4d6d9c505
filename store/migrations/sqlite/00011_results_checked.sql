-- +goose Up
-- A full collection judges every current result of its connection. Rather
-- than rewriting each result row to say so (over a million rows for a large
-- organization), one row per connection records its last full collection
-- and when it ran; a result's effective collection and check time are the
-- newer of its own (set when its verdict was written, or by a partial run)
-- and its connection's. generation counts the runs that wrote the
-- connection's results, so a process that remembers the state it wrote
-- knows whether anyone wrote since. No foreign key to connections, like
-- collections: the row belongs to the results, which are what it describes.
CREATE TABLE results_checked (
    org_id        INTEGER NOT NULL REFERENCES organizations (id),
    connection_id INTEGER NOT NULL,
    generation    INTEGER NOT NULL,
    collection_id INTEGER REFERENCES collections (id), -- NULL until a full collection
    checked_at    TIMESTAMP,
    PRIMARY KEY (org_id, connection_id)
);

-- +goose Down
DROP TABLE results_checked;
