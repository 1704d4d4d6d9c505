package accessreview_test

import (
	"bytes"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/accessreview"
	"github.com/attest-hq/attest/csvfile/csvfiletest"
)

// FuzzParseAccounts reads hostile account lists: a refused list is an
// attest.Invalid on "file" naming only lines inside it; a read one has
// accounts with a login, a key (the login by default) unique in the list,
// a normalized email and lengths within the limits.
func FuzzParseAccounts(f *testing.F) {
	csvfiletest.Add(f,
		"login,email,name,key,active,admin\nada,Ada@Example.com,Ada Lovelace,1001,true,yes\nbob,,Bob,,no,0\n",
		"Login\nroot\nroot\n", "login,admin\nx,maybe\n", "login\n", "email\na@b.c\n",
	)
	f.Fuzz(func(t *testing.T, data []byte) {
		var out []attest.Account
		var err error
		csvfiletest.Bounded(t, data, func() { out, err = accessreview.ParseAccounts(bytes.NewReader(data)) })
		if err != nil {
			csvfiletest.FileError(t, data, err)
			return
		}
		if len(out) == 0 {
			t.Fatal("no accounts and no error")
		}
		keys := map[string]bool{}
		for _, a := range out {
			if a.Login == "" || a.Key == "" || keys[a.Key] || a.Email != attest.NormalizeEmail(a.Email) ||
				len(a.Login) > 200 || len(a.Key) > 200 || len(a.Name) > 200 || len(a.Email) > 254 {
				t.Fatalf("account %+v (keys so far %v)", a, keys)
			}
			keys[a.Key] = true
		}
	})
}
