package programme

import (
	"context"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/store"
)

// The services of this package (Controls, Scope, Tasks, Frameworks) hold every
// change to an organization's programme together with its activity entry, so
// the UI, the API, the CLI, demo seeding and jobs make a change the same way.
// Each method checks the principal (behind the route table, in depth), runs
// one transaction with the change and its entry, and returns the result.

// Transactor runs fn in one transaction: a *store.DB, or InTx for a caller
// that already holds a transaction and commits many changes at once (seeding).
type Transactor interface {
	Update(ctx context.Context, fn func(tx *store.Queries) error) error
}

// Services are the programme's use cases over one database and catalog, for
// the composition root to build once.
type Services struct {
	Controls   Controls
	Scope      Scope
	Tasks      Tasks
	Frameworks Frameworks
}

// NewServices builds every programme service on db (a *store.DB, or InTx).
func NewServices(db Transactor, cat *catalog.Catalog) Services {
	return Services{Controls{db, cat}, Scope{db, cat}, Tasks{db, cat}, Frameworks{db, cat}}
}

// InTx makes an open transaction a Transactor: changes join it and commit or
// roll back with it.
func InTx(tx *store.Queries) Transactor { return inTx{tx} }

type inTx struct{ tx *store.Queries }

func (t inTx) Update(ctx context.Context, fn func(tx *store.Queries) error) error { return fn(t.tx) }

// view runs a read: on the database outside any transaction, or inside the
// caller's transaction for InTx.
func view(ctx context.Context, t Transactor, fn func(q *store.Queries) error) error {
	if db, ok := t.(*store.DB); ok {
		return fn(&db.Queries)
	}
	return t.Update(ctx, fn)
}

// checkOwner applies who may own a control or a task: a member of the
// organization (ENOTFOUND from the membership is EINVALID on field), and not
// an auditor (attest.MayOwn).
func checkOwner(ctx context.Context, tx *store.Queries, orgID, userID int64, field string) error {
	if userID == 0 {
		return nil
	}
	m, err := tx.Membership(ctx, orgID, userID)
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return attest.Invalid(field, "must be a member of this organization")
	}
	if err != nil {
		return err
	}
	return attest.MayOwn(m.Role, field)
}

// MappableRequirement checks that a control can map to requirement of
// framework: a built-in framework's, or one the organization imported.
func MappableRequirement(ctx context.Context, q *store.Queries, cat *catalog.Catalog, orgID int64, framework, requirement string) error {
	if fw, ok := cat.Framework(framework); ok {
		return fw.MappingTarget("requirement", requirement)
	}
	_, fw, err := q.ImportedFramework(ctx, orgID, framework)
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return attest.Invalid("framework", "%q is not a framework of this organization", framework)
	}
	if err != nil {
		return err
	}
	return fw.MappingTarget("requirement", requirement)
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }
