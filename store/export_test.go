package store

import "context"

// ExecForTest runs raw SQL so tests can prove what the schema itself refuses.
func ExecForTest(ctx context.Context, q *Queries, query string) error {
	_, err := q.q.ExecContext(ctx, query)
	return err
}
