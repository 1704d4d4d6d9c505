package store

import (
	"container/list"
	"context"
	"database/sql"
	"sync"
)

// maxStmts bounds the statements a stmtCache keeps prepared (each costs
// tens of KB on every connection it ran on). Attest's queries are a few
// hundred constant strings and the variants of filters and pages (a
// page's LIMIT and OFFSET are in its text); the least recently used is
// closed to make room, so a walk through every page of a list pushes out
// the busiest statements for one preparation each, never memory.
const maxStmts = 256

// stmtCache keeps SQLite's statements prepared. Its driver parses and plans
// a query's SQL on every call unless the statement was prepared: on a page
// served from what was kept, parsing the few reads that remain (the
// session, the memberships, the revision) was a third of the work. A
// prepared *sql.Stmt is prepared once on each connection it runs on and
// kept there. PostgreSQL's driver keeps its own, so it has none.
type stmtCache struct {
	db    *sql.DB
	mu    sync.Mutex
	stmts map[string]*cachedStmt
	order list.List // of *cachedStmt, the most recently used first
}

// cachedStmt is a kept statement. One pushed out while a call is starting
// on it is closed when that call has started: closing a statement whose
// rows are open is safe (database/sql closes it on the connection when the
// rows are done), but a call started on a closed one fails.
type cachedStmt struct {
	query   string
	st      *sql.Stmt
	elem    *list.Element
	users   int  // calls starting on it
	evicted bool // out of the cache: close when users is 0
}

// get returns the statement for query, preparing it the first time, with a
// call counted on it (release with done); nil when it cannot be prepared
// (the caller then runs the query unprepared, which reports what is wrong
// with it).
func (c *stmtCache) get(ctx context.Context, query string) *cachedStmt {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	if cs, ok := c.stmts[query]; ok {
		cs.users++
		c.order.MoveToFront(cs.elem)
		c.mu.Unlock()
		return cs
	}
	c.mu.Unlock()
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if cs, ok := c.stmts[query]; ok { // another call prepared it meanwhile
		st.Close()
		cs.users++
		c.order.MoveToFront(cs.elem)
		return cs
	}
	cs := &cachedStmt{query: query, st: st, users: 1}
	cs.elem = c.order.PushFront(cs)
	c.stmts[query] = cs
	for c.order.Len() > maxStmts {
		c.evict(c.order.Back().Value.(*cachedStmt))
	}
	return cs
}

// done ends the start of a call on cs.
func (c *stmtCache) done(cs *cachedStmt) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cs.users--; cs.evicted && cs.users == 0 {
		cs.st.Close()
	}
}

// evict takes cs out of the cache. Called with mu held.
func (c *stmtCache) evict(cs *cachedStmt) {
	c.order.Remove(cs.elem)
	delete(c.stmts, cs.query)
	cs.evicted = true
	if cs.users == 0 {
		cs.st.Close()
	}
}

// close closes the statements kept.
func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, cs := range c.stmts {
		c.evict(cs)
	}
}

func (p pool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if cs := p.stmts.get(ctx, query); cs != nil {
		defer p.stmts.done(cs)
		return cs.st.QueryContext(ctx, args...)
	}
	return p.DB.QueryContext(ctx, query, args...)
}

func (p pool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if cs := p.stmts.get(ctx, query); cs != nil {
		defer p.stmts.done(cs)
		return cs.st.QueryRowContext(ctx, args...)
	}
	return p.DB.QueryRowContext(ctx, query, args...)
}
