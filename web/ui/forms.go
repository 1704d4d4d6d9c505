package ui

import "github.com/attest-hq/attest"

// prefixField renames the field of a validation error, for forms that hold two
// records with fields of the same name.
func prefixField(err error, prefix string) error {
	if e, ok := err.(*attest.Error); ok && e.Field != "" {
		c := *e
		c.Field = prefix + e.Field
		return &c
	}
	return err
}
