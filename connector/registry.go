// Package connector holds the registry of connector types: which
// attest.Connector serves a connection of type "github", and the specs the
// UI, the API and the CLI describe connections with. Each implementation
// lives in its own package below this one (connector/github).
package connector

import (
	"fmt"
	"slices"
	"strings"

	"github.com/attest-hq/attest"
)

// Registry maps a connector type to its implementation.
type Registry map[string]attest.Connector

// New returns a registry of cs, keyed by each one's Spec().Type. Two
// connectors of one type are a programming error.
func New(cs ...attest.Connector) Registry {
	r := Registry{}
	for _, c := range cs {
		t := c.Spec().Type
		if _, dup := r[t]; dup {
			panic(fmt.Sprintf("connector: type %q registered twice", t))
		}
		r[t] = c
	}
	return r
}

// Default returns the registry of the connectors Attest ships, given to it
// by the composition root (app).
func Default(cs ...attest.Connector) Registry { return New(cs...) }

// Get returns the connector of type t; an unknown type is EINVALID on
// "type", naming the known ones.
func (r Registry) Get(t string) (attest.Connector, error) {
	if c, ok := r[t]; ok {
		return c, nil
	}
	known := r.Types()
	if len(known) == 0 {
		return nil, attest.Invalid("type", "unknown connector type %q: no connector is installed", t)
	}
	return nil, attest.Invalid("type", "unknown connector type %q: want one of %s", t, strings.Join(known, ", "))
}

// Types lists the registered types, sorted.
func (r Registry) Types() []string {
	out := make([]string, 0, len(r))
	for t := range r {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

// Specs returns every connector's spec, sorted by type.
func (r Registry) Specs() []attest.ConnectorSpec {
	out := make([]attest.ConnectorSpec, 0, len(r))
	for _, t := range r.Types() {
		out = append(out, r[t].Spec())
	}
	return out
}

// Settings checks settings against spec and returns them with defaults
// filled in: an unknown key is refused, a required one without a value or
// default is missing; each error names the key.
func Settings(spec attest.ConnectorSpec, settings map[string]string) (map[string]string, error) {
	out := map[string]string{}
	known := map[string]bool{}
	for _, s := range spec.Settings {
		known[s.Key] = true
	}
	keys := make([]string, 0, len(settings))
	for k := range settings {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !known[k] {
			names := make([]string, 0, len(spec.Settings))
			for _, s := range spec.Settings {
				names = append(names, s.Key)
			}
			return nil, attest.Invalid(k, "is not a setting of %s connections (they take %s)", spec.Type, strings.Join(names, ", "))
		}
	}
	for _, s := range spec.Settings {
		v := strings.TrimSpace(settings[s.Key])
		if v == "" {
			v = s.Default
		}
		if v == "" {
			if s.Required {
				return nil, attest.Invalid(s.Key, "is required: %s", s.Help)
			}
			continue
		}
		out[s.Key] = v
	}
	return out, nil
}
