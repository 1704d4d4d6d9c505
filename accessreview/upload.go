package accessreview

import (
	"io"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/csvfile"
)

// Limits on an uploaded account list.
const (
	MaxListSize = 5 << 20 // bytes
	MaxListRows = 50_000
)

// listColumns are an account list's columns; login is required.
var listColumns = []string{"login", "email", "name", "key", "active", "admin"}

// ParseAccounts reads an uploaded account list as CSV: a header naming the
// columns (login; optionally email, name, key, active and admin), then one
// account per line. key defaults to the login; active (default true) and
// admin (default false) are true/false, yes/no or 1/0. Any bad line fails the
// whole file, naming the line and the column: nothing is reviewed from a
// file with an error.
func ParseAccounts(r io.Reader) ([]attest.Account, error) {
	f, err := csvfile.Open(r, csvfile.Spec{Columns: listColumns, Required: listColumns[:1], MaxSize: MaxListSize, MaxRows: MaxListRows})
	if err != nil {
		return nil, err
	}
	var out []attest.Account
	keys := map[string]int{}
	for {
		ok, err := f.Next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		a := attest.Account{Login: f.Get("login"), Email: attest.NormalizeEmail(f.Get("email")), Name: f.Get("name"), Key: f.Get("key"), Active: true}
		if a.Key == "" {
			a.Key = a.Login
		}
		err = nil
		switch {
		case a.Login == "":
			err = attest.Invalid("login", "is required: the account's login or user name")
		case len(a.Login) > 200 || len(a.Key) > 200 || len(a.Email) > 254 || len(a.Name) > 200:
			err = attest.Invalid("login", "login, key and name must be at most 200 characters, email 254")
		}
		if err == nil {
			a.Active, err = flag(f.Get("active"), true, "active")
		}
		if err == nil {
			a.Admin, err = flag(f.Get("admin"), false, "admin")
		}
		if err == nil {
			if line, dup := keys[a.Key]; dup {
				err = attest.Invalid("key", "account %s is listed on line %d already", a.Key, line)
			}
		}
		if err != nil {
			return nil, attest.Invalid("file", "line %d: %s", f.Line(), attest.ErrorMessage(err))
		}
		keys[a.Key] = f.Line()
		out = append(out, a)
	}
	if len(out) == 0 {
		return nil, attest.Invalid("file", "has a header but no accounts")
	}
	return out, nil
}

func flag(v string, def bool, field string) (bool, error) {
	switch strings.ToLower(v) {
	case "":
		return def, nil
	case "true", "yes", "1", "y":
		return true, nil
	case "false", "no", "0", "n":
		return false, nil
	}
	return false, attest.Invalid(field, "must be true or false (got %q)", v)
}
