package connector_test

import (
	"context"
	"slices"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/connector"
)

// fake is a connector that only has a spec.
type fake struct{ spec attest.ConnectorSpec }

func (f fake) Spec() attest.ConnectorSpec { return f.spec }
func (f fake) Check(context.Context, attest.CollectRequest) (attest.CheckResult, error) {
	return attest.CheckResult{OK: true}, nil
}
func (f fake) Collect(context.Context, attest.CollectRequest) (attest.Collection, error) {
	return attest.Collection{}, nil
}

var spec = attest.ConnectorSpec{Type: "zeta", Title: "Zeta", Settings: []attest.SettingSpec{
	{Key: "org", Label: "Organization", Help: "the organization's login", Required: true},
	{Key: "base_url", Label: "API root", Help: "API root", Default: "https://api.example.test"},
	{Key: "note", Label: "Note", Help: "optional"},
}}

func TestRegistry(t *testing.T) {
	r := connector.Default(fake{spec}, fake{attest.ConnectorSpec{Type: "alpha"}})
	c, err := r.Get("zeta")
	if err != nil || c.Spec().Title != "Zeta" {
		t.Fatalf("Get(zeta) = %v, %v", c, err)
	}
	_, err = r.Get("gitlab")
	if attest.ErrorField(err) != "type" || attest.ErrorCode(err) != attest.EINVALID {
		t.Fatalf("Get(gitlab) = %v; want EINVALID on type", err)
	}
	specs := r.Specs()
	if len(specs) != 2 || specs[0].Type != "alpha" || specs[1].Type != "zeta" {
		t.Fatalf("Specs not sorted by type: %+v", specs)
	}
	if _, err := connector.New().Get("zeta"); attest.ErrorField(err) != "type" {
		t.Fatalf("empty registry: %v", err)
	}
	defer func() {
		if recover() == nil {
			t.Error("two connectors of one type: no panic")
		}
	}()
	connector.New(fake{spec}, fake{spec})
}

func TestSettings(t *testing.T) {
	got, err := connector.Settings(spec, map[string]string{"org": " acme "})
	if err != nil || got["org"] != "acme" || got["base_url"] != "https://api.example.test" || len(got) != 2 {
		t.Fatalf("Settings = %v, %v; want org trimmed and the default API root", got, err)
	}
	got, err = connector.Settings(spec, map[string]string{"org": "acme", "base_url": "https://ghe.example.test/api/v3", "note": "n"})
	if err != nil || got["base_url"] != "https://ghe.example.test/api/v3" || got["note"] != "n" {
		t.Fatalf("Settings with values = %v, %v", got, err)
	}
	if _, err := connector.Settings(spec, map[string]string{}); attest.ErrorField(err) != "org" {
		t.Errorf("missing required org: %v, want EINVALID on org", err)
	}
	_, err = connector.Settings(spec, map[string]string{"org": "acme", "token": "x"})
	if attest.ErrorField(err) != "token" || attest.ErrorCode(err) != attest.EINVALID {
		t.Errorf("unknown key: %v, want EINVALID on token", err)
	}
	if !slices.Equal(connector.New(fake{spec}).Types(), []string{"zeta"}) {
		t.Error("Types")
	}
}
