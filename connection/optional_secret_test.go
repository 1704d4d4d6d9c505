package connection_test

import (
	"context"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/connection"
	"github.com/attest-hq/attest/connector"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// ambient is a connector whose credential is optional (it can use the
// install's own, as AWS's default credential chain does).
type ambient struct{}

func (ambient) Spec() attest.ConnectorSpec {
	return attest.ConnectorSpec{Type: "ambient", Title: "Ambient", SecretLabel: "Key (empty: the install's own)", SecretOptional: true}
}

func (ambient) Check(_ context.Context, req attest.CollectRequest) (attest.CheckResult, error) {
	if len(req.Secret) == 0 {
		return attest.CheckResult{OK: true, Identity: "the install's own credential"}, nil
	}
	return attest.CheckResult{OK: true, Identity: "key " + string(req.Secret)}, nil
}

func (ambient) Collect(context.Context, attest.CollectRequest) (attest.Collection, error) {
	return attest.Collection{}, nil
}

// TestOptionalSecret: a connector whose credential is optional is added
// without one, and its check runs with none; a required one still refuses.
func TestOptionalSecret(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		s := &connection.Service{DB: db, Box: newBox(t), Registry: connector.New(probe{}, ambient{}), Now: func() time.Time { return now }}
		w := newWorld(t, db, "a")
		c, err := s.Add(ctx, w.manager, connection.Input{Type: "ambient", Name: "aws"})
		if err != nil {
			t.Fatal(err)
		}
		if res, err := s.Check(ctx, w.manager, c.ID); err != nil || res.Identity != "the install's own credential" {
			t.Fatalf("check: %+v, %v", res, err)
		}
		if _, err := s.Add(ctx, w.manager, connection.Input{Type: "probe", Name: "gh", Settings: map[string]string{"org": "acme"}}); attest.ErrorCode(err) != attest.EINVALID {
			t.Fatalf("a required credential missing: %v", err)
		}
	})
}
